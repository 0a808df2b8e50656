// RowFetch over the partition of a real Cora for the world size: every rank asks for rows it does
// not necessarily own (repeats, owned ids, a whole peer's range) and checks what it gets against
// values derived from the id alone; gradients are checked against sums computed from every
// rank's request list, gathered independently of RowFetch's own plan.
#include "comm/row_fetch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "comm/communicator.hpp"
#include "cora_dataset.hpp"
#include "io/dataset.hpp"

namespace distgae {
namespace {

// Exact in float32 for Cora's 2708 nodes and widths up to 16.
float row_value(GlobalId id, int column) {
  return static_cast<float>(id) + 0.25f * static_cast<float>(column);
}

std::vector<std::int64_t> world_part_offsets() {
  return read_dataset_meta(testing::cora_dataset_for_world()).part_offsets;
}

// A deterministic mix per (rank, round): random ids over the graph (with repeats), a few owned
// ids, every id of the next rank and a run of one id requested many times.
std::vector<GlobalId> requested_ids(const std::vector<std::int64_t>& offsets, int rank, int round) {
  const int parts = static_cast<int>(offsets.size()) - 1;
  std::mt19937_64 random(1000003u * static_cast<unsigned>(rank) + static_cast<unsigned>(round));
  std::uniform_int_distribution<GlobalId> any(0, offsets.back() - 1);
  std::vector<GlobalId> ids;
  for (int i = 0; i < 300 + 50 * round; ++i) ids.push_back(any(random));
  for (GlobalId id = offsets[rank]; id < offsets[rank + 1]; id += 97) ids.push_back(id);
  const int next = (rank + 1) % parts;
  for (GlobalId id = offsets[next]; id < offsets[next + 1]; ++id) ids.push_back(id);
  for (int i = 0; i < 5; ++i) ids.push_back(offsets.back() - 1);
  std::shuffle(ids.begin(), ids.end(), random);
  return ids;
}

// owned: [n_owned, width] with row_value of each owned partition-ordered id.
std::vector<float> owned_rows(const RowFetch& fetch, GlobalId first, int width) {
  std::vector<float> rows(static_cast<std::size_t>(fetch.n_owned() * width));
  for (std::int64_t i = 0; i < fetch.n_owned(); ++i) {
    for (int k = 0; k < width; ++k) rows[i * width + k] = row_value(first + i, k);
  }
  return rows;
}

// Checks that every slot of `ids` names a row of [owned; remote] holding its id's values, and that
// the slots follow the documented layout.
void expect_rows_match(const RowFetch& fetch, std::span<const GlobalId> ids,
                       const std::vector<std::int64_t>& slots, const std::vector<float>& owned,
                       const std::vector<float>& remote, GlobalId first, int width) {
  std::set<GlobalId> remote_ids;
  for (const GlobalId id : ids) {
    if (id < first || id >= first + fetch.n_owned()) remote_ids.insert(id);
  }
  ASSERT_EQ(fetch.n_remote(), static_cast<std::int64_t>(remote_ids.size()));
  ASSERT_EQ(slots.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::int64_t slot = slots[i];
    const bool is_owned = !remote_ids.contains(ids[i]);
    if (is_owned) {
      ASSERT_EQ(slot, ids[i] - first);
    } else {
      ASSERT_EQ(slot, fetch.n_owned() + std::distance(remote_ids.begin(), remote_ids.find(ids[i])));
    }
    const float* row =
        is_owned ? owned.data() + slot * width : remote.data() + (slot - fetch.n_owned()) * width;
    for (int k = 0; k < width; ++k) {
      ASSERT_EQ(row[k], row_value(ids[i], k)) << "id " << ids[i] << " column " << k;
    }
  }
}

TEST(RowFetch, FetchFillsEverySlotWithItsOwnersRow) {
  const Communicator world = Communicator::world();
  const std::vector<std::int64_t> offsets = world_part_offsets();
  const GlobalId first = offsets[world.rank()];
  RowFetch fetch(offsets, Communicator::world());
  EXPECT_EQ(fetch.n_owned(), offsets[world.rank() + 1] - first);
  std::int64_t expected_bytes = 0;
  std::vector<std::int64_t> slots;
  for (int round = 0; round < 2; ++round) {  // a second plan reuses the first one's buffers
    const std::vector<GlobalId> ids = requested_ids(offsets, world.rank(), round);
    fetch.plan(ids, slots);
    expected_bytes += fetch.n_remote() * 8;
    for (int width : {1, 3, 16}) {
      const std::vector<float> owned = owned_rows(fetch, first, width);
      std::vector<float> remote(static_cast<std::size_t>(fetch.n_remote() * width), -1.0f);
      fetch.fetch(owned.data(), width, remote.data());
      expect_rows_match(fetch, ids, slots, owned, remote, first, width);
      expected_bytes += fetch.n_remote() * width * 4;
    }
  }
  // Every id a rank receives was sent by exactly one peer, once.
  EXPECT_EQ(world.allreduce_sum(fetch.bytes_sent()), world.allreduce_sum(expected_bytes));
}

TEST(RowFetch, RankRequestingNothingStillServesItsRows) {
  const Communicator world = Communicator::world();
  const std::vector<std::int64_t> offsets = world_part_offsets();
  const GlobalId first = offsets[world.rank()];
  RowFetch fetch(offsets, Communicator::world());
  std::vector<GlobalId> ids;
  if (world.rank() != 0) {  // everyone else asks for all of rank 0's rows
    for (GlobalId id = offsets[0]; id < offsets[1]; ++id) ids.push_back(id);
  }
  std::vector<std::int64_t> slots(3, 7);
  fetch.plan(ids, slots);
  EXPECT_EQ(slots.size(), ids.size());
  if (world.rank() == 0) {
    EXPECT_EQ(fetch.n_remote(), 0);
  }
  const int width = 4;
  const std::vector<float> owned = owned_rows(fetch, first, width);
  std::vector<float> remote(static_cast<std::size_t>(fetch.n_remote() * width));
  fetch.fetch(owned.data(), width, remote.data());
  expect_rows_match(fetch, ids, slots, owned, remote, first, width);
  std::vector<float> owned_grad(owned.size(), 0.0f);
  const std::vector<float> remote_grad(remote.size(), 1.0f);
  fetch.return_gradients(remote_grad.data(), width, owned_grad.data());
  const float expected = world.rank() == 0 ? static_cast<float>(world.size() - 1) : 0.0f;
  for (const float value : owned_grad) ASSERT_EQ(value, expected);
}

TEST(RowFetch, ReturnGradientsAddsEachRequestersRowIntoTheOwner) {
  const Communicator world = Communicator::world();
  const std::vector<std::int64_t> offsets = world_part_offsets();
  const GlobalId first = offsets[world.rank()];
  RowFetch fetch(offsets, Communicator::world());
  const std::vector<GlobalId> ids = requested_ids(offsets, world.rank(), 0);
  std::vector<std::int64_t> slots;
  fetch.plan(ids, slots);
  const int width = 3;
  std::vector<float> remote_grad(static_cast<std::size_t>(fetch.n_remote() * width));
  for (std::int64_t i = 0; i < fetch.n_remote(); ++i) {
    remote_grad[i * width] = 1.0f;
    remote_grad[i * width + 1] = static_cast<float>(world.rank() + 1);
    remote_grad[i * width + 2] = 0.5f * static_cast<float>(world.rank());
  }
  std::vector<float> owned_grad(static_cast<std::size_t>(fetch.n_owned() * width), 0.0f);
  for (std::int64_t i = 0; i < fetch.n_owned(); ++i) owned_grad[i * width] = 0.5f;
  fetch.return_gradients(remote_grad.data(), width, owned_grad.data());

  // Expected, from every rank's raw request list: each rank that asked for an id it does not own
  // (any number of times) contributes one row to that id's owner.
  std::vector<std::int64_t> mine;
  for (const GlobalId id : ids) {
    mine.push_back(id);
    mine.push_back(world.rank());
  }
  const std::vector<std::int64_t> all = world.allgatherv(mine);
  std::set<std::pair<GlobalId, int>> requests;  // (id, requester), repeats merged
  for (std::size_t j = 0; j < all.size(); j += 2) {
    const int requester = static_cast<int>(all[j + 1]);
    const bool own = all[j] >= offsets[requester] && all[j] < offsets[requester + 1];
    if (!own) requests.insert({all[j], requester});
  }
  std::map<GlobalId, std::pair<int, int>> expected;  // id → (requesters, sum of rank + 1)
  for (const auto& [id, requester] : requests) {
    expected[id].first += 1;
    expected[id].second += requester + 1;
  }
  for (std::int64_t i = 0; i < fetch.n_owned(); ++i) {
    const auto found = expected.find(first + i);
    const auto [count, rank_sum] = found == expected.end() ? std::pair{0, 0} : found->second;
    EXPECT_EQ(owned_grad[i * width], 0.5f + static_cast<float>(count)) << "owned row " << i;
    EXPECT_EQ(owned_grad[i * width + 1], static_cast<float>(rank_sum)) << "owned row " << i;
    EXPECT_EQ(owned_grad[i * width + 2], 0.5f * static_cast<float>(rank_sum - count))
        << "owned row " << i;
  }
}

TEST(RowFetch, PlanRejectsIdsOutsideTheGraph) {
  const std::vector<std::int64_t> offsets = world_part_offsets();
  RowFetch fetch(offsets, Communicator::world());
  std::vector<std::int64_t> slots;
  // Every rank throws before any collective, so no rank is left waiting.
  for (const GlobalId bad : {GlobalId{-1}, offsets.back(), offsets.back() + 1000}) {
    const std::vector<GlobalId> ids = {0, bad};
    try {
      fetch.plan(ids, slots);
      ADD_FAILURE() << "no exception for id " << bad;
    } catch (const std::out_of_range& error) {
      EXPECT_NE(std::string(error.what()).find(std::to_string(bad)), std::string::npos)
          << error.what();
    }
  }
}

TEST(RowFetch, RejectsOffsetsForAnotherNumberOfRanks) {
  const Communicator world = Communicator::world();
  std::vector<std::int64_t> offsets(static_cast<std::size_t>(world.size() + 2), 0);
  EXPECT_THROW((RowFetch{offsets, world}), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
