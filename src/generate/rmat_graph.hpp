// R-MAT (Chakrabarti, Zhan, Faloutsos 2004) with the Graph500 parameters, streamed in id order.
//
// The graph: 2^scale vertices and edge_factor * 2^scale samples, each sample placing an edge by
// choosing one of four quadrants (a, b, c, d) = (0.57, 0.19, 0.19, 0.05) at each of `scale`
// levels; vertex ids are then shuffled by a seeded bijection; self loops are dropped and
// duplicates (including (u, v) with (v, u)) merged, so fewer edges than samples remain.
//
// Streaming, exactly: the first k = min(scale, 10) levels are done for all samples at once, as
// counts: the number of samples in each of the 4^k quadrant cells at depth k, by splitting the
// root's count four ways level by level with binomial draws keyed by the cell (a multinomial
// split; 8 MiB of counts). The vertex shuffle is two-level: the 2^k blocks of 2^(scale-k) ids
// (an R-MAT prefix each) are permuted among themselves, and ids inside each block by a bijection
// keyed by the block. So output block B of ids holds one R-MAT prefix, and the edges whose
// smaller endpoint lies in B are exactly the samples of the cells in B's row and column whose
// other side is permuted to B or later: generate those (the remaining scale - k levels per
// sample, keyed by cell and sample index), sort and deduplicate them in memory, write them, go
// on to the next block. Memory is one block's samples (at most ~13% of all, the hub block), not
// the graph; ids inside a block of 2^(scale-k) stay together, the only structure the shuffle
// keeps (Graph500 shuffles all ids at once, which cannot be streamed in id order).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "generate/id_permutation.hpp"

namespace distgae {

struct RmatParams {
  int scale = 0;                  // 2^scale vertices
  std::int64_t edge_factor = 16;  // samples per vertex
  double a = 0.57;                // quadrant probabilities; d = 1 - a - b - c
  double b = 0.19;
  double c = 0.19;
  std::uint64_t seed = 0;
};

inline constexpr int kMaxRmatScale = 32;  // ids fit 32 bits: an edge packs into one word
inline constexpr std::int64_t kMaxRmatEdgeFactor = std::int64_t{1} << 20;

// Throws InputError naming the flag.
void validate_rmat(const RmatParams& params);

// The command that reproduces the graph, for the edge list's header.
std::string describe_rmat(const RmatParams& params);

// An edge (source, target) packed as source * 2^32 + target: sorting words sorts pairs.
inline std::uint64_t pack_edge(std::uint64_t source, std::uint64_t target) {
  return (source << 32) | target;
}
inline GlobalId packed_source(std::uint64_t edge) {
  return static_cast<GlobalId>(edge >> 32);
}
inline GlobalId packed_target(std::uint64_t edge) {
  return static_cast<GlobalId>(edge & 0xffffffffULL);
}

class RmatGraph {
 public:
  // Validates `params` (InputError), counts the samples of every depth-k cell, fixes the shuffle.
  explicit RmatGraph(const RmatParams& params);

  const RmatParams& params() const { return params_; }
  std::int64_t nodes() const { return std::int64_t{1} << params_.scale; }
  std::uint64_t samples() const {
    return static_cast<std::uint64_t>(params_.edge_factor) << params_.scale;
  }
  int block_bits() const { return block_bits_; }
  std::int64_t num_blocks() const { return std::int64_t{1} << block_bits_; }
  std::int64_t block_size() const { return std::int64_t{1} << low_bits_; }

  // Samples in the depth-k cell (row, col): sources with R-MAT prefix `row`, targets `col`.
  std::uint64_t cell_count(std::int64_t row, std::int64_t col) const;
  // Appends that cell's samples as packed (source, target) in shuffled ids, in sample order,
  // self loops and duplicates included.
  void cell_samples(std::int64_t row, std::int64_t col, std::vector<std::uint64_t>& out) const;

  // The edges (u, v), u < v, with u in output block `block` (ids [block, block + 1) times
  // block_size()), packed, sorted, unique, no self loops, into `out` (cleared).
  void block_edges(std::int64_t block, std::vector<std::uint64_t>& out) const;

 private:
  void count_cells();

  RmatParams params_;
  int block_bits_ = 0;                          // k
  int low_bits_ = 0;                            // scale - k
  std::vector<std::uint64_t> cell_counts_;      // [2^k, 2^k], row-major
  std::vector<std::uint32_t> output_block_;     // R-MAT prefix -> output block
  std::vector<std::uint32_t> prefix_of_block_;  // output block -> R-MAT prefix
  std::vector<IdPermutation> within_block_;     // per R-MAT prefix: low bits -> low bits
};

}  // namespace distgae
