// Order statistics of 64-bit values spread over the ranks, found without gathering them: which
// values are the k smallest of all ranks' values together. The distributed split uses it to cut
// the ranked positives and the drawn negatives exactly where the single-process split does.
#pragma once

#include <cstdint>
#include <span>

#include "comm/communicator.hpp"

namespace distgae {

struct SelectedValue {
  std::uint64_t value = 0;        // the k-th smallest (0-based) of all ranks' values
  std::int64_t equal_before = 0;  // k minus the number of values smaller than `value`
};

// Collective: the k-th smallest of the values every rank holds, 0 <= k < their total. A radix
// descent, one byte per round: 8 rounds, each one pass over the values still in play (1/256 of
// the last) and one allreduce of 256 counts.
SelectedValue select_kth(const Communicator& communicator, std::span<const std::uint64_t> values,
                         std::int64_t k);

// The first `count` of all ranks' values in the order (value, rank, local position), as seen
// from one rank: a value is among them when it is below `value`, or equal to it and among the
// first `equal_taken` such values of this rank in local order.
struct OrderCut {
  std::uint64_t value = 0;
  std::int64_t equal_taken = 0;

  // Call for this rank's values in local order; `equal_seen` counts the values equal to `value`
  // met so far (start at 0).
  bool includes(std::uint64_t candidate, std::int64_t& equal_seen) const {
    if (candidate != value) return candidate < value;
    return equal_seen++ < equal_taken;
  }
};

// Collective: the cut after the first `count` of `total` values (the sum of every rank's
// values.size()), 0 <= count <= total.
OrderCut cut_after(const Communicator& communicator, std::span<const std::uint64_t> values,
                   std::int64_t count, std::int64_t total);

}  // namespace distgae
