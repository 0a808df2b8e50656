#include "partition/graph_partitioner.hpp"

#include <fmt/format.h>
#include <metis.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <queue>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/rng.hpp"

namespace distgae {
namespace {

std::vector<std::int32_t> random_parts(GlobalId num_nodes, const PartitionOptions& options) {
  std::vector<std::int32_t> part_of(static_cast<std::size_t>(num_nodes));
  for (GlobalId node = 0; node < num_nodes; ++node) part_of[node] = random_part(node, options);
  return part_of;
}

// METIS k-way on the adjacency (no self loops, symmetric). METIS's idx_t is 32-bit in Debian's
// build, so the graph must fit; the arrays are copied into std::vectors of idx_t.
std::vector<std::int32_t> metis_parts(const Csr<GlobalId>& adjacency,
                                      const PartitionOptions& options) {
  constexpr auto kIdxMax = static_cast<std::int64_t>(std::numeric_limits<idx_t>::max());
  if (adjacency.n_rows() > kIdxMax || adjacency.nnz() > kIdxMax) {
    throw InputError(fmt::format(
        "the graph ({} nodes, {} adjacency entries) is too large for METIS with {}-bit indices; "
        "use --partitioner random or a METIS built with IDXTYPEWIDTH=64",
        adjacency.n_rows(), adjacency.nnz(), IDXTYPEWIDTH));
  }
  idx_t num_nodes = static_cast<idx_t>(adjacency.n_rows());
  if (adjacency.nnz() == 0) {
    // METIS has nothing to cut and misbehaves on edgeless graphs; contiguous blocks are optimal.
    std::vector<std::int32_t> part_of(static_cast<std::size_t>(num_nodes));
    for (idx_t node = 0; node < num_nodes; ++node) {
      part_of[node] = static_cast<std::int32_t>(static_cast<std::int64_t>(node) *
                                                options.num_parts / num_nodes);
    }
    return part_of;
  }
  std::vector<idx_t> xadj(adjacency.row_start.begin(), adjacency.row_start.end());
  std::vector<idx_t> adjncy(adjacency.col_index.begin(), adjacency.col_index.end());
  std::vector<idx_t> part(static_cast<std::size_t>(num_nodes));
  std::array<idx_t, METIS_NOPTIONS> metis_options{};
  METIS_SetDefaultOptions(metis_options.data());
  metis_options[METIS_OPTION_OBJTYPE] =
      options.objective == PartitionObjective::kVolume ? METIS_OBJTYPE_VOL : METIS_OBJTYPE_CUT;
  // METIS 5.1 rejects ufactor 0 ("Incorrect ufactor"), so --imbalance 1.0 asks for 0.1 %.
  metis_options[METIS_OPTION_UFACTOR] =
      std::max<idx_t>(1, static_cast<idx_t>(std::lround((options.imbalance - 1.0) * 1000.0)));
  // METIS wants a non-negative seed; fold the 64-bit seed into 31 bits.
  metis_options[METIS_OPTION_SEED] =
      static_cast<idx_t>((options.seed ^ (options.seed >> 31) ^ (options.seed >> 62)) & 0x7fffffff);
  metis_options[METIS_OPTION_NUMBERING] = 0;
  metis_options[METIS_OPTION_CONTIG] = 0;

  idx_t constraints = 1;
  idx_t num_parts = options.num_parts;
  idx_t objective_value = 0;
  const int status = METIS_PartGraphKway(&num_nodes, &constraints, xadj.data(), adjncy.data(),
                                         nullptr, nullptr, nullptr, &num_parts, nullptr, nullptr,
                                         metis_options.data(), &objective_value, part.data());
  if (status == METIS_ERROR_MEMORY) {
    throw std::runtime_error(fmt::format(
        "out of memory in METIS partitioning {} nodes ({} adjacency entries) into {} parts: the "
        "graph does not fit in this process's memory; partition it on several ranks (mpirun -n "
        "P distgae partition, which uses PT-Scotch) or with more memory",
        num_nodes, adjncy.size(), num_parts));
  }
  if (status != METIS_OK) {
    throw std::runtime_error(
        fmt::format("METIS_PartGraphKway failed with code {} ({} nodes, {} "
                    "parts)",
                    status, num_nodes, num_parts));
  }
  return {part.begin(), part.end()};
}

}  // namespace

void validate_partition_options(GlobalId num_nodes, const PartitionOptions& options) {
  if (options.num_parts < 1) {
    throw InputError(fmt::format("--parts {} must be at least 1", options.num_parts));
  }
  if (options.num_parts > num_nodes) {
    throw InputError(
        fmt::format("--parts {} exceeds the {} nodes of the graph", options.num_parts, num_nodes));
  }
  if (!(options.imbalance >= 1.0 && options.imbalance < 1000.0)) {
    throw InputError(
        fmt::format("--imbalance {} must be at least 1.0 and below 1000 (max part "
                    "size / mean part size, e.g. 1.03)",
                    options.imbalance));
  }
}

std::int32_t random_part(GlobalId node, const PartitionOptions& options) {
  return static_cast<std::int32_t>(
      bounded(random_bits(options.seed, RandomPurpose::kRandomPartition,
                          {static_cast<std::uint64_t>(node)}),
              static_cast<std::uint64_t>(options.num_parts)));
}

std::vector<std::pair<int, int>> empty_part_donors(std::span<const std::int64_t> part_sizes) {
  const int num_parts = static_cast<int>(part_sizes.size());
  // Max-heap on (size, -part): the largest part, lowest index on ties.
  std::priority_queue<std::pair<std::int64_t, int>> donors;
  for (int p = 0; p < num_parts; ++p) {
    if (part_sizes[p] > 1) donors.push({part_sizes[p], -p});
  }
  std::vector<std::pair<int, int>> moves;
  for (int empty = 0; empty < num_parts; ++empty) {
    if (part_sizes[empty] != 0) continue;
    // K <= N guarantees a part with two or more nodes while any part is empty.
    if (donors.empty()) throw std::logic_error("fill_empty_parts: more parts than nodes");
    const auto [size, negated_donor] = donors.top();
    donors.pop();
    moves.push_back({empty, -negated_donor});
    if (size - 1 > 1) donors.push({size - 1, negated_donor});
  }
  return moves;
}

// A low-degree node costs the least cut; METIS 5.1 can leave a part empty when parts are many
// and the graph small or disconnected, and a random assignment can too.
void fill_empty_parts(const Csr<GlobalId>& adjacency, int num_parts,
                      std::vector<std::int32_t>& part_of) {
  std::vector<std::vector<GlobalId>> members(static_cast<std::size_t>(num_parts));
  for (GlobalId node = 0; node < static_cast<GlobalId>(part_of.size()); ++node) {
    members[part_of[node]].push_back(node);
  }
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(num_parts));
  for (int p = 0; p < num_parts; ++p) sizes[p] = static_cast<std::int64_t>(members[p].size());
  const std::vector<std::pair<int, int>> moves = empty_part_donors(sizes);
  if (moves.empty()) return;
  log::info("partition: {} of {} parts came out empty; moving one node into each", moves.size(),
            num_parts);

  // The donor's best node sits at the back: sorted by degree descending, then id ascending.
  auto by_donation_order = [&](GlobalId a, GlobalId b) {
    const auto degree_a = adjacency.row_length(a), degree_b = adjacency.row_length(b);
    return degree_a != degree_b ? degree_a > degree_b : a < b;
  };
  std::vector<bool> sorted(static_cast<std::size_t>(num_parts), false);
  for (const auto& [empty, donor] : moves) {
    std::vector<GlobalId>& nodes = members[donor];
    if (!sorted[donor]) {
      std::sort(nodes.begin(), nodes.end(), by_donation_order);
      sorted[donor] = true;
    }
    part_of[nodes.back()] = empty;
    nodes.pop_back();
  }
}

std::vector<std::int32_t> assign_parts(const Csr<GlobalId>& adjacency,
                                       const PartitionOptions& options) {
  const GlobalId num_nodes = adjacency.n_rows();
  validate_partition_options(num_nodes, options);
  if (options.method == PartitionMethod::kPtScotch) {
    throw InputError("--partitioner ptscotch runs in the distributed pipeline only");
  }
  if (options.num_parts == 1) {
    return std::vector<std::int32_t>(static_cast<std::size_t>(num_nodes), 0);
  }
  std::vector<std::int32_t> part_of = options.method == PartitionMethod::kMetis
                                          ? metis_parts(adjacency, options)
                                          : random_parts(num_nodes, options);
  for (const std::int32_t p : part_of) {
    if (p < 0 || p >= options.num_parts) {
      throw std::runtime_error(
          fmt::format("partitioner returned part {} outside 0..{}", p, options.num_parts - 1));
    }
  }
  fill_empty_parts(adjacency, options.num_parts, part_of);
  return part_of;
}

}  // namespace distgae
