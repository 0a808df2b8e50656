#!/usr/bin/env bash
# The main job on the bundled Cora: partition it for 4 ranks and print the dataset summary.
# (Training arrives with the `train` subcommand; this script will then train VGAE on it.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/mpi-env.sh"
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
DISTGAE="${BUILD_DIR:-$ROOT/build}/distgae"
OUT="$ROOT/runs/cora-4"
mkdir -p "$ROOT/runs"
"$DISTGAE" partition --graph "$ROOT/data/cora/edges.txt" --features "$ROOT/data/cora/features.mtx" \
  --parts 4 --seed 0 --out "$OUT" --force
echo
"$DISTGAE" info "$OUT"
