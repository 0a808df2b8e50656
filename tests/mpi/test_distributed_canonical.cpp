// canonicalize_distributed against canonicalize on the whole graph: the same blocks, element for
// element, and the same errors on every rank, however the input edges are spread over the ranks.
#include <gtest/gtest.h>

#include <functional>

#include "block_graph_testing.hpp"
#include "comm/communicator.hpp"
#include "core/error.hpp"
#include "partition/distributed/distributed_canonical.hpp"

namespace distgae {
namespace {

using testing::agreed_message;
using testing::awkward_graph;
using testing::awkward_ids;
using testing::gather_ids;
using testing::gather_pairs;
using testing::share_of;
using testing::Spread;

constexpr Spread kSpreads[] = {Spread::kContiguous, Spread::kInterleaved, Spread::kShuffled,
                               Spread::kLastRankOnly};

RawGraph cora() {
  return read_graph(DISTGAE_TEST_DATA "/cora/edges.txt");
}

// Rank r's share of a --node-ids list: uneven chunks (rank 0 none when there are several).
NodeIdShare list_share(const std::vector<GlobalId>& ids, const Communicator& world) {
  const auto n = static_cast<GlobalId>(ids.size());
  const int ranks = world.size();
  auto cut = [&](int r) { return r == 0 ? 0 : r == ranks ? n : n * (r + 1) / (ranks + 1); };
  NodeIdShare share;
  share.source_path = "ids.txt";
  share.first_position = cut(world.rank());
  for (GlobalId p = share.first_position; p < cut(world.rank() + 1); ++p) {
    share.ids.push_back(ids[static_cast<std::size_t>(p)]);
    share.line_numbers.push_back(p + 1);
  }
  return share;
}

NodeSetSpec whole_spec(const DistributedNodeSet& spec, const std::vector<GlobalId>* list) {
  NodeSetSpec whole;
  whole.num_nodes = spec.num_nodes;
  if (list != nullptr) {
    whole.node_ids = *list;
    whole.node_ids_path = "ids.txt";
  }
  return whole;
}

// Checks every rank's block against canonicalize(raw) on every rank.
void expect_same_as_canonicalize(const RawGraph& raw, Spread spread, const DistributedNodeSet& spec,
                                 const std::vector<GlobalId>* list = nullptr) {
  const Communicator world = Communicator::world();
  const CanonicalGraph whole = canonicalize(raw, whole_spec(spec, list));
  const BlockGraph block = canonicalize_distributed(world, share_of(raw, spread, world), spec);
  const auto spread_name = static_cast<int>(spread);
  EXPECT_EQ(block.rank, world.rank());
  EXPECT_EQ(block.blocks.num_nodes, whole.num_nodes());
  EXPECT_EQ(block.blocks.num_ranks, world.size());
  EXPECT_EQ(block.original_ids.size(), static_cast<std::size_t>(block.blocks.size(world.rank())));
  EXPECT_EQ(gather_ids(world, block.original_ids), whole.original_ids) << "spread " << spread_name;
  EXPECT_EQ(gather_pairs(world, block.edges), whole.edges) << "spread " << spread_name;
  for (const NodePair& e : block.edges) {
    EXPECT_EQ(block.blocks.owner(e.first), world.rank());
  }
  EXPECT_EQ(block.first_edge_index,
            world.exclusive_sum(static_cast<std::int64_t>(block.edges.size())));
  EXPECT_EQ(block.num_edges, whole.num_edges());
  EXPECT_EQ(block.input_edges, whole.input_edges);
  EXPECT_EQ(block.self_loops_dropped, whole.self_loops_dropped);
  EXPECT_EQ(block.duplicates_merged, whole.duplicates_merged);
}

TEST(DistributedCanonical, CoraMatchesCanonicalizeForEverySpread) {
  const RawGraph raw = cora();
  for (const Spread spread : kSpreads) expect_same_as_canonicalize(raw, spread, {});
}

TEST(DistributedCanonical, AwkwardIdsMatchCanonicalizeForEverySpread) {
  for (const int num_ids : {2, 37, 1000}) {
    const RawGraph raw = awkward_graph(num_ids, 3 * num_ids + 5, 11);
    for (const Spread spread : kSpreads) expect_same_as_canonicalize(raw, spread, {});
  }
}

TEST(DistributedCanonical, NodeCountKeepsIsolatedNodes) {
  RawGraph raw = cora();
  for (const Spread spread : kSpreads) {
    expect_same_as_canonicalize(raw, spread, DistributedNodeSet{2708 + 3, std::nullopt});
  }
  raw.declared_num_nodes = 2708 + 5;  // as a '# nodes:' header says
  expect_same_as_canonicalize(raw, Spread::kInterleaved, {});
}

TEST(DistributedCanonical, NodeIdListGivesCanonicalPositions) {
  const Communicator world = Communicator::world();
  const RawGraph raw = awkward_graph(500, 1500, 3);
  std::vector<GlobalId> ids = awkward_ids(500, 3);
  ids.push_back(-12345);  // listed, never in an edge
  for (const Spread spread : kSpreads) {
    expect_same_as_canonicalize(raw, spread,
                                DistributedNodeSet{std::nullopt, list_share(ids, world)}, &ids);
  }
  expect_same_as_canonicalize(
      raw, Spread::kShuffled,
      DistributedNodeSet{static_cast<GlobalId>(ids.size()), list_share(ids, world)}, &ids);
}

std::string input_error_message(const RawGraph& raw, const NodeSetSpec& spec) {
  try {
    canonicalize(raw, spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// Every rank throws the single-process error, with the contiguous spread that keeps file order.
void expect_same_error(const RawGraph& raw, const DistributedNodeSet& spec,
                       const std::vector<GlobalId>* list = nullptr) {
  const Communicator world = Communicator::world();
  const std::string expected = input_error_message(raw, whole_spec(spec, list));
  ASSERT_NE(expected, "no error");  // the same on every rank: no rank leaves early
  const std::string got = agreed_message(
      [&] { canonicalize_distributed(world, share_of(raw, Spread::kContiguous, world), spec); });
  EXPECT_EQ(got, expected) << "rank " << world.rank();
}

TEST(DistributedCanonical, UnlistedIdOnOneRankFailsOnEveryRank) {
  const Communicator world = Communicator::world();
  RawGraph raw = awkward_graph(200, 600, 5);
  const std::vector<GlobalId> ids = awkward_ids(200, 5);
  // Only the last edges name unlisted ids, so only the last rank finds them; the first of them
  // is the one reported.
  raw.edges.push_back({ids[3], 777});
  raw.edges.push_back({-888, ids[4]});
  expect_same_error(raw, DistributedNodeSet{std::nullopt, list_share(ids, world)}, &ids);
}

TEST(DistributedCanonical, RepeatedListedIdFailsLikeCanonicalize) {
  const Communicator world = Communicator::world();
  const RawGraph raw = awkward_graph(200, 600, 5);
  std::vector<GlobalId> ids = awkward_ids(200, 5);
  for (std::size_t i = 20; i < 60; ++i) ids.push_back(ids[i]);  // later repeats, many ids
  ids[120] = ids[7];  // the first repeat: entries 8 and 121
  ids[130] = ids[7];
  expect_same_error(raw, DistributedNodeSet{std::nullopt, list_share(ids, world)}, &ids);
}

TEST(DistributedCanonical, ListOfWrongLengthFails) {
  const Communicator world = Communicator::world();
  const RawGraph raw = awkward_graph(50, 100, 5);
  const std::vector<GlobalId> ids = awkward_ids(50, 5);
  expect_same_error(raw, DistributedNodeSet{49, list_share(ids, world)}, &ids);
  const std::vector<GlobalId> none;
  expect_same_error(raw, DistributedNodeSet{std::nullopt, list_share(none, world)}, &none);
}

TEST(DistributedCanonical, IdOutsideNodeCountFails) {
  RawGraph raw = cora();
  raw.edges.push_back({5, 2708});
  expect_same_error(raw, DistributedNodeSet{2708, std::nullopt});
  expect_same_error(raw, DistributedNodeSet{0, std::nullopt});
}

TEST(DistributedCanonical, GraphsWithoutEdgesFail) {
  RawGraph raw;
  raw.source_path = "empty.txt";
  expect_same_error(raw, {});
  raw.edges = {{4, 4}, {-1, -1}, {4, 4}};
  expect_same_error(raw, {});
}

}  // namespace
}  // namespace distgae
