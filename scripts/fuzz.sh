#!/usr/bin/env bash
# Runs every libFuzzer harness of tests/fuzz for FUZZ_SECONDS (default 10) from its committed
# seed corpus, in the sanitized build (scripts/sanitize.sh builds it; this script builds the
# harnesses if they are missing). A finding (a crash, a sanitizer report, an exception other than
# InputError, a leak, an allocation past 2 GiB, an input taking over 10 s) fails the script unless
# it happened inside HDF5 itself (tests/fuzz/triage.py); the input that caused it is left in
# build-sanitize/fuzz-artifacts/ to reproduce with
#   build-sanitize/tests/fuzz/fuzz_<harness> build-sanitize/fuzz-artifacts/<file>
# FUZZ_SEED (default 1) makes a run repeatable; FUZZ_HARNESSES picks harnesses (space separated).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sanitizer-env.sh"
SECONDS_EACH="${FUZZ_SECONDS:-10}"
HARNESSES=(${FUZZ_HARNESSES:-edge_list matrix_market node_id_list hdf5_features dataset_part
                              dataset_meta checkpoint embeddings})
FUZZ_DIR="$SANITIZE_BUILD_DIR/tests/fuzz"

if [ ! -f "$SANITIZE_BUILD_DIR/CMakeCache.txt" ]; then configure_sanitized_build; fi
cmake --build "$SANITIZE_BUILD_DIR" -j"$(nproc)" --target "${HARNESSES[@]/#/fuzz_}"

artifacts="$SANITIZE_BUILD_DIR/fuzz-artifacts"
mkdir -p "$artifacts"
failed=()
for harness in "${HARNESSES[@]}"; do
  seeds="$DISTGAE_ROOT/tests/fuzz/corpus/$harness"
  # New inputs go to a scratch corpus; the committed seeds stay as they are.
  work="$SANITIZE_BUILD_DIR/fuzz-corpus/$harness"
  rm -rf "$work" "$artifacts/$harness"-* && mkdir -p "$work"
  # Text inputs may grow well past their small seeds; a mutated HDF5 file keeps its seed's size.
  largest=$(find "$seeds" -type f -printf '%s\n' | sort -n | tail -1)
  max_len=$((largest > 4096 ? largest + largest / 4 : 4096))
  start=$(date +%s)
  log="$SANITIZE_BUILD_DIR/fuzz-$harness.log"
  # Fork mode keeps going past a crash, an OOM or a timeout (each saved as an artifact), so that
  # HDF5's own failures on damaged files do not end the run; triage.py then fails the script on
  # any report whose innermost frame is not inside HDF5.
  "$FUZZ_DIR/fuzz_$harness" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -max_total_time="$SECONDS_EACH" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
    -seed="${FUZZ_SEED:-1}" -artifact_prefix="$artifacts/$harness-" "$work" "$seeds" \
    >"$log" 2>&1 || true
  runs=$(grep -oE 'exec/s:? [0-9]+' "$log" | tail -1 || true)
  inputs=$(find "$work" -type f | wc -l)
  # Fork mode reports one line per failure; each saved input is run again for its whole report.
  # The rerun stops at the first allocation of 1 GiB or more (a damaged length field of a file of
  # a few KiB), so that the report carries the stack that made it: past the RSS limit without
  # one, an out-of-memory report has no frame to tell HDF5's own allocations from ours.
  : >"$log.reruns"
  for artifact in "$artifacts/$harness"-*; do
    [ -e "$artifact" ] || continue
    ("$FUZZ_DIR/fuzz_$harness" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 "$artifact" \
      >>"$log.reruns" 2>&1) 2>/dev/null || true
  done
  if /usr/bin/python3 "$DISTGAE_ROOT/tests/fuzz/triage.py" "$log.reruns" >"$log.triage"; then
    echo "fuzz: $harness: no finding in $(($(date +%s) - start)) s ($inputs new inputs kept," \
      "$runs, max_len $max_len; $(tail -1 "$log.triage"))"
  else
    echo "fuzz: $harness: FINDING after $(($(date +%s) - start)) s:"
    cat "$log.triage"
    failed+=("$harness")
  fi
done
# A harness process that crashed or was stopped (fork mode) leaves its input directory behind:
# remove those of processes that no longer exist, ours by their name and dead pid.
for leftover in /dev/shm/distgae-fuzz-*; do
  [ -e "$leftover" ] || continue
  [ -d "/proc/${leftover##*-}" ] || rm -rf "$leftover"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}; logs in $SANITIZE_BUILD_DIR/fuzz-<harness>.log" >&2
  exit 1
fi
