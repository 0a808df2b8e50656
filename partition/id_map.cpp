#include "partition/id_map.hpp"

#include <algorithm>
#include <bit>

#include "core/rng.hpp"

namespace distgae {

IdMap::IdMap(std::span<const GlobalId> ids) {
  if (ids.empty()) {
    table_.assign(1, kAbsent);  // any query misses
    return;
  }
  const auto [min_it, max_it] = std::minmax_element(ids.begin(), ids.end());
  min_id_ = *min_it;
  const std::uint64_t span = offset_of(*max_it);
  if (span < 2 * ids.size() + 1024) {
    table_.assign(span + 1, kAbsent);
  } else {
    slots_.resize(std::bit_ceil(2 * ids.size()));
    mask_ = slots_.size() - 1;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) insert(ids[i], static_cast<GlobalId>(i));
}

std::uint64_t IdMap::slot_of(GlobalId id) const {
  return mix64(static_cast<std::uint64_t>(id)) & mask_;
}

void IdMap::insert(GlobalId id, GlobalId canonical) {
  GlobalId* entry = nullptr;
  if (!table_.empty()) {
    entry = &table_[offset_of(id)];
  } else {
    std::uint64_t slot = slot_of(id);
    while (slots_[slot].canonical != kAbsent && slots_[slot].id != id) slot = (slot + 1) & mask_;
    slots_[slot].id = id;
    entry = &slots_[slot].canonical;
  }
  if (*entry == kAbsent) {
    *entry = canonical;
  } else if (!repeat_) {
    repeat_ = std::pair{*entry, canonical};
  }
}

std::vector<GlobalId> distinct_endpoints(std::span<const NodePair> edges) {
  if (edges.empty()) return {};
  GlobalId min_id = edges.front().first, max_id = min_id;
  for (const NodePair& e : edges) {
    min_id = std::min({min_id, e.first, e.second});
    max_id = std::max({max_id, e.first, e.second});
  }
  const std::uint64_t span =
      static_cast<std::uint64_t>(max_id) - static_cast<std::uint64_t>(min_id);
  std::vector<GlobalId> ids;
  if (span / 64 >= 2 * edges.size()) {
    ids.reserve(2 * edges.size());
    for (const NodePair& e : edges) {
      ids.push_back(e.first);
      ids.push_back(e.second);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ids.shrink_to_fit();
    return ids;
  }
  // At most one bitmap word per endpoint (no more memory than a copy of them), and one scan
  // instead of a sort of 2E ids.
  std::vector<std::uint64_t> present(span / 64 + 1, 0);
  auto mark = [&](GlobalId id) {
    const std::uint64_t offset =
        static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(min_id);
    present[offset / 64] |= std::uint64_t{1} << (offset % 64);
  };
  for (const NodePair& e : edges) {
    mark(e.first);
    mark(e.second);
  }
  std::size_t count = 0;
  for (const std::uint64_t bits : present) count += static_cast<std::size_t>(std::popcount(bits));
  ids.reserve(count);
  for (std::size_t word = 0; word < present.size(); ++word) {
    for (std::uint64_t bits = present[word]; bits != 0; bits &= bits - 1) {
      const std::uint64_t offset = 64 * word + static_cast<std::uint64_t>(std::countr_zero(bits));
      ids.push_back(static_cast<GlobalId>(static_cast<std::uint64_t>(min_id) + offset));
    }
  }
  return ids;
}

}  // namespace distgae
