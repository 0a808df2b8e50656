#!/usr/bin/env bash
# Configures and builds distgae in build/ (Release, warnings as errors). Used by demo.sh and
# test.sh; BUILD_DIR and CMAKE_BUILD_TYPE override the defaults.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" \
  -DDISTGAE_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
