#include "train/canonical_blocks.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace distgae {

RowBlock canonical_block(std::int64_t num_rows, int ranks, int rank) {
  const std::int64_t base = num_rows / ranks;
  const std::int64_t extra = num_rows % ranks;
  return {rank * base + std::min<std::int64_t>(rank, extra), base + (rank < extra ? 1 : 0)};
}

int canonical_block_of(std::int64_t row, std::int64_t num_rows, int ranks) {
  const std::int64_t base = num_rows / ranks;
  const std::int64_t extra = num_rows % ranks;
  const std::int64_t in_long_blocks = extra * (base + 1);
  if (row < in_long_blocks) return static_cast<int>(row / (base + 1));
  return static_cast<int>(extra + (row - in_long_blocks) / base);
}

CanonicalBlockExchange::CanonicalBlockExchange(const DatasetMeta& meta,
                                               std::span<const GlobalId> owned_canonical,
                                               const Communicator& communicator)
    : communicator_(communicator) {
  const int ranks = communicator.size();
  if (meta.part_offsets.size() != static_cast<std::size_t>(ranks) + 1) {
    throw std::invalid_argument("CanonicalBlockExchange: one part per rank");
  }
  const std::int64_t num_nodes = meta.num_nodes;
  block_ = canonical_block(num_nodes, ranks, communicator.rank());

  // Sent in canonical order, the owned rows fall into the blocks in rank order.
  owned_in_canonical_order_.resize(owned_canonical.size());
  std::iota(owned_in_canonical_order_.begin(), owned_in_canonical_order_.end(), 0);
  std::sort(
      owned_in_canonical_order_.begin(), owned_in_canonical_order_.end(),
      [&](std::int64_t a, std::int64_t b) { return owned_canonical[a] < owned_canonical[b]; });
  owned_rows_per_block_.assign(static_cast<std::size_t>(ranks), 0);
  for (GlobalId id : owned_canonical)
    ++owned_rows_per_block_[canonical_block_of(id, num_nodes, ranks)];

  // Who owns each row of this block: the part whose partition-ordered range holds it.
  owner_of_block_row_.resize(static_cast<std::size_t>(block_.count));
  block_rows_per_owner_.assign(static_cast<std::size_t>(ranks), 0);
  for (std::int64_t i = 0; i < block_.count; ++i) {
    const GlobalId ordered = meta.canonical_to_ordered[static_cast<std::size_t>(block_.first + i)];
    const auto next = std::upper_bound(meta.part_offsets.begin(), meta.part_offsets.end(), ordered);
    const int owner = static_cast<int>(next - meta.part_offsets.begin()) - 1;
    owner_of_block_row_[static_cast<std::size_t>(i)] = owner;
    ++block_rows_per_owner_[static_cast<std::size_t>(owner)];
  }
}

std::vector<float> CanonicalBlockExchange::to_block(std::span<const float> owned, int width) const {
  const auto w = static_cast<std::size_t>(width);
  if (owned.size() != owned_in_canonical_order_.size() * w) {
    throw std::invalid_argument("CanonicalBlockExchange::to_block: not [n_owned, width]");
  }
  std::vector<float> send(owned.size());
  for (std::size_t k = 0; k < owned_in_canonical_order_.size(); ++k) {
    std::copy_n(owned.begin() + static_cast<std::ptrdiff_t>(owned_in_canonical_order_[k] * width),
                w, send.begin() + static_cast<std::ptrdiff_t>(k * w));
  }
  std::vector<std::int64_t> received_per_owner;
  const std::vector<float> received =
      communicator_.alltoallv_rows(send, owned_rows_per_block_, width, received_per_owner);
  std::vector<float>().swap(send);  // a block's worth of memory back before the next
  if (received_per_owner != block_rows_per_owner_) {
    throw std::logic_error("CanonicalBlockExchange: ranks disagree on who owns which node");
  }
  // Each owner's rows arrive in canonical order: deal them out to the block rows it owns.
  std::vector<std::int64_t> next(received_per_owner.size(), 0);
  std::exclusive_scan(received_per_owner.begin(), received_per_owner.end(), next.begin(),
                      std::int64_t{0});
  std::vector<float> block_rows(static_cast<std::size_t>(block_.count) * w);
  for (std::size_t i = 0; i < owner_of_block_row_.size(); ++i) {
    const std::int64_t from = next[static_cast<std::size_t>(owner_of_block_row_[i])]++;
    std::copy_n(received.begin() + static_cast<std::ptrdiff_t>(from * width), w,
                block_rows.begin() + static_cast<std::ptrdiff_t>(i * w));
  }
  return block_rows;
}

void CanonicalBlockExchange::from_block(std::span<const float> block_rows, int width,
                                        std::span<float> owned) const {
  const auto w = static_cast<std::size_t>(width);
  if (block_rows.size() != static_cast<std::size_t>(block_.count) * w ||
      owned.size() != owned_in_canonical_order_.size() * w) {
    throw std::invalid_argument("CanonicalBlockExchange::from_block: wrong shapes");
  }
  // Grouped by owner, each owner's rows in canonical order.
  std::vector<std::int64_t> next(block_rows_per_owner_.size(), 0);
  std::exclusive_scan(block_rows_per_owner_.begin(), block_rows_per_owner_.end(), next.begin(),
                      std::int64_t{0});
  std::vector<float> send(block_rows.size());
  for (std::size_t i = 0; i < owner_of_block_row_.size(); ++i) {
    const std::int64_t to = next[static_cast<std::size_t>(owner_of_block_row_[i])]++;
    std::copy_n(block_rows.begin() + static_cast<std::ptrdiff_t>(i * w), w,
                send.begin() + static_cast<std::ptrdiff_t>(to * width));
  }
  std::vector<std::int64_t> received_per_block;
  const std::vector<float> received =
      communicator_.alltoallv_rows(send, block_rows_per_owner_, width, received_per_block);
  std::vector<float>().swap(send);
  if (received_per_block != owned_rows_per_block_) {
    throw std::logic_error("CanonicalBlockExchange: ranks disagree on who owns which node");
  }
  // Blocks in rank order, each in canonical order: the owned rows in canonical order.
  for (std::size_t k = 0; k < owned_in_canonical_order_.size(); ++k) {
    std::copy_n(received.begin() + static_cast<std::ptrdiff_t>(k * w), w,
                owned.begin() + static_cast<std::ptrdiff_t>(owned_in_canonical_order_[k] * width));
  }
}

}  // namespace distgae
