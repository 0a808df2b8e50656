#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install dependencies, configure, build,
# run every test (unit, MPI under mpiexec -n 1/2/4, the binary end to end), then the sanitized
# suite (scripts/sanitize.sh) and the fuzzers (scripts/fuzz.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/mpi-env.sh"
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
cd "${BUILD_DIR:-$ROOT/build}"
# One test per core (CTEST_PARALLEL_LEVEL overrides); the timing-bound tests run alone
# (RUN_SERIAL in tests/CMakeLists.txt).
export CTEST_PARALLEL_LEVEL="${CTEST_PARALLEL_LEVEL:-$(nproc)}"
ctest --output-on-failure --timeout 900 "$@"
# Then the unit, MPI and CLI tests again under AddressSanitizer and UndefinedBehaviorSanitizer,
# and the file readers' fuzzers, each for a bounded time (DISTGAE_SKIP_SANITIZE=1 skips both).
if [ -z "${DISTGAE_SKIP_SANITIZE:-}" ]; then
  "$ROOT/scripts/sanitize.sh"
  "$ROOT/scripts/fuzz.sh"
fi
