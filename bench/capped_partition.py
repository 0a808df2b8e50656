#!/usr/bin/python3
"""A graph one process cannot prepare under a memory cap, prepared by P ranks under the same cap.

Every process of the partition job (the baseline's one process, and each of this build's P
ranks) runs under `prlimit --as` (address space) of --cap-gib. The baseline, an older distgae
whose partition is one process holding the whole graph, must fail; the P ranks must succeed; then
P ranks train on the dataset they wrote (uncapped: training memory is another benchmark) and the
test AUC/AP, median epoch time and peak memory of a rank are printed from summary.json.

Usage:
  bench/capped_partition.py --baseline OLD/distgae [--nodes 2000000 --edges 40000000]
                            [--ranks 4] [--parts 4] [--cap-gib 3] [--epochs 2]
                            [--work /tmp/bench-partition]
Prints a Markdown table (bench/README.md, "Under a memory cap that one process cannot meet").
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from partition import distgae, generate_sbm, info, run_partition  # noqa: E402


def last_error(output):
    lines = [line for line in output.splitlines() if "error" in line.lower()]
    return lines[-1].strip() if lines else output.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", help="an older distgae whose partition is one process")
    parser.add_argument("--nodes", type=int, default=2_000_000)
    parser.add_argument("--edges", type=int, default=40_000_000)
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--ranks", type=int, default=4)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--cap-gib", type=float, default=3.0)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--work", default="/tmp/bench-partition")
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    graph = generate_sbm(args.work, args.nodes, args.edges, args.communities)
    print(f"## SBM {args.nodes:,} nodes / {args.edges:,} edges / 64 features, K = {args.parts}, "
          f"every partition process capped at {args.cap_gib:g} GiB of address space\n")
    print("| binary | processes | result | wall s | peak MiB per process |")
    print("|---|---|---|---|---|")
    if args.baseline:
        out = os.path.join(args.work, "capped-baseline")
        steps, peaks, wall, log = run_partition(args.baseline, 1, graph, out, args.parts, [],
                                                args.cap_gib, args.work, allow_failure=True)
        result = "partitioned (the cap did not bind)" if steps is not None else last_error(log)
        print(f"| baseline | 1 | {result} | {wall:.1f} | "
              f"{', '.join(f'{p:,.0f}' for p in peaks)} |", flush=True)
        shutil.rmtree(out, ignore_errors=True)

    data = os.path.join(args.work, "capped-this")
    steps, peaks, wall, log = run_partition(distgae(), args.ranks, graph, data, args.parts, [],
                                            args.cap_gib, args.work, allow_failure=True)
    if steps is None:
        print(f"| this | {args.ranks} | {last_error(log)} | {wall:.1f} | |")
        sys.exit("the distributed partition failed under the cap")
    meta = info(data)
    print(f"| this | {args.ranks} | partitioned ({meta['partitioner']}): halo volume "
          f"{meta['comm_volume']:,}, edge cut {meta['edge_cut']:,} | {wall:.1f} | "
          f"{', '.join(f'{p:,.0f}' for p in peaks)} |", flush=True)

    run = os.path.join(args.work, "capped-train")
    shutil.rmtree(run, ignore_errors=True)
    start = time.monotonic()
    subprocess.run(["mpiexec", "-n", str(args.ranks), "--oversubscribe", "--bind-to", "none",
                    distgae(), "train", "--data", data, "--epochs", str(args.epochs),
                    "--eval-every", "0", "--out", run], check=True, capture_output=True)
    with open(os.path.join(run, "summary.json")) as f:
        summary = json.load(f)
    print(f"\nTraining on it ({args.ranks} ranks, {args.epochs} epochs, uncapped): test AUC "
          f"{summary['test_auc']:.3f} / AP {summary['test_ap']:.3f}, median epoch "
          f"{summary['median_epoch_s']:.2f} s, peak "
          f"{max(summary['peak_rss_bytes_per_rank']) / 2**20:,.0f} MiB a rank, "
          f"{time.monotonic() - start:.0f} s in all.")
    shutil.rmtree(run, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
