// Original id → canonical id lookup for canonicalize (private to partition/).
//
// Built once, queried twice per input edge, so it must cost about one cache miss per query at
// 10^8 edges and allocate nothing per id (a node-based std::unordered_map would do both badly).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/types.hpp"

namespace distgae {

class IdMap {
 public:
  static constexpr GlobalId kAbsent = -1;

  // Maps ids[i] → i. When an id occurs twice, `repeat()` gives the first such pair of positions
  // and the later position is ignored.
  explicit IdMap(std::span<const GlobalId> ids);

  // The canonical id of `id`, or kAbsent.
  GlobalId find(GlobalId id) const {
    if (!table_.empty()) {
      const std::uint64_t offset = offset_of(id);
      return offset < table_.size() ? table_[offset] : kAbsent;
    }
    for (std::uint64_t slot = slot_of(id);; slot = (slot + 1) & mask_) {
      if (slots_[slot].canonical == kAbsent || slots_[slot].id == id) return slots_[slot].canonical;
    }
  }

  const std::optional<std::pair<GlobalId, GlobalId>>& repeat() const { return repeat_; }

 private:
  struct Slot {
    GlobalId id = 0;
    GlobalId canonical = kAbsent;  // kAbsent marks an empty slot
  };

  // Unsigned difference: ids may be any int64, the distance always fits in uint64.
  std::uint64_t offset_of(GlobalId id) const {
    return static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(min_id_);
  }
  std::uint64_t slot_of(GlobalId id) const;
  void insert(GlobalId id, GlobalId canonical);

  // Ids spanning a range not much wider than their count (the usual 0..N-1 files): a direct
  // table, one load per query. Otherwise an open-addressing hash table (linear probing, load
  // factor <= 1/2).
  GlobalId min_id_ = 0;
  std::vector<GlobalId> table_;
  std::vector<Slot> slots_;
  std::uint64_t mask_ = 0;
  std::optional<std::pair<GlobalId, GlobalId>> repeat_;
};

// The distinct endpoint ids of `edges`, ascending: a presence bitmap when the ids span a range
// at most ~128 times the edge count (one pass, no sort), otherwise sort and unique.
std::vector<GlobalId> distinct_endpoints(std::span<const NodePair> edges);

}  // namespace distgae
