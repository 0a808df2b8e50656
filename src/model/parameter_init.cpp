// Glorot-uniform initialisation keyed by (seed, layer, row, column), and the parameter layout.
#include <cmath>
#include <stdexcept>

#include "core/rng.hpp"
#include "model/encoder.hpp"

namespace distgae {
namespace {

void check_shape(const EncoderShape& shape) {
  if (shape.input_dim < 0 || shape.hidden <= 0 || shape.latent <= 0) {
    throw std::invalid_argument("encoder shape: input_dim >= 0, hidden > 0 and latent > 0 needed");
  }
}

// U(-r, r) with r = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010), as PyTorch's
// xavier_uniform_; the draw is a pure function of its key.
float glorot_entry(std::uint64_t seed, std::uint64_t layer, std::uint64_t row, std::uint64_t col,
                   double bound) {
  const double u = unit_interval(random_bits(seed, RandomPurpose::kWeightInit, {layer, row, col}));
  return static_cast<float>((2.0 * u - 1.0) * bound);
}

double glorot_bound(double fan_in, double fan_out) {
  return std::sqrt(6.0 / (fan_in + fan_out));
}

}  // namespace

ParameterLayout parameter_layout(const EncoderShape& shape) {
  check_shape(shape);
  ParameterLayout layout;
  layout.w0_offset = 0;
  layout.w0_rows = shape.input_dim;
  layout.w1_offset = shape.input_dim * shape.hidden;
  layout.total = layout.w1_offset + std::int64_t{shape.hidden} * shape.heads() * shape.latent;
  return layout;
}

std::vector<float> init_parameters(const EncoderShape& shape, std::uint64_t seed) {
  const ParameterLayout layout = parameter_layout(shape);
  std::vector<float> params(static_cast<std::size_t>(layout.total));
  const double bound0 = glorot_bound(static_cast<double>(shape.input_dim), shape.hidden);
  for (std::int64_t i = 0; i < shape.input_dim; ++i) {
    for (int j = 0; j < shape.hidden; ++j) {
      params[static_cast<std::size_t>(layout.w0_offset + i * shape.hidden + j)] = glorot_entry(
          seed, 0, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j), bound0);
    }
  }
  // VGAE's μ and log σ weights are two [hidden, latent] matrices side by side, each initialised
  // as its own Glorot matrix (fan_out = latent), as the reference's Wmu and Wsig are.
  const int width = shape.heads() * shape.latent;
  const double bound1 = glorot_bound(shape.hidden, shape.latent);
  for (int i = 0; i < shape.hidden; ++i) {
    for (int j = 0; j < width; ++j) {
      params[static_cast<std::size_t>(layout.w1_offset + std::int64_t{i} * width + j)] =
          glorot_entry(seed, 1, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j),
                       bound1);
    }
  }
  return params;
}

Matrix init_node_rows(const EncoderShape& shape, std::uint64_t seed, GlobalId num_nodes,
                      std::span<const GlobalId> canonical_ids) {
  check_shape(shape);
  // The rows of the [num_nodes, hidden] W0 that identity features would multiply.
  const double bound = glorot_bound(static_cast<double>(num_nodes), shape.hidden);
  const auto n = static_cast<std::int64_t>(canonical_ids.size());
  for (const GlobalId node : canonical_ids) {
    if (node < 0 || node >= num_nodes)
      throw std::invalid_argument("init_node_rows: id out of range");
  }
  Matrix rows(n, shape.hidden);
#pragma omp parallel for schedule(static) if (n > 4096)
  for (std::int64_t r = 0; r < n; ++r) {
    const GlobalId node = canonical_ids[static_cast<std::size_t>(r)];
    for (int j = 0; j < shape.hidden; ++j) {
      rows(r, j) = glorot_entry(seed, 0, static_cast<std::uint64_t>(node),
                                static_cast<std::uint64_t>(j), bound);
    }
  }
  return rows;
}

}  // namespace distgae
