# Sourced by scripts/sanitize.sh and scripts/fuzz.sh: the sanitized build's directory and
# configuration, and how the sanitizers report. Every report is fatal (the process exits
# non-zero, so ctest or libFuzzer sees it); leaks are checked at exit, except allocations made
# inside Open MPI (scripts/lsan.supp), never ours. mpiexec passes the environment on to the ranks
# it starts on this machine, so they run with the same options.
DISTGAE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SANITIZE_BUILD_DIR="${SANITIZE_BUILD_DIR:-$DISTGAE_ROOT/build-sanitize}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$DISTGAE_ROOT/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# Configures SANITIZE_BUILD_DIR: clang, Debug at -O1 (ASan's advice: readable stacks, tests
# several times faster than at -O0), ASan + UBSan on every target, the fuzz harnesses. Line
# tables only: reports still name file and line, and the build takes half the time of full -g.
configure_sanitized_build() {
  CC=clang CXX=clang++ cmake -S "$DISTGAE_ROOT" -B "$SANITIZE_BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-gline-tables-only -O1" \
    -DCMAKE_CXX_FLAGS_DEBUG="-gline-tables-only -O1" \
    -DDISTGAE_SANITIZE=ON -DDISTGAE_FUZZ=ON >/dev/null
}
