// Logging: rank 0 prints by default; with verbose on, every rank prints with a "[r3]" prefix.
// Progress goes to stdout, warnings and errors to stderr.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace distgae::log {

// Sets this process's rank and world size (call once after MPI init; defaults to 0 / 1).
void set_rank(int rank, int world_size);
void set_verbose(bool verbose);

void write_info(std::string_view message);
void write_warning(std::string_view message);

template <class... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  write_info(fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
void warning(fmt::format_string<Args...> format, Args&&... args) {
  write_warning(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace distgae::log
