#!/usr/bin/env bash
# The main job on the bundled Cora: partition it for 2 ranks, train VGAE on 2 MPI ranks, print
# the test AUC/AP and where the embeddings are.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/mpi-env.sh"
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
DISTGAE="${BUILD_DIR:-$ROOT/build}/distgae"
RUNS="$ROOT/runs"
mkdir -p "$RUNS"

"$DISTGAE" partition --graph "$ROOT/data/cora/edges.txt" --features "$ROOT/data/cora/features.mtx" \
  --parts 2 --seed 0 --out "$RUNS/cora-2" --force
echo
"$DISTGAE" info "$RUNS/cora-2"
echo
mpiexec -n 2 --oversubscribe "$DISTGAE" train --data "$RUNS/cora-2" --model vgae --seed 0 \
  --out "$RUNS/cora-vgae" --force
