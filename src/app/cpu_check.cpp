// Start-up check that this CPU has the instruction sets the build was compiled for
// (-DDISTGAE_NATIVE=ON, the default, compiles for the build host). Without it, a binary built on a
// login node with AVX-512 dies on an older compute node with a bare "Illegal instruction" from
// whichever rank first reaches a vectorised loop. This file is compiled for baseline x86-64 and
// runs as a constructor before any static initialiser of the rest of the program, so nothing
// built for the newer CPU has run yet when it exits.
#include <cstdio>
#include <cstring>

#include <unistd.h>

#include "app/required_cpu_features.hpp"

namespace {

#if defined(__x86_64__)
// Only C library calls and plain arrays here: an inline C++ library function could be linked
// from another object's copy, compiled for the newer CPU.
[[gnu::constructor(101)]] void require_build_cpu_features() {
  __builtin_cpu_init();
  char missing[512] = "";
#define DISTGAE_CHECK_FEATURE(name)                              \
  if (!__builtin_cpu_supports(name)) {                           \
    std::strncat(missing, missing[0] == '\0' ? name : ", " name, \
                 sizeof missing - std::strlen(missing) - 1);     \
  }
  DISTGAE_REQUIRED_CPU_FEATURES(DISTGAE_CHECK_FEATURE)
#undef DISTGAE_CHECK_FEATURE
  if (missing[0] != '\0') {
    std::fprintf(stderr,
                 "distgae: error: this binary was compiled for a CPU with instruction sets this "
                 "one lacks (%s); build it on a node like this one, or configure with "
                 "-DDISTGAE_NATIVE=OFF for a binary that runs on any x86-64 CPU\n",
                 missing);
    std::fflush(stderr);
    _exit(1);
  }
}
#endif

}  // namespace
