#include "train/part_consistency.hpp"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <span>
#include <stdexcept>

#include "core/error.hpp"

namespace distgae {
namespace {

constexpr std::size_t kPairLists = 5;
constexpr std::array<const char*, kPairLists> kPairDatasets = {
    "edges/train", "edges/val_pos", "edges/val_neg", "edges/test_pos", "edges/test_neg"};

std::array<std::int64_t, kPairLists> pair_counts(const PartData& part) {
  return {static_cast<std::int64_t>(part.train_edges.size()),
          static_cast<std::int64_t>(part.val_pos.size()),
          static_cast<std::int64_t>(part.val_neg.size()),
          static_cast<std::int64_t>(part.test_pos.size()),
          static_cast<std::int64_t>(part.test_neg.size())};
}

// The file of part `part` beside `own_path` (both parts of one dataset directory).
std::string sibling_path(const std::string& own_path, int part) {
  return part_path(std::filesystem::path(own_path).parent_path().string(), part);
}

// Rows sent to each peer, in rank order (send/offsets).
std::vector<std::int64_t> send_counts(const PartData& part) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(part.num_parts));
  for (std::size_t q = 0; q < counts.size(); ++q) {
    counts[q] = part.send_offsets[q + 1] - part.send_offsets[q];
  }
  return counts;
}

// `values` [L] at the send rows, grouped by peer (send/rows' own order).
std::vector<double> at_send_rows(const PartData& part, const std::vector<std::int64_t>& values) {
  std::vector<double> sent;
  sent.reserve(part.send_rows.size());
  for (const LocalId row : part.send_rows) sent.push_back(static_cast<double>(values[row]));
  return sent;
}

// Each pair list summed over the parts is meta's count (train: num_train_edges; val and test:
// as many negatives as positives). Every rank sees the same sums, so all throw alike.
void check_pair_totals(const std::vector<std::int64_t>& counts, const DatasetMeta& meta,
                       const std::string& own_path) {
  const std::array<std::int64_t, kPairLists> expected = {meta.num_train_edges, meta.num_val_edges,
                                                         meta.num_val_edges, meta.num_test_edges,
                                                         meta.num_test_edges};
  const std::array<const char*, kPairLists> names = {
      "num_train_edges", "num_val_edges", "num_val_edges", "num_test_edges", "num_test_edges"};
  const std::size_t parts = counts.size() / kPairLists;
  for (std::size_t list = 0; list < kPairLists; ++list) {
    std::int64_t total = 0;
    std::string per_part;
    for (std::size_t p = 0; p < parts; ++p) {
      const std::int64_t count = counts[p * kPairLists + list];
      total += count;
      // A short excerpt: the first parts' counts only.
      if (p < 8) per_part += fmt::format("{}part-{}.h5 {}", p == 0 ? "" : ", ", p, count);
    }
    if (parts > 8) per_part += ", ...";
    if (total != expected[list]) {
      throw InputError(
          at_file(meta_path(std::filesystem::path(own_path).parent_path().string()),
                  fmt::format("{} is {}, but the parts' {} hold {} pairs ({})", names[list],
                              expected[list], kPairDatasets[list], total, per_part)));
    }
  }
}

// The halo rows listed as peer q's against what q sent: `ids` and `degrees` [received].
void check_halo_from(const PartData& part, int q, std::span<const double> ids,
                     std::span<const double> degrees, const std::string& own_path) {
  const std::int64_t first = part.n_owned + part.halo_offsets[q];
  const std::int64_t listed = part.halo_offsets[q + 1] - part.halo_offsets[q];
  const std::string peer = sibling_path(own_path, q);
  if (static_cast<std::int64_t>(ids.size()) != listed) {
    throw InputError(at_file(own_path, fmt::format("halo/offsets lists {} halo rows from part {}, "
                                                   "but {} sends {} rows here (send/offsets)",
                                                   listed, q, peer, ids.size())));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto row = static_cast<std::size_t>(first) + i;
    const GlobalId id = part.canonical_id[row];
    if (static_cast<GlobalId>(ids[i]) != id) {
      throw InputError(at_file(
          own_path, fmt::format("nodes/canonical_id[{}] = {} is halo row {} from part {}, but {} "
                                "sends canonical id {} as that row (send/rows)",
                                row, id, i, q, peer, static_cast<GlobalId>(ids[i]))));
    }
    if (static_cast<std::int64_t>(degrees[i]) != part.degree[row]) {
      throw InputError(at_file(
          own_path,
          fmt::format("nodes/degree[{}] = {} for canonical id {}, but its owner {} "
                      "gives it degree {} (nodes/degree)",
                      row, part.degree[row], id, peer, static_cast<std::int64_t>(degrees[i]))));
    }
  }
}

}  // namespace

void check_part_against_peers(const PartData& part, const DatasetMeta& meta,
                              const std::string& own_path, const Communicator& world) {
  if (part.num_parts != world.size() || part.part != world.rank()) {
    // read_part checked the part against meta, and the caller meta against the job's size.
    throw std::logic_error("check_part_against_peers: part " + std::to_string(part.part) + " of " +
                           std::to_string(part.num_parts) + " on rank " +
                           std::to_string(world.rank()) + " of " + std::to_string(world.size()));
  }
  // Every collective first.
  const std::array<std::int64_t, kPairLists> own_counts = pair_counts(part);
  const std::vector<std::int64_t> counts =
      world.allgatherv(std::span<const std::int64_t>(own_counts));
  const std::vector<std::int64_t> sending = send_counts(part);
  std::vector<std::int64_t> received;
  const std::vector<double> ids =
      world.alltoallv(at_send_rows(part, part.canonical_id), sending, received);
  std::vector<std::int64_t> received_degrees;
  const std::vector<double> degrees =
      world.alltoallv(at_send_rows(part, part.degree), sending, received_degrees);

  // Local comparisons only from here on: a throw leaves no peer inside a collective.
  check_pair_totals(counts, meta, own_path);
  std::size_t offset = 0;
  for (int q = 0; q < world.size(); ++q) {
    const auto count = static_cast<std::size_t>(received[static_cast<std::size_t>(q)]);
    check_halo_from(part, q, std::span<const double>(ids).subspan(offset, count),
                    std::span<const double>(degrees).subspan(offset, count), own_path);
    offset += count;
  }
}

}  // namespace distgae
