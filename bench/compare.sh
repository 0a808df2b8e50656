#!/usr/bin/env bash
# The same model, epochs and negatives with distgae and with the PyTorch reference
# (../shared/reference/torch_gae.py on CPU, Debian's python3-torch), on the same data, in one run:
# prints both median epoch times and the ratio.
# Usage: bench/compare.sh [DATASET] [RANKS] [THREADS]   (default: cora 1 2; featureless datasets
#        such as github train GAE* on both sides)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/mpi-env.sh"
DATASET=${1:-cora}
RANKS=${2:-1}
THREADS=${3:-2}
DATASETS="${DISTGAE_DATASETS:-$ROOT/../shared/datasets}"
REFERENCE="${REFERENCE:-$ROOT/../shared/reference/torch_gae.py}"
DISTGAE="${BUILD_DIR:-$ROOT/build}/distgae"
EPOCHS=${EPOCHS:-200}
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if ! /usr/bin/python3 -c "import torch, scipy, sklearn" 2>/dev/null; then
  echo "compare.sh needs Debian's python3-torch python3-scipy python3-sklearn" >&2
  exit 2
fi
nodes=$(grep -m1 '^# nodes:' "$DATASETS/$DATASET/edges.txt" | awk '{print $3}')
features=(--features none)
[ -f "$DATASETS/$DATASET/features.mtx" ] && features=(--features "$DATASETS/$DATASET/features.mtx")

mpiexec -n "$RANKS" --oversubscribe --bind-to none "$DISTGAE" train --graph "$DATASETS/$DATASET/edges.txt" \
  "${features[@]}" ${nodes:+--num-nodes "$nodes"} --epochs "$EPOCHS" --threads "$THREADS" \
  --eval-every 0 --out "$WORK/run" >/dev/null
ours=$(/usr/bin/python3 -c "import json; print(json.load(open('$WORK/run/summary.json'))['median_epoch_s'] * 1e3)")
theirs=$(/usr/bin/python3 "$REFERENCE" --data "$DATASETS/$DATASET" --epochs "$EPOCHS" \
  --threads "$((RANKS * THREADS))" | /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)['median_epoch_ms'])")
/usr/bin/python3 - "$ours" "$theirs" <<PY
import sys
ours, theirs = float(sys.argv[1]), float(sys.argv[2])
print(f"$DATASET, GAE, $EPOCHS epochs: distgae {ours:.3f} ms/epoch ($RANKS ranks x $THREADS threads), "
      f"PyTorch reference {theirs:.3f} ms/epoch ($((RANKS * THREADS)) threads): {theirs / ours:.1f}x")
PY
