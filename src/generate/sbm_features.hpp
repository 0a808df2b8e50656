// Community-correlated sparse features for the SBM: what gives a GCN something to learn from.
//
// Each community prefers L = max(K, min(2K, D / 2)) of the D columns (a seeded choice per
// community). A node's row has exactly K nonzeros, all 1.0: Binomial(K, signal) of them are
// distinct columns of its community's preferred set, the rest distinct columns drawn uniformly
// from all D. So two nodes of one community share far more columns than two of different
// communities, and with the edges mostly inside communities, features predict links.
// Every draw is keyed by (seed, community) or (seed, node): rows are independent of chunking.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"
#include "generate/random_variates.hpp"
#include "generate/sbm_graph.hpp"

namespace distgae {

// Per-thread scratch of SbmFeatures::node_columns.
struct FeatureScratch {
  DistinctSampler sampler;
  std::vector<std::uint64_t> preferred;
  std::vector<std::uint64_t> picks;
};

class SbmFeatures {
 public:
  // `params` must be valid (validate_sbm) with features > 0.
  explicit SbmFeatures(const SbmParams& params);

  // L, the number of columns each community prefers.
  std::uint64_t preferred_count() const { return preferred_count_; }
  // The columns (0-based) community `community` prefers, ascending, into `out`.
  void community_columns(std::int64_t community, DistinctSampler& sampler,
                         std::vector<std::uint64_t>& out) const;
  // The K nonzero columns (0-based) of `node`'s row, ascending, into `out`.
  void node_columns(GlobalId node, FeatureScratch& scratch, std::vector<std::uint64_t>& out) const;

 private:
  SbmParams params_;
  std::uint64_t preferred_count_ = 0;
};

}  // namespace distgae
