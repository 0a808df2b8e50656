// Communicator: the few collectives the rest of the code needs, over the job's ranks (world) or
// this process alone (self: a one-rank job inside a bigger one, as tests use to compare P ranks
// against one). Keeps <mpi.h> out of every header but this module's sources.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace distgae {

class Communicator {
 public:
  enum class Scope { kWorld, kSelf };

  // The world communicator of the running job (needs an active MpiEnv).
  static Communicator world();
  // This process alone, as a job of one rank.
  static Communicator self();

  Scope scope() const { return scope_; }

  int rank() const { return rank_; }
  int size() const { return size_; }

  void barrier() const;
  // In-place element-wise sums over all ranks.
  void allreduce_sum(std::span<double> values) const;
  void allreduce_sum(std::span<std::int64_t> values) const;
  // Sums modulo 2^64 (hashes that add up across ranks).
  void allreduce_sum(std::span<std::uint64_t> values) const;
  std::int64_t allreduce_sum(std::int64_t value) const;
  std::int64_t allreduce_max(std::int64_t value) const;
  void allreduce_max(std::span<double> values) const;
  std::int64_t allreduce_min(std::int64_t value) const;
  // The sum of `value` over the ranks before this one (0 on rank 0).
  std::int64_t exclusive_sum(std::int64_t value) const;
  // Every rank's `value`, in rank order.
  std::vector<std::int64_t> allgather(std::int64_t value) const;
  // Every rank gets root's bytes.
  std::vector<std::uint8_t> broadcast(std::span<const std::uint8_t> value, int root = 0) const;
  // Every rank gets root's string.
  std::string broadcast(const std::string& value, int root = 0) const;
  // Concatenation of every rank's values, in rank order, on every rank.
  std::vector<std::int64_t> allgatherv(std::span<const std::int64_t> values) const;
  // The same for floats, into `out` (resized): the rows of a row-partitioned matrix, gathered.
  void allgatherv(std::span<const float> values, std::vector<float>& out) const;
  // Concatenation of every rank's values, in rank order, on `root` only (empty elsewhere).
  std::vector<double> gatherv(std::span<const double> values, int root = 0) const;
  std::vector<float> gatherv(std::span<const float> values, int root = 0) const;
  std::vector<std::uint8_t> gatherv(std::span<const std::uint8_t> values, int root = 0) const;
  // Concatenation of every rank's doubles, in rank order, on every rank.
  std::vector<double> allgatherv(std::span<const double> values) const;
  // Personalised exchange: `send` holds send_counts[q] values for each rank q in rank order.
  // Returns what every rank sent here, grouped by source in rank order; recv_counts[q] is the
  // number rank q sent.
  std::vector<double> alltoallv(std::span<const double> send,
                                std::span<const std::int64_t> send_counts,
                                std::vector<std::int64_t>& recv_counts) const;
  std::vector<std::uint8_t> alltoallv(std::span<const std::uint8_t> send,
                                      std::span<const std::int64_t> send_counts,
                                      std::vector<std::int64_t>& recv_counts) const;
  // Personalised exchange of rows `width` floats wide: `send` holds send_rows[q] rows for each
  // rank q in rank order. Returns the rows every rank sent here, grouped by source in rank
  // order, and sets recv_rows[q] to the number rank q sent. Counts are in rows, so one pair of
  // ranks may exchange up to 2^31 rows.
  // Personalised exchange of records of `record_size` bytes each (comm/exchange.hpp gives it a
  // type): `send` holds send_counts[q] records for each rank q in rank order. Once the counts
  // are known, `receive(records)` is called with the number arriving and returns where to put
  // them, grouped by source rank in rank order (so the caller's typed buffer is the only copy);
  // recv_counts[q] is the number rank q sent. Counts are in records, so one pair of ranks may
  // exchange up to 2^31 records of any size.
  void alltoallv_records(std::span<const std::uint8_t> send,
                         std::span<const std::int64_t> send_counts, std::size_t record_size,
                         std::vector<std::int64_t>& recv_counts,
                         const std::function<std::uint8_t*(std::size_t records)>& receive) const;
  std::vector<float> alltoallv_rows(std::span<const float> send,
                                    std::span<const std::int64_t> send_rows, int width,
                                    std::vector<std::int64_t>& recv_rows) const;

 private:
  Communicator(Scope scope, int rank, int size) : scope_(scope), rank_(rank), size_(size) {}
  Scope scope_ = Scope::kWorld;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace distgae
