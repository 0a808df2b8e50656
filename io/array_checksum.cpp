#include "io/array_checksum.hpp"

#include <bit>
#include <stdexcept>

namespace distgae {
namespace {

// The golden-ratio increment of splitmix64: row 0 does not start from a zero state.
constexpr std::uint64_t kRowSeed = 0x9e3779b97f4a7c15ull;

std::uint64_t bits_of(float value) {
  return std::bit_cast<std::uint32_t>(value);
}

}  // namespace

std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

std::uint64_t row_hash(std::int64_t row_index, std::span<const float> row) {
  std::uint64_t state = mix64(static_cast<std::uint64_t>(row_index) + kRowSeed);
  const std::size_t pairs = row.size() / 2;
  for (std::size_t k = 0; k < pairs; ++k) {
    state = mix64(state ^ (bits_of(row[2 * k]) | bits_of(row[2 * k + 1]) << 32));
  }
  if (row.size() % 2 == 1) state = mix64(state ^ bits_of(row.back()));
  return state;
}

std::uint64_t checksum_rows(std::int64_t first_row, std::span<const float> rows,
                            std::size_t width) {
  if (width == 0 || rows.size() % width != 0) {
    throw std::invalid_argument("checksum_rows: the values are not whole rows of the width given");
  }
  std::uint64_t sum = 0;  // unsigned: wraps mod 2^64 by definition
  const std::size_t count = rows.size() / width;
  for (std::size_t r = 0; r < count; ++r) {
    sum += row_hash(first_row + static_cast<std::int64_t>(r), rows.subspan(r * width, width));
  }
  return sum;
}

std::uint64_t checksum_values(std::span<const float> values) {
  return checksum_rows(0, values, 1);
}

}  // namespace distgae
