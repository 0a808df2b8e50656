// RowFetch: rows by partition-ordered id from whichever rank owns them (DESIGN.md: negatives
// and evaluation pairs reach any node). A plan() exchanges the unique ids each rank needs
// (request all-to-all); fetch() returns the rows (response all-to-all); return_gradients() sends
// gradient rows back the same way and adds them into the owners' rows.
// Planning keeps one bit per node of the whole graph (N/8 bytes per rank, plus N/8 for the
// per-word counts): uniform negatives reach any node, and the bitmap makes a plan of tens of
// millions of ids linear, with no sort.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "comm/communicator.hpp"
#include "core/types.hpp"

namespace distgae {

class RowFetch {
 public:
  // part_offsets: [P+1] partition-ordered range of each rank (the dataset's); the communicator
  // has P ranks.
  RowFetch(std::vector<std::int64_t> part_offsets, const Communicator& communicator);
  ~RowFetch();
  RowFetch(const RowFetch&) = delete;
  RowFetch& operator=(const RowFetch&) = delete;

  // Collective. ids: partition-ordered ids this rank needs (any order; repeats and owned ids
  // allowed). slots[i] (resized to ids.size()) becomes the row of ids[i] in the table
  // [owned rows (n_owned); fetched rows (n_remote)]: owned ids map to id - first owned id,
  // remote ids to n_owned + their index among the unique remote ids (ascending by id).
  void plan(std::span<const GlobalId> ids, std::vector<std::int64_t>& slots);

  std::int64_t n_owned() const;
  std::int64_t n_remote() const;  // of the last plan

  // Collective. owned: [n_owned, width]; remote: [n_remote, width], filled with the owners' rows.
  void fetch(const float* owned, int width, float* remote);

  // Collective. remote_grad: [n_remote, width]; each row is sent to its owner and added into
  // owned_grad [n_owned, width] (peer order then request order: the same sum every run).
  void return_gradients(const float* remote_grad, int width, float* owned_grad);
  // The same for gradients in fixed-point units (core/fixed_point.hpp): integer sums, the same
  // whatever order they come in.
  void return_gradients(const std::int64_t* remote_grad, int width, std::int64_t* owned_grad);

  std::int64_t bytes_sent() const { return bytes_sent_; }

 private:
  struct State;
  template <class T>
  void return_rows(const T* remote_grad, int width, T* owned_grad);
  // slots[i]: ids[i]'s local row, or n_owned + its rank among the marked remote ids.
  void assign_slots(std::span<const GlobalId> ids, GlobalId first,
                    std::vector<std::int64_t>& slots) const;
  std::vector<std::int64_t> part_offsets_;
  Communicator communicator_;
  int rank_ = 0;
  std::unique_ptr<State> state_;
  std::int64_t bytes_sent_ = 0;
};

}  // namespace distgae
