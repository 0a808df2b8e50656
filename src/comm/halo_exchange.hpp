// HaloExchange: copies owners' rows into the halo rows of the parts that need them (the forward
// and the backward pass alike: the backward's Â · dY needs dY's halo rows as the forward's Â · T
// needs T's).
//
// Layout (the dataset format's): a rank's row buffer is [n_owned + n_halo, width], row-major;
// halo rows received from peer q are contiguous, at n_owned + halo_offsets[q]; the rows sent to
// peer q are send_rows[send_offsets[q] .. send_offsets[q+1]), in the order q's halo lists them.
// Forward is split into start/finish so interior rows can be computed while messages travel.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "comm/communicator.hpp"
#include "core/row_exchange.hpp"
#include "core/types.hpp"

namespace distgae {

struct HaloPlan {
  std::int64_t n_owned = 0;
  std::vector<std::int64_t> halo_offsets;  // [P+1]
  std::vector<std::int64_t> send_offsets;  // [P+1]
  std::vector<LocalId> send_rows;          // [send_offsets[P]]
};

class HaloExchange final : public RowExchange {
 public:
  // The plan's P must equal the communicator's size.
  HaloExchange(HaloPlan plan, const Communicator& communicator);
  ~HaloExchange() override;
  HaloExchange(const HaloExchange&) = delete;
  HaloExchange& operator=(const HaloExchange&) = delete;

  std::int64_t n_owned() const { return plan_.n_owned; }
  std::int64_t n_halo() const { return plan_.halo_offsets.back(); }

  // rows: [n_owned + n_halo, width]. Posts receives into the halo rows and sends owned rows.
  void start_forward(std::span<float> rows, int width) override;
  // Waits until every halo row of the last start_forward has arrived.
  void finish_forward() override;
  void forward(std::span<float> rows, int width) {  // start + finish
    start_forward(rows, width);
    finish_forward();
  }

  // An allreduce (max) over the communicator.
  void agree_max(std::span<double> values) override { communicator_.allreduce_max(values); }

  // Bytes this rank has sent through the exchange since construction.
  std::int64_t bytes_sent() const { return bytes_sent_; }
  // Seconds spent inside the exchange's calls (packing, posting, waiting) since construction;
  // the part of the transfer hidden behind interior rows is not in it.
  double seconds() const { return seconds_; }

 private:
  struct Requests;
  void check_shape(std::span<float> rows, int width) const;

  HaloPlan plan_;
  Communicator communicator_;
  std::unique_ptr<Requests> requests_;
  std::vector<float> buffer_;  // packed send rows
  std::int64_t bytes_sent_ = 0;
  double seconds_ = 0.0;
};

}  // namespace distgae
