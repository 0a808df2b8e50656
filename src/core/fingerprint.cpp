#include "core/fingerprint.hpp"

#include <fmt/format.h>

namespace distgae {

void Fingerprint::add(std::string_view text) {
  add_word(text.size());
  for (unsigned char c : text) add_word(c);
}

std::string Fingerprint::hex() const {
  return fmt::format("{:016x}", state_);
}

}  // namespace distgae
