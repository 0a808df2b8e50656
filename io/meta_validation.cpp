// meta.h5 against itself, and a part against meta (io/part_validation.hpp). meta.h5 is what
// every rank reads alike, so a part that agrees with it agrees with its peers on who owns which
// node; what the peers send each other is compared at load (train/part_consistency).
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <string_view>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/dataset_checks.hpp"
#include "io/part_validation.hpp"

namespace distgae {
namespace {

using dataset_checks::check_offsets;
using dataset_checks::check_size;
using dataset_checks::fail;

// At most 40 characters of an attribute's text: a damaged one may be long.
std::string excerpt(const std::string& text) {
  return text.size() <= 40 ? text : text.substr(0, 37) + "...";
}

void check_non_negative(const std::string& path, std::string_view attribute, std::int64_t value) {
  if (value < 0) fail(path, "attribute '{}' is {}", attribute, value);
}

// Sum of non-negative statistics, each at most `bound` (so the sum cannot overflow).
std::int64_t checked_sum(const std::string& path, std::string_view dataset,
                         const std::vector<std::int64_t>& values, std::int64_t bound,
                         std::string_view bound_name) {
  std::int64_t sum = 0;
  for (std::size_t p = 0; p < values.size(); ++p) {
    if (values[p] < 0 || values[p] > bound) {
      fail(path, "{}[{}] = {} is outside [0, {} = {}]", dataset, p, values[p], bound_name, bound);
    }
    if (__builtin_add_overflow(sum, values[p], &sum)) fail(path, "{} overflows", dataset);
  }
  return sum;
}

void check_sum(const std::string& path, std::string_view dataset, std::int64_t sum,
               std::string_view total_name, std::int64_t total) {
  if (sum != total) fail(path, "{} sums to {}, but {} is {}", dataset, sum, total_name, total);
}

// Every canonical id has one partition-ordered id and no two share one.
void check_permutation(const DatasetMeta& meta, const std::string& path) {
  std::vector<char> taken(static_cast<std::size_t>(meta.num_nodes), 0);
  for (std::size_t node = 0; node < taken.size(); ++node) {
    const GlobalId ordered = meta.canonical_to_ordered[node];
    if (ordered < 0 || ordered >= meta.num_nodes) {
      fail(path, "canonical_to_ordered[{}] = {} is outside [0, num_nodes = {})", node, ordered,
           meta.num_nodes);
    }
    if (taken[static_cast<std::size_t>(ordered)]) {
      fail(path,
           "canonical_to_ordered[{}] = {} repeats an earlier node's: it must be a permutation",
           node, ordered);
    }
    taken[static_cast<std::size_t>(ordered)] = 1;
  }
}

void check_statistics(const DatasetMeta& meta, const std::string& path) {
  const PartitionStatistics& s = meta.stats;
  const std::int64_t parts = meta.num_parts;
  check_size(path, "stats/owned", s.owned.size(), parts, "attribute num_parts");
  check_size(path, "stats/interior", s.interior.size(), parts, "attribute num_parts");
  check_size(path, "stats/halo", s.halo.size(), parts, "attribute num_parts");
  check_size(path, "stats/local_edges", s.local_edges.size(), parts, "attribute num_parts");
  check_size(path, "stats/train_edges", s.train_edges.size(), parts, "attribute num_parts");
  if (!s.sent.empty()) check_size(path, "stats/sent", s.sent.size(), parts, "attribute num_parts");
  for (std::size_t p = 0; p < s.owned.size(); ++p) {
    const std::int64_t owned = meta.part_offsets[p + 1] - meta.part_offsets[p];
    if (s.owned[p] != owned) {
      fail(path, "stats/owned[{}] = {}, but part_offsets give part {} {} nodes", p, s.owned[p], p,
           owned);
    }
    if (s.interior[p] < 0 || s.interior[p] > owned) {
      fail(path, "stats/interior[{}] = {} is outside [0, owned = {}]", p, s.interior[p], owned);
    }
  }
  const std::int64_t n = meta.num_nodes;
  const std::int64_t edges = meta.num_train_edges;
  check_sum(path, "stats/halo", checked_sum(path, "stats/halo", s.halo, n, "num_nodes"),
            "attribute 'comm_volume' of 'stats'", s.comm_volume);
  if (!s.sent.empty()) {
    check_sum(path, "stats/sent", checked_sum(path, "stats/sent", s.sent, n, "num_nodes"),
              "attribute 'comm_volume' of 'stats'", s.comm_volume);
  }
  check_sum(path, "stats/train_edges",
            checked_sum(path, "stats/train_edges", s.train_edges, edges, "num_train_edges"),
            "attribute 'num_train_edges'", edges);
  // Each training edge is an adjacency entry of both its endpoints' rows.
  check_sum(path, "stats/local_edges",
            checked_sum(path, "stats/local_edges", s.local_edges, 2 * edges, "2 num_train_edges"),
            "2 x attribute 'num_train_edges'", 2 * edges);
}

// Part q owning partition-ordered id `ordered` (part_offsets checked).
std::int64_t owner_of(const DatasetMeta& meta, GlobalId ordered) {
  const auto after = std::upper_bound(meta.part_offsets.begin(), meta.part_offsets.end(), ordered);
  return (after - meta.part_offsets.begin()) - 1;
}

void check_part_statistics(const PartData& part, const DatasetMeta& meta, const std::string& path) {
  const PartitionStatistics& s = meta.stats;
  const auto p = static_cast<std::size_t>(part.part);
  if (part.adjacency.nnz() != s.local_edges[p]) {
    fail(path, "adjacency/col_index has {} entries, but meta.h5's stats/local_edges[{}] is {}",
         part.adjacency.nnz(), p, s.local_edges[p]);
  }
  if (static_cast<std::int64_t>(part.train_edges.size()) != s.train_edges[p]) {
    fail(path, "edges/train has {} pairs, but meta.h5's stats/train_edges[{}] is {}",
         part.train_edges.size(), p, s.train_edges[p]);
  }
  if (!s.sent.empty() && static_cast<std::int64_t>(part.send_rows.size()) != s.sent[p]) {
    fail(path, "send/rows has {} entries, but meta.h5's stats/sent[{}] is {}",
         part.send_rows.size(), p, s.sent[p]);
  }
}

// Owned row i is meta's partition-ordered node part_offsets[p] + i; halo rows ascend in
// partition order, each owned by the part halo/offsets names; original ids are meta's.
void check_rows(const PartData& part, const DatasetMeta& meta, const std::string& path) {
  const GlobalId first_owned = meta.part_offsets[static_cast<std::size_t>(part.part)];
  int owner = 0;  // of the current halo row, per halo/offsets
  GlobalId previous = -1;
  for (std::int64_t row = 0; row < part.n_owned + part.n_halo; ++row) {
    const GlobalId node = part.canonical_id[row];
    if (node < 0 || node >= meta.num_nodes) {
      fail(path, "nodes/canonical_id[{}] = {} is outside [0, num_nodes = {})", row, node,
           meta.num_nodes);
    }
    const GlobalId ordered = meta.canonical_to_ordered[node];
    if (row < part.n_owned && ordered != first_owned + row) {
      fail(path,
           "nodes/canonical_id[{}] = {}: owned row {} must be meta.h5's partition-ordered node {}, "
           "but that canonical id is node {} (of part {})",
           row, node, row, first_owned + row, ordered, owner_of(meta, ordered));
    }
    if (row >= part.n_owned) {
      const std::int64_t halo = row - part.n_owned;
      while (halo >= part.halo_offsets[owner + 1]) ++owner;
      if (owner_of(meta, ordered) != owner) {
        fail(path,
             "nodes/canonical_id[{}] = {}: halo row {} comes from part {} per halo/offsets, but "
             "meta.h5 gives that node to part {}",
             row, node, halo, owner, owner_of(meta, ordered));
      }
      if (ordered <= previous) {
        fail(path, "nodes/canonical_id[{}] = {}: halo rows must ascend in partition order", row,
             node);
      }
      previous = ordered;
    }
    if (part.node_id[row] != meta.node_id[node]) {
      fail(path, "nodes/node_id[{}] = {}, but meta.h5's node_id of canonical id {} is {}", row,
           part.node_id[row], node, meta.node_id[node]);
    }
  }
}

// Canonical id -> local row of this part, -1 for a node that is neither owned nor a halo row.
class LocalRows {
 public:
  LocalRows(const PartData& part, const DatasetMeta& meta)
      : meta_(meta),
        first_owned_(meta.part_offsets[static_cast<std::size_t>(part.part)]),
        n_owned_(part.n_owned) {
    halo_ordered_.reserve(static_cast<std::size_t>(part.n_halo));
    for (std::int64_t row = part.n_owned; row < part.n_owned + part.n_halo; ++row) {
      halo_ordered_.push_back(meta.canonical_to_ordered[part.canonical_id[row]]);
    }
  }
  std::int64_t operator()(GlobalId node) const {
    const GlobalId ordered = meta_.canonical_to_ordered[node];
    if (ordered >= first_owned_ && ordered < first_owned_ + n_owned_) return ordered - first_owned_;
    const auto it = std::lower_bound(halo_ordered_.begin(), halo_ordered_.end(), ordered);
    if (it == halo_ordered_.end() || *it != ordered) return -1;
    return n_owned_ + (it - halo_ordered_.begin());
  }
  bool owns(GlobalId node) const {
    const GlobalId ordered = meta_.canonical_to_ordered[node];
    return ordered >= first_owned_ && ordered < first_owned_ + n_owned_;
  }

 private:
  const DatasetMeta& meta_;
  GlobalId first_owned_;
  std::int64_t n_owned_;
  std::vector<GlobalId> halo_ordered_;  // ascending (check_rows)
};

bool is_adjacency_entry(const PartData& part, const LocalRows& local, const NodePair& pair) {
  const std::int64_t row = local(pair.first);
  const std::int64_t col = local(pair.second);
  if (col < 0) return false;
  const auto cols = part.adjacency.row(row);
  return std::binary_search(cols.begin(), cols.end(), static_cast<LocalId>(col));
}

// Hash of an edge in canonical ids (a < b). Changing either end alone always changes it: the
// multiplier is odd (a bijection mod 2^64), and so is mix64.
std::uint64_t edge_hash(GlobalId a, GlobalId b) {
  return mix64(static_cast<std::uint64_t>(a) * 0x9e3779b97f4a7c15ULL +
               static_cast<std::uint64_t>(b));
}

// The pair at fault once check_pairs found one: the first out of order or out of range.
void fail_on_pair(const std::vector<NodePair>& pairs, std::string_view dataset,
                  const DatasetMeta& meta, const std::string& path) {
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const NodePair& pair = pairs[i];
    if (pair.first < 0 || pair.first >= pair.second) {
      fail(path, "{}[{}] = ({}, {}): pairs must have 0 <= first < second", dataset, i, pair.first,
           pair.second);
    }
    if (i > 0 && !(pairs[i - 1] < pair)) {
      fail(path, "{}[{}] = ({}, {}) does not follow ({}, {}): pairs must be sorted, each once",
           dataset, i, pair.first, pair.second, pairs[i - 1].first, pairs[i - 1].second);
    }
    if (pair.second >= meta.num_nodes) {
      fail(path, "{}[{}] = ({}, {}) is outside [0, num_nodes = {})", dataset, i, pair.first,
           pair.second, meta.num_nodes);
    }
  }
}

// Pairs in canonical ids: 0 <= first < second < N, strictly ascending (sorted, no pair twice),
// the first endpoint owned here, at most `max_count` of them (meta's total). One pass, without
// branches but for the owner lookup, over what may be millions of pairs (it is bound by memory,
// so it also returns the sum of the pairs' edge hashes, for check_training_edges); only once it
// found a fault does fail_on_pair look for it, to name it.
std::uint64_t check_pairs(const std::vector<NodePair>& pairs, std::string_view dataset,
                          std::int64_t max_count, std::string_view count_name,
                          const DatasetMeta& meta, const LocalRows& local,
                          const std::string& path) {
  if (static_cast<std::int64_t>(pairs.size()) > max_count) {
    fail(path, "{} has {} pairs, more than meta.h5's {} = {}", dataset, pairs.size(), count_name,
         max_count);
  }
  std::uint64_t hash_sum = 0;
  bool wrong = false;
  GlobalId owned_first = -1;  // the last first endpoint found owned: pairs come sorted by it
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const NodePair& pair = pairs[i];
    const NodePair& previous = pairs[i == 0 ? 0 : i - 1];
    const bool repeated_or_earlier =
        (pair.first < previous.first) ||
        ((pair.first == previous.first) && (pair.second <= previous.second));
    wrong |= (pair.first < 0) | (pair.first >= pair.second) | (pair.second >= meta.num_nodes) |
             (i > 0 && repeated_or_earlier);
    hash_sum += edge_hash(pair.first, pair.second);
    if (pair.first == owned_first || pair.first < 0 || pair.first >= meta.num_nodes) continue;
    if (!local.owns(pair.first)) {
      fail(path, "{}[{}] = ({}, {}): its first endpoint is not owned by this part", dataset, i,
           pair.first, pair.second);
    }
    owned_first = pair.first;
  }
  if (wrong) fail_on_pair(pairs, dataset, meta, path);
  return hash_sum;
}

// The training pairs are exactly the adjacency's edges (row, col) with canonical id of row below
// that of col. Checked in sequential passes: as many such entries as pairs, and the same sum
// (mod 2^64) of their hashes (the pairs' sum comes from check_pairs). The pairs are
// distinct (check_pairs), so only pairs chosen to balance the sums could slip through.
// Only when they differ is the first pair that is no entry looked for (a binary search per
// pair), to name it.
void check_training_edges(const PartData& part, const LocalRows& local, std::uint64_t listed_sum,
                          const std::string& path) {
  std::uint64_t adjacency_sum = 0;
  std::int64_t edges = 0;
  for (std::int64_t row = 0; row < part.n_owned; ++row) {
    const GlobalId first = part.canonical_id[row];
    for (const LocalId col : part.adjacency.row(row)) {
      // Without a branch: which half an entry falls in is a coin toss to the branch predictor.
      const GlobalId second = part.canonical_id[col];
      const bool forward = first < second;
      adjacency_sum += edge_hash(first, second) & (std::uint64_t{0} - forward);
      edges += forward;
    }
  }
  if (edges == static_cast<std::int64_t>(part.train_edges.size()) && listed_sum == adjacency_sum) {
    return;
  }
  for (std::size_t i = 0; i < part.train_edges.size(); ++i) {
    if (!is_adjacency_entry(part, local, part.train_edges[i])) {
      fail(path, "edges/train[{}] = ({}, {}) is not an edge of the adjacency", i,
           part.train_edges[i].first, part.train_edges[i].second);
    }
  }
  fail(path,
       "edges/train has {} pairs, but the adjacency has {} edges whose first endpoint is owned "
       "here",
       part.train_edges.size(), edges);
}

}  // namespace

void check_dataset_meta_header(const DatasetMeta& meta, const std::string& path) {
  check_non_negative(path, "num_nodes", meta.num_nodes);
  if (meta.num_parts < 1) fail(path, "attribute 'num_parts' is {}", meta.num_parts);
  check_non_negative(path, "num_edges", meta.num_edges);
  check_non_negative(path, "num_train_edges", meta.num_train_edges);
  check_non_negative(path, "num_val_edges", meta.num_val_edges);
  check_non_negative(path, "num_test_edges", meta.num_test_edges);
  check_non_negative(path, "feature_dim", meta.feature_dim);
  // At most N (N - 1) / 2 edges (and half of int64, so that twice a count cannot overflow).
  const std::int64_t n = meta.num_nodes;
  const std::int64_t max_edges = n <= 3'000'000'000 ? n * std::max<std::int64_t>(n - 1, 0) / 2
                                                    : std::numeric_limits<std::int64_t>::max();
  if (meta.num_edges > std::min(max_edges, std::numeric_limits<std::int64_t>::max() / 2)) {
    fail(path, "attribute 'num_edges' is {}, more than a graph of {} nodes has", meta.num_edges, n);
  }
  const std::int64_t held_out = meta.num_edges - meta.num_train_edges;
  if (meta.num_train_edges > meta.num_edges || meta.num_val_edges > held_out ||
      held_out - meta.num_val_edges != meta.num_test_edges) {
    fail(path,
         "attribute 'num_edges' is {}, but num_train_edges + num_val_edges + "
         "num_test_edges = {} + {} + {}",
         meta.num_edges, meta.num_train_edges, meta.num_val_edges, meta.num_test_edges);
  }
}

void check_dataset_meta(const DatasetMeta& meta, const std::string& path) {
  check_dataset_meta_header(meta, path);
  check_size(path, "node_id", meta.node_id.size(), meta.num_nodes, "attribute num_nodes");
  check_size(path, "canonical_to_ordered", meta.canonical_to_ordered.size(), meta.num_nodes,
             "attribute num_nodes");
  check_size(path, "part_offsets", meta.part_offsets.size(), std::int64_t{meta.num_parts} + 1,
             "attribute num_parts + 1");
  check_offsets(path, "part_offsets", meta.part_offsets, meta.num_nodes, "attribute num_nodes");
  check_permutation(meta, path);
  check_statistics(meta, path);
}

void check_part_header_against_meta(const PartData& part, const DatasetMeta& meta,
                                    const std::string& path) {
  // First: of all the disagreements a part of another dataset shows, this one says what it is.
  if (!part.graph_fingerprint.empty() && part.graph_fingerprint != meta.graph_fingerprint) {
    fail(path,
         "attribute 'graph_fingerprint' is '{}', but meta.h5's is '{}': the part belongs "
         "to another dataset",
         excerpt(part.graph_fingerprint), excerpt(meta.graph_fingerprint));
  }
  if (part.num_parts != meta.num_parts) {
    fail(path, "attribute 'num_parts' is {}, but meta.h5 has {} parts", part.num_parts,
         meta.num_parts);
  }
  const auto p = static_cast<std::size_t>(part.part);
  const std::int64_t owned = meta.part_offsets[p + 1] - meta.part_offsets[p];
  if (part.n_owned != owned) {
    fail(path, "attribute 'n_owned' is {}, but meta.h5's part_offsets give part {} {} nodes",
         part.n_owned, part.part, owned);
  }
  if (part.n_interior != meta.stats.interior[p]) {
    fail(path, "attribute 'n_interior' is {}, but meta.h5's stats/interior[{}] is {}",
         part.n_interior, p, meta.stats.interior[p]);
  }
  if (part.n_halo != meta.stats.halo[p]) {
    fail(path, "attribute 'n_halo' is {}, but meta.h5's stats/halo[{}] is {}", part.n_halo, p,
         meta.stats.halo[p]);
  }
}

void check_part_against_meta(const PartData& part, const DatasetMeta& meta,
                             const std::string& path) {
  check_part_header_against_meta(part, meta, path);
  check_part_statistics(part, meta, path);
  check_rows(part, meta, path);
  const LocalRows local(part, meta);
  const std::uint64_t train_sum = check_pairs(part.train_edges, "edges/train", meta.num_train_edges,
                                              "num_train_edges", meta, local, path);
  check_pairs(part.val_pos, "edges/val_pos", meta.num_val_edges, "num_val_edges", meta, local,
              path);
  check_pairs(part.val_neg, "edges/val_neg", meta.num_val_edges, "num_val_edges", meta, local,
              path);
  check_pairs(part.test_pos, "edges/test_pos", meta.num_test_edges, "num_test_edges", meta, local,
              path);
  check_pairs(part.test_neg, "edges/test_neg", meta.num_test_edges, "num_test_edges", meta, local,
              path);
  check_training_edges(part, local, train_sum, path);
  if (part.features.n_cols != meta.feature_dim) {
    fail(path, "attribute 'n_cols' of 'features' is {}, but meta.h5's feature_dim is {}",
         part.features.n_cols, meta.feature_dim);
  }
}

}  // namespace distgae
