#include "model/encoder.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>
#include <string>

#include "core/phase_clock.hpp"
#include "model/dense_products.hpp"
#include "model/spmm.hpp"

namespace distgae {
namespace {

// The reference clamps log σ at 10 (exp(10)² already dwarfs any useful variance).
constexpr float kMaxLogstd = 10.0f;

void check_rows(const Matrix& m, std::int64_t rows, std::int64_t cols, const char* what) {
  if (m.rows() != rows || m.cols() != cols) {
    throw std::invalid_argument(std::string("Encoder: ") + what + " is [" +
                                std::to_string(m.rows()) + ", " + std::to_string(m.cols()) +
                                "], expected [" + std::to_string(rows) + ", " +
                                std::to_string(cols) + "]");
  }
}

// dh ⊙ ReLU'(h), as a select: Eigen's bool-to-float cast in `dh *= (h > 0).cast<float>()` does
// not vectorise (it was a scalar convert and multiply per entry).
void relu_backward(const Matrix& h, Matrix& dh) {
  const float* hd = h.data();
  float* dhd = dh.data();
  const Eigen::Index n = h.size();
  for (Eigen::Index i = 0; i < n; ++i) dhd[i] = hd[i] > 0.0f ? dhd[i] : 0.0f;
}

}  // namespace

Encoder::Encoder(const EncoderShape& shape, const NormalizedAdjacency& adjacency,
                 RowExchange& exchange, const Csr<std::int32_t, float>& features,
                 std::int64_t num_nodes, Summation summation)
    : shape_(shape),
      layout_(parameter_layout(shape)),
      adjacency_(adjacency),
      exchange_(exchange),
      features_(features),
      num_nodes_(static_cast<double>(std::max<std::int64_t>(num_nodes, 1))),
      summation_(summation),
      aggregation_(adjacency, exchange) {
  if (shape.input_dim > 0) {
    if (features.n_rows() != adjacency.n_owned || features.n_cols != shape.input_dim) {
      throw std::invalid_argument("Encoder: features must be [n_owned, input_dim]");
    }
    features_transposed_ = transpose(features);
  }
}

void WeightGradient::values(std::span<const std::int64_t> summed, std::span<float> out) const {
  if (summed.size() != out.size() || quanta.size() != out.size()) {
    throw std::invalid_argument("WeightGradient::values: buffers of the wrong size");
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(static_cast<double>(summed[i]) * quanta[i]);
  }
}

void Encoder::forward(std::span<const float> params, const Matrix& node_rows) {
  if (static_cast<std::int64_t>(params.size()) != layout_.total) {
    throw std::invalid_argument("Encoder::forward: " + std::to_string(params.size()) +
                                " parameters, expected " + std::to_string(layout_.total));
  }
  const std::int64_t n_owned = adjacency_.n_owned;
  const int hidden = shape_.hidden;
  const int width = shape_.heads() * shape_.latent;

  // Layer 0: transform before aggregating, so the exchange carries hidden-wide rows.
  const ScopedPhase phase(Phase::kDense);
  t1_ext_.resize(adjacency_.n_local, hidden);
  if (shape_.input_dim > 0) {
    const ScopedPhase transform(Phase::kFeatureTransform);
    w0_ = ConstMatrixMap(params.data() + layout_.w0_offset, shape_.input_dim, hidden);
    spmm_rows(features_, w0_, t1_ext_, 0, n_owned);
  } else {
    check_rows(node_rows, n_owned, hidden, "node_rows");
    t1_ext_.topRows(n_owned) = node_rows;
  }
  aggregation_.forward(t1_ext_, h_);
  h_ = h_.cwiseMax(0.0f);  // in place: ReLU' is (h > 0) as well as (pre-activation > 0)

  // Layer 1, both VGAE heads at once.
  w1_ = ConstMatrixMap(params.data() + layout_.w1_offset, hidden, width);
  t2_ext_.resize(adjacency_.n_local, width);
  rows_times(h_, w1_, n_owned, t2_ext_);
  if (shape_.kind == ModelKind::kGae) {
    aggregation_.forward(t2_ext_, mu_);
  } else {
    aggregation_.forward(t2_ext_, out_);
    mu_ = out_.leftCols(shape_.latent);
    logstd_ = out_.rightCols(shape_.latent).cwiseMin(kMaxLogstd);
  }
  have_forward_ = true;
}

void Encoder::backward(const Matrix& dmu, const Matrix& dlogstd, std::span<float> dparams,
                       Matrix& dnode_rows) {
  if (static_cast<std::int64_t>(dparams.size()) != layout_.total) {
    throw std::invalid_argument("Encoder::backward: gradient buffer of the wrong size");
  }
  backward(dmu, dlogstd, own_share_, dnode_rows);
  if (summation_ == Summation::kExact) {
    own_share_.values(own_share_.units, dparams);
  } else {
    std::copy(own_share_.floats.begin(), own_share_.floats.end(), dparams.begin());
  }
}

void Encoder::backward(const Matrix& dmu, const Matrix& dlogstd, WeightGradient& dparams,
                       Matrix& dnode_rows) {
  if (!have_forward_) throw std::logic_error("Encoder::backward before forward");
  const std::int64_t n_owned = adjacency_.n_owned;
  const int latent = shape_.latent;
  const int width = shape_.heads() * latent;
  check_rows(dmu, n_owned, latent, "dmu");

  const ScopedPhase phase(Phase::kDense);
  const Matrix* d_out = &dmu;
  if (shape_.kind == ModelKind::kVgae) {
    check_rows(dlogstd, n_owned, latent, "dlogstd");
    d_out_.resize(n_owned, width);
    d_out_.leftCols(latent) = dmu;
    // As torch.clamp(max=10): the gradient passes where the input is at most the bound.
    d_out_.rightCols(latent).array() =
        (out_.rightCols(latent).array() <= kMaxLogstd).select(dlogstd.array(), 0.0f);
    d_out = &d_out_;
  }

  // dT = Â · dY for each layer (Â is symmetric): dY's owned rows go into the forward's T buffer
  // of the layer, whose halo rows the exchange then fills with the owners' gradients. Forward
  // rebuilds every row of those buffers before reading, so the gradients can reuse their memory
  // (the largest per-rank buffers); the results go to buffers the gradient chain is done with.
  Matrix& d_out_ext = t2_ext_;
  d_out_ext.topRows(n_owned) = *d_out;
  Matrix& dt2 = d_out_;  // its contents (VGAE) are in d_out_ext now
  aggregation_.backward(d_out_ext, dt2);
  rows_times_transposed(dt2, w1_, n_owned, dh_);
  relu_backward(h_, dh_);

  Matrix& dh_ext = t1_ext_;
  dh_ext.topRows(n_owned) = dh_;
  Matrix& dt1 = dh_;
  aggregation_.backward(dh_ext, dt1);
  if (summation_ == Summation::kExact) {
    exact_weight_gradient(dt2, dt1, dparams);
  } else {
    float_weight_gradient(dt2, dt1, dparams);
  }
  if (shape_.input_dim == 0) dnode_rows = dt1;
  have_forward_ = false;  // its T buffers now hold gradients
}

void Encoder::float_weight_gradient(const Matrix& dt2, const Matrix& dt1, WeightGradient& dparams) {
  const std::int64_t n_owned = adjacency_.n_owned;
  dparams.floats.resize(static_cast<std::size_t>(layout_.total));
  transpose_times(h_, dt2, n_owned, dparams.floats.data() + layout_.w1_offset);
  if (shape_.input_dim > 0) {
    const ScopedPhase transform(Phase::kFeatureTransform);
    scratch_.resize(shape_.input_dim, shape_.hidden);
    spmm_rows(features_transposed_, dt1, scratch_, 0, shape_.input_dim);
    std::copy(scratch_.data(), scratch_.data() + scratch_.size(),
              dparams.floats.data() + layout_.w0_offset);
  }
}

void Encoder::exact_weight_gradient(Matrix& dt2, Matrix& dt1, WeightGradient& dparams) {
  const std::int64_t n_owned = adjacency_.n_owned;
  const auto hidden = static_cast<std::size_t>(shape_.hidden);
  const auto width = static_cast<std::size_t>(dt2.cols());
  const auto input_dim = static_cast<std::size_t>(shape_.input_dim);
  const bool features = input_dim > 0;
  const bool first = features && feature_exponents_.empty();
  // The weights' gradients are sums over every node of the graph, of products of H and dT2 (W1)
  // and of X and dT1 (W0). Each column goes on a grid from its largest magnitude on any part (one
  // allreduce: H's, dT2's and dT1's columns, and X's the first time), so every part rounds alike
  // and the parts' integer sums add to the same bits for any partition.
  std::vector<double> bounds(hidden + width + (features ? hidden : 0) + (first ? input_dim : 0));
  const std::span<double> all(bounds);
  column_max_magnitudes(h_.data(), n_owned, all.subspan(0, hidden));
  column_max_magnitudes(dt2.data(), n_owned, all.subspan(hidden, width));
  if (features) column_max_magnitudes(dt1.data(), n_owned, all.subspan(hidden + width, hidden));
  if (first) {
    const std::span<double> x_bounds = all.last(input_dim);
    for (std::size_t f = 0; f < input_dim; ++f) {
      const auto begin = static_cast<std::size_t>(features_transposed_.row_start[f]);
      const auto end = static_cast<std::size_t>(features_transposed_.row_start[f + 1]);
      x_bounds[f] =
          features_transposed_.has_values()
              ? max_magnitude(
                    std::span<const float>(features_transposed_.values).subspan(begin, end - begin))
              : (end > begin ? 1.0 : 0.0);
    }
  }
  exchange_.agree_max(bounds);

  // Bits per product, shared between the two operands; binary features take one bit.
  const int bits = exact_product_bits(num_nodes_);
  const auto exponents_of = [&](std::span<const double> column_bounds, int column_bits) {
    std::vector<int> exponents(column_bounds.size());
    for (std::size_t j = 0; j < exponents.size(); ++j) {
      exponents[j] = grid_exponent(column_bounds[j], column_bits);
    }
    return exponents;
  };
  dparams.units.resize(static_cast<std::size_t>(layout_.total));
  dparams.quanta.resize(static_cast<std::size_t>(layout_.total));
  // Entry (k, j) of a product counts units of 2^-(rows[k] + cols[j]): a product of two powers
  // of two, exact.
  const auto record_quanta = [&](std::int64_t offset, const std::vector<int>& rows,
                                 const std::vector<int>& cols) {
    std::vector<double> col_quanta(cols.size());
    for (std::size_t j = 0; j < cols.size(); ++j) col_quanta[j] = std::ldexp(1.0, -cols[j]);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const double row_quantum = std::ldexp(1.0, -rows[k]);
      double* quanta = dparams.quanta.data() + offset + k * cols.size();
      for (std::size_t j = 0; j < cols.size(); ++j) quanta[j] = row_quantum * col_quanta[j];
    }
  };

  const std::vector<int> h_exponents = exponents_of(all.subspan(0, hidden), bits / 2);
  const std::vector<int> dt2_exponents = exponents_of(all.subspan(hidden, width), bits - bits / 2);
  round_columns_to_grid(h_.data(), n_owned, h_exponents);
  round_columns_to_grid(dt2.data(), n_owned, dt2_exponents);
  transpose_times_exact(h_, dt2, n_owned, dparams.units.data() + layout_.w1_offset);
  record_quanta(layout_.w1_offset, h_exponents, dt2_exponents);
  if (!features) return;

  const ScopedPhase transform(Phase::kFeatureTransform);
  if (first) {
    feature_bits_ = features_transposed_.has_values() ? bits / 2 : 1;
    feature_exponents_ = exponents_of(all.last(input_dim), feature_bits_);
    if (features_transposed_.has_values()) {
      for (std::size_t f = 0; f < input_dim; ++f) {
        const auto begin = static_cast<std::size_t>(features_transposed_.row_start[f]);
        const auto end = static_cast<std::size_t>(features_transposed_.row_start[f + 1]);
        round_to_grid(std::span<float>(features_transposed_.values).subspan(begin, end - begin),
                      feature_exponents_[f]);
      }
    }
  }
  const std::vector<int> dt1_exponents = exponents_of(
      all.subspan(hidden + width, hidden), std::min(kMaxOperandBits, bits - feature_bits_));
  round_columns_to_grid(dt1.data(), n_owned, dt1_exponents);
  spmm_exact(features_transposed_, dt1, dparams.units.data() + layout_.w0_offset);
  record_quanta(layout_.w0_offset, feature_exponents_, dt1_exponents);
}

}  // namespace distgae
