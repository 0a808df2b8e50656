// Sizes a file declares ahead of its contents — a MatrixMarket size line, a '# nodes:' header,
// an HDF5 dataset's shape — checked against what the file can hold before anything is sized by
// them. A header of a few bytes must not make a reader (or what runs after it) allocate
// gigabytes: a count of entries must fit in the bytes that follow it, and a row, column or node
// count may exceed what those entries can name only by a fixed allowance.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace distgae {

// Rows, columns or nodes that no entry of the file names (isolated nodes, all-zero feature rows
// or columns) accepted on top of those its entries can name. Each costs memory in per-row
// arrays (8 bytes per row of offsets, more per node in a dataset), so a few-byte file could
// otherwise declare terabytes; 2^24 keeps that under a few hundred MiB while leaving room for
// real graphs with isolated nodes.
inline constexpr std::int64_t kUnbackedDimensionAllowance = std::int64_t{1} << 24;

// How many entries of at least `min_entry_bytes` bytes each (its newline included) fit in
// `bytes`; the last one may lack its newline, hence the + 1.
inline std::int64_t entries_that_fit(std::uint64_t bytes, std::uint64_t min_entry_bytes) {
  const std::uint64_t fit = (bytes + 1) / std::max<std::uint64_t>(min_entry_bytes, 1);
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(fit, std::numeric_limits<std::int64_t>::max()));
}

// The largest row, column or node count accepted from a file with `entries` entries, each naming
// up to `names_per_entry` of them (a graph's edge names two nodes, a feature entry one row).
inline std::int64_t dimension_limit(std::int64_t entries, std::int64_t names_per_entry) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const std::int64_t nameable_max = kMax - kUnbackedDimensionAllowance;
  if (entries > 0 && names_per_entry > nameable_max / entries) return kMax;
  return entries * names_per_entry + kUnbackedDimensionAllowance;
}

}  // namespace distgae
