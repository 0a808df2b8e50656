// Featureless runs' per-node rows between their owners (partition order, the training layout)
// and contiguous blocks of canonical rows, one per rank (the layout of a checkpoint's
// [N, hidden] arrays). Each rank writes and reads only its own block of a checkpoint, so no rank
// ever holds more than about N/P of those rows, and a checkpoint written on P ranks is read on
// any other number.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "comm/communicator.hpp"
#include "core/types.hpp"
#include "io/dataset.hpp"

namespace distgae {

struct RowBlock {
  std::int64_t first = 0;
  std::int64_t count = 0;
};

// Block `rank` of `ranks` near-equal contiguous blocks of `num_rows` rows (the first
// num_rows % ranks blocks have one row more).
RowBlock canonical_block(std::int64_t num_rows, int ranks, int rank);
// The block that holds `row`.
int canonical_block_of(std::int64_t row, std::int64_t num_rows, int ranks);

class CanonicalBlockExchange {
 public:
  // `owned_canonical`: the canonical id of each of this rank's owned rows, in local order.
  // meta.part_offsets must have one part per rank of `communicator`.
  CanonicalBlockExchange(const DatasetMeta& meta, std::span<const GlobalId> owned_canonical,
                         const Communicator& communicator);

  RowBlock block() const { return block_; }

  // Collective. Owned rows ([n_owned, width], local order) → this rank's block
  // ([block().count, width], canonical order).
  std::vector<float> to_block(std::span<const float> owned, int width) const;
  // Collective. The inverse: this rank's block → its owned rows (`owned`, [n_owned, width]).
  void from_block(std::span<const float> block_rows, int width, std::span<float> owned) const;

 private:
  Communicator communicator_;
  RowBlock block_;
  std::vector<std::int64_t> owned_in_canonical_order_;  // local rows sorted by canonical id
  std::vector<std::int64_t> owned_rows_per_block_;      // [P] owned rows in each rank's block
  std::vector<int> owner_of_block_row_;                 // [block.count] rank owning each row
  std::vector<std::int64_t> block_rows_per_owner_;      // [P] rows of this block each rank owns
};

}  // namespace distgae
