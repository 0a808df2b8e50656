#include "core/error.hpp"

#include <fmt/format.h>

namespace distgae {

std::string at_line(const std::string& path, long long line, const std::string& message) {
  return fmt::format("{}:{}: {}", path, line, message);
}

std::string at_file(const std::string& path, const std::string& message) {
  return fmt::format("{}: {}", path, message);
}

}  // namespace distgae
