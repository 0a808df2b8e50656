// IdDirectory against a plain binary search: every id of the universe and a few outside it, for
// dense, sparse, clustered and single-id lists, and the empty directory's fallback.
#include "partition/distributed/id_directory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/rng.hpp"

namespace distgae {
namespace {

std::int64_t reference_find(const std::vector<GlobalId>& ids, GlobalId id) {
  const auto it = std::lower_bound(ids.begin(), ids.end(), id);
  return it != ids.end() && *it == id ? it - ids.begin() : -1;
}

void expect_same_as_binary_search(const std::vector<GlobalId>& ids, GlobalId universe) {
  const IdDirectory directory(ids, universe);
  for (GlobalId id = -3; id < universe + 3; ++id) {
    ASSERT_EQ(directory.find(ids, id), reference_find(ids, id))
        << "id " << id << " of " << ids.size() << " ids in [0, " << universe << ")";
  }
  const IdDirectory empty;
  for (const GlobalId id : ids) ASSERT_EQ(empty.find(ids, id), reference_find(ids, id));
}

TEST(IdDirectory, FindsWhatABinarySearchFinds) {
  const GlobalId universe = 5000;
  std::vector<GlobalId> all(static_cast<std::size_t>(universe));
  for (GlobalId id = 0; id < universe; ++id) all[id] = id;
  expect_same_as_binary_search(all, universe);  // dense: one id a bucket

  for (const std::uint64_t keep_one_in : {3, 50, 1000}) {  // sparse, uniformly spread
    std::vector<GlobalId> sparse;
    for (GlobalId id = 0; id < universe; ++id) {
      if (random_bits(1, RandomPurpose::kLabelPropagation, {static_cast<std::uint64_t>(id)}) %
              keep_one_in ==
          0) {
        sparse.push_back(id);
      }
    }
    expect_same_as_binary_search(sparse, universe);
  }

  // Clustered: all ids in two narrow ranges, so a few buckets hold everything.
  std::vector<GlobalId> clustered;
  for (GlobalId id = 100; id < 400; ++id) clustered.push_back(id);
  for (GlobalId id = 4900; id < 5000; ++id) clustered.push_back(id);
  expect_same_as_binary_search(clustered, universe);

  expect_same_as_binary_search({0}, 1);
  expect_same_as_binary_search({universe - 1}, universe);
  expect_same_as_binary_search({}, universe);
}

}  // namespace
}  // namespace distgae
