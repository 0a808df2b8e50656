#include "partition/distributed/label_propagation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include "comm/exchange.hpp"
#include "core/rng.hpp"

namespace distgae {
namespace {

std::vector<GlobalId> remote_columns(const NodeBlocks& blocks, int rank,
                                     const BlockAdjacency& adjacency) {
  const GlobalId first = blocks.begin(rank), end = blocks.end(rank);
  std::vector<GlobalId> remote;
  for (const GlobalId column : adjacency.col_index) {
    if (column < first || column >= end) remote.push_back(column);
  }
  std::sort(remote.begin(), remote.end());
  remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
  return remote;
}

struct LabelCount {
  std::int64_t label = 0;
  std::int64_t count = 0;
};

// Chooses a node's next label: among its neighbours' labels held by more neighbours than its
// current label, the most frequent one with room (has_room), ties broken by a hash of (node,
// label) so that no rank or local order decides. Returns the current label when none qualifies.
class LabelChooser {
 public:
  explicit LabelChooser(std::uint64_t seed)
      : tie_key_(random_bits(seed, RandomPurpose::kLabelPropagation, {})) {}

  // `must_leave`: any neighbour label with room will do, however few neighbours hold it (for a
  // node of an overfull part); returns the current label when none has room.
  template <class HasRoom>
  std::int64_t choose(GlobalId node, std::span<const std::uint32_t> neighbours,
                      const std::vector<std::int64_t>& labels, HasRoom&& has_room,
                      bool must_leave = false) {
    const std::int64_t current = labels[static_cast<std::size_t>(node_slot_)];
    scratch_.clear();
    for (const std::uint32_t slot : neighbours) scratch_.push_back(labels[slot]);
    std::sort(scratch_.begin(), scratch_.end());
    runs_.clear();
    std::int64_t current_count = 0;
    for (std::size_t i = 0; i < scratch_.size();) {
      std::size_t j = i;
      while (j < scratch_.size() && scratch_[j] == scratch_[i]) ++j;
      const auto count = static_cast<std::int64_t>(j - i);
      if (scratch_[i] == current) {
        current_count = count;
      } else {
        runs_.push_back({scratch_[i], count});
      }
      i = j;
    }
    const std::int64_t floor_count = must_leave ? 0 : current_count;
    std::int64_t best = current, best_count = floor_count;
    std::uint64_t best_tie = 0;
    for (const LabelCount& run : runs_) {
      if (run.count <= floor_count || run.count < best_count) continue;
      const std::uint64_t tie = extend_bits(
          tie_key_, {static_cast<std::uint64_t>(node), static_cast<std::uint64_t>(run.label)});
      if (run.count == best_count && best != current && tie >= best_tie) continue;
      if (!has_room(run.label)) continue;
      best = run.label;
      best_count = run.count;
      best_tie = tie;
    }
    return best;
  }

  // The slot of the node being decided (its own label's position).
  void set_node_slot(std::int64_t slot) { node_slot_ = slot; }

 private:
  std::uint64_t tie_key_;
  std::int64_t node_slot_ = 0;
  std::vector<std::int64_t> scratch_;
  std::vector<LabelCount> runs_;
};

// Ends a round: other ranks learn this rank's new labels; returns the moves of all ranks.
std::int64_t end_round(const Communicator& communicator, const NeighbourSlots& slots,
                       std::vector<std::int64_t>& labels, std::int64_t local_moves) {
  slots.refresh_ghosts(labels);
  return communicator.allreduce_sum(local_moves);
}

// Room a rank may fill in one round: its 1/P share of what the label lacks to the bound.
std::int64_t room_share(std::int64_t bound, std::int64_t size, int ranks) {
  return std::max<std::int64_t>(0, (bound - size) / ranks);
}

}  // namespace

std::vector<std::int64_t> label_sizes_at_owners(const Communicator& communicator,
                                                const NodeBlocks& blocks,
                                                std::span<const std::int64_t> local_labels) {
  std::vector<std::int64_t> sorted(local_labels.begin(), local_labels.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<LabelCount> counts;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    counts.push_back({sorted[i], static_cast<std::int64_t>(j - i)});
    i = j;
  }
  sorted = {};
  const std::vector<LabelCount> arrived =
      route(communicator, std::span<const LabelCount>(counts),
            [&](const LabelCount& entry) { return blocks.owner(entry.label); });
  const GlobalId first = blocks.begin(communicator.rank());
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(blocks.size(communicator.rank())), 0);
  for (const LabelCount& entry : arrived)
    sizes[static_cast<std::size_t>(entry.label - first)] += entry.count;
  return sizes;
}

NeighbourSlots::NeighbourSlots(const Communicator& communicator, const NodeBlocks& blocks,
                               const BlockAdjacency& adjacency)
    : adjacency_(adjacency),
      first_node_(blocks.begin(communicator.rank())),
      ghosts_(communicator, blocks, remote_columns(blocks, communicator.rank(), adjacency)) {
  if (slot_count() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error(fmt::format(
        "label propagation: {} nodes and neighbours on one rank exceed 2^32 slots", slot_count()));
  }
  const GlobalId end = blocks.end(communicator.rank());
  const std::vector<GlobalId>& ghost_ids = ghosts_.nodes();
  slots_.resize(adjacency.col_index.size());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const GlobalId column = adjacency.col_index[i];
    slots_[i] =
        column >= first_node_ && column < end
            ? static_cast<std::uint32_t>(column - first_node_)
            : static_cast<std::uint32_t>(
                  local_count() + (std::lower_bound(ghost_ids.begin(), ghost_ids.end(), column) -
                                   ghost_ids.begin()));
  }
}

void NeighbourSlots::refresh_ghosts(std::vector<std::int64_t>& values) const {
  values.resize(slot_count());
  const std::vector<std::int64_t> fetched =
      ghosts_.fetch<std::int64_t>([&](GlobalId i) { return values[static_cast<std::size_t>(i)]; });
  std::copy(fetched.begin(), fetched.end(), values.begin() + local_count());
}

std::int64_t propagate_clusters(const Communicator& communicator, const NodeBlocks& blocks,
                                const NeighbourSlots& slots, std::vector<std::int64_t>& labels,
                                const LabelPropagationSettings& settings) {
  const std::int64_t local = slots.local_count();
  LabelChooser chooser(settings.seed);
  std::int64_t total_moves = 0;
  for (int round = 0; round < settings.rounds; ++round) {
    const std::vector<std::int64_t> owned_sizes = label_sizes_at_owners(
        communicator, blocks, std::span<const std::int64_t>(labels).first(local));
    std::vector<std::int64_t> candidates(labels.begin(), labels.end());
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    const NodeLookup lookup(communicator, blocks, std::move(candidates));
    std::vector<std::int64_t> room = lookup.fetch<std::int64_t>(
        [&](GlobalId i) { return owned_sizes[static_cast<std::size_t>(i)]; });
    for (std::int64_t& entry : room) {
      entry = room_share(settings.max_label_size, entry, communicator.size());
    }
    auto room_of = [&](std::int64_t label) -> std::int64_t& {
      return room[static_cast<std::size_t>(lookup.find(label))];
    };
    std::int64_t moves = 0;
    for (std::int64_t node = 0; node < local; ++node) {
      chooser.set_node_slot(node);
      const std::int64_t next =
          chooser.choose(slots.global_id(static_cast<std::size_t>(node)), slots.neighbours(node),
                         labels, [&](std::int64_t label) { return room_of(label) > 0; });
      if (next == labels[static_cast<std::size_t>(node)]) continue;
      --room_of(next);
      labels[static_cast<std::size_t>(node)] = next;
      ++moves;
    }
    moves = end_round(communicator, slots, labels, moves);
    total_moves += moves;
    if (moves == 0) break;
  }
  return total_moves;
}

std::int64_t refine_parts(const Communicator& communicator, const NeighbourSlots& slots,
                          int num_parts, std::vector<std::int64_t>& parts,
                          const LabelPropagationSettings& settings) {
  const std::int64_t local = slots.local_count();
  const int ranks = communicator.size();
  LabelChooser chooser(settings.seed);
  std::int64_t total_moves = 0;
  for (int round = 0; round < settings.rounds; ++round) {
    std::vector<std::int64_t> sizes(static_cast<std::size_t>(num_parts), 0);
    for (std::int64_t node = 0; node < local; ++node) ++sizes[parts[node]];
    communicator.allreduce_sum(std::span<std::int64_t>(sizes));
    // room: nodes this rank may add to a part; excess: nodes it should take out of an overfull
    // one (its 1/P share of the overflow, rounded up).
    std::vector<std::int64_t> room(sizes.size()), excess(sizes.size());
    std::int64_t roomiest = 0;
    for (std::size_t p = 0; p < sizes.size(); ++p) {
      room[p] = room_share(settings.max_label_size, sizes[p], ranks);
      excess[p] =
          (std::max<std::int64_t>(0, sizes[p] - settings.max_label_size) + ranks - 1) / ranks;
      if (sizes[p] < sizes[static_cast<std::size_t>(roomiest)])
        roomiest = static_cast<std::int64_t>(p);
    }
    std::int64_t moves = 0;
    for (std::int64_t node = 0; node < local; ++node) {
      const std::int64_t own = parts[static_cast<std::size_t>(node)];
      const bool must_leave = excess[own] > 0;
      chooser.set_node_slot(node);
      std::int64_t next = chooser.choose(
          slots.global_id(static_cast<std::size_t>(node)), slots.neighbours(node), parts,
          [&](std::int64_t part) { return room[part] > 0; }, must_leave);
      // A node that must leave and has no neighbour in a part with room goes to the smallest.
      if (must_leave && next == own && room[roomiest] > 0) next = roomiest;
      if (next == own) continue;
      --room[next];
      if (must_leave) --excess[own];
      parts[static_cast<std::size_t>(node)] = next;
      ++moves;
    }
    moves = end_round(communicator, slots, parts, moves);
    total_moves += moves;
    if (moves == 0) break;
  }
  return total_moves;
}

}  // namespace distgae
