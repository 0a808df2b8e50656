// The stochastic block model behind `distgae generate sbm`: N nodes in C communities, exactly M
// distinct undirected edges, a chosen share of them inside communities.
//
// Node u belongs to community u mod C (sizes differ by at most one; communities interleave in id
// order, so the ids do not give them away). The model is G(N, M) twice over: the intra-community
// edges are a uniform choice of M_in of the intra-community pairs, the others a uniform choice of
// M - M_in of the inter-community pairs. Streamed, it runs in two steps per node u:
//   1. how many of u's partners v > u are inside / outside its community. The counts of a range
//      of nodes come from a fixed binary tree over [0, N): a range's count is split between its
//      halves by a hypergeometric draw keyed by the range, so the counts of any chunk are found
//      by descending from the root, and the same whatever the chunking or thread count;
//   2. which partners: that many distinct candidates (Floyd's algorithm), keyed by u.
// The neighbour lists come out ascending, so the edge list is sorted as it is written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "generate/random_variates.hpp"

namespace distgae {

struct SbmParams {
  std::int64_t nodes = 0;
  std::int64_t edges = 0;
  std::int64_t communities = 1;
  double intra_fraction = 0.8;   // requested share of edges inside communities
  std::int64_t features = 64;    // feature columns (0: no features.mtx)
  std::int64_t feature_nnz = 8;  // nonzeros per feature row
  double feature_signal = 0.8;   // expected share of a row's nonzeros in its community's columns
  std::uint64_t seed = 0;
};

// Largest node count accepted (pair counts then stay far from 64-bit overflow).
inline constexpr std::int64_t kMaxSbmNodes = std::int64_t{1} << 31;

// Throws InputError naming the flag ("--edges 5000 is more than the 4950 node pairs ...").
void validate_sbm(const SbmParams& params);

// The command that reproduces the graph, every parameter spelled out, for the files' headers.
std::string describe_sbm(const SbmParams& params);

// Per-thread scratch of SbmGraph::higher_neighbours.
struct SbmScratch {
  DistinctSampler sampler;
  std::vector<std::uint64_t> intra_picks;
  std::vector<std::uint64_t> inter_picks;
};

class SbmGraph {
 public:
  // Validates `params` (InputError) and fixes the intra-community edge count.
  explicit SbmGraph(const SbmParams& params);

  const SbmParams& params() const { return params_; }
  std::int64_t community(GlobalId node) const { return node % params_.communities; }
  // Edges inside communities: round(intra_fraction * M), moved into [M - inter pairs, intra pairs]
  // when a graph that small or dense cannot hold the requested share.
  std::uint64_t intra_edges() const { return intra_edges_; }
  std::uint64_t inter_edges() const {
    return static_cast<std::uint64_t>(params_.edges) - intra_edges_;
  }
  // Nodes v > node in node's community, and outside it.
  std::uint64_t intra_candidates(GlobalId node) const;
  std::uint64_t inter_candidates(GlobalId node) const;

  // The numbers of partners v > u inside (intra[i]) and outside (inter[i]) the community of each
  // node u = begin + i of [begin, end). Resizes both to end - begin.
  void higher_degrees(GlobalId begin, GlobalId end, std::vector<std::uint64_t>& intra,
                      std::vector<std::uint64_t>& inter) const;

  // The partners v > node, ascending (intra_count + inter_count of them), into `out` (cleared).
  void higher_neighbours(GlobalId node, std::uint64_t intra_count, std::uint64_t inter_count,
                         SbmScratch& scratch, std::vector<GlobalId>& out) const;

 private:
  enum class PairKind { kIntra, kInter };
  // Candidate pairs (u, v), u < v, of the given kind whose u is below `node`.
  std::uint64_t pairs_before(PairKind kind, GlobalId node) const;
  // Splits `count` edges of kind over [low, high) down to the nodes of [begin, end) (out[0] is
  // begin); ranges outside [begin, end) are skipped.
  void split_counts(PairKind kind, GlobalId low, GlobalId high, std::uint64_t count, GlobalId begin,
                    GlobalId end, std::vector<std::uint64_t>& out) const;

  SbmParams params_;
  std::uint64_t intra_edges_ = 0;
};

}  // namespace distgae
