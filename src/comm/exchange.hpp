// Typed personalised all-to-all over a Communicator: the one shape every distributed step of the
// partition pipeline uses (send each record to the rank that owns it, get back what others sent).
#pragma once

#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "comm/communicator.hpp"

namespace distgae {

// `send` holds send_counts[q] records for each rank q, in rank order. Returns what every rank
// sent here, grouped by source rank in rank order; `recv_counts` (when given) gets the number of
// records from each rank.
template <class T>
requires std::is_trivially_copyable_v<T> std::vector<T> exchange(
    const Communicator& communicator, std::span<const T> send,
    std::span<const std::int64_t> send_counts, std::vector<std::int64_t>* recv_counts = nullptr) {
  std::vector<std::int64_t> counts;
  std::vector<T> received;
  communicator.alltoallv_records(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(send.data()),
                                    send.size() * sizeof(T)),
      send_counts, sizeof(T), counts, [&](std::size_t records) {
        received.resize(records);
        return reinterpret_cast<std::uint8_t*>(received.data());
      });
  if (recv_counts != nullptr) *recv_counts = std::move(counts);
  return received;
}

// Sends each of `items` to rank destination(item) (stable: items keep their order within a
// destination) and returns what every rank sent here, grouped by source rank in rank order.
template <class T, class Destination>
requires std::is_trivially_copyable_v<T> std::vector<T> route(
    const Communicator& communicator, std::span<const T> items, Destination&& destination,
    std::vector<std::int64_t>* recv_counts = nullptr) {
  const auto ranks = static_cast<std::size_t>(communicator.size());
  std::vector<std::int64_t> send_counts(ranks, 0);
  std::vector<int> destination_of(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    destination_of[i] = static_cast<int>(destination(items[i]));
    ++send_counts[static_cast<std::size_t>(destination_of[i])];
  }
  std::vector<std::int64_t> fill(ranks, 0);
  for (std::size_t q = 1; q < ranks; ++q) fill[q] = fill[q - 1] + send_counts[q - 1];
  std::vector<T> send(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    send[static_cast<std::size_t>(fill[static_cast<std::size_t>(destination_of[i])]++)] = items[i];
  }
  destination_of.clear();
  destination_of.shrink_to_fit();
  return exchange(communicator, std::span<const T>(send),
                  std::span<const std::int64_t>(send_counts), recv_counts);
}

}  // namespace distgae
