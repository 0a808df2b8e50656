// Parts agree with their peers (train/part_consistency.hpp): every rank builds the real Cora
// partition for the world's size in memory (deterministic, so all agree), keeps its own part,
// and one rank's part is tampered with; only the ranks that can see the disagreement throw,
// and every rank leaves the check (no one is left inside a collective).
#include "train/part_consistency.hpp"

#include <gtest/gtest.h>

#include "comm/communicator.hpp"
#include "cora_dataset.hpp"
#include "core/error.hpp"
#include "partition/partition_pipeline.hpp"

namespace distgae {
namespace {

const std::string kDir = "cora-mpi";

const PartitionedDataset& cora_for_world() {
  static const PartitionedDataset dataset = [] {
    PartitionJob job;
    job.graph_path = DISTGAE_TEST_DATA "/cora/edges.txt";
    job.features_path = DISTGAE_TEST_DATA "/cora/features.mtx";
    job.partition.num_parts = Communicator::world().size();
    job.split.seed = 7;
    job.partition.seed = 7;
    return partition_dataset(job);
  }();
  return dataset;
}

// The message of the InputError the check throws on this rank; empty when it throws none.
std::string peer_error(const PartData& part, const Communicator& world) {
  try {
    check_part_against_peers(part, cora_for_world().meta, part_path(kDir, world.rank()), world);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

class PartConsistency : public ::testing::Test {
 protected:
  Communicator world = Communicator::world();
  PartData part = cora_for_world().parts[static_cast<std::size_t>(world.rank())];
  int last = world.size() - 1;  // the rank whose part is tampered with
};

TEST_F(PartConsistency, AcceptsTheUntouchedParts) {
  EXPECT_EQ(peer_error(part, world), "");
  // And as written and read back from disk.
  const std::string& dir = testing::cora_dataset_for_world();
  const DatasetMeta meta = read_dataset_meta(dir);
  const PartData read = read_part(dir, world.rank(), meta);
  EXPECT_NO_THROW(check_part_against_peers(read, meta, part_path(dir, world.rank()), world));
}

TEST_F(PartConsistency, RefusesAHaloDegreeOtherThanItsOwners) {
  if (world.size() == 1) GTEST_SKIP() << "no halo on one rank";
  ASSERT_GT(part.n_halo, 0);
  if (world.rank() == last) part.degree[part.n_owned] += 1;
  const std::string message = peer_error(part, world);
  if (world.rank() != last) {
    EXPECT_EQ(message, "");
    return;
  }
  EXPECT_NE(message.find(part_path(kDir, last)), std::string::npos) << message;
  EXPECT_NE(message.find("nodes/degree[" + std::to_string(part.n_owned) + "]"), std::string::npos)
      << message;
  EXPECT_NE(message.find("its owner " + kDir + "/part-"), std::string::npos) << message;
}

TEST_F(PartConsistency, RefusesAHaloRowOtherThanTheRowItsOwnerSends) {
  if (world.size() == 1) GTEST_SKIP() << "no halo on one rank";
  // The last rank's second halo row takes the first one's id: what the owner sends differs.
  if (world.rank() == last) part.canonical_id[part.n_owned + 1] = part.canonical_id[part.n_owned];
  const std::string message = peer_error(part, world);
  if (world.rank() != last) {
    EXPECT_EQ(message, "");
    return;
  }
  EXPECT_NE(message.find(part_path(kDir, last)), std::string::npos) << message;
  EXPECT_NE(message.find("nodes/canonical_id[" + std::to_string(part.n_owned + 1) + "]"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("sends canonical id"), std::string::npos) << message;
}

TEST_F(PartConsistency, RefusesASendListShorterThanThePeersHalo) {
  if (world.size() == 1) GTEST_SKIP() << "no halo on one rank";
  // Rank 0 stops sending its last row for the last rank; the last rank still expects it.
  const auto peer = static_cast<std::size_t>(last);
  ASSERT_GT(cora_for_world().parts[0].send_offsets[peer + 1],
            cora_for_world().parts[0].send_offsets[peer]);
  if (world.rank() == 0) {
    part.send_rows.erase(part.send_rows.begin() + part.send_offsets[peer + 1] - 1);
    for (std::size_t q = peer + 1; q < part.send_offsets.size(); ++q) --part.send_offsets[q];
  }
  const std::string message = peer_error(part, world);
  if (world.rank() != last) {
    EXPECT_EQ(message, "");
    return;
  }
  EXPECT_NE(message.find(part_path(kDir, last) + ": halo/offsets lists"), std::string::npos)
      << message;
  EXPECT_NE(message.find("halo rows from part 0, but " + part_path(kDir, 0) + " sends"),
            std::string::npos)
      << message;
}

TEST_F(PartConsistency, RefusesPairsThatDoNotAddUpToMetasCounts) {
  if (world.rank() == last) part.val_pos.pop_back();
  const std::string message = peer_error(part, world);
  // Every rank sees the totals, so every rank refuses alike.
  EXPECT_NE(message.find("meta.h5: num_val_edges is 263, but the parts' edges/val_pos hold 262"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace distgae
