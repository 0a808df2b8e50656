#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install dependencies, configure, build,
# run every test (unit, MPI under mpiexec -n 1/2/4, the binary end to end).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/mpi-env.sh"
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
cd "${BUILD_DIR:-$ROOT/build}"
ctest --output-on-failure --timeout 900 "$@"
