#include "train/memory_estimate.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace distgae {

MemoryEstimate estimate_training_memory(const TrainingConfig& config, const DatasetMeta& meta,
                                        const PartData& part) {
  // Doubles throughout: the products of absurd flags overflow any integer type.
  const double hidden = config.hidden;
  const double latent = config.latent;
  const double heads = config.model == ModelKind::kVgae ? 2.0 : 1.0;
  const double owned = static_cast<double>(part.n_owned);
  const double local = static_cast<double>(part.n_owned + part.n_halo);
  const double nodes = static_cast<double>(meta.num_nodes);
  constexpr double kFloat = 4.0;
  constexpr double kId = 8.0;

  MemoryEstimate estimate;
  const auto add = [&](double bytes, std::string what) {
    estimate.bytes += bytes;
    if (bytes > estimate.largest_bytes) {
      estimate.largest_bytes = bytes;
      estimate.largest = std::move(what);
    }
  };
  // Weights, their gradient and Adam's two moments in float, the allreduce buffer in double.
  const double parameters =
      static_cast<double>(meta.feature_dim) * hidden + hidden * latent * heads;
  add(parameters * (4 * kFloat + 8.0),
      fmt::format("{:.3g} model parameters with their gradients and Adam state", parameters));
  if (meta.feature_dim == 0) {
    add(owned * hidden * 4 * kFloat,
        fmt::format("per-node first-layer rows [{:.0f} x {:.0f}] with gradients and Adam state",
                    owned, hidden));
  }
  // The first layer's rows for owned and halo nodes, before and after aggregation; the second
  // layer's outputs and their gradients.
  add(local * hidden * 2 * kFloat + owned * latent * heads * 2 * kFloat,
      fmt::format("encoder activations [{:.0f} x {:.0f}] and [{:.0f} x {:.0f}]", local, hidden,
                  owned, latent * heads));
  if (config.decoder == DecoderKind::kFull) {
    add(nodes * latent * kFloat, fmt::format("every node's embedding for the full decoder [{:.0f} "
                                             "x {:.0f}]",
                                             nodes, latent));
  } else {
    const double positives = static_cast<double>(part.train_edges.size());
    const double negatives = positives * config.negatives;
    // Each epoch's node ids of its pairs, and the rows they fetch (at most every node's).
    add((positives + 2 * negatives) * kId,
        fmt::format("node ids of {:.3g} positive and {:.3g} negative pairs per epoch", positives,
                    negatives));
    const double rows = std::min(nodes, positives + 2 * negatives);
    add(rows * latent * 2 * kFloat,
        fmt::format("fetched embedding rows [{:.0f} x {:.0f}] and their gradients", rows, latent));
  }
  return estimate;
}

}  // namespace distgae
