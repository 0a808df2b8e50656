// RowExchange: what a GCN layer needs from communication, as an interface, so the model's math
// is unit-tested without MPI. comm::HaloExchange implements it over MPI; LocalRowExchange (no
// halo: one part) implements it for a single process.
#pragma once

#include <span>

namespace distgae {

class RowExchange {
 public:
  virtual ~RowExchange() = default;
  // rows: [n_owned + n_halo, width] row-major. Starts filling the halo rows from their owners.
  virtual void start_forward(std::span<float> rows, int width) = 0;
  // Completes the last start_forward: every halo row holds its owner's row.
  virtual void finish_forward() = 0;
  // Every part's `values` become the maximum over all parts, entry by entry: the bounds that
  // fixed-point sums (core/fixed_point.hpp) take their common scale from.
  virtual void agree_max(std::span<double> values) = 0;
};

// The exchange of a part without halo (P = 1, or a part with no remote neighbour).
class LocalRowExchange final : public RowExchange {
 public:
  void start_forward(std::span<float>, int) override {}
  void finish_forward() override {}
  void agree_max(std::span<double>) override {}
};

}  // namespace distgae
