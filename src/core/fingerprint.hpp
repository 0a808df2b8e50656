// A running 64-bit fingerprint of typed data, for telling datasets and splits apart
// (not a cryptographic hash: it guards against mistakes, not adversaries).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/rng.hpp"

namespace distgae {

class Fingerprint {
 public:
  void add_word(std::uint64_t word) { state_ = mix64(state_ ^ word) + 0x632be59bd9b4e019ULL; }

  template <class T>
  requires std::is_integral_v<T>
  void add(std::span<const T> values) {
    add_word(values.size());
    for (T v : values) add_word(static_cast<std::uint64_t>(v));
  }
  void add(std::string_view text);

  std::uint64_t value() const { return state_; }
  // 16 lowercase hex digits.
  std::string hex() const;

 private:
  std::uint64_t state_ = 0x243f6a8885a308d3ULL;
};

}  // namespace distgae
