// The dataset fingerprint (meta.h5's graph_fingerprint): identifies the canonical graph, its
// split and its features, never the partition, so a checkpoint resumes on any re-partitioning of
// the same data.
//
// It is a sum over elements of a hash of (array, global position, value), so any rank can add the
// share of an array it holds, given where that share starts, and the shares' partial sums add up
// (mod 2^64) to the fingerprint one process computes from the whole arrays: the distributed
// pipeline and the single-process one give the same fingerprint for the same data.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "core/csr.hpp"
#include "core/types.hpp"

namespace distgae {

class DatasetFingerprint {
 public:
  // The arrays fingerprinted, each a sequence of 64-bit words with global positions.
  enum Array : int {
    kOriginalIds,  // [N] original id of each canonical node
    kTrain,        // each pair list, flattened: pair i is words 2i, 2i+1
    kValPositive,
    kValNegative,
    kTestPositive,
    kTestNegative,
    kFeatureRowLengths,  // [N] non-zeros of each feature row
    kFeatureColumns,     // [nnz] column of each non-zero, rows in canonical order
    kFeatureValues,      // [nnz] bits of each non-zero's float value (0 words when a pattern)
    kFeatureWidth,       // one word: the number of feature columns
    kArrays
  };
  // Per array: the word count, then the hash sum.
  using Partial = std::array<std::uint64_t, 2 * kArrays>;

  // Adds words first_position, first_position + 1, ... of `array`.
  void add(Array array, std::int64_t first_position, std::span<const std::int64_t> words);
  void add_pairs(Array array, std::int64_t first_pair, std::span<const NodePair> pairs);
  // Feature rows first_row, first_row + 1, ...; `first_nonzero` is the number of non-zeros in
  // the rows before first_row. The width (kFeatureWidth) is one word that exactly one share adds.
  void add_feature_rows(std::int64_t first_row, std::int64_t first_nonzero,
                        const Csr<std::int32_t, float>& rows);

  // This share's sums, to be added element-wise (mod 2^64) over every share.
  const Partial& partial() const { return partial_; }
  // The fingerprint from the summed partials: 16 lowercase hex digits.
  static std::string finish(const Partial& summed);
  // For a single process holding everything.
  std::string finish() const { return finish(partial_); }

 private:
  Partial partial_{};
};

}  // namespace distgae
