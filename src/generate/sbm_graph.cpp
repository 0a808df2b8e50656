#include "generate/sbm_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace distgae {
namespace {

// First counters of the kSyntheticEdges keys, one per kind of draw.
enum SbmDrawTag : std::uint64_t { kIntraSplitTag = 1, kInterSplitTag = 2, kNeighbourTag = 3 };

std::uint64_t all_pairs(std::int64_t nodes) {
  const auto n = static_cast<std::uint64_t>(nodes);
  return n * (n - 1) / 2;
}

// Sum of floor(t / communities) for t in [0, count).
std::uint64_t floor_sum(std::uint64_t count, std::uint64_t communities) {
  const std::uint64_t q = count / communities;
  const std::uint64_t r = count % communities;
  return communities * (q * (q - (q > 0 ? 1 : 0)) / 2) + r * q;
}

}  // namespace

void validate_sbm(const SbmParams& p) {
  if (p.nodes < 2 || p.nodes > kMaxSbmNodes) {
    throw InputError(fmt::format("--nodes {} is outside [2, {}]", p.nodes, kMaxSbmNodes));
  }
  if (p.edges < 1) throw InputError(fmt::format("--edges {} must be at least 1", p.edges));
  if (static_cast<std::uint64_t>(p.edges) > all_pairs(p.nodes)) {
    throw InputError(fmt::format("--edges {} is more than the {} node pairs of --nodes {}", p.edges,
                                 all_pairs(p.nodes), p.nodes));
  }
  if (p.communities < 1 || p.communities > p.nodes) {
    throw InputError(
        fmt::format("--communities {} is outside [1, --nodes {}]", p.communities, p.nodes));
  }
  if (!(p.intra_fraction >= 0.0 && p.intra_fraction <= 1.0)) {
    throw InputError(fmt::format("--intra-fraction {} is outside [0, 1]", p.intra_fraction));
  }
  if (p.features < 0) throw InputError(fmt::format("--features {} is negative", p.features));
  if (p.feature_nnz < 0 || p.feature_nnz > p.features) {
    throw InputError(
        fmt::format("--feature-nnz {} is outside [0, --features {}]", p.feature_nnz, p.features));
  }
  if (p.features > 0 && p.feature_nnz == 0) {
    throw InputError("--feature-nnz 0 would write empty feature rows (use --features 0)");
  }
  if (!(p.feature_signal >= 0.0 && p.feature_signal <= 1.0)) {
    throw InputError(fmt::format("--feature-signal {} is outside [0, 1]", p.feature_signal));
  }
}

std::string describe_sbm(const SbmParams& p) {
  return fmt::format(
      "distgae generate sbm --nodes {} --edges {} --communities {} --intra-fraction {} "
      "--features {} --feature-nnz {} --feature-signal {} --seed {}",
      p.nodes, p.edges, p.communities, p.intra_fraction, p.features, p.feature_nnz,
      p.feature_signal, p.seed);
}

SbmGraph::SbmGraph(const SbmParams& params) : params_(params) {
  validate_sbm(params_);
  const auto edges = static_cast<std::uint64_t>(params_.edges);
  const std::uint64_t intra_pairs = pairs_before(PairKind::kIntra, params_.nodes);
  const std::uint64_t inter_pairs = all_pairs(params_.nodes) - intra_pairs;
  const auto requested = static_cast<std::uint64_t>(
      std::llround(params_.intra_fraction * static_cast<double>(params_.edges)));
  const std::uint64_t fewest = edges > inter_pairs ? edges - inter_pairs : 0;
  intra_edges_ = std::clamp(requested, fewest, std::min(edges, intra_pairs));
}

std::uint64_t SbmGraph::intra_candidates(GlobalId node) const {
  return static_cast<std::uint64_t>((params_.nodes - 1 - node) / params_.communities);
}

std::uint64_t SbmGraph::inter_candidates(GlobalId node) const {
  return static_cast<std::uint64_t>(params_.nodes - 1 - node) - intra_candidates(node);
}

std::uint64_t SbmGraph::pairs_before(PairKind kind, GlobalId node) const {
  const auto n = static_cast<std::uint64_t>(params_.nodes);
  const auto x = static_cast<std::uint64_t>(node);
  const auto c = static_cast<std::uint64_t>(params_.communities);
  // Node u has floor((n-1-u) / c) intra candidates: over u < x that is a sum of floor(t / c) for
  // t in [n - x, n).
  const std::uint64_t intra = floor_sum(n, c) - floor_sum(n - x, c);
  if (kind == PairKind::kIntra) return intra;
  const std::uint64_t all = x * (n - 1) - x * (x - (x > 0 ? 1 : 0)) / 2;
  return all - intra;
}

void SbmGraph::split_counts(PairKind kind, GlobalId low, GlobalId high, std::uint64_t count,
                            GlobalId begin, GlobalId end, std::vector<std::uint64_t>& out) const {
  if (count == 0 || high <= begin || low >= end) return;  // `out` starts at zero
  if (high - low == 1) {
    out[static_cast<std::size_t>(low - begin)] = count;
    return;
  }
  const GlobalId mid = low + (high - low) / 2;
  const std::uint64_t before_low = pairs_before(kind, low);
  const std::uint64_t total = pairs_before(kind, high) - before_low;
  const std::uint64_t left_pairs = pairs_before(kind, mid) - before_low;
  const std::uint64_t tag = kind == PairKind::kIntra ? kIntraSplitTag : kInterSplitTag;
  RandomStream stream(
      random_bits(params_.seed, RandomPurpose::kSyntheticEdges,
                  {tag, static_cast<std::uint64_t>(low), static_cast<std::uint64_t>(high)}));
  const std::uint64_t left = sample_hypergeometric(stream, total, left_pairs, count);
  split_counts(kind, low, mid, left, begin, end, out);
  split_counts(kind, mid, high, count - left, begin, end, out);
}

void SbmGraph::higher_degrees(GlobalId begin, GlobalId end, std::vector<std::uint64_t>& intra,
                              std::vector<std::uint64_t>& inter) const {
  const auto size = static_cast<std::size_t>(end - begin);
  intra.assign(size, 0);
  inter.assign(size, 0);
  split_counts(PairKind::kIntra, 0, params_.nodes, intra_edges(), begin, end, intra);
  split_counts(PairKind::kInter, 0, params_.nodes, inter_edges(), begin, end, inter);
}

void SbmGraph::higher_neighbours(GlobalId node, std::uint64_t intra_count,
                                 std::uint64_t inter_count, SbmScratch& scratch,
                                 std::vector<GlobalId>& out) const {
  RandomStream stream(random_bits(params_.seed, RandomPurpose::kSyntheticEdges,
                                  {kNeighbourTag, static_cast<std::uint64_t>(node)}));
  scratch.sampler.sample(stream, intra_count, intra_candidates(node), scratch.intra_picks);
  scratch.sampler.sample(stream, inter_count, inter_candidates(node), scratch.inter_picks);
  // The k-th intra candidate is node + (k+1)C. Above the node, candidates come in runs of C - 1
  // outside the community, each followed by one inside it: the j-th outside one is
  // node + 1 + j + floor(j / (C - 1)).
  const GlobalId c = params_.communities;
  out.clear();
  auto intra = scratch.intra_picks.begin();
  auto inter = scratch.inter_picks.begin();
  const auto intra_node = [&] { return node + (static_cast<GlobalId>(*intra) + 1) * c; };
  const auto inter_node = [&] {
    const auto j = static_cast<GlobalId>(*inter);
    return node + 1 + j + j / (c - 1);  // only reached when C > 1 (else no candidates)
  };
  while (intra != scratch.intra_picks.end() || inter != scratch.inter_picks.end()) {
    if (inter == scratch.inter_picks.end() ||
        (intra != scratch.intra_picks.end() && intra_node() < inter_node())) {
      out.push_back(intra_node());
      ++intra;
    } else {
      out.push_back(inter_node());
      ++inter;
    }
  }
}

}  // namespace distgae
