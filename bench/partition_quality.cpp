// bench/partition_quality: the distributed partition stage's quality and cost at P ranks. Each
// rank loads only its block of the symmetric adjacency (from a binary file `prepare` writes
// once), runs assign_parts_distributed, and rank 0 prints one line per run: edge cut, halo
// volume (distinct (node, remote part) pairs: the rows a training epoch sends, summed over
// parts), imbalance, wall time and peak RSS per rank.
//
// Usage: distgae_bench_partition_quality prepare --graph edges.txt --out adjacency.bin
//        mpiexec -n P distgae_bench_partition_quality run --adjacency adjacency.bin
//            --method metis|random|ptscotch|quality|default|balance|speed|scalability|parmetis
//            --parts 4 [--parts 16] [--imbalance 1.03] [--seed 0]
// One method per process, so that the peak RSS is that method's (getrusage's maximum is
// monotone). bench/README.md, "Distributed partitioning", has the table and the command.
#include <fmt/format.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/distributed_graph_partitioner.hpp"
#include "comm/mpi_env.hpp"
#include "io/graph_readers.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/distributed/distributed_partitioner.hpp"

namespace distgae {
namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

File open_file(const std::string& path, const char* mode) {
  File file(std::fopen(path.c_str(), mode), &std::fclose);
  if (!file) throw std::runtime_error(path + ": cannot open");
  return file;
}

void read_at(std::FILE* file, std::int64_t offset, std::int64_t* out, std::int64_t count) {
  if (std::fseek(file, static_cast<long>(offset), SEEK_SET) != 0 ||
      std::fread(out, sizeof(std::int64_t), static_cast<std::size_t>(count), file) !=
          static_cast<std::size_t>(count)) {
    throw std::runtime_error("adjacency file: short read");
  }
}

// Layout: N, nnz, row_start [N+1], col_index [nnz], all int64.
void prepare(const std::string& graph_path, const std::string& out_path) {
  const CanonicalGraph graph = canonicalize(read_graph(graph_path), {});
  const Csr<GlobalId> adjacency = symmetric_adjacency(graph.num_nodes(), graph.edges);
  File file = open_file(out_path, "wb");
  const std::int64_t header[2] = {adjacency.n_rows(), adjacency.nnz()};
  std::fwrite(header, sizeof(std::int64_t), 2, file.get());
  std::fwrite(adjacency.row_start.data(), sizeof(std::int64_t), adjacency.row_start.size(),
              file.get());
  std::fwrite(adjacency.col_index.data(), sizeof(std::int64_t), adjacency.col_index.size(),
              file.get());
  std::printf("%s: %lld nodes, %lld adjacency entries\n", out_path.c_str(),
              static_cast<long long>(adjacency.n_rows()), static_cast<long long>(adjacency.nnz()));
}

BlockAdjacency load_block(const std::string& path, const Communicator& world, NodeBlocks& blocks) {
  File file = open_file(path, "rb");
  std::int64_t header[2];
  read_at(file.get(), 0, header, 2);
  blocks = NodeBlocks(header[0], world.size());
  const GlobalId first = blocks.begin(world.rank()), count = blocks.size(world.rank());
  BlockAdjacency block;
  block.n_cols = header[0];
  block.row_start.resize(static_cast<std::size_t>(count) + 1);
  read_at(file.get(), 16 + 8 * first, block.row_start.data(), count + 1);
  const std::int64_t first_entry = block.row_start[0];
  for (std::int64_t& start : block.row_start) start -= first_entry;
  block.col_index.resize(static_cast<std::size_t>(block.row_start.back()));
  read_at(file.get(), 16 + 8 * (header[0] + 1) + 8 * first_entry, block.col_index.data(),
          block.nnz());
  return block;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

struct Quality {
  std::int64_t edge_cut = 0, halo_volume = 0;
  double imbalance = 0;
};

// Every rank gets every part (N int64s: small beside the adjacency, and measured after the
// peak RSS was read).
Quality quality(const Communicator& world, const NodeBlocks& blocks, const BlockAdjacency& block,
                const std::vector<std::int32_t>& share, int num_parts) {
  const std::vector<std::int64_t> part_of =
      world.allgatherv(std::vector<std::int64_t>(share.begin(), share.end()));
  Quality q;
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(num_parts), 0);
  const GlobalId first = blocks.begin(world.rank());
  for (std::int64_t row = 0; row < block.n_rows(); ++row) {
    const std::int64_t mine = share[row];
    ++sizes[mine];
    std::set<std::int64_t> remote;
    for (const GlobalId neighbour : block.row(row)) {
      if (part_of[neighbour] == mine) continue;
      remote.insert(part_of[neighbour]);
      if (neighbour > first + row) ++q.edge_cut;
    }
    q.halo_volume += static_cast<std::int64_t>(remote.size());
  }
  q.edge_cut = world.allreduce_sum(q.edge_cut);
  q.halo_volume = world.allreduce_sum(q.halo_volume);
  world.allreduce_sum(std::span<std::int64_t>(sizes));
  std::int64_t largest = 0;
  for (const std::int64_t size : sizes) largest = std::max(largest, size);
  q.imbalance = static_cast<double>(largest) * num_parts / static_cast<double>(blocks.num_nodes);
  return q;
}

// metis and random through assign_parts_distributed; a PT-Scotch strategy the way it runs
// kPtScotch (partition_distributed_graph, then the empty-part rule) with that strategy.
std::vector<std::int32_t> partition(const Communicator& world, const NodeBlocks& blocks,
                                    const BlockAdjacency& block, const std::string& method,
                                    const std::string& scotch_strategy,
                                    const PartitionOptions& options) {
  if (method == "metis" || method == "random" || method == "ptscotch") {
    PartitionOptions single = options;
    single.method = method == "metis"    ? PartitionMethod::kMetis
                    : method == "random" ? PartitionMethod::kRandom
                                         : PartitionMethod::kPtScotch;
    return assign_parts_distributed(world, blocks, block, single);
  }
  DistributedPartitionSettings settings;
  settings.num_parts = options.num_parts;
  settings.imbalance = options.imbalance;
  settings.seed = options.seed;
  if (method == "strategy") settings.scotch_strategy = scotch_strategy;
  settings.strategy = method == "default"       ? DistributedStrategy::kDefault
                      : method == "balance"     ? DistributedStrategy::kBalance
                      : method == "speed"       ? DistributedStrategy::kSpeed
                      : method == "scalability" ? DistributedStrategy::kScalability
                      : method == "parmetis"    ? DistributedStrategy::kParmetisInterface
                      : method == "quality" || method == "strategy"
                          ? DistributedStrategy::kQuality
                          : throw std::invalid_argument("unknown --method " + method);
  std::vector<std::int64_t> distribution;
  for (int r = 0; r <= world.size(); ++r) distribution.push_back(blocks.begin(r));
  std::vector<std::int32_t> share = partition_distributed_graph(
      world, {distribution, block.row_start, block.col_index, {}, {}}, settings);
  fill_empty_parts_distributed(world, blocks, block, options.num_parts, share);
  return share;
}

void run(const std::string& path, const std::string& method, const std::string& scotch_strategy,
         const std::vector<int>& parts, double imbalance, std::uint64_t seed) {
  const Communicator world = Communicator::world();
  NodeBlocks blocks;
  const BlockAdjacency block = load_block(path, world, blocks);
  if (world.rank() == 0) {
    std::printf("%-9s %3s %2s %10s %10s %9s %8s %12s %12s  (%s)\n", "method", "K", "P", "edge_cut",
                "halo_vol", "imbalance", "time_s", "rss_max_MiB", "rss_min_MiB",
                distributed_partitioner_name().c_str());
  }
  for (const int num_parts : parts) {
    PartitionOptions options;
    options.num_parts = num_parts;
    options.imbalance = imbalance;
    options.seed = seed;
    world.barrier();
    const auto start = std::chrono::steady_clock::now();
    const std::vector<std::int32_t> share =
        partition(world, blocks, block, method, scotch_strategy, options);
    world.barrier();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto rss_kib = static_cast<std::int64_t>(peak_rss_mib() * 1024.0);
    const std::int64_t rss_max = world.allreduce_max(rss_kib),
                       rss_min = world.allreduce_min(rss_kib);
    const Quality q = quality(world, blocks, block, share, num_parts);
    if (world.rank() == 0) {
      std::printf("%-9s %3d %2d %10lld %10lld %9.4f %8.2f %12.1f %12.1f\n", method.c_str(),
                  num_parts, world.size(), static_cast<long long>(q.edge_cut),
                  static_cast<long long>(q.halo_volume), q.imbalance, seconds, rss_max / 1024.0,
                  rss_min / 1024.0);
      std::fflush(stdout);
    }
  }
}

}  // namespace
}  // namespace distgae

int main(int argc, char** argv) {
  CLI::App app{"Quality, time and memory of the distributed partition stage"};
  app.require_subcommand(1);
  std::string graph_path, adjacency_path, method = "quality", scotch_strategy;
  std::vector<int> parts{4};
  double imbalance = 1.03;
  std::uint64_t seed = 0;
  CLI::App* prepare = app.add_subcommand("prepare", "Write the adjacency file (one process)");
  prepare->add_option("--graph", graph_path, "Edge list or MatrixMarket graph")->required();
  prepare->add_option("--out", adjacency_path, "Adjacency file to write")->required();
  CLI::App* run = app.add_subcommand("run", "Partition under mpiexec and print a table row");
  run->add_option("--adjacency", adjacency_path, "File from `prepare`")->required();
  run->add_option(
      "--method", method,
      "metis, random, ptscotch (the pipeline's: PT-Scotch on label-propagation clusters), or "
      "PT-Scotch on the graph itself: quality, default, balance, speed, scalability, parmetis, "
      "strategy (--strategy)");
  run->add_option("--strategy", scotch_strategy, "PT-Scotch mapping strategy string");
  run->add_option("--parts", parts, "Part counts K (repeatable)");
  run->add_option("--imbalance", imbalance, "Max part size / mean part size");
  run->add_option("--seed", seed, "Seed");
  CLI11_PARSE(app, argc, argv);
  try {
    if (prepare->parsed()) {
      distgae::prepare(graph_path, adjacency_path);
      return 0;
    }
    distgae::MpiEnv mpi(argc, argv);
    distgae::run(adjacency_path, method, scotch_strategy, parts, imbalance, seed);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "partition_quality: %s\n", error.what());
    return 1;
  }
}
