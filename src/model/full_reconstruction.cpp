#include "model/full_reconstruction.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/parallel_work.hpp"
#include "model/parallel_sum.hpp"

namespace distgae {
namespace {

void check_inputs(const Matrix& z_all, std::span<const std::int64_t> owned_rows,
                  const Csr<std::int64_t, float>& positives,
                  const FullReconstructionWeights& weights) {
  const auto n_owned = static_cast<std::int64_t>(owned_rows.size());
  const bool owned_in_range =
      std::all_of(owned_rows.begin(), owned_rows.end(),
                  [&](std::int64_t r) { return r >= 0 && r < z_all.rows(); });
  if (!owned_in_range) {
    throw std::invalid_argument("full_reconstruction_loss: owned rows outside z_all");
  }
  if (static_cast<double>(z_all.rows()) != weights.num_nodes) {
    throw std::invalid_argument("full_reconstruction_loss: z_all has " +
                                std::to_string(z_all.rows()) + " rows, not one per node");
  }
  if (positives.n_rows() != n_owned) {
    throw std::invalid_argument("full_reconstruction_loss: one positives row per owned node");
  }
  const bool in_range = std::all_of(positives.col_index.begin(), positives.col_index.end(),
                                    [&](std::int64_t v) { return v >= 0 && v < z_all.rows(); });
  if (!in_range) throw std::invalid_argument("full_reconstruction_loss: positive out of range");
}

// softplus(±x) = log(1 + exp(±x)) and σ(x), stable for any x, from one exp and one log1p.
struct Logistic {
  float softplus;          // softplus(x)
  float softplus_negated;  // softplus(-x)
  float sigmoid;
};
Logistic logistic(float x) {
  const float e = std::exp(-std::abs(x));
  const float tail = std::log1p(e);
  return {std::max(x, 0.0f) + tail, std::max(-x, 0.0f) + tail,
          x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e)};
}

}  // namespace

FullReconstructionWeights full_reconstruction_weights(GlobalId num_nodes,
                                                      std::int64_t nnz_with_self_loops) {
  const double pairs = static_cast<double>(num_nodes) * static_cast<double>(num_nodes);
  const auto nnz = static_cast<double>(nnz_with_self_loops);
  if (num_nodes <= 0 || nnz <= 0.0 || nnz >= pairs) {
    throw std::invalid_argument("full_reconstruction_weights: need 0 < nnz < N²");
  }
  FullReconstructionWeights weights;
  weights.pos_weight = (pairs - nnz) / nnz;
  weights.norm = pairs / (2.0 * (pairs - nnz));
  weights.num_nodes = static_cast<double>(num_nodes);
  return weights;
}

ExactSum full_reconstruction_loss(const Matrix& z_all, std::span<const std::int64_t> owned_rows,
                                  const Csr<std::int64_t, float>& positives,
                                  const FullReconstructionWeights& weights, Matrix& dz_owned) {
  check_inputs(z_all, owned_rows, positives, weights);
  const auto n_owned = static_cast<std::int64_t>(owned_rows.size());
  const std::int64_t n = z_all.rows();
  const double scale = weights.norm / (weights.num_nodes * weights.num_nodes);
  // ∂/∂z_u counts the pair both as (u, v) and as (v, u): hence the 2.
  const auto grad_scale = static_cast<float>(2.0 * scale);
  const auto pos_weight = static_cast<float>(weights.pos_weight);
  dz_owned.resize(n_owned, z_all.cols());
  // Each row costs O(N · latent): worth threads unless the whole problem is tiny.
  const bool parallel = worth_parallel_work(n_owned * n * z_all.cols());
  return detail::blocked_sum(n_owned, parallel, [&](std::int64_t i) {
    Eigen::Map<Eigen::VectorXf> logits(detail::thread_scratch(0, n).data(), n);
    Eigen::Map<Eigen::VectorXf> coefficient(detail::thread_scratch(1, n).data(), n);
    logits.noalias() = z_all * z_all.row(owned_rows[static_cast<std::size_t>(i)]).transpose();
    // Every pair as a non-edge first (a = 0), vectorised over the row: softplus(x) =
    // max(x, 0) + log1p(e) and σ(x) from e = exp(-|x|), stable for any x.
    Eigen::Map<Eigen::ArrayXf> x(logits.data(), n);
    Eigen::Map<Eigen::ArrayXf> e(detail::thread_scratch(2, n).data(), n);
    Eigen::Map<Eigen::ArrayXf> c(coefficient.data(), n);
    e = (-x.abs()).exp();
    c = x.max(0.0f) + e.log1p();
    double sum = c.cast<double>().sum();
    e = 1.0f / (1.0f + e);  // σ(|x|)
    c = grad_scale * (x >= 0.0f).select(e, 1.0f - e);
    // ... then the positives corrected to pos_weight · softplus(-x), whose derivative is
    // pos_weight · (σ(x) - 1).
    for (const std::int64_t v : positives.row(i)) {
      const Logistic l = logistic(logits[v]);
      sum += pos_weight * l.softplus_negated - l.softplus;
      coefficient[v] = grad_scale * pos_weight * (l.sigmoid - 1.0f);
    }
    dz_owned.row(i).noalias() = coefficient.transpose() * z_all;
    return scale * sum;
  });
}

}  // namespace distgae
