#include "model/link_loss.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "model/parallel_sum.hpp"

namespace distgae {
namespace {

// Work (pairs × latent) below which one thread beats a parallel region.
constexpr std::int64_t kParallelWork = 1 << 15;

void check_pairs(const Matrix& z, std::span<const std::int64_t> first,
                 std::span<const std::int64_t> second) {
  if (first.size() != second.size()) {
    throw std::invalid_argument("pair losses: " + std::to_string(first.size()) +
                                " first endpoints but " + std::to_string(second.size()) +
                                " second ones");
  }
  const auto in_range = [&](std::int64_t row) { return row >= 0 && row < z.rows(); };
  if (!std::all_of(first.begin(), first.end(), in_range) ||
      !std::all_of(second.begin(), second.end(), in_range)) {
    throw std::invalid_argument("pair losses: a row index lies outside z's " +
                                std::to_string(z.rows()) + " rows");
  }
}

// log(1 + exp(-|x|)) without overflow; softplus(x) = max(x, 0) + this.
double log1p_exp_neg_abs(double x) {
  return std::log1p(std::exp(-std::abs(x)));
}

double sigmoid(double x) {
  const double e = std::exp(-std::abs(x));
  return x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

// dz[first[p]] += g[p] · z[second[p]] and dz[second[p]] += g[p] · z[first[p]] without races or
// atomics: each thread owns a contiguous range of dz's rows and scans every pair, applying only
// the updates that land in its range. A row's updates come in pair order whatever the thread
// count, so the result has the same bits for any number of threads.
void scatter_pair_gradients(const Matrix& z, std::span<const std::int64_t> first,
                            std::span<const std::int64_t> second, std::span<const float> g,
                            Matrix& dz) {
  const auto n_pairs = static_cast<std::int64_t>(g.size());
#pragma omp parallel if (n_pairs * z.cols() > kParallelWork)
  {
    const std::int64_t threads = omp_get_num_threads();
    const std::int64_t thread = omp_get_thread_num();
    const std::int64_t row_begin = z.rows() * thread / threads;
    const std::int64_t row_end = z.rows() * (thread + 1) / threads;
    const auto mine = [&](std::int64_t row) { return row >= row_begin && row < row_end; };
    for (std::int64_t p = 0; p < n_pairs; ++p) {
      const std::int64_t a = first[static_cast<std::size_t>(p)];
      const std::int64_t b = second[static_cast<std::size_t>(p)];
      const float gp = g[static_cast<std::size_t>(p)];
      if (mine(a)) dz.row(a).noalias() += gp * z.row(b);
      if (mine(b)) dz.row(b).noalias() += gp * z.row(a);
    }
  }
}

}  // namespace

double pair_logistic_loss(const Matrix& z, std::span<const std::int64_t> first,
                          std::span<const std::int64_t> second, float label, double grad_scale,
                          Matrix& dz) {
  check_pairs(z, first, second);
  if (dz.rows() != z.rows() || dz.cols() != z.cols() || &dz == &z) {
    throw std::invalid_argument("pair_logistic_loss: dz must have z's shape (and not be z)");
  }
  const std::span<float> g = detail::thread_scratch(0, first.size());
  const double y = label;
  const auto n_pairs = static_cast<std::int64_t>(first.size());
  const bool parallel = n_pairs * z.cols() > kParallelWork;
  const double loss = detail::blocked_sum(n_pairs, parallel, [&](std::int64_t p) {
    const auto i = static_cast<std::size_t>(p);
    const double x = z.row(first[i]).dot(z.row(second[i]));
    g[i] = static_cast<float>(grad_scale * (sigmoid(x) - y));
    // BCE with logits, stable for any x: max(x, 0) - x·y + log(1 + exp(-|x|)).
    return std::max(x, 0.0) - x * y + log1p_exp_neg_abs(x);
  });
  scatter_pair_gradients(z, first, second, g, dz);
  return loss;
}

void pair_logits(const Matrix& z, std::span<const std::int64_t> first,
                 std::span<const std::int64_t> second, std::span<double> out) {
  check_pairs(z, first, second);
  if (out.size() != first.size()) {
    throw std::invalid_argument("pair_logits: output size differs from the pair count");
  }
  const auto n_pairs = static_cast<std::int64_t>(first.size());
#pragma omp parallel for schedule(static) if (n_pairs * z.cols() > kParallelWork)
  for (std::int64_t p = 0; p < n_pairs; ++p) {
    const auto i = static_cast<std::size_t>(p);
    out[i] = z.row(first[i]).cast<double>().dot(z.row(second[i]).cast<double>());
  }
}

double gaussian_kl(const Matrix& mu, const Matrix& logstd, double grad_scale, Matrix& dmu,
                   Matrix& dlogstd) {
  const auto same_shape = [&](const Matrix& m) {
    return m.rows() == mu.rows() && m.cols() == mu.cols();
  };
  if (!same_shape(logstd) || !same_shape(dmu) || !same_shape(dlogstd)) {
    throw std::invalid_argument("gaussian_kl: mu, logstd, dmu and dlogstd must share a shape");
  }
  const auto scale = static_cast<float>(grad_scale);
  const bool parallel = mu.size() > kParallelWork;
  return detail::blocked_sum(mu.rows(), parallel, [&](std::int64_t row) {
    double sum = 0.0;
    for (Eigen::Index d = 0; d < mu.cols(); ++d) {
      const double m = mu(row, d);
      const double ls = logstd(row, d);
      const double sigma = std::exp(ls);
      sum += -0.5 * (1.0 + 2.0 * ls - m * m - sigma * sigma);
      dmu(row, d) += scale * mu(row, d);
      dlogstd(row, d) += scale * static_cast<float>(sigma * sigma - 1.0);
    }
    return sum;
  });
}

void reparameterize(const Matrix& mu, const Matrix& logstd, const Matrix& noise, Matrix& z) {
  if (logstd.rows() != mu.rows() || logstd.cols() != mu.cols() || noise.rows() != mu.rows() ||
      noise.cols() != mu.cols()) {
    throw std::invalid_argument("reparameterize: mu, logstd and noise must share a shape");
  }
  z.resize(mu.rows(), mu.cols());
  z.array() = mu.array() + noise.array() * logstd.array().exp();
}

void reparameterize_backward(const Matrix& dz, const Matrix& logstd, const Matrix& noise,
                             Matrix& dmu, Matrix& dlogstd) {
  const auto same_shape = [&](const Matrix& m) {
    return m.rows() == dz.rows() && m.cols() == dz.cols();
  };
  if (!same_shape(logstd) || !same_shape(noise) || !same_shape(dmu) || !same_shape(dlogstd)) {
    throw std::invalid_argument("reparameterize_backward: all matrices must share a shape");
  }
  dmu += dz;
  dlogstd.array() += dz.array() * noise.array() * logstd.array().exp();
}

}  // namespace distgae
