// Process memory figures.
#pragma once

#include <sys/resource.h>

#include <cstdint>

namespace distgae {

// Peak resident set size of this process so far, in bytes (getrusage; Linux reports KiB).
inline std::int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::int64_t>(usage.ru_maxrss) * 1024;
}

}  // namespace distgae
