#include "model/gcn_aggregation.hpp"

#include <span>
#include <stdexcept>

#include "model/spmm.hpp"

namespace distgae {
namespace {

std::span<float> all_rows(Matrix& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}

}  // namespace

void GcnAggregation::multiply(Matrix& x_ext, Matrix& y, Phase phase) {
  if (x_ext.rows() != adjacency_.n_local) {
    throw std::invalid_argument("GcnAggregation: the operand must have n_owned + n_halo rows");
  }
  const auto width = static_cast<int>(x_ext.cols());
  const ScopedPhase scoped(phase);
  y.resize(adjacency_.n_owned, width);
  {
    const ScopedPhase halo(Phase::kHaloExchange);
    exchange_.start_forward(all_rows(x_ext), width);
  }
  // Interior rows read owned rows only, so they overlap with the halo rows' transfer.
  spmm_rows(adjacency_.rows, x_ext, y, 0, adjacency_.n_interior);
  {
    const ScopedPhase halo(Phase::kHaloExchange);
    exchange_.finish_forward();
  }
  spmm_rows(adjacency_.rows, x_ext, y, adjacency_.n_interior, adjacency_.n_owned);
}

}  // namespace distgae
