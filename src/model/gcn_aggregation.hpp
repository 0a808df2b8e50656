// Y = Â · T across parts (DESIGN.md, Training): T's halo rows come from their owners through a
// RowExchange; interior rows are computed while the exchange is in flight. Backward is Âᵀ · dY
// with the stored transpose (no atomics), then the halo rows' gradients are added into their
// owners' rows on the other parts.
#pragma once

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
  void forward(Matrix& t_ext, Matrix& y);

  // dy: [n_owned, w]. dt_ext: [n_local, w] (resized). Afterwards dt_ext's owned rows hold the
  // full gradient of T's owned rows (this part's terms plus those of every other part).
  void backward(const Matrix& dy, Matrix& dt_ext);

 private:
  const NormalizedAdjacency& adjacency_;
  RowExchange& exchange_;
};

}  // namespace distgae
