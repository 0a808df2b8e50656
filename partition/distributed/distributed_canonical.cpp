#include "partition/distributed/distributed_canonical.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "comm/agreement.hpp"
#include "comm/exchange.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/id_map.hpp"

namespace distgae {
namespace {

// Samples per rank of the job that the ranks contribute, in all, to choose the splitters of the
// distributed sort. By regular sampling's bound a range then holds at most about N/P + M/256
// ids, M the sum over ranks of their distinct endpoint counts.
constexpr std::int64_t kSamplesPerRank = 256;

// A node set's answer for this rank: its block and the original ids of that block.
struct NodeLabels {
  NodeBlocks blocks;
  std::vector<GlobalId> original_ids;  // [blocks.size(rank)]
};

// An original id and its canonical id (a list position, or the rank among the ids that occur).
struct Labelled {
  GlobalId id = 0;
  GlobalId canonical = 0;
};

// An input error that some ranks may have found (each its first one): every rank throws the
// lowest failing rank's message as the same AgreedError. The message names its file, not a rank.
void agree_on_first_error(const Communicator& communicator,
                          const std::optional<std::string>& message) {
  std::optional<ErrorReport> failure;
  if (message) failure = ErrorReport{*message, kExitBadInput, false};
  settle_errors(communicator, failure, false);
}

// Relabels `edges` in place with `to_canonical` (IdMap::kAbsent: not in the node set), drops
// self loops (counted) and orders each pair, as canonicalize does. Returns the message for the
// first unknown id in edge order (first endpoint, then second), leaving `edges` unusable then.
template <class ToCanonical, class UnknownMessage>
std::optional<std::string> relabel_edges(std::vector<NodePair>& edges, ToCanonical to_canonical,
                                         UnknownMessage unknown_message, std::int64_t& self_loops) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const GlobalId u = to_canonical(edges[i].first);
    if (u == IdMap::kAbsent) return unknown_message(edges[i].first);
    const GlobalId v = to_canonical(edges[i].second);
    if (v == IdMap::kAbsent) return unknown_message(edges[i].second);
    if (u == v) {
      ++self_loops;
      continue;
    }
    edges[kept++] = ordered_pair(u, v);
  }
  edges.resize(kept);
  return std::nullopt;
}

// Sends each of `questions` to rank owner(question); every rank answers all it received at once
// (answer_all gets them grouped by source rank and returns one reply each); returns the replies,
// aligned with `questions`.
template <class Owner, class AnswerAll>
std::vector<GlobalId> ask_owners(const Communicator& communicator,
                                 std::span<const GlobalId> questions, Owner owner,
                                 AnswerAll answer_all) {
  const auto ranks = static_cast<std::size_t>(communicator.size());
  std::vector<std::int64_t> send_counts(ranks, 0);
  std::vector<std::size_t> slot(questions.size());
  for (std::size_t i = 0; i < questions.size(); ++i) {
    slot[i] = static_cast<std::size_t>(owner(questions[i]));
    ++send_counts[slot[i]];
  }
  std::vector<std::int64_t> next(ranks, 0);
  for (std::size_t q = 1; q < ranks; ++q) next[q] = next[q - 1] + send_counts[q - 1];
  std::vector<GlobalId> send(questions.size());
  for (std::size_t i = 0; i < questions.size(); ++i) {
    slot[i] = static_cast<std::size_t>(next[slot[i]]++);
    send[slot[i]] = questions[i];
  }
  std::vector<std::int64_t> recv_counts;
  const std::vector<GlobalId> asked =
      exchange(communicator, std::span<const GlobalId>(send),
               std::span<const std::int64_t>(send_counts), &recv_counts);
  const std::vector<GlobalId> replies = answer_all(asked);
  const std::vector<GlobalId> returned = exchange(communicator, std::span<const GlobalId>(replies),
                                                  std::span<const std::int64_t>(recv_counts));
  std::vector<GlobalId> answers(questions.size());
  for (std::size_t i = 0; i < questions.size(); ++i) answers[i] = returned[slot[i]];
  return answers;
}

// Each (id, canonical) to the owner of its canonical id's block; the block's original ids.
std::vector<GlobalId> block_original_ids(const Communicator& communicator, const NodeBlocks& blocks,
                                         std::span<const Labelled> labelled) {
  const std::vector<Labelled> mine =
      route(communicator, labelled, [&](const Labelled& l) { return blocks.owner(l.canonical); });
  const GlobalId first = blocks.begin(communicator.rank());
  std::vector<GlobalId> original_ids(static_cast<std::size_t>(blocks.size(communicator.rank())));
  for (const Labelled& l : mine) original_ids[static_cast<std::size_t>(l.canonical - first)] = l.id;
  return original_ids;
}

// Relabels this rank's edges by the canonical ids of its distinct endpoints (ascending).
std::optional<std::string> relabel_by_endpoints(std::vector<NodePair>& edges,
                                                std::span<const GlobalId> endpoints,
                                                const std::vector<GlobalId>& canonical,
                                                const std::string& node_ids_path,
                                                const std::string& source_path,
                                                std::int64_t& self_loops) {
  const IdMap position(endpoints);
  return relabel_edges(
      edges, [&](GlobalId id) { return canonical[static_cast<std::size_t>(position.find(id))]; },
      [&](GlobalId id) {
        return at_file(source_path, canonical_error::not_listed(id, node_ids_path));
      },
      self_loops);
}

// Node set 0..n-1: canonical = original.
NodeLabels labels_by_count(const Communicator& communicator, GraphShare& share, GlobalId n,
                           std::int64_t& self_loops) {
  agree_on_first_error(
      communicator,
      n < 1 ? std::optional(at_file(share.source_path, canonical_error::node_count_below_one(n)))
            : std::nullopt);
  NodeLabels labels{NodeBlocks(n, communicator.size()), {}};
  labels.original_ids.resize(static_cast<std::size_t>(labels.blocks.size(communicator.rank())));
  std::iota(labels.original_ids.begin(), labels.original_ids.end(),
            labels.blocks.begin(communicator.rank()));
  agree_on_first_error(
      communicator,
      relabel_edges(
          share.edges, [n](GlobalId id) { return id >= 0 && id < n ? id : IdMap::kAbsent; },
          [&](GlobalId id) {
            return at_file(share.source_path, canonical_error::outside_node_count(id, n));
          },
          self_loops));
  return labels;
}

int directory_owner(GlobalId id, int ranks) {
  return static_cast<int>(mix64(static_cast<std::uint64_t>(id)) %
                          static_cast<std::uint64_t>(ranks));
}

// The repeat canonicalize reports (IdMap::repeat): the lowest position whose id came earlier in
// the list, with that id's first position. `directory` is sorted by (id, position); the message
// is set on the one rank whose directory holds that repeat.
std::optional<std::string> first_repeat(const Communicator& communicator,
                                        const std::vector<Labelled>& directory,
                                        const std::string& node_ids_path) {
  GlobalId repeat_position = std::numeric_limits<GlobalId>::max();
  std::size_t group_first = 0, repeat_first = 0;
  for (std::size_t i = 1; i < directory.size(); ++i) {
    if (directory[i].id != directory[i - 1].id) {
      group_first = i;
    } else if (i == group_first + 1 && directory[i].canonical < repeat_position) {
      repeat_position = directory[i].canonical;
      repeat_first = group_first;
    }
  }
  if (communicator.allreduce_min(repeat_position) != repeat_position ||
      repeat_position == std::numeric_limits<GlobalId>::max()) {
    return std::nullopt;
  }
  const Labelled& first = directory[repeat_first];
  return at_file(node_ids_path,
                 canonical_error::listed_twice(first.id, first.canonical, repeat_position));
}

// Node set of a --node-ids list: canonical = position. The list's entries go to a directory
// (each id at a rank chosen by its hash) that then answers every rank's endpoint ids.
NodeLabels labels_by_list(const Communicator& communicator, GraphShare& share,
                          const NodeIdShare& list, std::optional<GlobalId> num_nodes,
                          std::int64_t& self_loops) {
  const GlobalId listed = communicator.allreduce_sum(static_cast<std::int64_t>(list.ids.size()));
  std::optional<std::string> error;
  if (num_nodes && *num_nodes != listed) {
    error = at_file(list.source_path, canonical_error::list_size_mismatch(listed, *num_nodes));
  } else if (listed == 0) {
    error = at_file(list.source_path, canonical_error::kNoNodeIds);
  }
  agree_on_first_error(communicator, error);
  agree_on_errors(communicator, [&] {
    if (list.first_position < 0 ||
        list.first_position + static_cast<GlobalId>(list.ids.size()) > listed) {
      throw std::invalid_argument("canonicalize_distributed: node id shares outside the list");
    }
  });

  std::vector<Labelled> entries(list.ids.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i] = {list.ids[i], list.first_position + static_cast<GlobalId>(i)};
  }
  const int ranks = communicator.size();
  std::vector<Labelled> directory =
      route(communicator, std::span<const Labelled>(entries),
            [ranks](const Labelled& e) { return directory_owner(e.id, ranks); });
  std::sort(directory.begin(), directory.end(), [](const Labelled& a, const Labelled& b) {
    return a.id != b.id ? a.id < b.id : a.canonical < b.canonical;
  });
  agree_on_first_error(communicator, first_repeat(communicator, directory, list.source_path));

  NodeLabels labels{NodeBlocks(listed, ranks), {}};
  labels.original_ids =
      block_original_ids(communicator, labels.blocks, std::span<const Labelled>(entries));
  entries = {};

  const std::vector<GlobalId> endpoints = distinct_endpoints(share.edges);
  const std::vector<GlobalId> canonical = ask_owners(
      communicator, std::span<const GlobalId>(endpoints),
      [ranks](GlobalId id) { return directory_owner(id, ranks); },
      [&](const std::vector<GlobalId>& asked) {
        std::vector<GlobalId> replies(asked.size(), IdMap::kAbsent);
        for (std::size_t i = 0; i < asked.size(); ++i) {
          // The first entry of the id's group holds its first position.
          const auto it =
              std::lower_bound(directory.begin(), directory.end(), asked[i],
                               [](const Labelled& entry, GlobalId id) { return entry.id < id; });
          if (it != directory.end() && it->id == asked[i]) replies[i] = it->canonical;
        }
        return replies;
      });
  agree_on_first_error(communicator,
                       relabel_by_endpoints(share.edges, endpoints, canonical, list.source_path,
                                            share.source_path, self_loops));
  return labels;
}

// P-1 splitters of a distributed sort: regular samples of every rank's sorted distinct ids, as
// many from each rank as its share of all of them, so the ids between two consecutive splitters
// are about equally many.
std::vector<GlobalId> sample_splitters(const Communicator& communicator,
                                       std::span<const GlobalId> sorted_ids) {
  const auto ranks = static_cast<std::int64_t>(communicator.size());
  const auto here = static_cast<std::int64_t>(sorted_ids.size());
  const std::int64_t everywhere = std::max<std::int64_t>(1, communicator.allreduce_sum(here));
  const std::int64_t count =
      std::min(here, 1 + static_cast<std::int64_t>(static_cast<WideProduct>(kSamplesPerRank) *
                                                   ranks * here / everywhere));
  std::vector<GlobalId> samples(static_cast<std::size_t>(count));
  for (std::int64_t k = 0; k < count; ++k) {
    samples[static_cast<std::size_t>(k)] =
        sorted_ids[static_cast<std::size_t>((2 * k + 1) * here / (2 * count))];
  }
  std::vector<GlobalId> all = communicator.allgatherv(std::span<const GlobalId>(samples));
  std::sort(all.begin(), all.end());
  std::vector<GlobalId> splitters(static_cast<std::size_t>(ranks - 1), 0);
  for (std::int64_t q = 1; q < ranks && !all.empty(); ++q) {
    splitters[static_cast<std::size_t>(q - 1)] =
        all[static_cast<std::size_t>(static_cast<std::int64_t>(all.size()) * q / ranks)];
  }
  return splitters;
}

// Node set of the ids that occur, ascending: a distributed sort. Every rank sends its distinct
// endpoints to the rank of their splitter range, which sorts and uniques them; an id's
// canonical id is its position there plus the ids of lower ranges.
NodeLabels labels_by_occurrence(const Communicator& communicator, GraphShare& share,
                                std::int64_t& self_loops) {
  const std::vector<GlobalId> endpoints = distinct_endpoints(share.edges);
  const std::vector<GlobalId> splitters = sample_splitters(communicator, endpoints);
  std::vector<GlobalId> range_ids;  // the ids of this rank's splitter range, ascending
  GlobalId range_first = 0;         // canonical id of range_ids[0]
  GlobalId num_nodes = 0;
  const std::vector<GlobalId> canonical = ask_owners(
      communicator, std::span<const GlobalId>(endpoints),
      [&](GlobalId id) {
        return std::upper_bound(splitters.begin(), splitters.end(), id) - splitters.begin();
      },
      [&](const std::vector<GlobalId>& asked) {
        range_ids = asked;
        std::sort(range_ids.begin(), range_ids.end());
        range_ids.erase(std::unique(range_ids.begin(), range_ids.end()), range_ids.end());
        const auto count = static_cast<std::int64_t>(range_ids.size());
        range_first = communicator.exclusive_sum(count);
        num_nodes = communicator.allreduce_sum(count);
        std::vector<GlobalId> replies(asked.size());
        for (std::size_t i = 0; i < asked.size(); ++i) {
          replies[i] =
              range_first +
              (std::lower_bound(range_ids.begin(), range_ids.end(), asked[i]) - range_ids.begin());
        }
        return replies;
      });

  NodeLabels labels{NodeBlocks(num_nodes, communicator.size()), {}};
  std::vector<Labelled> labelled(range_ids.size());
  for (std::size_t i = 0; i < range_ids.size(); ++i) {
    labelled[i] = {range_ids[i], range_first + static_cast<GlobalId>(i)};
  }
  range_ids = {};
  labels.original_ids =
      block_original_ids(communicator, labels.blocks, std::span<const Labelled>(labelled));
  const std::optional<std::string> lost =
      relabel_by_endpoints(share.edges, endpoints, canonical, "", share.source_path, self_loops);
  if (lost) throw std::logic_error("canonicalize_distributed: an id lost from the node set");
  return labels;
}

// Merges the sorted runs of `items` (run q holds counts[q] items, in order) in place.
void merge_runs(std::vector<NodePair>& items, std::span<const std::int64_t> counts) {
  std::vector<std::size_t> bounds{0};
  for (const std::int64_t count : counts)
    bounds.push_back(bounds.back() + static_cast<std::size_t>(count));
  while (bounds.size() > 2) {
    std::vector<std::size_t> merged{0};
    for (std::size_t i = 0; i + 1 < bounds.size(); i += 2) {
      if (i + 2 < bounds.size()) {
        std::inplace_merge(items.begin() + static_cast<std::ptrdiff_t>(bounds[i]),
                           items.begin() + static_cast<std::ptrdiff_t>(bounds[i + 1]),
                           items.begin() + static_cast<std::ptrdiff_t>(bounds[i + 2]));
        merged.push_back(bounds[i + 2]);
      } else {
        merged.push_back(bounds[i + 1]);
      }
    }
    bounds = std::move(merged);
  }
}

// This rank's block of the canonical edges from every rank's relabelled, ordered pairs: each
// rank sorts and uniques its own, so what it sends an owner is one sorted run of the pairs whose
// first endpoint that owner holds (an ordered pair makes a duplicate in either direction equal);
// the owner merges the runs and uniques again.
std::vector<NodePair> block_edges(const Communicator& communicator, const NodeBlocks& blocks,
                                  std::vector<NodePair> pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<std::int64_t> send_counts(static_cast<std::size_t>(communicator.size()), 0);
  for (const NodePair& e : pairs) ++send_counts[static_cast<std::size_t>(blocks.owner(e.first))];
  std::vector<std::int64_t> recv_counts;
  std::vector<NodePair> received =
      exchange(communicator, std::span<const NodePair>(pairs),
               std::span<const std::int64_t>(send_counts), &recv_counts);
  pairs = {};
  merge_runs(received, recv_counts);
  received.erase(std::unique(received.begin(), received.end()), received.end());
  received.shrink_to_fit();
  return received;
}

}  // namespace

BlockGraph canonicalize_distributed(const Communicator& communicator, GraphShare share,
                                    const DistributedNodeSet& spec) {
  BlockGraph graph;
  graph.rank = communicator.rank();
  graph.input_edges = communicator.allreduce_sum(static_cast<std::int64_t>(share.edges.size()));
  agree_on_first_error(communicator,
                       graph.input_edges == 0
                           ? std::optional(at_file(share.source_path, canonical_error::kNoEdges))
                           : std::nullopt);

  std::optional<GlobalId> num_nodes = spec.num_nodes;
  if (!num_nodes && !spec.node_ids) num_nodes = share.declared_num_nodes;
  std::int64_t self_loops = 0;
  NodeLabels labels =
      spec.node_ids ? labels_by_list(communicator, share, *spec.node_ids, num_nodes, self_loops)
      : num_nodes   ? labels_by_count(communicator, share, *num_nodes, self_loops)
                    : labels_by_occurrence(communicator, share, self_loops);
  graph.blocks = labels.blocks;
  graph.original_ids = std::move(labels.original_ids);
  graph.self_loops_dropped = communicator.allreduce_sum(self_loops);
  agree_on_first_error(
      communicator, graph.self_loops_dropped == graph.input_edges
                        ? std::optional(at_file(share.source_path, canonical_error::kOnlySelfLoops))
                        : std::nullopt);

  const std::int64_t relabelled = graph.input_edges - graph.self_loops_dropped;
  graph.edges = block_edges(communicator, graph.blocks, std::move(share.edges));
  const auto kept = static_cast<std::int64_t>(graph.edges.size());
  graph.num_edges = communicator.allreduce_sum(kept);
  graph.duplicates_merged = relabelled - graph.num_edges;
  graph.first_edge_index = communicator.exclusive_sum(kept);
  return graph;
}

}  // namespace distgae
