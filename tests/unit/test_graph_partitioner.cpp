#include "partition/graph_partitioner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "../common/part_sizes.hpp"
#include "core/error.hpp"
#include "partition/canonical_graph.hpp"
#include "partition_test_graphs.hpp"

namespace distgae {
namespace {

const Csr<GlobalId>& cora_adjacency() {
  static const Csr<GlobalId> adjacency =
      symmetric_adjacency(testing::kCoraNodes, testing::cora_graph().edges);
  return adjacency;
}

using testing::part_sizes;

// Halo rows summed over parts: distinct (node, remote part with a neighbour of it) pairs.
std::int64_t communication_volume(const Csr<GlobalId>& adjacency,
                                  const std::vector<std::int32_t>& part_of) {
  std::int64_t volume = 0;
  for (GlobalId node = 0; node < adjacency.n_rows(); ++node) {
    std::set<std::int32_t> remote;
    for (const GlobalId neighbour : adjacency.row(node)) {
      if (part_of[neighbour] != part_of[node]) remote.insert(part_of[neighbour]);
    }
    volume += static_cast<std::int64_t>(remote.size());
  }
  return volume;
}

PartitionOptions options_for(int num_parts, PartitionMethod method) {
  PartitionOptions options;
  options.num_parts = num_parts;
  options.method = method;
  options.seed = 1;
  return options;
}

TEST(GraphPartitioner, OnePartPutsEveryNodeInPartZero) {
  const auto part_of = assign_parts(cora_adjacency(), options_for(1, PartitionMethod::kMetis));
  ASSERT_EQ(part_of.size(), static_cast<std::size_t>(testing::kCoraNodes));
  EXPECT_TRUE(std::all_of(part_of.begin(), part_of.end(), [](std::int32_t p) { return p == 0; }));
}

TEST(GraphPartitioner, MetisPartsAreNonemptyAndBalanced) {
  for (const int num_parts : {2, 4, 8}) {
    for (const auto objective : {PartitionObjective::kVolume, PartitionObjective::kCut}) {
      PartitionOptions options = options_for(num_parts, PartitionMethod::kMetis);
      options.objective = objective;
      const auto sizes = part_sizes(assign_parts(cora_adjacency(), options), num_parts);
      const double mean = static_cast<double>(testing::kCoraNodes) / num_parts;
      for (const std::int64_t size : sizes) EXPECT_GT(size, 0) << num_parts << " parts";
      const auto largest = static_cast<double>(*std::max_element(sizes.begin(), sizes.end()));
      // METIS treats the tolerance as a target; allow a little slack over 3 %.
      EXPECT_LE(largest / mean, options.imbalance + 0.02) << num_parts << " parts";
    }
  }
}

TEST(GraphPartitioner, MetisVolumeIsFarBelowRandom) {
  for (const int num_parts : {2, 4, 8}) {
    PartitionOptions metis = options_for(num_parts, PartitionMethod::kMetis);
    metis.objective = PartitionObjective::kVolume;
    const auto metis_volume =
        communication_volume(cora_adjacency(), assign_parts(cora_adjacency(), metis));
    const auto random_volume = communication_volume(
        cora_adjacency(),
        assign_parts(cora_adjacency(), options_for(num_parts, PartitionMethod::kRandom)));
    EXPECT_LT(3 * metis_volume, random_volume)
        << num_parts << " parts: metis " << metis_volume << ", random " << random_volume;
  }
}

TEST(GraphPartitioner, SameSeedGivesTheSameParts) {
  for (const auto method : {PartitionMethod::kMetis, PartitionMethod::kRandom}) {
    const PartitionOptions options = options_for(4, method);
    EXPECT_EQ(assign_parts(cora_adjacency(), options), assign_parts(cora_adjacency(), options));
  }
}

TEST(GraphPartitioner, RandomPartsAreRoughlyEqual) {
  const auto sizes =
      part_sizes(assign_parts(cora_adjacency(), options_for(4, PartitionMethod::kRandom)), 4);
  for (const std::int64_t size : sizes) {
    EXPECT_GT(size, 600);  // mean 677
    EXPECT_LT(size, 760);
  }
}

TEST(GraphPartitioner, AsManyPartsAsNodesGivesOneNodeEach) {
  // A path of 10 nodes cut into 10 parts: empty parts must be filled from the largest ones.
  std::vector<NodePair> path;
  for (GlobalId node = 0; node + 1 < 10; ++node) path.push_back({node, node + 1});
  const Csr<GlobalId> adjacency = symmetric_adjacency(10, path);
  for (const auto method : {PartitionMethod::kMetis, PartitionMethod::kRandom}) {
    const auto sizes = part_sizes(assign_parts(adjacency, options_for(10, method)), 10);
    EXPECT_EQ(sizes, std::vector<std::int64_t>(10, 1));
  }
}

TEST(GraphPartitioner, ManyPartsOfASmallGraphAreAllNonempty) {
  for (const auto method : {PartitionMethod::kMetis, PartitionMethod::kRandom}) {
    const auto sizes = part_sizes(assign_parts(cora_adjacency(), options_for(1000, method)), 1000);
    EXPECT_EQ(std::count(sizes.begin(), sizes.end(), 0), 0);
  }
}

TEST(GraphPartitioner, EdgelessGraphIsSplitIntoBlocks) {
  const Csr<GlobalId> adjacency = symmetric_adjacency(7, std::vector<NodePair>{});
  const auto part_of = assign_parts(adjacency, options_for(3, PartitionMethod::kMetis));
  EXPECT_EQ(part_of, (std::vector<std::int32_t>{0, 0, 0, 1, 1, 2, 2}));
}

TEST(GraphPartitioner, RejectsMorePartsThanNodes) {
  try {
    assign_parts(cora_adjacency(), options_for(5000, PartitionMethod::kMetis));
    ADD_FAILURE() << "accepted 5000 parts";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("--parts 5000 exceeds the 2708 nodes"),
              std::string::npos)
        << error.what();
  }
}

TEST(GraphPartitioner, RejectsFewerThanOnePart) {
  EXPECT_THROW(assign_parts(cora_adjacency(), options_for(0, PartitionMethod::kMetis)), InputError);
  EXPECT_THROW(assign_parts(cora_adjacency(), options_for(-2, PartitionMethod::kRandom)),
               InputError);
}

TEST(GraphPartitioner, RejectsImbalanceBelowOne) {
  PartitionOptions options = options_for(4, PartitionMethod::kMetis);
  options.imbalance = 0.9;
  try {
    assign_parts(cora_adjacency(), options);
    ADD_FAILURE() << "accepted --imbalance 0.9";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("--imbalance"), std::string::npos) << error.what();
  }
  // Checked whatever the method and part count, so a bad flag never passes unnoticed.
  options = options_for(1, PartitionMethod::kRandom);
  options.imbalance = 0.5;
  EXPECT_THROW(assign_parts(cora_adjacency(), options), InputError);
}

TEST(GraphPartitioner, ExactBalanceIsAccepted) {
  PartitionOptions options = options_for(4, PartitionMethod::kMetis);
  options.imbalance = 1.0;
  const auto sizes = part_sizes(assign_parts(cora_adjacency(), options), 4);
  for (const std::int64_t size : sizes) EXPECT_GT(size, 0);
}

}  // namespace
}  // namespace distgae
