// Where an id sits in an ascending list of distinct ids from [0, universe), found in constant
// time on average instead of by a binary search over the whole list: the ids are bucketed by
// value into about as many buckets as there are ids, and each bucket remembers where its ids
// start. The build step resolves every adjacency entry this way several times (node_lookup.hpp,
// builder_nodes.hpp), and a binary search over a million ids per entry was most of its time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/types.hpp"

namespace distgae {

class IdDirectory {
 public:
  IdDirectory() = default;  // empty: find() searches the whole list

  // `ids` ascending, distinct, each in [0, universe). Costs one int64 per id (and per bucket).
  IdDirectory(std::span<const GlobalId> ids, GlobalId universe) {
    if (ids.empty() || universe <= 0) return;
    const auto count = static_cast<GlobalId>(ids.size());
    bucket_width_ = std::max<GlobalId>(1, (universe + count - 1) / count);
    start_.assign(static_cast<std::size_t>((universe - 1) / bucket_width_) + 2, 0);
    for (const GlobalId id : ids) ++start_[static_cast<std::size_t>(id / bucket_width_) + 1];
    for (std::size_t b = 1; b < start_.size(); ++b) start_[b] += start_[b - 1];
  }

  // Position of `id` in `ids` (the list given to the constructor), or -1 when absent.
  std::int64_t find(std::span<const GlobalId> ids, GlobalId id) const {
    auto first = ids.begin(), last = ids.end();
    if (!start_.empty()) {
      if (id < 0) return -1;
      const auto bucket = static_cast<std::size_t>(id / bucket_width_);
      if (bucket + 1 >= start_.size()) return -1;
      first = ids.begin() + start_[bucket];
      last = ids.begin() + start_[bucket + 1];
    }
    const auto it = std::lower_bound(first, last, id);
    return it != last && *it == id ? it - ids.begin() : -1;
  }

 private:
  GlobalId bucket_width_ = 1;
  std::vector<std::int64_t> start_;  // [buckets + 1] first position of each bucket's ids
};

}  // namespace distgae
