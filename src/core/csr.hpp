// Compressed sparse rows: our one graph/sparse-matrix container (plain vectors).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace distgae {

// A sparse matrix of n_rows rows: row r's entries are col_index[row_start[r] .. row_start[r+1]).
// Values are optional: an empty `values` means every stored entry is 1 (a graph's pattern).
template <class Col, class Value = float>
struct Csr {
  std::vector<std::int64_t> row_start{0};
  std::vector<Col> col_index;
  std::vector<Value> values;
  std::int64_t n_cols = 0;

  std::int64_t n_rows() const { return static_cast<std::int64_t>(row_start.size()) - 1; }
  std::int64_t nnz() const { return static_cast<std::int64_t>(col_index.size()); }
  std::int64_t row_length(std::int64_t row) const { return row_start[row + 1] - row_start[row]; }
  std::span<const Col> row(std::int64_t row) const {
    return {col_index.data() + row_start[row], static_cast<std::size_t>(row_length(row))};
  }
  std::span<const Value> row_values(std::int64_t row) const {
    return {values.data() + row_start[row], static_cast<std::size_t>(row_length(row))};
  }
  bool has_values() const { return !values.empty(); }
};

}  // namespace distgae
