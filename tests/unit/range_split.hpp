// Splits of a file into the byte ranges that the ranks of a job would read (io/text_range.hpp),
// for the tests of the ranged readers: every range of a split is parsed in order, as ranks
// would, and the result compared with the whole-file reader's.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "io/text_range.hpp"

namespace distgae::testing_util {

using Split = std::vector<ByteRange>;

// `region` cut at `cuts` (any offsets inside it, sorted), each moved to the next line start.
inline Split split_at(const std::string& path, ByteRange region, std::vector<std::uint64_t> cuts) {
  std::sort(cuts.begin(), cuts.end());
  Split split;
  std::uint64_t begin = region.begin;
  for (const std::uint64_t cut : cuts) {
    const std::uint64_t end = std::max(begin, line_start_at_or_after(path, region, cut));
    split.push_back(ByteRange{begin, end});
    begin = end;
  }
  split.push_back(ByteRange{begin, region.end});
  return split;
}

// line_aligned_range's split of `region` into `parts`.
inline Split even_split(const std::string& path, ByteRange region, int parts) {
  Split split;
  for (int part = 0; part < parts; ++part) {
    split.push_back(line_aligned_range(path, region, part, parts));
  }
  return split;
}

// The splits a test tries: in two at every byte when the region has at most `every_byte_limit`
// bytes (else at `samples` random bytes); the even splits into 2..5; `samples` random splits
// into 3..5 (fixed seed).
inline std::vector<Split> splits_to_try(const std::string& path, ByteRange region,
                                        std::uint64_t every_byte_limit = 4096, int samples = 40) {
  std::vector<Split> splits;
  std::mt19937_64 random(12345);
  const auto random_offset = [&] {
    return region.begin + std::uniform_int_distribution<std::uint64_t>(0, region.size())(random);
  };
  if (region.size() <= every_byte_limit) {
    for (std::uint64_t cut = region.begin; cut <= region.end; ++cut) {
      splits.push_back(split_at(path, region, {cut}));
    }
  } else {
    for (int i = 0; i < samples; ++i) splits.push_back(split_at(path, region, {random_offset()}));
  }
  for (int parts = 2; parts <= 5; ++parts) splits.push_back(even_split(path, region, parts));
  for (int i = 0; i < samples; ++i) {
    std::vector<std::uint64_t> cuts(static_cast<std::size_t>(2 + i % 3));
    for (std::uint64_t& cut : cuts) cut = random_offset();
    splits.push_back(split_at(path, region, cuts));
  }
  return splits;
}

// The number of each range's first line, when the region's first line is `first_line`.
inline std::vector<std::int64_t> first_lines(const std::string& path, const Split& split,
                                             std::int64_t first_line = 1) {
  std::vector<std::int64_t> firsts;
  for (const ByteRange& range : split) {
    firsts.push_back(first_line);
    first_line += count_lines(path, range);
  }
  return firsts;
}

// Describes a split for a failure message: "[0,12) [12,40)".
inline std::string describe(const Split& split) {
  std::string text;
  for (const ByteRange& range : split) {
    text += fmt::format("[{},{}) ", range.begin, range.end);
  }
  return text;
}

}  // namespace distgae::testing_util
