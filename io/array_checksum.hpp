// Checksums of the float32 arrays of a checkpoint, written with it and checked before a resume
// trusts it (docs/format.md, "Checksums").
//
// An array [rows, width] sums, wrapping mod 2^64, a 64-bit hash of each row's (index, values).
// A sum composes over any split of the rows: each rank sums the block it writes or reads, and the
// blocks' sums add up to the whole array's however the rows were split, so a checkpoint written
// on P ranks verifies on any other number of ranks. A row's hash chains splitmix64's finaliser
// (a bijection of 64-bit words) over the row's 8-byte words: with every other word fixed, each
// step is one-to-one in its word and in the state it carries on, so changing any bits of one row
// always changes that row's hash, and so the sum: a flipped bit is certain to be caught, not only
// likely. Row indices enter the hash, so rows moved to another place are caught too.
//
// Words are built from the values' IEEE-754 bit patterns (value 2k in the low half, 2k+1 in the
// high half, a zero high half after an odd row's last value), never from memory bytes, so the
// checksum is the same on any machine and to any reader that re-implements it (tests/cli does).
#pragma once

#include <cstdint>
#include <span>

namespace distgae {

// The hash of canonical row `row_index` holding `row` (its width values).
std::uint64_t row_hash(std::int64_t row_index, std::span<const float> row);

// The checksum share of rows [first_row, first_row + rows.size() / width) of an array of
// `width` columns: the wrapping sum of their row hashes. Shares of disjoint blocks add up
// (wrapping) to the checksum of their union. `rows.size()` must be a multiple of width.
std::uint64_t checksum_rows(std::int64_t first_row, std::span<const float> rows, std::size_t width);

// A 1-D array's checksum: the array as [n, 1], one value per row.
std::uint64_t checksum_values(std::span<const float> values);

}  // namespace distgae
