// Losses of the inner-product decoder and VGAE's prior, with their gradients.
//
// Rows live in one table `z` [n_rows, latent] (a part's owned rows followed by rows fetched from
// other parts); a pair is two row indices into it. Sums come back in double (fp32 math, fp64
// accumulation), gradients are accumulated into `dz` (same shape as z) scaled by `grad_scale`.
#pragma once

#include <cstdint>
#include <span>

#include "model/dense.hpp"

namespace distgae {

// Σ over pairs of BCE-with-logits(z_a · z_b, label); adds grad_scale · ∂/∂z into dz.
// first, second: [n_pairs] row indices; label: 1 for positives, 0 for negatives.
double pair_logistic_loss(const Matrix& z, std::span<const std::int64_t> first,
                          std::span<const std::int64_t> second, float label, double grad_scale,
                          Matrix& dz);

// Logits z_a · z_b of pairs, in double. out: [n_pairs].
void pair_logits(const Matrix& z, std::span<const std::int64_t> first,
                 std::span<const std::int64_t> second, std::span<double> out);

// VGAE's KL term as the reference computes it, summed over these rows:
//   Σ_i Σ_d -0.5 (1 + 2 log σ - μ² - σ²)
// Adds grad_scale · ∂/∂μ into dmu and grad_scale · ∂/∂log σ into dlogstd.
double gaussian_kl(const Matrix& mu, const Matrix& logstd, double grad_scale, Matrix& dmu,
                   Matrix& dlogstd);

// z = μ + ε ⊙ exp(log σ). noise ε: [n, latent] standard normal.
void reparameterize(const Matrix& mu, const Matrix& logstd, const Matrix& noise, Matrix& z);
// Backward of reparameterize: dmu += dz; dlogstd += dz ⊙ ε ⊙ exp(log σ).
void reparameterize_backward(const Matrix& dz, const Matrix& logstd, const Matrix& noise,
                             Matrix& dmu, Matrix& dlogstd);

}  // namespace distgae
