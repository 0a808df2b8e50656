// Y = Â · T across parts (DESIGN.md, Training): T's halo rows come from their owners through a
// RowExchange; interior rows are computed while the exchange is in flight. Â is symmetric, so
// backward is the same product: dT = Â · dY, with dY's halo rows fetched like T's. Every owned
// row of the result is then one sum over its canonical-ordered row of Â, complete on its own
// part: no partial sums travel back to be added in an order that depends on the partition.
#pragma once

#include "core/phase_clock.hpp"
#include "core/row_exchange.hpp"
#include "model/dense.hpp"
#include "model/normalized_adjacency.hpp"

namespace distgae {

class GcnAggregation {
 public:
  GcnAggregation(const NormalizedAdjacency& adjacency, RowExchange& exchange)
      : adjacency_(adjacency), exchange_(exchange) {}

  // t_ext: [n_local, w]; its owned rows are the input, its halo rows are filled here.
  // y: [n_owned, w] (resized).
  void forward(Matrix& t_ext, Matrix& y) { multiply(t_ext, y, Phase::kSpmmForward); }

  // dy_ext: [n_local, w]; its owned rows hold dY, its halo rows are filled here. dt: [n_owned, w]
  // (resized), the whole gradient of T's owned rows.
  void backward(Matrix& dy_ext, Matrix& dt) { multiply(dy_ext, dt, Phase::kSpmmBackward); }

 private:
  void multiply(Matrix& x_ext, Matrix& y, Phase phase);

  const NormalizedAdjacency& adjacency_;
  RowExchange& exchange_;
};

}  // namespace distgae
