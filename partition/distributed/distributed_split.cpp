#include "partition/distributed/distributed_split.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "comm/agreement.hpp"
#include "comm/exchange.hpp"
#include "partition/distributed/distributed_selection.hpp"

namespace distgae {
namespace {

// Draws at most this many negatives per rank in one batch: a batch then holds a few hundred MB
// per rank (24-byte draws, held as drawn, sent and received), and 10^7 negatives take a few
// rounds. Pairs go to the owner of their lower end, so rank 0 judges up to twice its share.
constexpr std::int64_t kMaxDrawsPerRank = std::int64_t{1} << 22;

// Splits the positives: the first n_test edges of the order (key, global edge index) are test,
// the next n_val val, the rest train. Two distributed cuts find where single-process sorting
// would put the boundaries.
void split_positives(const Communicator& communicator, const BlockGraph& graph,
                     const SplitOptions& options, const HeldOutCounts& held, SplitShare& split) {
  std::vector<std::uint64_t> keys(graph.edges.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    keys[i] = edge_split_key(options.seed, graph.edges[i]);
  }
  // Local edges are in global index order and lower ranks hold lower indices, so the selection's
  // (rank, local position) order of equal keys is the global index order.
  const OrderCut test_cut = cut_after(communicator, keys, held.test, graph.num_edges);
  const OrderCut held_cut = cut_after(communicator, keys, held.test + held.val, graph.num_edges);
  std::int64_t test_equal_seen = 0;
  std::int64_t held_equal_seen = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const bool in_test = test_cut.includes(keys[i], test_equal_seen);
    const bool in_held = held_cut.includes(keys[i], held_equal_seen);
    (in_test ? split.test_pos : in_held ? split.val_pos : split.train).push_back(graph.edges[i]);
  }
}

// A negative draw at its judge, the owner of pair.first.
struct Draw {
  NodePair pair;
  std::uint64_t index = 0;
};

// The negatives found so far and where the draws stand; the same counts on every rank.
struct NegativeDrawing {
  std::int64_t needed = 0;
  std::uint64_t num_nodes = 0;
  std::uint64_t non_edges = 0;
  std::uint64_t draw_limit = 0;
  std::uint64_t next_draw = 0;
  std::int64_t accepted_total = 0;
  std::vector<Draw> accepted;  // this rank's rows' accepted pairs, sorted by pair
};

// The batch after `next_draw`: enough draws to accept what is missing at the expected rate
// (a fresh draw is a new non-edge with probability 2 (non-edges - accepted) / N^2), with 10%
// to spare, within the per-rank cap and the draw limit.
std::uint64_t batch_end(const NegativeDrawing& drawing, std::int64_t draws_per_batch, int ranks) {
  const std::uint64_t left = drawing.draw_limit - drawing.next_draw;
  double size = static_cast<double>(draws_per_batch);
  if (draws_per_batch <= 0) {
    const double nodes = static_cast<double>(drawing.num_nodes);
    const double spare =
        static_cast<double>(drawing.non_edges) - static_cast<double>(drawing.accepted_total);
    const double rate = std::min(1.0, 2.0 * spare / (nodes * nodes));
    const double missing = static_cast<double>(drawing.needed - drawing.accepted_total);
    size = std::min(1.1 * missing / rate + 64.0 * ranks,
                    static_cast<double>(kMaxDrawsPerRank) * ranks);
  }
  if (!(size < static_cast<double>(left))) return drawing.draw_limit;
  return drawing.next_draw + std::max<std::uint64_t>(1, static_cast<std::uint64_t>(size));
}

// This rank's share of draws [begin, end), each sent to the owner of its first endpoint; the
// draws this rank judges come back in draw-index order (lower ranks draw lower indices).
std::vector<Draw> draw_batch(const Communicator& communicator, const BlockGraph& graph,
                             const SplitOptions& options, std::uint64_t begin, std::uint64_t end) {
  const auto ranks = static_cast<std::uint64_t>(communicator.size());
  const auto rank = static_cast<std::uint64_t>(communicator.rank());
  __extension__ using Wide = unsigned __int128;
  const auto span = static_cast<Wide>(end - begin);
  const std::uint64_t mine_begin = begin + static_cast<std::uint64_t>(span * rank / ranks);
  const std::uint64_t mine_end = begin + static_cast<std::uint64_t>(span * (rank + 1) / ranks);
  std::vector<Draw> draws;
  draws.reserve(mine_end - mine_begin);
  const auto num_nodes = static_cast<std::uint64_t>(graph.num_nodes());
  for (std::uint64_t i = mine_begin; i < mine_end; ++i) {
    if (const std::optional<NodePair> pair = negative_draw(options.seed, i, num_nodes)) {
      draws.push_back({*pair, i});
    }
  }
  return route(communicator, std::span<const Draw>(draws),
               [&](const Draw& draw) { return graph.blocks.owner(draw.pair.first); });
}

bool pair_less(const Draw& a, const Draw& b) {
  return a.pair < b.pair;
}

// The draws of a batch that single-process drawing would accept if it reached them: not an
// edge, not accepted in an earlier batch, and the lowest index of its pair in this batch.
// Returned sorted by pair.
std::vector<Draw> judge(std::vector<Draw> draws, const BlockGraph& graph,
                        const std::vector<Draw>& accepted) {
  std::sort(draws.begin(), draws.end(), [](const Draw& a, const Draw& b) {
    return a.pair != b.pair ? a.pair < b.pair : a.index < b.index;
  });
  std::vector<Draw> survivors;
  for (std::size_t i = 0; i < draws.size(); ++i) {
    if (i > 0 && draws[i].pair == draws[i - 1].pair) continue;
    if (std::binary_search(graph.edges.begin(), graph.edges.end(), draws[i].pair)) continue;
    if (std::binary_search(accepted.begin(), accepted.end(), draws[i], pair_less)) continue;
    survivors.push_back(draws[i]);
  }
  return survivors;
}

std::vector<std::uint64_t> draw_indices(const std::vector<Draw>& draws) {
  std::vector<std::uint64_t> indices(draws.size());
  for (std::size_t i = 0; i < draws.size(); ++i) indices[i] = draws[i].index;
  return indices;
}

// Accepts a batch's survivors up to the number still needed, lowest draw indices first.
void accept(const Communicator& communicator, std::vector<Draw> survivors,
            NegativeDrawing& drawing) {
  const std::int64_t found =
      communicator.allreduce_sum(static_cast<std::int64_t>(survivors.size()));
  const std::int64_t missing = drawing.needed - drawing.accepted_total;
  if (found > missing) {
    const OrderCut cut = cut_after(communicator, draw_indices(survivors), missing, found);
    std::int64_t equal_seen = 0;  // draw indices are distinct: never more than one equal
    std::erase_if(survivors, [&](const Draw& d) { return !cut.includes(d.index, equal_seen); });
  }
  drawing.accepted_total += std::min(found, missing);
  const auto middle = static_cast<std::ptrdiff_t>(drawing.accepted.size());
  drawing.accepted.insert(drawing.accepted.end(), survivors.begin(), survivors.end());
  std::inplace_merge(drawing.accepted.begin(), drawing.accepted.begin() + middle,
                     drawing.accepted.end(), pair_less);
}

// Draws the negatives as draw_negatives (edge_split.cpp) does, batch by batch; the first n_test
// accepted in draw order are test, the next n_val val.
void draw_negatives(const Communicator& communicator, const BlockGraph& graph,
                    const SplitOptions& options, const HeldOutCounts& held,
                    std::int64_t draws_per_batch, SplitShare& split) {
  NegativeDrawing drawing;
  drawing.needed = held.test + held.val;
  if (drawing.needed == 0) return;
  drawing.num_nodes = static_cast<std::uint64_t>(graph.num_nodes());
  drawing.non_edges = non_edge_count(drawing.num_nodes, graph.num_edges);
  agree_on_errors(communicator,
                  [&] { check_enough_non_edges(drawing.non_edges, drawing.needed, options); });
  drawing.draw_limit = negative_draw_limit(drawing.num_nodes, drawing.non_edges, drawing.needed);

  while (drawing.accepted_total < drawing.needed && drawing.next_draw < drawing.draw_limit) {
    const std::uint64_t end = batch_end(drawing, draws_per_batch, communicator.size());
    std::vector<Draw> draws = draw_batch(communicator, graph, options, drawing.next_draw, end);
    accept(communicator, judge(std::move(draws), graph, drawing.accepted), drawing);
    drawing.next_draw = end;
  }
  agree_on_errors(communicator, [&] {
    if (drawing.accepted_total < drawing.needed) {
      throw gave_up_drawing(drawing.needed, drawing.draw_limit, options);
    }
  });

  const OrderCut test_cut =
      cut_after(communicator, draw_indices(drawing.accepted), held.test, drawing.needed);
  std::int64_t equal_seen = 0;
  for (const Draw& draw : drawing.accepted) {
    (test_cut.includes(draw.index, equal_seen) ? split.test_neg : split.val_neg)
        .push_back(draw.pair);
  }
}

}  // namespace

SplitShare split_distributed(const Communicator& communicator, const BlockGraph& graph,
                             const SplitOptions& options, std::int64_t draws_per_batch) {
  if (graph.blocks.num_ranks != communicator.size()) {
    throw std::invalid_argument("split_distributed: the blocks are not for this communicator");
  }
  SplitShare split;
  if (options.no_split) {
    split.train = graph.edges;
    return split;
  }
  agree_on_errors(communicator, [&] { check_split_fractions(options); });
  const HeldOutCounts held = held_out_counts(graph.num_edges, options);
  split_positives(communicator, graph, options, held, split);
  draw_negatives(communicator, graph, options, held, draws_per_batch, split);
  return split;
}

}  // namespace distgae
