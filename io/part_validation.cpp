// A part against itself and against meta. The invariants are what partition/part_builder.cpp
// builds: owned rows in partition order, halo rows in ascending partition order (hence grouped
// by owner), send lists that are exactly each peer's halo rows owned here, and the training
// adjacency whose edges are the training pairs.
#include "io/part_validation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string_view>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/dataset_checks.hpp"

namespace distgae {
namespace {

using dataset_checks::check_offsets;
using dataset_checks::check_size;
using dataset_checks::fail;

std::int64_t local_rows(const PartData& part) {
  return part.n_owned + part.n_halo;
}

// Rows in [0, n_owned): sorted columns in [0, L), no self loop, degree == row length; interior
// rows (< n_interior) have no halo neighbour, boundary rows at least one.
void check_adjacency_rows(const PartData& part, const std::string& path) {
  const Csr<LocalId>& adjacency = part.adjacency;
  const std::int64_t n_local = local_rows(part);
  for (std::int64_t row = 0; row < part.n_owned; ++row) {
    const std::int64_t begin = adjacency.row_start[row];
    const std::int64_t end = adjacency.row_start[row + 1];
    for (std::int64_t k = begin; k < end; ++k) {
      const LocalId col = adjacency.col_index[k];
      if (col < 0 || col >= n_local) {
        fail(path, "adjacency/col_index[{}] = {} (row {}) is outside [0, n_owned + n_halo = {})", k,
             col, row, n_local);
      }
      if (col == row) fail(path, "adjacency/col_index[{}]: row {} has a self loop", k, row);
      if (k > begin && col <= adjacency.col_index[k - 1]) {
        fail(path, "adjacency/col_index[{}] = {} follows {} in row {}: columns must increase", k,
             col, adjacency.col_index[k - 1], row);
      }
    }
    if (part.degree[row] != end - begin) {
      fail(path,
           "nodes/degree[{}] = {}, but owned row {} has {} adjacency entries (an owned row's "
           "degree is its training degree)",
           row, part.degree[row], row, end - begin);
    }
    const bool has_halo_neighbour = end > begin && adjacency.col_index[end - 1] >= part.n_owned;
    if (row < part.n_interior && has_halo_neighbour) {
      fail(path, "row {} is interior (below attribute n_interior = {}) but has a halo neighbour",
           row, part.n_interior);
    }
    if (row >= part.n_interior && !has_halo_neighbour) {
      fail(path,
           "row {} is a boundary row (from attribute n_interior = {} on) without a halo "
           "neighbour",
           row, part.n_interior);
    }
  }
}

// The first owned-owned entry that its column's row does not list back. Slow (a binary search
// per entry): only run to name the entry once the sums below have found one.
void fail_on_one_way_entry(const PartData& part, const std::string& path) {
  const Csr<LocalId>& adjacency = part.adjacency;
  for (std::int64_t row = 0; row < part.n_owned; ++row) {
    for (const LocalId col : adjacency.row(row)) {
      if (col >= part.n_owned) break;  // halo columns follow the owned ones
      const auto back = adjacency.row(col);
      if (!std::binary_search(back.begin(), back.end(), static_cast<LocalId>(row))) {
        fail(path, "adjacency: row {} lists owned row {}, which does not list it back", row, col);
      }
    }
  }
}

// The training graph is undirected: each edge between owned rows is listed from both ends (an
// edge to a halo row is listed back on its owner's part). Checked in one sequential pass: the
// entries below the diagonal and those above, each hashed as the unordered pair it stands for,
// must be as many and sum alike (mod 2^64). mix64 is a bijection, so distinct pairs hash apart
// and only entries chosen to balance the sums could slip through.
void check_owned_symmetry(const PartData& part, const std::string& path) {
  std::uint64_t upper_sum = 0, lower_sum = 0;
  std::int64_t upper = 0, lower = 0;
  for (std::int64_t row = 0; row < part.n_owned; ++row) {
    const auto r = static_cast<std::uint64_t>(row);
    for (const LocalId col : part.adjacency.row(row)) {
      if (col >= part.n_owned) break;
      const auto c = static_cast<std::uint64_t>(col);
      if (row < col) {
        upper_sum += mix64((r << 32) | c);
        ++upper;
      } else {
        lower_sum += mix64((c << 32) | r);
        ++lower;
      }
    }
  }
  if (upper == lower && upper_sum == lower_sum) return;
  fail_on_one_way_entry(part, path);
  fail(path, "adjacency: the entries among owned rows are not symmetric");
}

// Halo degrees are the owners' (checked against them at load, train/part_consistency); here
// only what a halo row implies: it is some owned row's neighbour.
void check_halo_degrees(const PartData& part, const std::string& path) {
  for (std::int64_t row = part.n_owned; row < local_rows(part); ++row) {
    if (part.degree[row] < 1) {
      fail(path, "nodes/degree[{}] = {} for a halo row, which is a neighbour of an owned row", row,
           part.degree[row]);
    }
  }
}

// Part q's rows are send/rows[send/offsets[q] ..): exactly the owned rows with a neighbour among
// the halo rows q owns, ascending (q's halo lists them in partition order). Every halo row is
// some owned row's neighbour.
void check_send_lists(const PartData& part, const std::string& path) {
  for (std::size_t k = 0; k < part.send_rows.size(); ++k) {
    if (part.send_rows[k] < 0 || part.send_rows[k] >= part.n_owned) {
      fail(path, "send/rows[{}] = {} is not an owned row (outside [0, n_owned = {}))", k,
           part.send_rows[k], part.n_owned);
    }
  }
  std::vector<int> owner(static_cast<std::size_t>(part.n_halo));
  for (int q = 0; q < part.num_parts; ++q) {
    std::fill(owner.begin() + part.halo_offsets[q], owner.begin() + part.halo_offsets[q + 1], q);
  }
  std::vector<char> referenced(owner.size(), 0);
  std::vector<std::int64_t> next(part.send_offsets.begin(), part.send_offsets.end() - 1);
  for (std::int64_t row = part.n_interior; row < part.n_owned; ++row) {
    int previous_owner = -1;
    for (const LocalId col : part.adjacency.row(row)) {
      if (col < part.n_owned) continue;
      const auto halo = static_cast<std::size_t>(col - part.n_owned);
      referenced[halo] = 1;
      const int q = owner[halo];
      if (q == previous_owner) continue;  // columns ascend, so a row's owners come grouped
      previous_owner = q;
      const std::int64_t k = next[q]++;
      if (k == part.send_offsets[q + 1]) {
        fail(path,
             "send/rows lists {} rows for part {}, but owned row {} also has a neighbour there",
             k - part.send_offsets[q], q, row);
      }
      if (part.send_rows[k] != row) {
        fail(path,
             "send/rows[{}] = {}, but the next owned row with a neighbour on part {} is {} (part "
             "{}'s rows are exactly those, ascending)",
             k, part.send_rows[k], q, row, q);
      }
    }
  }
  for (int q = 0; q < part.num_parts; ++q) {
    if (next[q] != part.send_offsets[q + 1]) {
      fail(path, "send/rows[{}] = {} is sent to part {} but has no neighbour there", next[q],
           part.send_rows[next[q]], q);
    }
  }
  const auto unreferenced = std::find(referenced.begin(), referenced.end(), 0);
  if (unreferenced != referenced.end()) {
    const auto halo = unreferenced - referenced.begin();
    fail(path, "halo row {} (local row {}) is no owned row's neighbour (adjacency/col_index)", halo,
         part.n_owned + halo);
  }
}

void check_features(const PartData& part, const std::string& path) {
  const FeatureMatrix& features = part.features;
  check_size(path, "features/row_start", features.row_start.size(), part.n_owned + 1,
             "n_owned + 1");
  if (features.n_cols < 0) fail(path, "attribute 'n_cols' of 'features' is {}", features.n_cols);
  check_offsets(path, "features/row_start", features.row_start, features.nnz(),
                "the entries of features/col_index");
  check_size(path, "features/values", features.values.size(), features.nnz(),
             "the entries of features/col_index");
  for (std::size_t k = 0; k < features.col_index.size(); ++k) {
    if (features.col_index[k] < 0 || features.col_index[k] >= features.n_cols) {
      fail(path, "features/col_index[{}] = {} is outside [0, n_cols = {})", k,
           features.col_index[k], features.n_cols);
    }
    if (!std::isfinite(features.values[k])) {
      fail(path, "features/values[{}] = {} is not finite", k, features.values[k]);
    }
  }
}

}  // namespace

void check_part_header(const PartData& part, int expected_part, const std::string& path) {
  if (part.num_parts < 1) fail(path, "attribute 'num_parts' is {}", part.num_parts);
  if (part.part != expected_part) {
    fail(path, "attribute 'part' is {}, but this is the file of part {}", part.part, expected_part);
  }
  if (part.n_owned < 0) fail(path, "attribute 'n_owned' is {}", part.n_owned);
  if (part.n_halo < 0) fail(path, "attribute 'n_halo' is {}", part.n_halo);
  if (part.n_interior < 0 || part.n_interior > part.n_owned) {
    fail(path, "attribute 'n_interior' is {}, outside [0, n_owned = {}]", part.n_interior,
         part.n_owned);
  }
  if (part.n_owned > std::numeric_limits<LocalId>::max() - part.n_halo) {
    fail(path, "attributes 'n_owned' {} and 'n_halo' {} exceed 32-bit local ids", part.n_owned,
         part.n_halo);
  }
}

void check_part_structure(const PartData& part, const std::string& path) {
  check_part_header(part, part.part, path);
  const std::int64_t n_local = local_rows(part);
  check_size(path, "nodes/canonical_id", part.canonical_id.size(), n_local, "n_owned + n_halo");
  check_size(path, "nodes/node_id", part.node_id.size(), n_local, "n_owned + n_halo");
  check_size(path, "nodes/degree", part.degree.size(), n_local, "n_owned + n_halo");
  check_size(path, "halo/offsets", part.halo_offsets.size(), part.num_parts + 1, "num_parts + 1");
  check_size(path, "send/offsets", part.send_offsets.size(), part.num_parts + 1, "num_parts + 1");
  check_size(path, "adjacency/row_start", part.adjacency.row_start.size(), part.n_owned + 1,
             "n_owned + 1");
  check_offsets(path, "halo/offsets", part.halo_offsets, part.n_halo, "attribute n_halo");
  check_offsets(path, "send/offsets", part.send_offsets,
                static_cast<std::int64_t>(part.send_rows.size()), "the entries of send/rows");
  const auto p = static_cast<std::size_t>(part.part);
  if (part.halo_offsets[p + 1] != part.halo_offsets[p]) {
    fail(path, "halo/offsets gives this part {} halo rows of its own",
         part.halo_offsets[p + 1] - part.halo_offsets[p]);
  }
  if (part.adjacency.n_cols != n_local) {
    fail(path, "attribute 'n_cols' of 'adjacency' is {}, expected n_owned + n_halo = {}",
         part.adjacency.n_cols, n_local);
  }
  check_offsets(path, "adjacency/row_start", part.adjacency.row_start, part.adjacency.nnz(),
                "the entries of adjacency/col_index");
  check_adjacency_rows(part, path);
  check_owned_symmetry(part, path);
  check_halo_degrees(part, path);
  check_send_lists(part, path);
  check_features(part, path);
}

}  // namespace distgae
