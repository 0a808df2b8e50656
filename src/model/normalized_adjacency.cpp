#include "model/normalized_adjacency.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace distgae {
namespace {

void check_inputs(const Csr<LocalId>& adjacency, std::span<const std::int64_t> degree,
                  std::span<const GlobalId> canonical_id, std::int64_t n_interior) {
  const std::int64_t n_owned = adjacency.n_rows();
  if (adjacency.n_cols < n_owned || static_cast<std::int64_t>(degree.size()) != adjacency.n_cols ||
      static_cast<std::int64_t>(canonical_id.size()) != adjacency.n_cols) {
    throw std::invalid_argument("normalize_adjacency: " + std::to_string(n_owned) + " rows, " +
                                std::to_string(adjacency.n_cols) + " local columns, " +
                                std::to_string(degree.size()) + " degrees and " +
                                std::to_string(canonical_id.size()) +
                                " canonical ids do not fit together");
  }
  if (n_interior < 0 || n_interior > n_owned) {
    throw std::invalid_argument("normalize_adjacency: n_interior out of range");
  }
  for (std::int64_t row = 0; row < n_owned; ++row) {
    LocalId previous = -1;
    for (const LocalId col : adjacency.row(row)) {
      if (col <= previous || col >= adjacency.n_cols || col == row) {
        throw std::invalid_argument("normalize_adjacency: row " + std::to_string(row) +
                                    " is unsorted, has a duplicate, a self loop or a column out "
                                    "of range");
      }
      previous = col;
    }
  }
}

}  // namespace

NormalizedAdjacency normalize_adjacency(const Csr<LocalId>& adjacency,
                                        std::span<const std::int64_t> degree,
                                        std::span<const GlobalId> canonical_id,
                                        std::int64_t n_interior) {
  check_inputs(adjacency, degree, canonical_id, n_interior);
  NormalizedAdjacency result;
  result.n_owned = adjacency.n_rows();
  result.n_interior = n_interior;
  result.n_local = adjacency.n_cols;

  // The scale in double so that every part rounds an entry the same way, whatever its layout.
  std::vector<double> inv_sqrt(degree.size());
  for (std::size_t j = 0; j < degree.size(); ++j) {
    inv_sqrt[j] = 1.0 / std::sqrt(static_cast<double>(degree[j]) + 1.0);
  }

  Csr<LocalId, float>& rows = result.rows;
  rows.n_cols = result.n_local;
  rows.row_start.reserve(static_cast<std::size_t>(result.n_owned) + 1);
  rows.col_index.reserve(adjacency.col_index.size() + static_cast<std::size_t>(result.n_owned));
  rows.values.reserve(rows.col_index.capacity());
  // One row at a time: its entries (the self loop among them) sorted by canonical column id.
  std::vector<std::pair<GlobalId, LocalId>> order;
  for (std::int64_t i = 0; i < result.n_owned; ++i) {
    order.clear();
    order.emplace_back(canonical_id[static_cast<std::size_t>(i)], static_cast<LocalId>(i));
    for (const LocalId j : adjacency.row(i)) {
      order.emplace_back(canonical_id[static_cast<std::size_t>(j)], j);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [canonical, j] : order) {
      rows.col_index.push_back(j);
      // The self loop's entry is 1 / (d + 1) exactly, not the square of a rounded 1/sqrt.
      rows.values.push_back(j == i
                                ? static_cast<float>(1.0 / (static_cast<double>(degree[i]) + 1.0))
                                : static_cast<float>(inv_sqrt[i] * inv_sqrt[j]));
    }
    rows.row_start.push_back(static_cast<std::int64_t>(rows.col_index.size()));
  }
  return result;
}

}  // namespace distgae
