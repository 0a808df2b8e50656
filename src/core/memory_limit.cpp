#include "core/memory_limit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace distgae {
namespace {

std::optional<std::int64_t> meminfo_total() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemTotal:") return kib * 1024;
  }
  return std::nullopt;
}

// A cgroup limit file: a number of bytes, or "max" (none). Limits near 2^63 mean none too.
std::optional<std::int64_t> cgroup_limit(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    const long long bytes = std::stoll(text);
    if (bytes <= 0 || bytes >= (1LL << 60)) return std::nullopt;
    return bytes;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// This process's cgroup v2 directory ("0::/system.slice/..." in /proc/self/cgroup).
std::string own_cgroup_v2() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return "/";
}

}  // namespace

std::optional<std::int64_t> memory_limit_bytes() {
  std::optional<std::int64_t> limit = meminfo_total();
  const auto lower_to = [&](std::optional<std::int64_t> cgroup) {
    if (cgroup) limit = limit ? std::min(*limit, *cgroup) : *cgroup;
  };
  // A limit may sit on any ancestor of the process's cgroup (SLURM puts it on the job's).
  std::string dir = own_cgroup_v2();
  while (true) {
    lower_to(cgroup_limit(("/sys/fs/cgroup" + dir + "/memory.max").c_str()));
    if (dir.empty() || dir == "/") break;
    dir = dir.substr(0, dir.find_last_of('/'));
  }
  lower_to(cgroup_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
  return limit;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 6) {
    bytes /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[unit]);
}

}  // namespace distgae
