#!/usr/bin/python3
"""Partitioning at scale: `mpirun -n P distgae partition` on generated SBM graphs.

For each graph and rank count: wall time per step (read, canonicalise, features, split,
partition, build, write) as the program logs it, the peak memory of each rank, memory per edge,
and the partition's quality (halo volume = communication volume, edge cut) against METIS and a
random partition. Optionally the same graph through a baseline binary (the single-process
pipeline of an older build) for the memory comparison.

Usage:
  bench/partition.py [--nodes 1000000 --edges 20000000] [--ranks 1,2,4] [--parts 4,16]
                     [--work /tmp/bench-partition] [--baseline /path/to/old/distgae]
                     [--as-limit-gib G]   # cap every rank's address space (prlimit --as)
Prints Markdown tables (bench/README.md, "Partitioning at scale").
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# "<step> in S s (peak memory of a rank M MiB)"; the baseline's lines end at "in S s".
STEP = re.compile(r"^(?P<what>.*?) in (?P<seconds>[0-9.]+) s(?: \(peak memory of a rank "
                  r"(?P<mib>[0-9]+) MiB\))?")
STEP_NAMES = [("read ", "read"), ("canonical graph", "canonicalise"), ("read ", "features"),
              ("split", "split"), ("partitioned", "partition"), ("renumbered", "build"),
              ("wrote", "write")]


def distgae():
    return os.path.join(os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")), "distgae")


def rank_peaks(log_dir):
    """Peak RSS (MiB) of each rank from /usr/bin/time -v files."""
    peaks = []
    for name in sorted(os.listdir(log_dir)):
        with open(os.path.join(log_dir, name)) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    peaks.append(int(line.split(":")[1]) / 1024)
    return peaks


def run_partition(binary, ranks, graph, out, parts, extra, as_limit_gib, work,
                  allow_failure=False):
    """Runs the partition job; returns (steps {name: seconds}, rank peaks MiB, wall s, log).
    A failed job ends the benchmark, unless allow_failure: then it returns (None, peaks, wall,
    exit code and output)."""
    time_dir = os.path.join(work, f"time-{os.path.basename(out)}")
    shutil.rmtree(time_dir, ignore_errors=True)
    os.makedirs(time_dir)
    inner = [binary, "partition", "--graph", os.path.join(graph, "edges.txt"), "--features",
             os.path.join(graph, "features.mtx"), "--parts", str(parts), "--seed", "0",
             "--out", out, "--force", *extra]
    # Each rank writes its own /usr/bin/time file: a shell per rank expands its rank into the name.
    script = " ".join(inner)
    prefix = f"prlimit --as={int(as_limit_gib * 2**30)} " if as_limit_gib else ""
    shell = (f'exec {prefix}/usr/bin/time -v -o {time_dir}/rank-$OMPI_COMM_WORLD_RANK {script}')
    command = ["mpiexec", "-n", str(ranks), "--oversubscribe", "--bind-to", "none",
               "/bin/sh", "-c", shell]
    start = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0 and allow_failure:
        return None, rank_peaks(time_dir), wall, f"exit {proc.returncode}: {proc.stdout}{proc.stderr}"
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(command)}\n{proc.stdout}\n{proc.stderr}")
    steps = {}
    for line in proc.stdout.splitlines():
        match = STEP.match(line.strip())
        if not match:
            continue
        what = match["what"]
        for prefix_text, name in STEP_NAMES:
            if what.startswith(prefix_text) and name not in steps:
                steps[name] = float(match["seconds"])
                break
    return steps, rank_peaks(time_dir), wall, proc.stdout


def info(out):
    return json.loads(subprocess.run([distgae(), "info", "--json", out], check=True,
                                     capture_output=True, text=True).stdout)


def generate_sbm(work, nodes, edges, communities):
    """The benchmark graph (64 sparse features, seed 0), generated once under `work`."""
    graph = os.path.join(work, f"sbm-{nodes}-{edges}")
    if not os.path.exists(os.path.join(graph, "features.mtx")):
        subprocess.run([distgae(), "generate", "sbm", "--nodes", str(nodes), "--edges",
                        str(edges), "--communities", str(communities), "--features",
                        "64", "--seed", "0", "--out", graph, "--force"], check=True,
                       capture_output=True)
    return graph


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=20_000_000)
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--ranks", default="1,2,4")
    parser.add_argument("--parts", default="4,16")
    parser.add_argument("--work", default="/tmp/bench-partition")
    parser.add_argument("--baseline", help="an older distgae whose partition is one process")
    parser.add_argument("--as-limit-gib", type=float, default=0.0)
    parser.add_argument("--quality", action="store_true", help="also METIS and random at each K")
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    graph = generate_sbm(args.work, args.nodes, args.edges, args.communities)
    edges = args.edges
    print(f"## SBM {args.nodes:,} nodes / {edges:,} edges / 64 features\n")
    print("| binary | ranks | K | partitioner | read | canon. | features | split | partition | build "
          "| write | wall s | peak MiB per rank (max) | bytes per edge (all ranks) |")
    print("|" + "---|" * 14)
    runs = []
    if args.baseline:
        runs.append(("baseline", args.baseline, 1, []))  # its default: METIS, one process
    for ranks in map(int, args.ranks.split(",")):
        runs.append(("this", distgae(), ranks, []))
    results = {}
    for parts in map(int, args.parts.split(",")):
        for label, binary, ranks, extra in runs:
            out = os.path.join(args.work, f"out-{label}-p{ranks}-k{parts}")
            steps, peaks, wall, log = run_partition(binary, ranks, graph, out, parts, extra,
                                                    args.as_limit_gib, args.work)
            meta = info(out)
            results[(label, ranks, parts)] = meta
            cells = [f"{steps[name]:.1f}" if name in steps else "" for name in
                     ("read", "canonicalise", "features", "split", "partition", "build", "write")]
            print(f"| {label} | {ranks} | {parts} | {meta['partitioner']} | " + " | ".join(cells) +
                  f" | {wall:.1f} | {max(peaks):,.0f} ({', '.join(f'{p:,.0f}' for p in peaks)}) | "
                  f"{sum(peaks) * 2**20 / edges:.0f} |", flush=True)
            shutil.rmtree(out, ignore_errors=True)
        if args.quality:
            for method in ("metis", "random"):
                out = os.path.join(args.work, f"out-{method}-k{parts}")
                run_partition(distgae(), 1, graph, out, parts, ["--partitioner", method], 0,
                              args.work)
                results[(method, 1, parts)] = info(out)
                shutil.rmtree(out, ignore_errors=True)

    print("\n| K | partitioner | ranks | halo volume (rows) | vs METIS | edge cut | imbalance |")
    print("|---|---|---|---|---|---|---|")
    for (label, ranks, parts), meta in sorted(results.items(), key=lambda x: (x[0][2], x[0][0], x[0][1])):
        metis = results.get(("metis", 1, parts))
        ratio = f"{meta['comm_volume'] / metis['comm_volume']:.3f}" if metis else ""
        print(f"| {parts} | {meta['partitioner']} ({label}) | {ranks} | {meta['comm_volume']:,} | "
              f"{ratio} | {meta['edge_cut']:,} | {meta['imbalance']:.3f} |")


if __name__ == "__main__":
    main()
