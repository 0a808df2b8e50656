#include "partition/dataset_fingerprint.hpp"

#include <bit>
#include <vector>

#include "core/fingerprint.hpp"
#include "core/rng.hpp"

namespace distgae {
namespace {

// One word's share: a hash of its array, position and value. Every input bit reaches every
// output bit, so a changed, moved or swapped word changes the sum.
std::uint64_t word_hash(int array, std::int64_t position, std::int64_t word) {
  const std::uint64_t where =
      mix64(static_cast<std::uint64_t>(position) ^ mix64(static_cast<std::uint64_t>(array)));
  return mix64(static_cast<std::uint64_t>(word) ^ where);
}

}  // namespace

void DatasetFingerprint::add(Array array, std::int64_t first_position,
                             std::span<const std::int64_t> words) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    sum += word_hash(array, first_position + static_cast<std::int64_t>(i), words[i]);
  }
  partial_[2 * array] += words.size();
  partial_[2 * array + 1] += sum;
}

void DatasetFingerprint::add_pairs(Array array, std::int64_t first_pair,
                                   std::span<const NodePair> pairs) {
  static_assert(sizeof(NodePair) == 2 * sizeof(std::int64_t));
  add(array, 2 * first_pair,
      std::span<const std::int64_t>(reinterpret_cast<const std::int64_t*>(pairs.data()),
                                    2 * pairs.size()));
}

void DatasetFingerprint::add_feature_rows(std::int64_t first_row, std::int64_t first_nonzero,
                                          const Csr<std::int32_t, float>& rows) {
  std::vector<std::int64_t> lengths(static_cast<std::size_t>(rows.n_rows()));
  for (std::int64_t r = 0; r < rows.n_rows(); ++r) lengths[r] = rows.row_length(r);
  add(kFeatureRowLengths, first_row, lengths);
  std::uint64_t column_sum = 0, value_sum = 0;
  for (std::int64_t i = 0; i < rows.nnz(); ++i) {
    column_sum += word_hash(kFeatureColumns, first_nonzero + i, rows.col_index[i]);
    if (rows.has_values()) {
      value_sum +=
          word_hash(kFeatureValues, first_nonzero + i, std::bit_cast<std::int32_t>(rows.values[i]));
    }
  }
  const auto count = static_cast<std::uint64_t>(rows.nnz());
  partial_[2 * kFeatureColumns] += count;
  partial_[2 * kFeatureColumns + 1] += column_sum;
  partial_[2 * kFeatureValues] += rows.has_values() ? count : 0;
  partial_[2 * kFeatureValues + 1] += value_sum;
}

std::string DatasetFingerprint::finish(const Partial& summed) {
  Fingerprint fingerprint;
  for (const std::uint64_t word : summed) fingerprint.add_word(word);
  return fingerprint.hex();
}

}  // namespace distgae
