// The checkpoint checksum (io/array_checksum.hpp): the same value however the rows are split
// among ranks, and a different one after any one bit of any value flips or rows swap places.
#include "io/array_checksum.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <vector>

namespace distgae {
namespace {

using testing_util::ramp;

std::vector<float> random_rows(std::size_t rows, std::size_t width, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal;
  std::vector<float> values(rows * width);
  for (float& value : values) value = normal(engine);
  return values;
}

TEST(ArrayChecksum, MatchesTheDocumentedAlgorithm) {
  // Known answers from an independent numpy implementation of docs/format.md's definition (the
  // CLI tests carry the same one): a change of algorithm breaks every stored checkpoint.
  EXPECT_EQ(checksum_values(ramp(10, 1.0f)), 0x88b2f2c52ae73d8full);
  const std::vector<float> rows = ramp(15, -3.0f);  // [5, 3]: an odd width pads the last word
  EXPECT_EQ(checksum_rows(0, rows, 3), 0x6f970e173a607771ull);
  EXPECT_EQ(checksum_rows(7, rows, 3), 0x91225f2099ed4f02ull);
}

TEST(ArrayChecksum, ComposesOverAnySplitOfTheRows) {
  constexpr std::size_t kRows = 97, kWidth = 32;
  const std::vector<float> all = random_rows(kRows, kWidth, 1);
  const std::uint64_t whole = checksum_rows(0, all, kWidth);
  std::mt19937 engine(2);
  for (int split = 0; split < 200; ++split) {
    // Random cuts, empty blocks included, as ranks with no rows have.
    std::vector<std::size_t> cuts = {0, kRows};
    const int blocks = 1 + static_cast<int>(engine() % 8);
    for (int b = 1; b < blocks; ++b) cuts.push_back(engine() % (kRows + 1));
    std::sort(cuts.begin(), cuts.end());
    std::uint64_t sum = 0;
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
      const std::span<const float> block(all.data() + cuts[c] * kWidth,
                                         (cuts[c + 1] - cuts[c]) * kWidth);
      sum += checksum_rows(static_cast<std::int64_t>(cuts[c]), block, kWidth);
    }
    EXPECT_EQ(sum, whole) << "split " << split;
  }
}

TEST(ArrayChecksum, EveryOneBitFlipChangesIt) {
  for (const std::size_t width : {std::size_t{1}, std::size_t{3}, std::size_t{16}}) {
    std::vector<float> values = random_rows(6, width, 3);
    const std::uint64_t original = checksum_rows(0, values, width);
    for (std::size_t i = 0; i < values.size(); ++i) {
      for (int bit = 0; bit < 32; ++bit) {
        const float kept = values[i];
        values[i] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(kept) ^ (1u << bit));
        EXPECT_NE(checksum_rows(0, values, width), original)
            << "width " << width << ", value " << i << ", bit " << bit;
        values[i] = kept;
      }
    }
  }
}

TEST(ArrayChecksum, RowsInAnotherPlaceOrAnotherIndexChangeIt) {
  std::vector<float> values = random_rows(4, 2, 4);
  const std::uint64_t original = checksum_rows(0, values, 2);
  EXPECT_NE(checksum_rows(1, values, 2), original);  // the same rows, one place further
  std::swap_ranges(values.begin(), values.begin() + 2, values.begin() + 2);  // rows 0 and 1
  EXPECT_NE(checksum_rows(0, values, 2), original);
}

TEST(ArrayChecksum, NegativeZeroAndNaNPayloadsAreTheirBits) {
  // Bits, not values: -0 and +0 compare equal, two NaNs never do; the checksum tells all apart.
  EXPECT_NE(checksum_values(std::vector<float>{0.0f}), checksum_values(std::vector<float>{-0.0f}));
  const float quiet = std::bit_cast<float>(0x7fc00000u), other = std::bit_cast<float>(0x7fc00001u);
  EXPECT_NE(checksum_values(std::vector<float>{quiet}), checksum_values(std::vector<float>{other}));
  EXPECT_EQ(checksum_values(std::vector<float>{quiet}), checksum_values(std::vector<float>{quiet}));
}

TEST(ArrayChecksum, AnEmptyBlockAddsNothingAndPartialRowsAreRefused) {
  EXPECT_EQ(checksum_rows(5, {}, 4), 0u);
  const std::vector<float> values(7, 1.0f);
  EXPECT_THROW(checksum_rows(0, values, 2), std::invalid_argument);
  EXPECT_THROW(checksum_rows(0, values, 0), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
