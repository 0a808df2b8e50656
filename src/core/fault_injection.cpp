#include "core/fault_injection.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace distgae {

void fault_injection_point(std::string_view site, int rank) {
  static const std::string fault = [] {
    const char* value = std::getenv("DISTGAE_FAULT");
    return std::string(value ? value : "");
  }();
  static bool fired = false;
  if (fault.empty() || fired) return;
  if (fault != fmt::format("{}@{}", site, rank)) return;
  fired = true;
  throw std::runtime_error(
      fmt::format("injected fault at {} on rank {} (DISTGAE_FAULT)", site, rank));
}

}  // namespace distgae
