#include "generate/sbm_features.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/rng.hpp"

namespace distgae {
namespace {

// First counters of the kSyntheticFeatures keys.
enum FeatureDrawTag : std::uint64_t { kCommunityColumnsTag = 1, kNodeColumnsTag = 2 };

}  // namespace

SbmFeatures::SbmFeatures(const SbmParams& params) : params_(params) {
  if (params_.features <= 0 || params_.feature_nnz <= 0 || params_.feature_nnz > params_.features) {
    throw std::invalid_argument("SbmFeatures: needs 0 < feature_nnz <= features");
  }
  const auto d = static_cast<std::uint64_t>(params_.features);
  const auto k = static_cast<std::uint64_t>(params_.feature_nnz);
  preferred_count_ = std::max(k, std::min(2 * k, d / 2));
}

void SbmFeatures::community_columns(std::int64_t community, DistinctSampler& sampler,
                                    std::vector<std::uint64_t>& out) const {
  RandomStream stream(random_bits(params_.seed, RandomPurpose::kSyntheticFeatures,
                                  {kCommunityColumnsTag, static_cast<std::uint64_t>(community)}));
  sampler.sample(stream, preferred_count_, static_cast<std::uint64_t>(params_.features), out);
}

void SbmFeatures::node_columns(GlobalId node, FeatureScratch& scratch,
                               std::vector<std::uint64_t>& out) const {
  const auto nnz = static_cast<std::uint64_t>(params_.feature_nnz);
  const auto columns = static_cast<std::uint64_t>(params_.features);
  community_columns(node % params_.communities, scratch.sampler, scratch.preferred);
  RandomStream stream(random_bits(params_.seed, RandomPurpose::kSyntheticFeatures,
                                  {kNodeColumnsTag, static_cast<std::uint64_t>(node)}));
  const std::uint64_t from_community = sample_binomial(stream, nnz, params_.feature_signal);
  scratch.sampler.sample(stream, from_community, preferred_count_, scratch.picks);
  out.clear();
  for (std::uint64_t index : scratch.picks) out.push_back(scratch.preferred[index]);
  // The rest uniformly over all columns, skipping any already taken (out stays sorted).
  while (out.size() < nnz) {
    const std::uint64_t column = stream.next_below(columns);
    const auto at = std::lower_bound(out.begin(), out.end(), column);
    if (at == out.end() || *at != column) out.insert(at, column);
  }
}

}  // namespace distgae
