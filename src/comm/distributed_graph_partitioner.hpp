// k-way partitioning of a graph distributed by rows over the ranks, through ParMETIS's API
// (ParMETIS_V3_PartKway) or PT-Scotch's own. The build links one library (CMake's
// DISTGAE_PARMETIS): Debian's 64-bit PT-Scotch with its ParMETIS compatibility layer, or a real
// ParMETIS. Its C types and <mpi.h> stay in the .cpp; this header speaks int64 and spans.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/communicator.hpp"

namespace distgae {

// This rank's rows of a symmetric graph without self loops, in the block layout ParMETIS uses.
struct DistributedGraphView {
  // [P+1] rank r holds global vertices [vertex_distribution[r], vertex_distribution[r+1]);
  // the same on every rank, non-decreasing, from 0. Ranks may hold no vertex.
  std::span<const std::int64_t> vertex_distribution;
  // [local vertices + 1] from 0: row i's neighbours are columns[row_start[i], row_start[i+1]).
  std::span<const std::int64_t> row_start;
  std::span<const std::int64_t> columns;  // global vertex ids
  // Optional weights, all >= 1: [local vertices] and [columns.size()], an edge's two arcs with
  // the same weight. Empty on every rank: every weight 1; a weighted graph is the one where some
  // rank gives weights, and then every rank with vertices (edges) must give them. Parts balance the
  // vertex weights and minimise the weight of cut edges.
  std::span<const std::int64_t> vertex_weights;
  std::span<const std::int64_t> edge_weights;
};

// How the library is asked. With PT-Scotch, the first five build a mapping strategy for the
// tolerance (SCOTCH_stratDgraphMapBuild with SCOTCH_STRATDEFAULT, QUALITY, BALANCE, SPEED or
// SCALABILITY) and call SCOTCH_dgraphPart in a private context, seeded by `seed` and in Scotch's
// deterministic mode (the same parts for any thread count; P changes them).
// kParmetisInterface calls ParMETIS_V3_PartKway. Scotch's layer behind it ignores ubvec and
// options (PT-Scotch user's guide 7.0, 7.18.3), so the tolerance is Scotch's default (5 %); the
// seed goes to Scotch's global generator instead, but Debian's threaded Scotch still varies
// between calls unless SCOTCH_PTHREAD_NUMBER=1 (measured), so this is for comparison only. With
// a real ParMETIS every value means ParMETIS_V3_PartKway with ubvec = imbalance and the seed in
// options[2].
enum class DistributedStrategy {
  kDefault,
  kQuality,
  kBalance,
  kSpeed,
  kScalability,
  kParmetisInterface
};

struct DistributedPartitionSettings {
  std::int64_t num_parts = 1;  // K >= 1, any K independently of the rank count
  double imbalance = 1.03;     // max part size / mean part size allowed, >= 1
  std::uint64_t seed = 0;
  // Chosen by bench/partition_quality (bench/README.md, "Distributed partitioning").
  DistributedStrategy strategy = DistributedStrategy::kQuality;
  // With PT-Scotch: a parallel mapping strategy in Scotch's own grammar (PT-Scotch user's guide,
  // "Parallel mapping strategy strings"), used instead of `strategy` when not empty.
  std::string scotch_strategy;
};

// Collective over `communicator`. Returns [local vertices] the part of each of this rank's
// vertices, in 0..K-1; some parts may come out empty (the caller fills them). The same graph,
// settings and rank count give the same parts on every call. A malformed view or settings, an id
// or count that does not fit the library's index type, or a library whose index width is not the
// header's makes every rank throw the same AgreedError (comm/agreement.hpp) naming the first
// failing rank; std::runtime_error when the library itself fails.
std::vector<std::int32_t> partition_distributed_graph(const Communicator& communicator,
                                                      const DistributedGraphView& graph,
                                                      const DistributedPartitionSettings& settings);

// The linked library, e.g. "PT-Scotch 7.0.3 (64-bit SCOTCH_Num)", for logs and metadata.
std::string distributed_partitioner_name();

// Throws std::runtime_error unless the library was built with the index width (bytes) our header
// declares: a 64-bit header with a 32-bit libscotch reads every array wrongly. `library_bytes`
// is what the library reports (SCOTCH_numSizeof), `header_bytes` sizeof(SCOTCH_Num).
void check_index_width(int library_bytes, int header_bytes, const std::string& library);
// check_index_width with the linked library's and header's widths; partition_distributed_graph
// calls it first.
void check_linked_index_width();

}  // namespace distgae
