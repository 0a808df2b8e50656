#include "comm/distributed_graph_partitioner.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <utility>

#include "comm/agreement.hpp"
#include "comm/mpi_check.hpp"
#include "comm/mpi_comm.hpp"

#ifdef DISTGAE_PARMETIS_IS_SCOTCH
// Before Scotch's parmetis.h, which otherwise declares its own SCOTCH_Num.
#include <ptscotch.h>
#endif
#include <parmetis.h>

namespace distgae {
namespace {

#ifdef DISTGAE_PARMETIS_IS_SCOTCH
using Index = SCOTCH_Num;
using Real = float;  // Scotch's ParMETIS_V3_PartKway takes float tpwgts and ubvec
constexpr const char* kIndexName = "SCOTCH_Num";
#else
using Index = idx_t;
using Real = real_t;
constexpr const char* kIndexName = "idx_t";
#endif

Index to_index(std::int64_t value, const char* what) {
  if (value < static_cast<std::int64_t>(std::numeric_limits<Index>::min()) ||
      value > static_cast<std::int64_t>(std::numeric_limits<Index>::max())) {
    throw std::overflow_error(
        fmt::format("distributed partitioner: {} = {} does not fit {} ({}-bit) of {}", what, value,
                    kIndexName, 8 * sizeof(Index), distributed_partitioner_name()));
  }
  return static_cast<Index>(value);
}

std::vector<Index> to_indices(std::span<const std::int64_t> values, const char* what) {
  std::vector<Index> indices(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) indices[i] = to_index(values[i], what);
  return indices;
}

// METIS and Scotch want a non-negative seed; fold the 64-bit seed into 31 bits (as
// partition/graph_partitioner.cpp does for METIS).
Index folded_seed(std::uint64_t seed) {
  return static_cast<Index>((seed ^ (seed >> 31) ^ (seed >> 62)) & 0x7fffffff);
}

// Local checks of the view and settings; every rank runs them, and they agree (a rank that
// threw alone would leave the others waiting in the library's first collective).
void validate(const Communicator& communicator, const DistributedGraphView& graph,
              const DistributedPartitionSettings& settings, bool vertex_weighted,
              bool edge_weighted) {
  const auto& distribution = graph.vertex_distribution;
  if (distribution.size() != static_cast<std::size_t>(communicator.size()) + 1 ||
      distribution.front() != 0) {
    throw std::invalid_argument(
        fmt::format("distributed partitioner: vertex_distribution needs {} entries from 0, has {}",
                    communicator.size() + 1, distribution.size()));
  }
  for (std::size_t r = 0; r + 1 < distribution.size(); ++r) {
    if (distribution[r + 1] < distribution[r]) {
      throw std::invalid_argument("distributed partitioner: vertex_distribution decreases");
    }
  }
  const std::int64_t num_vertices = distribution.back();
  const std::int64_t local =
      distribution[communicator.rank() + 1] - distribution[communicator.rank()];
  const auto& row_start = graph.row_start;
  if (row_start.size() != static_cast<std::size_t>(local) + 1 || row_start.front() != 0 ||
      row_start.back() != static_cast<std::int64_t>(graph.columns.size())) {
    throw std::invalid_argument(fmt::format(
        "distributed partitioner: row_start needs {} entries from 0 to {} (the column count)",
        local + 1, graph.columns.size()));
  }
  for (std::size_t i = 0; i + 1 < row_start.size(); ++i) {
    if (row_start[i + 1] < row_start[i]) {
      throw std::invalid_argument("distributed partitioner: row_start decreases");
    }
  }
  auto check_weights = [](bool weighted, std::span<const std::int64_t> weights, std::size_t count,
                          const char* what) {
    if (!weighted) return;
    if (weights.size() != count) {
      throw std::invalid_argument(fmt::format("distributed partitioner: {} {} weights for {} {}",
                                              weights.size(), what, count, what));
    }
    for (const std::int64_t weight : weights) {
      if (weight < 1) {
        throw std::invalid_argument(
            fmt::format("distributed partitioner: {} weight {} below 1", what, weight));
      }
    }
  };
  check_weights(vertex_weighted, graph.vertex_weights, static_cast<std::size_t>(local), "vertex");
  check_weights(edge_weighted, graph.edge_weights, graph.columns.size(), "edge");
  for (const std::int64_t column : graph.columns) {
    if (column < 0 || column >= num_vertices) {
      throw std::invalid_argument(fmt::format(
          "distributed partitioner: column {} outside the {} vertices", column, num_vertices));
    }
  }
  if (settings.num_parts < 1 || settings.num_parts > std::numeric_limits<std::int32_t>::max()) {
    throw std::invalid_argument(
        fmt::format("distributed partitioner: {} parts, needs 1 to 2^31-1", settings.num_parts));
  }
  if (!(settings.imbalance >= 1.0 && std::isfinite(settings.imbalance))) {
    throw std::invalid_argument(fmt::format(
        "distributed partitioner: imbalance {} must be at least 1.0", settings.imbalance));
  }
}

// The ranks holding vertices, as their own communicator (MPI_COMM_NULL elsewhere). ParMETIS
// fails on ranks without vertices; PT-Scotch copes, but both get the same graph this way.
class MemberCommunicator {
 public:
  MemberCommunicator(MPI_Comm parent, bool member, int rank) {
    mpi_check(MPI_Comm_split(parent, member ? 0 : MPI_UNDEFINED, rank, &comm_), "MPI_Comm_split");
  }
  MemberCommunicator(const MemberCommunicator&) = delete;
  MemberCommunicator& operator=(const MemberCommunicator&) = delete;
  ~MemberCommunicator() {
    if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
  }
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

// The library's inputs for this rank: its rows with library indices, and the distribution over
// the member ranks only (the distinct values of vertex_distribution, as members keep rank order).
struct LibraryGraph {
  std::vector<Index> distribution, row_start, columns;
  // Weighted graphs pass a weight array on every rank, even one without vertices or edges (the
  // libraries refuse a mix of given and missing arrays): these hold one unused entry then.
  bool vertex_weighted = false, edge_weighted = false;
  std::vector<Index> vertex_weights, edge_weights;
  Index* vertex_weight_data() { return vertex_weighted ? vertex_weights.data() : nullptr; }
  Index* edge_weight_data() { return edge_weighted ? edge_weights.data() : nullptr; }
  Index local_vertices() const { return static_cast<Index>(row_start.size() - 1); }
};

LibraryGraph library_graph(const DistributedGraphView& graph, bool vertex_weighted,
                           bool edge_weighted) {
  LibraryGraph converted;
  converted.vertex_weighted = vertex_weighted;
  converted.edge_weighted = edge_weighted;
  for (const std::int64_t begin : graph.vertex_distribution) {
    if (converted.distribution.empty() || converted.distribution.back() != begin) {
      converted.distribution.push_back(to_index(begin, "a vertex id"));
    }
  }
  converted.row_start = to_indices(graph.row_start, "an adjacency offset");
  converted.columns = to_indices(graph.columns, "a vertex id");
  converted.vertex_weights = to_indices(graph.vertex_weights, "a vertex weight");
  converted.edge_weights = to_indices(graph.edge_weights, "an edge weight");
  converted.vertex_weights.push_back(1);
  converted.edge_weights.push_back(1);
  return converted;
}

std::vector<Index> parmetis_part_kway(MPI_Comm members, LibraryGraph& graph,
                                      const DistributedPartitionSettings& settings) {
  // wgtflag: 1 edge weights only, 2 vertex weights only, 3 both.
  Index weight_flag = (graph.edge_weighted ? 1 : 0) + (graph.vertex_weighted ? 2 : 0);
  Index numbering = 0, constraints = 1, edge_cut = 0;
  Index num_parts = to_index(settings.num_parts, "the part count");
  std::vector<Real> target_weights(static_cast<std::size_t>(num_parts),
                                   static_cast<Real>(1.0 / static_cast<double>(num_parts)));
  Real tolerance = static_cast<Real>(settings.imbalance);
  Index options[3] = {1, 0, folded_seed(settings.seed)};  // use options; no debug output; seed
#ifdef DISTGAE_PARMETIS_IS_SCOTCH
  // Scotch's layer ignores options and draws from its global generator: seed and reset it, so
  // that repeated calls in one process give the same parts.
  // Its global context runs threads that make concurrent collectives (see scotch_dgraph_part);
  // without MPI_THREAD_MULTIPLE, keep it to one thread where Scotch reads the setting.
  int thread_level = MPI_THREAD_SINGLE;
  mpi_check(MPI_Query_thread(&thread_level), "MPI_Query_thread");
  if (thread_level < MPI_THREAD_MULTIPLE) setenv("SCOTCH_PTHREAD_NUMBER", "1", 1);
  SCOTCH_randomSeed(folded_seed(settings.seed));
  SCOTCH_randomReset();
#endif
  std::vector<Index> parts(static_cast<std::size_t>(graph.local_vertices()));
  MPI_Comm comm = members;
  const int status = ParMETIS_V3_PartKway(
      graph.distribution.data(), graph.row_start.data(), graph.columns.data(),
      graph.vertex_weight_data(), graph.edge_weight_data(), &weight_flag, &numbering, &constraints,
      &num_parts, target_weights.data(), &tolerance, options, &edge_cut, parts.data(), &comm);
  if (status != METIS_OK) {
    throw std::runtime_error(fmt::format("ParMETIS_V3_PartKway failed with code {} ({} parts)",
                                         status, settings.num_parts));
  }
  return parts;
}

#ifdef DISTGAE_PARMETIS_IS_SCOTCH
void scotch_check(int status, const char* call) {
  // libptscotcherr has already printed the library's reason on stderr.
  if (status != 0) throw std::runtime_error(fmt::format("PT-Scotch: {} failed", call));
}

// RAII for Scotch's C objects: each is initialised in the constructor and exited once.
class ScotchContext {
 public:
  ScotchContext() { scotch_check(SCOTCH_contextInit(&context_), "SCOTCH_contextInit"); }
  ScotchContext(const ScotchContext&) = delete;
  ScotchContext& operator=(const ScotchContext&) = delete;
  ~ScotchContext() { SCOTCH_contextExit(&context_); }
  SCOTCH_Context* get() { return &context_; }

 private:
  SCOTCH_Context context_;
};

class ScotchDgraph {
 public:
  explicit ScotchDgraph(MPI_Comm comm) {
    scotch_check(SCOTCH_dgraphInit(&graph_, comm), "SCOTCH_dgraphInit");
  }
  // A container that runs `original`'s routines in `context` (SCOTCH_contextBindDgraph).
  ScotchDgraph(ScotchContext& context, ScotchDgraph& original) {
    scotch_check(SCOTCH_contextBindDgraph(context.get(), original.get(), &graph_),
                 "SCOTCH_contextBindDgraph");
  }
  ScotchDgraph(const ScotchDgraph&) = delete;
  ScotchDgraph& operator=(const ScotchDgraph&) = delete;
  ~ScotchDgraph() { SCOTCH_dgraphExit(&graph_); }
  SCOTCH_Dgraph* get() { return &graph_; }

 private:
  SCOTCH_Dgraph graph_;
};

class ScotchStrategy {
 public:
  ScotchStrategy() { scotch_check(SCOTCH_stratInit(&strategy_), "SCOTCH_stratInit"); }
  ScotchStrategy(const ScotchStrategy&) = delete;
  ScotchStrategy& operator=(const ScotchStrategy&) = delete;
  ~ScotchStrategy() { SCOTCH_stratExit(&strategy_); }
  SCOTCH_Strat* get() { return &strategy_; }

 private:
  SCOTCH_Strat strategy_;
};

Index strategy_flags(DistributedStrategy strategy) {
  switch (strategy) {
    case DistributedStrategy::kQuality:
      return SCOTCH_STRATQUALITY;
    case DistributedStrategy::kBalance:
      return SCOTCH_STRATBALANCE;
    case DistributedStrategy::kSpeed:
      return SCOTCH_STRATSPEED;
    case DistributedStrategy::kScalability:
      return SCOTCH_STRATSCALABILITY;
    default:
      return SCOTCH_STRATDEFAULT;
  }
}

std::vector<Index> scotch_dgraph_part(MPI_Comm members, LibraryGraph& graph,
                                      const DistributedPartitionSettings& settings) {
  int member_count = 1;
  mpi_check(MPI_Comm_size(members, &member_count), "MPI_Comm_size");
  const Index local = graph.local_vertices();
  const auto edges = static_cast<Index>(graph.columns.size());
  ScotchDgraph original(members);
  scotch_check(SCOTCH_dgraphBuild(original.get(), 0, local, local, graph.row_start.data(), nullptr,
                                  graph.vertex_weight_data(), nullptr, edges, edges,
                                  graph.columns.data(), nullptr, graph.edge_weight_data()),
               "SCOTCH_dgraphBuild");
  // A private generator, seeded and reset here, and Scotch's deterministic mode (its threads
  // may otherwise race): the same graph, seed and rank count give the same parts on every call.
  ScotchContext context;
  // One thread: Debian's Scotch is threaded, and its threads fold subgraphs with concurrent
  // collectives (kdgraphMapRbPartFold3), which needs MPI_THREAD_MULTIPLE; we run FUNNELED
  // (comm/mpi_env.hpp) and saw them hang 1 in ~10 runs at np 3 without this.
  scotch_check(SCOTCH_contextThreadSpawn(context.get(), 1, nullptr), "SCOTCH_contextThreadSpawn");
  scotch_check(SCOTCH_contextRandomClone(context.get()), "SCOTCH_contextRandomClone");
  SCOTCH_contextRandomSeed(context.get(), folded_seed(settings.seed));
  SCOTCH_contextRandomReset(context.get());
  scotch_check(SCOTCH_contextOptionSetNum(context.get(), SCOTCH_OPTIONNUMDETERMINISTIC, 1),
               "SCOTCH_contextOptionSetNum");
  ScotchDgraph bound(context, original);
  ScotchStrategy strategy;
  const Index num_parts = to_index(settings.num_parts, "the part count");
  if (settings.scotch_strategy.empty()) {
    scotch_check(SCOTCH_stratDgraphMapBuild(strategy.get(), strategy_flags(settings.strategy),
                                            member_count, num_parts, settings.imbalance - 1.0),
                 "SCOTCH_stratDgraphMapBuild");
  } else {
    scotch_check(SCOTCH_stratDgraphMap(strategy.get(), settings.scotch_strategy.c_str()),
                 "SCOTCH_stratDgraphMap");
  }
  std::vector<Index> parts(static_cast<std::size_t>(local));
  scotch_check(SCOTCH_dgraphPart(bound.get(), num_parts, strategy.get(), parts.data()),
               "SCOTCH_dgraphPart");
  return parts;
}
#endif

}  // namespace

std::string distributed_partitioner_name() {
#ifdef DISTGAE_PARMETIS_IS_SCOTCH
  int version = 0, release = 0, patch = 0;
  SCOTCH_version(&version, &release, &patch);
  return fmt::format("PT-Scotch {}.{}.{} ({}-bit SCOTCH_Num)", version, release, patch,
                     8 * SCOTCH_numSizeof());
#else
  return fmt::format("ParMETIS {}.{}.{} ({}-bit idx_t)", PARMETIS_MAJOR_VERSION,
                     PARMETIS_MINOR_VERSION, PARMETIS_SUBMINOR_VERSION, IDXTYPEWIDTH);
#endif
}

void check_index_width(int library_bytes, int header_bytes, const std::string& library) {
  if (library_bytes != header_bytes) {
    throw std::runtime_error(fmt::format(
        "{} was built with {}-bit indices but distgae was compiled against a header with {}-bit "
        "ones; link the matching library (CMake: PTScotch_INT_WIDTH, DISTGAE_PARMETIS)",
        library, 8 * library_bytes, 8 * header_bytes));
  }
}

void check_linked_index_width() {
#ifdef DISTGAE_PARMETIS_IS_SCOTCH
  check_index_width(SCOTCH_numSizeof(), static_cast<int>(sizeof(SCOTCH_Num)), "libscotch");
#else
  // ParMETIS has no run-time query; its metis.h fixes idx_t and IDXTYPEWIDTH together.
  check_index_width(IDXTYPEWIDTH / 8, static_cast<int>(sizeof(idx_t)), "ParMETIS");
#endif
}

std::vector<std::int32_t> partition_distributed_graph(
    const Communicator& communicator, const DistributedGraphView& graph,
    const DistributedPartitionSettings& settings) {
  // Weighted when any rank gives weights: a rank without vertices or edges gives none.
  const bool vertex_weighted = communicator.allreduce_max(!graph.vertex_weights.empty()) != 0;
  const bool edge_weighted = communicator.allreduce_max(!graph.edge_weights.empty()) != 0;
  agree_on_errors(communicator, [&] {
    check_linked_index_width();
    validate(communicator, graph, settings, vertex_weighted, edge_weighted);
  });
  const std::size_t local = graph.row_start.size() - 1;
  if (settings.num_parts == 1 || graph.vertex_distribution.back() == 0) {
    return std::vector<std::int32_t>(local, 0);
  }
  LibraryGraph converted = agree_on_errors(
      communicator, [&] { return library_graph(graph, vertex_weighted, edge_weighted); });
  const MemberCommunicator members(to_mpi(communicator), local > 0, communicator.rank());
  if (local == 0) return {};

  std::vector<Index> parts;
#ifdef DISTGAE_PARMETIS_IS_SCOTCH
  parts = settings.strategy == DistributedStrategy::kParmetisInterface
              ? parmetis_part_kway(members.get(), converted, settings)
              : scotch_dgraph_part(members.get(), converted, settings);
#else
  parts = parmetis_part_kway(members.get(), converted, settings);
#endif
  std::vector<std::int32_t> part_of(local);
  for (std::size_t i = 0; i < local; ++i) {
    if (parts[i] < 0 || parts[i] >= settings.num_parts) {
      throw std::runtime_error(fmt::format("{} returned part {} outside 0..{}",
                                           distributed_partitioner_name(), parts[i],
                                           settings.num_parts - 1));
    }
    part_of[i] = static_cast<std::int32_t>(parts[i]);
  }
  return part_of;
}

}  // namespace distgae
