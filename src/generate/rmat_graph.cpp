#include "generate/rmat_graph.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "generate/random_variates.hpp"

namespace distgae {
namespace {

// First counters of the kSyntheticEdges keys (after the SBM's 1..3).
enum RmatDrawTag : std::uint64_t {
  kCellSplitTag = 11,
  kCellSampleTag = 12,
  kBlockShuffleTag = 13,
  kWithinBlockShuffleTag = 14,
};

// Levels done as counts for every sample at once: 4^10 cells, 8 MiB of counts.
constexpr int kMaxBlockBits = 10;
// A sample's remaining levels take 21 bits of a random word each, three per word.
constexpr int kLevelBits = 21;
constexpr int kLevelsPerWord = 3;

}  // namespace

void validate_rmat(const RmatParams& p) {
  if (p.scale < 1 || p.scale > kMaxRmatScale) {
    throw InputError(fmt::format("--scale {} is outside [1, {}]", p.scale, kMaxRmatScale));
  }
  if (p.edge_factor < 1 || p.edge_factor > kMaxRmatEdgeFactor) {
    throw InputError(
        fmt::format("--edge-factor {} is outside [1, {}]", p.edge_factor, kMaxRmatEdgeFactor));
  }
  const double d = 1.0 - p.a - p.b - p.c;
  if (!(p.a > 0 && p.b > 0 && p.c > 0 && d > 0)) {
    throw InputError(fmt::format("R-MAT probabilities a {}, b {}, c {}, d {} must all be positive",
                                 p.a, p.b, p.c, d));
  }
}

std::string describe_rmat(const RmatParams& p) {
  return fmt::format(
      "distgae generate rmat --scale {} --edge-factor {} --seed {} (a {}, b {}, c {})", p.scale,
      p.edge_factor, p.seed, p.a, p.b, p.c);
}

RmatGraph::RmatGraph(const RmatParams& params) : params_(params) {
  validate_rmat(params_);
  block_bits_ = std::min(params_.scale, kMaxBlockBits);
  low_bits_ = params_.scale - block_bits_;
  count_cells();
  const auto blocks = static_cast<std::size_t>(num_blocks());
  const IdPermutation shuffle_blocks(
      block_bits_, random_bits(params_.seed, RandomPurpose::kSyntheticEdges, {kBlockShuffleTag}));
  output_block_.resize(blocks);
  prefix_of_block_.resize(blocks);
  within_block_.reserve(blocks);
  for (std::size_t prefix = 0; prefix < blocks; ++prefix) {
    const auto block = static_cast<std::uint32_t>(shuffle_blocks(prefix));
    output_block_[prefix] = block;
    prefix_of_block_[block] = static_cast<std::uint32_t>(prefix);
    within_block_.emplace_back(low_bits_, random_bits(params_.seed, RandomPurpose::kSyntheticEdges,
                                                      {kWithinBlockShuffleTag, prefix}));
  }
}

// Level by level, each cell's count is split over its four children: top half (a + b) against
// bottom, then a against b and c against d, all keyed by (level, row, col).
void RmatGraph::count_cells() {
  const double a = params_.a;
  const double b = params_.b;
  const double c = params_.c;
  const double d = 1.0 - a - b - c;
  std::vector<std::uint64_t> counts{samples()};
  for (int level = 0; level < block_bits_; ++level) {
    const std::size_t side = std::size_t{1} << level;
    std::vector<std::uint64_t> next(4 * side * side, 0);
    for (std::size_t row = 0; row < side; ++row) {
      for (std::size_t col = 0; col < side; ++col) {
        const std::uint64_t n = counts[row * side + col];
        if (n == 0) continue;
        RandomStream stream(
            random_bits(params_.seed, RandomPurpose::kSyntheticEdges,
                        {kCellSplitTag, static_cast<std::uint64_t>(level), row, col}));
        const std::uint64_t top = sample_binomial(stream, n, a + b);
        const std::uint64_t in_a = sample_binomial(stream, top, a / (a + b));
        const std::uint64_t in_c = sample_binomial(stream, n - top, c / (c + d));
        const std::size_t upper = (2 * row) * (2 * side) + 2 * col;
        const std::size_t lower = upper + 2 * side;
        next[upper] = in_a;
        next[upper + 1] = top - in_a;
        next[lower] = in_c;
        next[lower + 1] = n - top - in_c;
      }
    }
    counts = std::move(next);
  }
  cell_counts_ = std::move(counts);
}

std::uint64_t RmatGraph::cell_count(std::int64_t row, std::int64_t col) const {
  return cell_counts_[static_cast<std::size_t>((row << block_bits_) + col)];
}

void RmatGraph::cell_samples(std::int64_t row, std::int64_t col,
                             std::vector<std::uint64_t>& out) const {
  const std::uint64_t count = cell_count(row, col);
  if (count == 0) return;
  constexpr double kScale = static_cast<double>(1 << kLevelBits);
  const auto below_a = static_cast<std::uint64_t>(params_.a * kScale);
  const auto below_b = static_cast<std::uint64_t>((params_.a + params_.b) * kScale);
  const auto below_c = static_cast<std::uint64_t>((params_.a + params_.b + params_.c) * kScale);
  constexpr std::uint64_t kLevelMask = (std::uint64_t{1} << kLevelBits) - 1;
  const IdPermutation& source_shuffle = within_block_[static_cast<std::size_t>(row)];
  const IdPermutation& target_shuffle = within_block_[static_cast<std::size_t>(col)];
  const std::uint64_t source_base = std::uint64_t{output_block_[static_cast<std::size_t>(row)]}
                                    << low_bits_;
  const std::uint64_t target_base = std::uint64_t{output_block_[static_cast<std::size_t>(col)]}
                                    << low_bits_;
  RandomStream stream(random_bits(
      params_.seed, RandomPurpose::kSyntheticEdges,
      {kCellSampleTag, static_cast<std::uint64_t>(row), static_cast<std::uint64_t>(col)}));
  for (std::uint64_t sample = 0; sample < count; ++sample) {
    std::uint64_t source = 0;
    std::uint64_t target = 0;
    std::uint64_t word = 0;
    for (int level = 0; level < low_bits_; ++level) {
      if (level % kLevelsPerWord == 0) word = stream.next();
      const std::uint64_t draw = word & kLevelMask;
      word >>= kLevelBits;
      const std::uint64_t source_bit = draw >= below_b ? 1 : 0;
      const std::uint64_t target_bit =
          ((draw >= below_a && draw < below_b) || draw >= below_c) ? 1 : 0;
      source = (source << 1) | source_bit;
      target = (target << 1) | target_bit;
    }
    out.push_back(
        pack_edge(source_base | source_shuffle(source), target_base | target_shuffle(target)));
  }
}

void RmatGraph::block_edges(std::int64_t block, std::vector<std::uint64_t>& out) const {
  out.clear();
  const std::int64_t prefix = prefix_of_block_[static_cast<std::size_t>(block)];
  const std::int64_t blocks = num_blocks();
  // Cells whose other side lands in this block or a later one: the smaller id is in this block.
  for (std::int64_t other = 0; other < blocks; ++other) {
    const std::int64_t other_block = output_block_[static_cast<std::size_t>(other)];
    if (other_block >= block) cell_samples(prefix, other, out);
    if (other_block > block) cell_samples(other, prefix, out);
  }
  std::size_t kept = 0;
  for (const std::uint64_t sample : out) {
    const auto source = static_cast<std::uint64_t>(packed_source(sample));
    const auto target = static_cast<std::uint64_t>(packed_target(sample));
    if (source == target) continue;
    out[kept++] = source < target ? pack_edge(source, target) : pack_edge(target, source);
  }
  out.resize(kept);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace distgae
