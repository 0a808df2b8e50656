#!/usr/bin/env bash
# The sanitized suite: the project built with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# (scripts/sanitizer-env.sh; with the libFuzzer harnesses that scripts/fuzz.sh runs) in
# build-sanitize/, then the unit and MPI tests run in it (and the CLI tests SANITIZE_CLI_TESTS
# names). A sanitizer report fails the test that triggered it. scripts/test.sh runs it after the main suite. Arguments go to ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/mpi-env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/sanitizer-env.sh"

start=$(date +%s)
configure_sanitized_build
# The unit tests are listed by running them at build time (gtest_discover_tests), already
# under the sanitizers' options set above.
cmake --build "$SANITIZE_BUILD_DIR" -j"$(nproc)"
built=$(date +%s)
echo "sanitize: built $SANITIZE_BUILD_DIR in $((built - start)) s"

cd "$SANITIZE_BUILD_DIR"
export CTEST_PARALLEL_LEVEL="${CTEST_PARALLEL_LEVEL:-$(nproc)}"
status=0
ctest --output-on-failure --timeout 1800 -L unit "$@" || status=1
# Every MPI and CLI process starts Open MPI, which unloads (dlclose) at MPI_Finalize the plugins
# that allocated its lifetime state; LeakSanitizer then reports those allocations with frames in
# "<unknown module>", which no suppression can name. Leak checking is therefore left to the unit
# tests and the fuzzers; address and undefined-behaviour errors still fail these.
# The CLI tests run the same code end to end at 3-5x the time under the sanitizers, which the
# CI's 15 minutes cannot hold: they run when SANITIZE_CLI_TESTS names them (a ctest regex on
# the module names; "." runs them all; "bad_|tampered|one_rank|checkpoint_faults|disk_full|
# train_cli" is every error path plus one whole training run).
ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
  ctest --output-on-failure --timeout 1800 -L mpi "$@" || status=1
if [ -n "${SANITIZE_CLI_TESTS:-}" ]; then
  ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
    ctest --output-on-failure --timeout 1800 -L cli -R "cli\.test_($SANITIZE_CLI_TESTS)" "$@" \
    || status=1
fi
echo "sanitize: tests ran in $(($(date +%s) - built)) s"
exit $status
