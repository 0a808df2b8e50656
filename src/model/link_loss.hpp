// Losses of the inner-product decoder and VGAE's prior, with their gradients.
//
// Rows live in one table `z` [n_rows, latent] (a part's owned rows followed by rows fetched from
// other parts); a pair is two row indices into it. Each term enters the loss times `weight` (1/n
// for a mean over n terms); the weighted terms are summed exactly (core/exact_sum.hpp: the same
// bits for any split of the terms between threads and ranks), and the gradients of the weighted
// terms are accumulated into `dz` (same shape as z).
#pragma once

#include <cstdint>
#include <span>

#include "core/exact_sum.hpp"
#include "core/fixed_point.hpp"
#include "model/dense.hpp"

namespace distgae {

// Σ over pairs of weight · BCE-with-logits(z_a · z_b, label); adds its gradient into dz, each
// pair's updates in pair order. first, second: [n_pairs] row indices; label: 1 for positives, 0
// for negatives.
ExactSum pair_logistic_loss(const Matrix& z, std::span<const std::int64_t> first,
                            std::span<const std::int64_t> second, float label, double weight,
                            Matrix& dz);

// The same with the gradient as fixed-point units of `scale` (core/fixed_point.hpp), added into
// dz_units [n_rows, latent]: every product coefficient · z is rounded once and added as an
// integer, so a row's gradient is the same bits however its pairs are split between threads and
// parts. scale must bound weight · max |z| with at most as many terms as updates reach one row.
ExactSum pair_logistic_loss(const Matrix& z, std::span<const std::int64_t> first,
                            std::span<const std::int64_t> second, float label, double weight,
                            const FixedPointScale& scale, UnitMatrix& dz_units);

// Logits z_a · z_b of pairs, in double. out: [n_pairs].
void pair_logits(const Matrix& z, std::span<const std::int64_t> first,
                 std::span<const std::int64_t> second, std::span<double> out);

// VGAE's KL term as the reference computes it, summed over these rows and times weight:
//   weight · Σ_i Σ_d -0.5 (1 + 2 log σ - μ² - σ²)   (each row's Σ_d in double, in order)
// Adds weight · ∂/∂μ into dmu and weight · ∂/∂log σ into dlogstd.
ExactSum gaussian_kl(const Matrix& mu, const Matrix& logstd, double weight, Matrix& dmu,
                     Matrix& dlogstd);

// z = μ + ε ⊙ exp(log σ). noise ε: [n, latent] standard normal.
void reparameterize(const Matrix& mu, const Matrix& logstd, const Matrix& noise, Matrix& z);
// Backward of reparameterize: dmu += dz; dlogstd += dz ⊙ ε ⊙ exp(log σ).
void reparameterize_backward(const Matrix& dz, const Matrix& logstd, const Matrix& noise,
                             Matrix& dmu, Matrix& dlogstd);

}  // namespace distgae
