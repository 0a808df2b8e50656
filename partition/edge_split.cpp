#include "partition/edge_split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace distgae {
namespace {

// Open-addressing set of node pairs (linear probing, power-of-two capacity). The drawn negatives
// of a 10^8-edge graph number ~10^7: a node-based std::unordered_set would allocate each one.
class PairSet {
 public:
  explicit PairSet(std::size_t expected) {
    const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, 2 * expected));
    slots_.assign(capacity, NodePair{kEmpty, kEmpty});
    mask_ = capacity - 1;
  }

  // Inserts `pair` (ids >= 0); returns false when it was already present.
  bool insert(NodePair pair) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    std::size_t slot = hash(pair) & mask_;
    while (slots_[slot].first != kEmpty) {
      if (slots_[slot] == pair) return false;
      slot = (slot + 1) & mask_;
    }
    slots_[slot] = pair;
    ++size_;
    return true;
  }

 private:
  static constexpr GlobalId kEmpty = -1;

  static std::size_t hash(NodePair pair) {
    return static_cast<std::size_t>(mix64(mix64(static_cast<std::uint64_t>(pair.first)) ^
                                          static_cast<std::uint64_t>(pair.second)));
  }

  void grow() {
    std::vector<NodePair> old(std::move(slots_));
    slots_.assign(2 * old.size(), NodePair{kEmpty, kEmpty});
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (const NodePair& pair : old) {
      if (pair.first != kEmpty) insert(pair);
    }
  }

  std::vector<NodePair> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// Splits the positives: edges ranked by their hash; the first n_test are test, the next n_val
// val, the rest train. Only the first n_test + n_val need ordering, so a selection does the rest.
void split_positives(const CanonicalGraph& graph, const SplitOptions& options, std::int64_t n_test,
                     std::int64_t n_val, EdgeSplit& split) {
  struct Ranked {
    std::uint64_t key;
    std::int64_t index;  // into graph.edges, which is sorted: ties go by (u, v)
    bool operator<(const Ranked& other) const {
      return key != other.key ? key < other.key : index < other.index;
    }
  };
  const std::int64_t num_edges = graph.num_edges();
  std::vector<Ranked> ranked(static_cast<std::size_t>(num_edges));
  for (std::int64_t i = 0; i < num_edges; ++i) {
    const NodePair& e = graph.edges[i];
    ranked[i] = {edge_split_key(options.seed, e), i};
  }
  const auto held_end = ranked.begin() + (n_test + n_val);
  std::nth_element(ranked.begin(), held_end, ranked.end());
  std::sort(ranked.begin(), held_end);

  std::vector<bool> held_out(static_cast<std::size_t>(num_edges), false);
  for (std::int64_t r = 0; r < n_test + n_val; ++r) {
    const NodePair& e = graph.edges[ranked[r].index];
    (r < n_test ? split.test_pos : split.val_pos).push_back(e);
    held_out[ranked[r].index] = true;
  }
  split.train.reserve(static_cast<std::size_t>(num_edges - n_test - n_val));
  for (std::int64_t i = 0; i < num_edges; ++i) {
    if (!held_out[i]) split.train.push_back(graph.edges[i]);
  }
  std::sort(split.test_pos.begin(), split.test_pos.end());
  std::sort(split.val_pos.begin(), split.val_pos.end());
}

// Draws the negatives: uniform over non-edges of the full graph, no pair twice; the first n_test
// accepted are test, the next n_val val.
void draw_negatives(const CanonicalGraph& graph, const SplitOptions& options, std::int64_t n_test,
                    std::int64_t n_val, EdgeSplit& split) {
  const std::int64_t needed = n_test + n_val;
  if (needed == 0) return;
  const auto num_nodes = static_cast<std::uint64_t>(graph.num_nodes());
  const std::uint64_t non_edges = non_edge_count(num_nodes, graph.num_edges());
  check_enough_non_edges(non_edges, needed, options);
  const std::uint64_t draw_limit = negative_draw_limit(num_nodes, non_edges, needed);

  // Where each first endpoint's edges start in the sorted list: an edge test then searches one
  // short row instead of all E edges (a cache miss per probe at 10^8 edges).
  std::vector<std::int64_t> row_start(static_cast<std::size_t>(num_nodes) + 1, 0);
  for (const NodePair& e : graph.edges) ++row_start[e.first + 1];
  for (std::uint64_t node = 0; node < num_nodes; ++node) row_start[node + 1] += row_start[node];

  PairSet drawn(static_cast<std::size_t>(needed));
  std::vector<NodePair> accepted;
  accepted.reserve(static_cast<std::size_t>(needed));
  for (std::uint64_t i = 0; static_cast<std::int64_t>(accepted.size()) < needed; ++i) {
    if (i == draw_limit) throw gave_up_drawing(needed, i, options);
    const std::optional<NodePair> draw = negative_draw(options.seed, i, num_nodes);
    if (!draw) continue;
    const NodePair pair = *draw;
    const auto row_begin = graph.edges.begin() + row_start[pair.first];
    const auto row_end = graph.edges.begin() + row_start[pair.first + 1];
    if (std::binary_search(row_begin, row_end, pair)) continue;
    if (!drawn.insert(pair)) continue;
    accepted.push_back(pair);
  }
  split.test_neg.assign(accepted.begin(), accepted.begin() + n_test);
  split.val_neg.assign(accepted.begin() + n_test, accepted.end());
  std::sort(split.test_neg.begin(), split.test_neg.end());
  std::sort(split.val_neg.begin(), split.val_neg.end());
}

}  // namespace

EdgeSplit split_edges(const CanonicalGraph& graph, const SplitOptions& options) {
  EdgeSplit split;
  if (options.no_split) {
    split.train = graph.edges;
    return split;
  }
  check_split_fractions(options);
  if (!std::is_sorted(graph.edges.begin(), graph.edges.end())) {
    throw std::invalid_argument("split_edges: the canonical edges must be sorted");
  }
  const HeldOutCounts held = held_out_counts(graph.num_edges(), options);
  split_positives(graph, options, held.test, held.val, split);
  draw_negatives(graph, options, held.test, held.val, split);
  return split;
}

void check_split_fractions(const SplitOptions& options) {
  // Written so that NaN fails every test.
  if (!(options.val_frac >= 0.0 && options.val_frac < 1.0)) {
    throw InputError(fmt::format("--val-frac {} must lie in [0, 1)", options.val_frac));
  }
  if (!(options.test_frac >= 0.0 && options.test_frac < 1.0)) {
    throw InputError(fmt::format("--test-frac {} must lie in [0, 1)", options.test_frac));
  }
  if (!(options.val_frac + options.test_frac < 1.0)) {
    throw InputError(
        fmt::format("--val-frac {} and --test-frac {} sum to {}; they must sum to "
                    "less than 1 so that some edges are left to train on",
                    options.val_frac, options.test_frac, options.val_frac + options.test_frac));
  }
}

HeldOutCounts held_out_counts(std::int64_t num_edges, const SplitOptions& options) {
  const auto edges = static_cast<double>(num_edges);
  return {static_cast<std::int64_t>(std::floor(options.test_frac * edges)),
          static_cast<std::int64_t>(std::floor(options.val_frac * edges))};
}

std::uint64_t non_edge_count(std::uint64_t num_nodes, std::int64_t num_edges) {
  // N(N-1)/2 fits in 64 bits up to N = 2^32; beyond that the non-edges outnumber any request.
  if (num_nodes > (std::uint64_t{1} << 32)) return std::numeric_limits<std::uint64_t>::max();
  return num_nodes * (num_nodes - 1) / 2 - static_cast<std::uint64_t>(num_edges);
}

void check_enough_non_edges(std::uint64_t non_edges, std::int64_t needed,
                            const SplitOptions& options) {
  if (non_edges < static_cast<std::uint64_t>(needed)) {
    throw InputError(fmt::format(
        "the graph has only {} unconnected node pairs but --val-frac {} and --test-frac {} need "
        "{} negative pairs; lower the fractions or use --no-split",
        non_edges, options.val_frac, options.test_frac, needed));
  }
}

// Ten times the expected number of draws to accept `needed` distinct non-edges when each draw
// is a uniform ordered pair, plus slack for tiny graphs. Only a graph with (almost) no spare
// non-edges can reach it.
std::uint64_t negative_draw_limit(std::uint64_t num_nodes, std::uint64_t non_edges,
                                  std::int64_t needed) {
  const double ordered_pairs = static_cast<double>(num_nodes) * static_cast<double>(num_nodes);
  double expected = 0.0;
  for (std::int64_t k = 0; k < needed; ++k) {
    expected += ordered_pairs / (2.0 * (static_cast<double>(non_edges) - static_cast<double>(k)));
  }
  const double cap = 10.0 * expected + 1e5;
  // The first i with i > cap, exact below 2^53 (a cap beyond is 10^15 draws that never end).
  if (!(cap < 0x1p53)) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(std::floor(cap)) + 1;
}

InputError gave_up_drawing(std::int64_t needed, std::uint64_t draws, const SplitOptions& options) {
  return InputError(
      fmt::format("gave up drawing {} negative pairs after {} draws: the graph is too dense for "
                  "--val-frac {} and --test-frac {}",
                  needed, draws, options.val_frac, options.test_frac));
}

}  // namespace distgae
