// Small helpers shared by the dataset readers and validators (io/part_validation.hpp): the one
// way they report a problem (InputError "path: message") and the two shapes of check every file
// needs (an array's size, an offsets array).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"

namespace distgae::dataset_checks {

template <class... Args>
[[noreturn]] void fail(const std::string& path, fmt::format_string<Args...> format,
                       Args&&... args) {
  throw InputError(at_file(path, fmt::format(format, std::forward<Args>(args)...)));
}

// `size` entries where `expected` (described by `expected_name`) are due.
inline void check_size(const std::string& path, std::string_view dataset, std::size_t size,
                       std::int64_t expected, std::string_view expected_name) {
  if (static_cast<std::int64_t>(size) != expected) {
    fail(path, "dataset '{}' has {} entries, expected {} ({})", dataset, size, expected,
         expected_name);
  }
}

// Offsets into something of `total` entries: start at 0, never decrease, end at `total`.
inline void check_offsets(const std::string& path, std::string_view dataset,
                          std::span<const std::int64_t> offsets, std::int64_t total,
                          std::string_view total_name) {
  if (offsets.empty()) fail(path, "dataset '{}' is empty", dataset);
  if (offsets.front() != 0) fail(path, "{}[0] = {}, must be 0", dataset, offsets.front());
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) {
      fail(path, "{}[{}] = {} is below {}[{}] = {}: offsets never decrease", dataset, i, offsets[i],
           dataset, i - 1, offsets[i - 1]);
    }
  }
  if (offsets.back() != total) {
    fail(path, "{}[{}] = {}, must end at {} ({})", dataset, offsets.size() - 1, offsets.back(),
         total, total_name);
  }
}

}  // namespace distgae::dataset_checks
