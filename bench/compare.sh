#!/usr/bin/env bash
# The same model, epochs and negatives with distgae and with the PyTorch reference
# (../shared/reference/torch_gae.py on CPU, Debian's python3-torch), on the same data, in one run:
# prints both median epoch times, the ratio, and each side's peak memory.
#
# Usage: bench/compare.sh [DATASET] [RANKS] [THREADS]
#   DATASET: a name under ../shared/datasets (cora, github, ...) or a directory in that format
#            (edges.txt with a '# nodes:' line, optional features.mtx), e.g. one written by
#            `distgae generate sbm`. Default: cora 1 2. Featureless data trains GAE* on both sides.
#   The reference gets RANKS x THREADS threads, so both sides use the same cores.
# Environment: EPOCHS (default 200), MODEL (gae), DISTGAE_DATA (a dataset directory already
#   partitioned into RANKS parts from the same files, to skip distgae's in-memory partition),
#   BUILD_DIR (build), REFERENCE (the reference script).
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
MODEL=${MODEL:-gae}
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if ! /usr/bin/python3 -c "import torch, scipy, sklearn" 2>/dev/null; then
  echo "compare.sh needs Debian's python3-torch python3-scipy python3-sklearn" >&2
  exit 2
fi
DIR="$DATASET"
[ -d "$DIR" ] || DIR="$DATASETS/$DATASET"
[ -f "$DIR/edges.txt" ] || { echo "compare.sh: no edges.txt in $DIR" >&2; exit 2; }
NAME="$(basename "$DIR")"

if [ -n "${DISTGAE_DATA:-}" ]; then
  input=(--data "$DISTGAE_DATA")
else
  # distgae takes the node count (isolated nodes included) from the '# nodes:' line itself.
  features=(--features none)
  [ -f "$DIR/features.mtx" ] && features=(--features "$DIR/features.mtx")
  input=(--graph "$DIR/edges.txt" "${features[@]}")
fi

# --bind-to none: mpirun would otherwise bind each rank to one core and squeeze its threads there.
mpiexec -n "$RANKS" --oversubscribe --bind-to none "$DISTGAE" train "${input[@]}" \
  --model "$MODEL" --epochs "$EPOCHS" --threads "$THREADS" --eval-every 0 --out "$WORK/run" \
  >"$WORK/distgae.log"
/usr/bin/python3 "$REFERENCE" --data "$DIR" --model "$MODEL" --epochs "$EPOCHS" \
  --threads "$((RANKS * THREADS))" >"$WORK/reference.json"
/usr/bin/python3 - "$WORK/run/summary.json" "$WORK/reference.json" <<PY
import json, sys
ours = json.load(open(sys.argv[1]))
theirs = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
o, t = 1e3 * ours["median_epoch_s"], theirs["median_epoch_ms"]
peaks = " / ".join(f"{b / 2**20:.0f}" for b in ours["peak_rss_bytes_per_rank"])
print(f"$NAME, ${MODEL^^}, {ours['nodes']:,} nodes, $EPOCHS epochs: "
      f"distgae {o:.3f} ms/epoch ($RANKS ranks x $THREADS threads, peak {peaks} MiB per rank), "
      f"PyTorch reference {t:.3f} ms/epoch ($((RANKS * THREADS)) threads, peak "
      f"{theirs['peak_rss_mb']:.0f} MiB): {t / o:.1f}x")
print(f"  test AUC/AP: distgae {ours['test_auc']:.4f}/{ours['test_ap']:.4f}, "
      f"reference {theirs['test_auc']:.4f}/{theirs['test_ap']:.4f}")
PY
