#include "partition/distributed/distributed_selection.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <vector>

namespace distgae {

SelectedValue select_kth(const Communicator& communicator, std::span<const std::uint64_t> values,
                         std::int64_t k) {
  if (k < 0) throw std::invalid_argument("select_kth: k < 0");
  constexpr int kBins = 256;
  std::vector<std::uint64_t> in_play;  // the values whose upper bytes match `prefix`
  std::span<const std::uint64_t> candidates = values;
  std::uint64_t prefix = 0;
  std::int64_t rank = k;  // of the sought value among the candidates of every rank
  for (int shift = 56; shift >= 0; shift -= 8) {
    std::array<std::int64_t, kBins> counts{};
    for (const std::uint64_t v : candidates) ++counts[(v >> shift) & 0xff];
    communicator.allreduce_sum(std::span<std::int64_t>(counts));
    int bin = 0;
    while (bin < kBins && rank >= counts[static_cast<std::size_t>(bin)]) {
      rank -= counts[static_cast<std::size_t>(bin++)];
    }
    if (bin == kBins) throw std::invalid_argument("select_kth: k is not below the value count");
    prefix |= static_cast<std::uint64_t>(bin) << shift;
    std::vector<std::uint64_t> next;
    next.reserve(static_cast<std::size_t>(counts[static_cast<std::size_t>(bin)]) /
                 static_cast<std::size_t>(communicator.size()));
    for (const std::uint64_t v : candidates) {
      if (((v >> shift) & 0xff) == static_cast<std::uint64_t>(bin)) next.push_back(v);
    }
    in_play = std::move(next);
    candidates = in_play;
  }
  return {prefix, rank};
}

OrderCut cut_after(const Communicator& communicator, std::span<const std::uint64_t> values,
                   std::int64_t count, std::int64_t total) {
  if (count < 0 || count > total) throw std::invalid_argument("cut_after: count outside 0..total");
  if (count == total) {
    return {std::numeric_limits<std::uint64_t>::max(), std::numeric_limits<std::int64_t>::max()};
  }
  const SelectedValue first_out = select_kth(communicator, values, count);
  // The values equal to the first one left out are taken in (rank, local position) order.
  const auto equal_here =
      static_cast<std::int64_t>(std::count(values.begin(), values.end(), first_out.value));
  const std::int64_t equal_on_lower_ranks = communicator.exclusive_sum(equal_here);
  return {first_out.value,
          std::clamp<std::int64_t>(first_out.equal_before - equal_on_lower_ranks, 0, equal_here)};
}

}  // namespace distgae
