#!/usr/bin/env bash
# Partitioning figures: time to partition github (289k edges) into 8 parts, and the halo
# communication volume of METIS (objective vol) against a random partition on ca-astroph.
# Usage: bench/partition.sh [DATASETS_DIR]   (default ../shared/datasets)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATASETS="${1:-$ROOT/../shared/datasets}"
DISTGAE="${BUILD_DIR:-$ROOT/build}/distgae"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

field() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

echo "== github: $(grep -v '^#' "$DATASETS/github/edges.txt" | wc -l) edges into 8 parts"
start=$EPOCHREALTIME
"$DISTGAE" partition --graph "$DATASETS/github/edges.txt" --parts 8 --seed 0 \
  --out "$WORK/github-8" >"$WORK/github.log"
end=$EPOCHREALTIME
cat "$WORK/github.log"
/usr/bin/python3 -c "print(f'partition time: {$end - $start:.2f} s (wall clock, process start to files renamed)')"
"$DISTGAE" info "$WORK/github-8" | tail -3

echo
echo "== ca-astroph, 4 parts: communication volume (halo rows per exchange, summed over parts)"
for method in metis random; do
  "$DISTGAE" partition --graph "$DATASETS/ca-astroph/edges.txt" --parts 4 --seed 0 \
    --objective vol --partitioner "$method" --out "$WORK/astro-$method" >/dev/null
  json=$("$DISTGAE" info --json "$WORK/astro-$method")
  printf "%-7s comm volume %8s   edge cut %8s   imbalance %s\n" "$method" \
    "$(echo "$json" | field comm_volume)" "$(echo "$json" | field edge_cut)" \
    "$(echo "$json" | field imbalance)"
done
