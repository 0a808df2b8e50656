// The 2-layer GCN encoder of GAE and VGAE (Kipf & Welling 2016), over one part's rows:
//   H = ReLU(Â · X W0),   GAE: Z = Â · H W1,   VGAE: [μ | log σ] = Â · H [Wμ | Wσ]
// VGAE's two heads share layer 1 and are computed as one layer of width 2·latent (one SpMM, one
// halo exchange). log σ is clamped at 10 as the reference does. No bias, no dropout.
//
// Featureless graphs (input_dim == 0) use identity features: X W0 is then a learnable row per
// node (`node_rows`, [n_owned, hidden]) that lives with its node and is updated by its owner.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/csr.hpp"
#include "core/fixed_point.hpp"
#include "core/row_exchange.hpp"
#include "core/types.hpp"
#include "model/dense.hpp"
#include "model/gcn_aggregation.hpp"
#include "model/normalized_adjacency.hpp"

namespace distgae {

enum class ModelKind { kGae, kVgae };

struct EncoderShape {
  ModelKind kind = ModelKind::kGae;
  std::int64_t input_dim = 0;  // feature columns; 0: featureless (per-node first-layer rows)
  int hidden = 32;
  int latent = 16;
  int heads() const { return kind == ModelKind::kVgae ? 2 : 1; }
};

// Where each replicated weight matrix sits in the one flat parameter (and gradient) buffer.
struct ParameterLayout {
  std::int64_t w0_offset = 0, w0_rows = 0;  // W0 [input_dim, hidden]; 0 rows when featureless
  std::int64_t w1_offset = 0;               // W1 [hidden, heads·latent]: columns [μ | log σ]
  std::int64_t total = 0;
};
ParameterLayout parameter_layout(const EncoderShape& shape);

// Glorot-uniform weights, each entry a pure function of (seed, layer, row, column): the same on
// every rank and for every number of ranks.
std::vector<float> init_parameters(const EncoderShape& shape, std::uint64_t seed);

// Featureless first-layer rows of the owned nodes: the rows of a Glorot-uniform [num_nodes,
// hidden] W0, keyed by canonical id. canonical_ids: [n_owned].
Matrix init_node_rows(const EncoderShape& shape, std::uint64_t seed, GlobalId num_nodes,
                      std::span<const GlobalId> canonical_ids);

// A part's share of the replicated weights' gradient, [layout.total] entries. Summation::kFloat:
// `floats`, sums over the part's rows in fixed blocks (the parts' shares are then added in
// double). Summation::kExact: exact integer sums (core/fixed_point.hpp) of products of operands
// on grids every part agrees on, entry i being units[i] · quanta[i] (a power of two); the shares of
// all parts add exactly, in any order, so the gradient has the same bits for any partition.
struct WeightGradient {
  std::vector<float> floats;
  std::vector<std::int64_t> units;
  std::vector<double> quanta;

  // out[i] = summed[i] · quanta[i]; summed: units added over parts (or this part's own).
  // out: [layout.total].
  void values(std::span<const std::int64_t> summed, std::span<float> out) const;
};

class Encoder {
 public:
  // features: the owned rows' features [n_owned, input_dim] (ignored when featureless);
  // num_nodes: the graph's node count (the most rows a weight gradient sums over); summation:
  // how the weights' gradient is summed over rows. The references must outlive the encoder.
  Encoder(const EncoderShape& shape, const NormalizedAdjacency& adjacency, RowExchange& exchange,
          const Csr<std::int32_t, float>& features, std::int64_t num_nodes,
          Summation summation = Summation::kFloat);

  // params: [layout.total]; node_rows: [n_owned, hidden] when featureless (else ignored).
  void forward(std::span<const float> params, const Matrix& node_rows);

  const Matrix& mu() const { return mu_; }          // [n_owned, latent]
  const Matrix& logstd() const { return logstd_; }  // [n_owned, latent], VGAE only

  // dmu, dlogstd: [n_owned, latent] (dlogstd ignored for GAE). Writes dparams, this part's share
  // of the weights' gradient (the caller sums it over parts: the floats, or the units and then
  // their values), and, when featureless, dnode_rows [n_owned, hidden] (complete: halo
  // contributions from other parts included). Collective over the parts (the halo exchanges, and
  // the scales' agreement when exact). It reuses the forward's buffers for the gradients, so each
  // backward needs a forward before it.
  void backward(const Matrix& dmu, const Matrix& dlogstd, WeightGradient& dparams,
                Matrix& dnode_rows);
  // The same with this part's share as values in dparams [layout.total]: the whole gradient
  // when the part is the only one.
  void backward(const Matrix& dmu, const Matrix& dlogstd, std::span<float> dparams,
                Matrix& dnode_rows);

  const ParameterLayout& layout() const { return layout_; }
  Summation summation() const { return summation_; }

 private:
  // dparams from dT2 and dT1 [n_owned rows]: floats, or exact units (which rounds H, dT2 and
  // dT1 to their grids in place).
  void float_weight_gradient(const Matrix& dt2, const Matrix& dt1, WeightGradient& dparams);
  void exact_weight_gradient(Matrix& dt2, Matrix& dt1, WeightGradient& dparams);

  EncoderShape shape_;
  ParameterLayout layout_;
  const NormalizedAdjacency& adjacency_;
  RowExchange& exchange_;
  const Csr<std::int32_t, float>& features_;
  double num_nodes_;
  Summation summation_;
  // Summation::kExact: the grid exponent of each feature column (features_transposed_'s values
  // are rounded to them once, at the first backward) and the bits the features take.
  std::vector<int> feature_exponents_;
  int feature_bits_ = 0;
  GcnAggregation aggregation_;
  WeightGradient own_share_;  // the span overload's
  // Activations kept from forward for backward; scratch reused across epochs (no allocation in
  // the loop once sizes are reached). backward() overwrites t1_ext_ and t2_ext_ with gradients.
  Matrix t1_ext_, h_, t2_ext_, out_, mu_, logstd_;
  Matrix d_out_, dh_, scratch_;
  Matrix w0_, w1_;                                // forward's weights, kept for backward
  Csr<std::int32_t, float> features_transposed_;  // Xᵀ [input_dim, n_owned], built once
  bool have_forward_ = false;
};

}  // namespace distgae
