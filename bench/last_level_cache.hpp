// bench/last_level_cache: the last-level cache size the kernels bench draws its roofline with:
// sysfs's figure where the kernel has one, else one measured by a pointer chase (a VM's sysfs often
// has no cache directory, and CPUID under a hypervisor may describe the whole host package).
#pragma once

#include <string>
#include <vector>

namespace distgae {

// One working set of the pointer chase: its size and the mean latency of a dependent load.
struct ChasePoint {
  double working_set_bytes = 0;
  double ns_per_load = 0;
};

struct CacheFacts {
  double llc_bytes = 0;
  std::string source;  // "sysfs", "measured", "glibc" or "default" ("override": --llc-mib)
  std::string detail;  // the sysfs file, the chase's figures, ...
  std::vector<ChasePoint> sweep;  // the chase's figures when it ran, else empty
};

// The largest data or unified cache in sysfs; where there is none, the pointer chase's figure
// (about 1 s); where the chase shows no edge, glibc's sysconf (CPUID); else 32 MiB.
CacheFacts last_level_cache();

// Dependent-load latency over random cyclic working sets of 4, 8, ..., 128 MiB (4 KiB pages, as
// the kernels' own arrays get), on the calling thread.
std::vector<ChasePoint> pointer_chase_sweep();

// The cache size a sweep shows, in bytes (the rule is in the .cpp); 0 when it shows none.
double cache_edge_bytes(const std::vector<ChasePoint>& sweep);

}  // namespace distgae
