// How much memory this process's machine (or its cgroup: a SLURM job's allocation, a container)
// can give, for refusing at start-up a run that could never fit instead of failing after hours
// or being killed by the kernel's OOM killer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace distgae {

// The smaller of the machine's physical memory (/proc/meminfo MemTotal) and this process's
// cgroup limit (cgroup v2 memory.max, v1 memory.limit_in_bytes), in bytes; empty when neither
// can be read.
std::optional<std::int64_t> memory_limit_bytes();

// "23.4 GiB", "512.0 MiB", "1.2 TiB": a byte count for a person.
std::string format_bytes(double bytes);

}  // namespace distgae
