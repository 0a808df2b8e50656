// meta.h5's invariants, and a part against meta (io/part_validation.hpp): Cora's real meta and
// part 1 of 2, tampered with in memory one way at a time.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>

#include "cora_partitioned.hpp"
#include "io/part_validation.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::cora_partitioned;
using testing_util::input_error;

constexpr const char* kPartPath = "cora-2/part-1.h5";
constexpr const char* kMetaPath = "cora-2/meta.h5";

void expect_fragments(const std::string& message, const char* path,
                      std::initializer_list<const char*> fragments) {
  EXPECT_TRUE(contains(message, path));
  for (const char* fragment : fragments) EXPECT_TRUE(contains(message, fragment));
}

class PartAgainstMeta : public ::testing::Test {
 protected:
  DatasetMeta meta = cora_partitioned(2).meta;
  PartData part = cora_partitioned(2).parts[1];

  void reset() {
    meta = cora_partitioned(2).meta;
    part = cora_partitioned(2).parts[1];
  }
  // The error of check_part_against_meta, the part's own structure being fine.
  void expect_refused(std::initializer_list<const char*> fragments) {
    ASSERT_NO_THROW(check_part_structure(part, kPartPath));
    expect_fragments(input_error([&] { check_part_against_meta(part, meta, kPartPath); }),
                     kPartPath, fragments);
    reset();
  }
  bool adjacent(GlobalId a, GlobalId b) const {
    const std::int64_t row = meta.canonical_to_ordered[a] - meta.part_offsets[1];
    for (const LocalId col : part.adjacency.row(row)) {
      if (part.canonical_id[col] == b) return true;
    }
    return false;
  }
};

TEST_F(PartAgainstMeta, RefusesAPartOfAnotherDataset) {
  part.graph_fingerprint = "0123456789abcdef";
  expect_refused({"attribute 'graph_fingerprint' is '0123456789abcdef'", "another dataset"});
  // Without the attribute (a part written before it existed) the structure tells them apart.
  part = cora_partitioned(2, 8).parts[1];
  part.graph_fingerprint.clear();
  expect_refused({});
}

TEST_F(PartAgainstMeta, RefusesStatisticsOtherThanMetas) {
  meta.stats.local_edges[1] += 1;
  expect_refused({"adjacency/col_index has", "stats/local_edges[1]"});
  meta.stats.train_edges[1] -= 1;
  expect_refused({"edges/train has", "stats/train_edges[1]"});
  meta.stats.sent[1] += 2;
  expect_refused({"send/rows has", "stats/sent[1]"});
}

TEST_F(PartAgainstMeta, RefusesCanonicalIdsOutOfRangeOrOfAnotherPlace) {
  part.canonical_id[0] = meta.num_nodes;
  expect_refused({"nodes/canonical_id[0] = 2708", "outside [0, num_nodes = 2708)"});
  part.canonical_id[5] = -2;
  expect_refused({"nodes/canonical_id[5] = -2"});
  std::swap(part.canonical_id[0], part.canonical_id[1]);
  std::swap(part.node_id[0], part.node_id[1]);
  expect_refused({"nodes/canonical_id[0]", "owned row 0 must be"});
  const std::int64_t halo = part.n_owned;
  part.canonical_id[halo] = part.canonical_id[0];  // a duplicate of an owned row
  part.node_id[halo] = part.node_id[0];
  expect_refused({"halo row 0 comes from part 0", "gives that node to part 1"});
  std::swap(part.canonical_id[halo], part.canonical_id[halo + 1]);
  std::swap(part.node_id[halo], part.node_id[halo + 1]);
  expect_refused({"halo rows must ascend"});
}

TEST_F(PartAgainstMeta, RefusesOriginalIdsOtherThanMetas) {
  part.node_id[3] += 1;
  expect_refused({"nodes/node_id[3]", "meta.h5's node_id"});
}

TEST_F(PartAgainstMeta, RefusesPairsOutOfOrderOrBackwards) {
  part.train_edges[0] = {part.train_edges[0].second, part.train_edges[0].first};
  expect_refused({"edges/train[0]", "first < second"});
  part.val_pos[0].first = -1;
  expect_refused({"edges/val_pos[0] = (-1,"});
  ASSERT_GE(part.test_neg.size(), 2u);
  part.test_neg[1] = part.test_neg[0];
  expect_refused({"edges/test_neg[1]", "each once"});
}

TEST_F(PartAgainstMeta, RefusesPairsBeyondTheNodesOrOwnedElsewhere) {
  part.val_neg.back().second = meta.num_nodes;
  expect_refused({"edges/val_neg[", "outside [0, num_nodes"});
  // A pair whose first endpoint part 0 owns.
  const GlobalId elsewhere = cora_partitioned(2).parts[0].canonical_id[0];
  part.test_pos = {{elsewhere, meta.num_nodes - 1}};
  expect_refused({"edges/test_pos[0]", "first endpoint is not owned by this part"});
  part.val_pos.clear();  // distinct and sorted, but more than the whole dataset has
  for (GlobalId b = 1; b <= meta.num_val_edges + 1; ++b) part.val_pos.push_back({0, b});
  expect_refused({"edges/val_pos has", "num_val_edges"});
}

TEST_F(PartAgainstMeta, RefusesTrainingEdgesOtherThanTheAdjacencysEdges) {
  // Move one edge's second endpoint to a node that is not its neighbour, order kept.
  bool moved = false;
  for (std::size_t i = 0; i < part.train_edges.size() && !moved; ++i) {
    const NodePair changed = {part.train_edges[i].first, part.train_edges[i].second + 1};
    const bool ordered = i + 1 == part.train_edges.size() || changed < part.train_edges[i + 1];
    if (changed.second >= meta.num_nodes || !ordered || adjacent(changed.first, changed.second)) {
      continue;
    }
    part.train_edges[i] = changed;
    expect_refused({"edges/train[", "is not an edge of the adjacency"});
    moved = true;
  }
  EXPECT_TRUE(moved);
  part.train_edges.pop_back();
  meta.stats.train_edges[1] -= 1;
  meta.stats.train_edges[0] += 1;  // meta stays consistent; the part alone lacks an edge
  expect_refused({"edges/train has", "edges whose first endpoint is owned here"});
}

TEST_F(PartAgainstMeta, RefusesAFeatureWidthOtherThanMetas) {
  meta.feature_dim += 1;
  expect_refused({"attribute 'n_cols' of 'features'", "feature_dim"});
}

class MetaValidation : public ::testing::Test {
 protected:
  DatasetMeta meta = cora_partitioned(2).meta;
  void expect_refused(std::initializer_list<const char*> fragments) {
    expect_fragments(input_error([&] { check_dataset_meta(meta, kMetaPath); }), kMetaPath,
                     fragments);
    meta = cora_partitioned(2).meta;
  }
};

TEST_F(MetaValidation, RefusesCountsOutOfRange) {
  meta.num_nodes = -1;
  expect_refused({"attribute 'num_nodes' is -1"});
  meta.num_parts = 0;
  expect_refused({"attribute 'num_parts' is 0"});
  meta.num_edges += 1;
  expect_refused({"attribute 'num_edges'", "num_train_edges + num_val_edges + num_test_edges"});
  meta.num_edges = meta.num_train_edges = std::int64_t{1} << 40;
  expect_refused({"attribute 'num_edges'", "more than a graph of 2708 nodes has"});
  meta.feature_dim = -3;
  expect_refused({"attribute 'feature_dim' is -3"});
}

TEST_F(MetaValidation, RefusesArraysOfTheWrongSize) {
  meta.node_id.pop_back();
  expect_refused({"'node_id'", "attribute num_nodes"});
  meta.stats.halo.push_back(0);
  expect_refused({"'stats/halo'", "attribute num_parts"});
}

TEST_F(MetaValidation, RefusesPartOffsetsThatDoNotSpanTheNodes) {
  meta.part_offsets[1] = meta.num_nodes + 1;
  expect_refused({"part_offsets[2]", "never decrease"});
  meta.part_offsets.back() -= 1;
  expect_refused({"part_offsets[2]", "must end at 2708"});
}

TEST_F(MetaValidation, RefusesACanonicalToOrderedThatIsNoPermutation) {
  meta.canonical_to_ordered[7] = meta.canonical_to_ordered[3];
  expect_refused({"canonical_to_ordered[7]", "permutation"});
  meta.canonical_to_ordered[0] = -1;
  expect_refused({"canonical_to_ordered[0] = -1", "outside"});
}

TEST_F(MetaValidation, RefusesStatisticsThatDisagreeWithTheOffsetsOrTheirTotals) {
  meta.stats.owned[0] += 1;
  expect_refused({"stats/owned[0]", "part_offsets"});
  meta.stats.interior[1] = meta.stats.owned[1] + 1;
  expect_refused({"stats/interior[1]"});
  meta.stats.halo[0] += 1;
  expect_refused({"stats/halo sums to", "comm_volume"});
  meta.stats.sent[1] -= 1;
  expect_refused({"stats/sent sums to", "comm_volume"});
  meta.stats.train_edges[0] += 1;
  expect_refused({"stats/train_edges sums to", "num_train_edges"});
  meta.stats.local_edges[1] = -4;
  expect_refused({"stats/local_edges[1] = -4"});
}

}  // namespace
}  // namespace distgae
