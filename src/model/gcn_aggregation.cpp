#include "model/gcn_aggregation.hpp"

#include <span>
#include <stdexcept>

#include "core/phase_clock.hpp"
#include "model/spmm.hpp"

namespace distgae {
namespace {

std::span<float> all_rows(Matrix& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}

}  // namespace

void GcnAggregation::forward(Matrix& t_ext, Matrix& y) {
  if (t_ext.rows() != adjacency_.n_local) {
    throw std::invalid_argument("GcnAggregation::forward: T must have n_owned + n_halo rows");
  }
  const auto width = static_cast<int>(t_ext.cols());
  const ScopedPhase phase(Phase::kSpmmForward);
  y.resize(adjacency_.n_owned, width);
  {
    const ScopedPhase halo(Phase::kHaloExchange);
    exchange_.start_forward(all_rows(t_ext), width);
  }
  // Interior rows read owned rows only, so they overlap with the halo rows' transfer.
  spmm_rows(adjacency_.rows, t_ext, y, 0, adjacency_.n_interior);
  {
    const ScopedPhase halo(Phase::kHaloExchange);
    exchange_.finish_forward();
  }
  spmm_rows(adjacency_.rows, t_ext, y, adjacency_.n_interior, adjacency_.n_owned);
}

void GcnAggregation::backward(const Matrix& dy, Matrix& dt_ext) {
  if (dy.rows() != adjacency_.n_owned) {
    throw std::invalid_argument("GcnAggregation::backward: dY must have n_owned rows");
  }
  const auto width = static_cast<int>(dy.cols());
  const ScopedPhase phase(Phase::kSpmmBackward);
  dt_ext.resize(adjacency_.n_local, width);
  // Âᵀ's rows are T's rows, halo ones included: their sums belong to other parts' owned rows.
  spmm_rows(adjacency_.transposed, dy, dt_ext, 0, adjacency_.n_local);
  const ScopedPhase halo(Phase::kHaloExchange);
  exchange_.reverse_add(all_rows(dt_ext), width);
}

}  // namespace distgae
