#include "core/log.hpp"

#include <cstdio>

namespace distgae::log {
namespace {
int g_rank = 0;
int g_world_size = 1;
bool g_verbose = false;

bool should_print() {
  return g_rank == 0 || g_verbose;
}

void emit(std::FILE* stream, std::string_view prefix, std::string_view message) {
  if (!should_print()) return;
  std::string line;
  if (g_verbose && g_world_size > 1) line += fmt::format("[r{}] ", g_rank);
  line += prefix;
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fflush(stream);
}
}  // namespace

void set_rank(int rank, int world_size) {
  g_rank = rank;
  g_world_size = world_size;
}
void set_verbose(bool verbose) {
  g_verbose = verbose;
}

void write_info(std::string_view message) {
  emit(stdout, "", message);
}
void write_warning(std::string_view message) {
  emit(stderr, "warning: ", message);
}

}  // namespace distgae::log
