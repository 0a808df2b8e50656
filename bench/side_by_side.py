#!/usr/bin/python3
"""Builds or options side by side in one run: bench/epoch.py for each variant in turn, the
variants interleaved over --rounds rounds (so that a slow spell of the machine hits all of them
alike), then per variant the median over rounds of the step (the slowest rank's median epoch),
of each phase, and of the peak memory per rank, with the ratio to the first variant.

Usage:
  bench/side_by_side.py [--ranks 2] [--threads 1] [--epochs 8] [--rounds 3] [--json OUT.json]
      --variant NAME=BINARY[,EXTRA_TRAIN_ARG...] --variant ... [-- TRAIN_ARGS...]

Without TRAIN_ARGS it trains on the bundled Cora.

Example (the cost of --exact-sums, and of this build against an older one):
  bench/side_by_side.py --variant before=/tmp/old/build/distgae --variant float=build/distgae \\
      --variant exact=build/distgae,--exact-sums -- --data /var/tmp/sbm-1m-2parts"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EPOCH = os.path.join(ROOT, "bench", "epoch.py")


def parse_variant(text):
    name, _, rest = text.partition("=")
    if not name or not rest:
        sys.exit(f"side_by_side.py: --variant {text!r}: expected NAME=BINARY[,ARG...]")
    binary, *extra = rest.split(",")
    return {"name": name, "binary": os.path.abspath(binary), "extra": extra}


def one_run(args, variant, train_args, json_path):
    command = [sys.executable, EPOCH, "--ranks", str(args.ranks), "--threads", str(args.threads),
               "--epochs", str(args.epochs), "--eval-every", "0", "--json", json_path, "--",
               *train_args, *variant["extra"]]
    env = dict(os.environ, DISTGAE_BIN=variant["binary"])
    proc = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f"side_by_side.py: {variant['name']} failed:\n{proc.stderr}")
    with open(json_path) as f:
        report = json.load(f)
    ranks = report["per_rank"]
    slowest = max(ranks, key=lambda r: r["step_s"])
    return {"step_s": slowest["step_s"], "phases_s": slowest["phases_s"],
            "peak_bytes": max(r["peak_rss_bytes"] for r in ranks)}


def ms(seconds):
    """Milliseconds with three significant decimals for short steps (Cora's are under 1 ms)."""
    value = 1e3 * seconds
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", action="append", required=True, type=parse_variant)
    parser.add_argument("--json")
    args, train_args = parser.parse_known_args()
    if train_args[:1] == ["--"]:
        train_args = train_args[1:]
    if not train_args:  # bench/epoch.py's default, named here since variants may add flags
        train_args = ["--graph", os.path.join(ROOT, "data", "cora", "edges.txt"), "--features",
                      os.path.join(ROOT, "data", "cora", "features.mtx")]
    runs = {v["name"]: [] for v in args.variant}
    with tempfile.TemporaryDirectory() as work:
        for round_index in range(args.rounds):
            for variant in args.variant:
                path = os.path.join(work, f"{variant['name']}-{round_index}.json")
                runs[variant["name"]].append(one_run(args, variant, train_args, path))
                print(f"round {round_index + 1}: {variant['name']} "
                      f"{ms(runs[variant['name']][-1]['step_s'])} ms", file=sys.stderr)
    result = []
    for variant in args.variant:
        mine = runs[variant["name"]]
        phases = sorted(mine[0]["phases_s"])
        result.append({
            "variant": variant["name"], "binary": variant["binary"], "extra": variant["extra"],
            "step_s": statistics.median(r["step_s"] for r in mine),
            "step_s_rounds": [r["step_s"] for r in mine],
            "phases_s": {p: statistics.median(r["phases_s"].get(p, 0.0) for r in mine)
                         for p in phases},
            "peak_bytes": statistics.median(r["peak_bytes"] for r in mine)})
    first = result[0]
    print(f"{args.ranks} ranks x {args.threads} threads, {args.epochs} epochs, median of "
          f"{args.rounds} rounds (each the slowest rank's median step): "
          + " ".join(train_args))
    print("| variant | step (ms) | rounds (ms) | vs first | peak memory / rank (MiB) | vs first |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in result:
        rounds = ", ".join(ms(s) for s in r["step_s_rounds"])
        print(f"| {r['variant']} | {ms(r['step_s'])} | {rounds} | "
              f"{r['step_s'] / first['step_s']:.3f} | {r['peak_bytes'] / 2**20:.0f} | "
              f"{r['peak_bytes'] / first['peak_bytes']:.3f} |")
    phases = [p for p in first["phases_s"] if any(r["phases_s"][p] > 1e-6 for r in result)]
    print()
    print("| phase (ms) | " + " | ".join(r["variant"] for r in result) + " |")
    print("| --- |" + " --- |" * len(result))
    for p in phases:
        print(f"| {p} | " + " | ".join(ms(r["phases_s"][p]) for r in result) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
