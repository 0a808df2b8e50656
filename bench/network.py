#!/usr/bin/python3
"""What the network costs an epoch: trains P = 1, 2 and 4 ranks on one host (shared memory) and
on P hosts made of network namespaces (tests/multinode/virtual_hosts.py; Open MPI over TCP
between them, one rank a host) under link profiles, and prints for each the median epoch, the
median communication seconds (halo exchange, row fetch and allreduce: metrics.jsonl's comm_s)
and the bytes sent per epoch (all ranks).

Profiles (each host's egress on its veth; full duplex, so every host sends at the rate at once):
  none   the veths as they are (memory copies through the kernel, tens of Gbit/s)
  10g    10 Gbit/s and 50 us one-way delay
  1g     1 Gbit/s and 200 us one-way delay
The delay needs the kernel's netem (sch_netem); where it is missing, as on the machine the
figures in bench/README.md come from, only the rate is applied (tbf) and the table says so.
The P ranks on one host are the baseline: they share memory, so profiles do not apply.

Usage (as root; network namespaces):
  bench/network.py [--datasets github,sbm] [--ranks 1,2,4] [--profiles none,10g,1g]
                   [--epochs 12] [--work /var/tmp/distgae-bench-network] [--json OUT.json]

Datasets: github (SNAP musae-github, no features; --github-edges, default
../shared/datasets/github/edges.txt beside the project, else data/github/edges.txt), and sbm,
the 1M-node / 20M-edge SBM with 64 features of bench/partition.py (generated under --work on
the first run: about 370 MB). Each is partitioned once per rank count into --work, which must
be outside /tmp (every host has a private /tmp)."""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "multinode"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from partition import generate_sbm  # noqa: E402
from virtual_hosts import VirtualHosts  # noqa: E402

BIN = os.environ.get("DISTGAE_BIN", os.path.join(ROOT, "build", "distgae"))
PROFILES = {"none": (None, None), "10g": (10 * 10**9, 50), "1g": (10**9, 200)}
WARMUP_EPOCHS = 2


def github_edges(path):
    for candidate in (path, os.path.join(ROOT, "..", "shared", "datasets", "github", "edges.txt"),
                      os.path.join(ROOT, "data", "github", "edges.txt")):
        if candidate and os.path.exists(candidate):
            return os.path.abspath(candidate)
    sys.exit("bench/network.py: no github edges.txt: pass --github-edges (SNAP musae-github)")


def partition(work, name, inputs, parts):
    """The dataset `name` in `parts` parts under work (made once)."""
    out = os.path.join(work, f"{name}-{parts}")
    if not os.path.exists(os.path.join(out, "meta.h5")):
        command = ["mpiexec", "--allow-run-as-root", "-n", str(parts), "--oversubscribe",
                   "--bind-to", "none", BIN, "partition", *inputs, "--parts", str(parts),
                   "--seed", "0", "--out", out, "--force"]
        print("$", " ".join(command), file=sys.stderr)
        subprocess.run(command, check=True, capture_output=True)
    return out


def epoch_figures(run):
    """Medians over the epochs after the warm-up: epoch seconds, comm seconds, bytes sent."""
    with open(os.path.join(run, "metrics.jsonl")) as f:
        epochs = [json.loads(line) for line in f][WARMUP_EPOCHS:]
    return {"epoch_s": statistics.median(e["epoch_s"] for e in epochs),
            "comm_s": statistics.median(e["comm_s"] for e in epochs),
            "bytes_sent": statistics.median(e["bytes_sent"] for e in epochs),
            "epochs": len(epochs)}


def train(hosts, ranks, across_hosts, data, run, epochs):
    """`ranks` ranks on one host (this machine's own namespace), or one on each of `ranks`
    hosts."""
    argv = [BIN, "train", "--data", data, "--epochs", str(epochs), "--eval-every", "0",
            "--threads", "1", "--seed", "0", "--out", run, "--force"]
    if across_hosts:
        command = hosts.mpirun_command(ranks, 1, argv)
    else:
        command = ["mpiexec", "--allow-run-as-root", "-n", str(ranks), "--oversubscribe",
                   "--bind-to", "none", *argv]
    code, out = hosts.run(command, timeout=1800)
    if code != 0:
        sys.exit(f"bench/network.py: training {ranks} ranks "
                 f"{'across hosts' if across_hosts else 'on one host'} failed "
                 f"({'timed out' if code is None else code}):\n{out[-3000:]}")
    return epoch_figures(run)


def describe(rate, delay):
    text = "unlimited" if rate is None else f"{rate / 1e9:g} Gbit/s"
    return text + ("" if delay is None else f" + {delay} us")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default="github,sbm")
    parser.add_argument("--ranks", default="1,2,4")
    parser.add_argument("--profiles", default="none,10g,1g")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--work", default="/var/tmp/distgae-bench-network")
    parser.add_argument("--github-edges")
    parser.add_argument("--json", help="also write the rows as JSON here")
    args = parser.parse_args()
    if os.path.abspath(args.work).startswith("/tmp/"):
        sys.exit("bench/network.py: --work must be outside /tmp (each host has its own /tmp)")
    reason = VirtualHosts.unavailable()
    if reason:
        sys.exit(f"bench/network.py: cannot make hosts here: {reason}")
    os.makedirs(args.work, exist_ok=True)
    rank_counts = [int(p) for p in args.ranks.split(",")]
    profiles = args.profiles.split(",")

    inputs = {}
    for name in args.datasets.split(","):
        if name == "github":
            inputs[name] = ["--graph", github_edges(args.github_edges)]
        elif name == "sbm":
            graph = generate_sbm(args.work, 1_000_000, 20_000_000, 1000)
            inputs[name] = ["--graph", os.path.join(graph, "edges.txt"), "--features",
                            os.path.join(graph, "features.mtx")]
        else:
            sys.exit(f"bench/network.py: unknown dataset {name!r} (github or sbm)")

    rows = []
    run = os.path.join(args.work, "run")
    with VirtualHosts(max(rank_counts), shared=(ROOT, os.path.dirname(BIN))) as hosts:
        delay_note = "" if hosts.can_delay() else " (delay not emulated: no sch_netem)"
        for name, graph_inputs in inputs.items():
            for ranks in rank_counts:
                data = partition(args.work, name, graph_inputs, ranks)
                # (hosts, profile): the ranks on one host, then on one host each.
                setups = [(1, None)] + ([(ranks, p) for p in profiles] if ranks > 1 else [])
                for host_count, profile in setups:
                    if profile is None:
                        link = "shared memory" if ranks > 1 else "none (one rank)"
                        figures = train(hosts, ranks, False, data, run, args.epochs)
                    else:
                        applied = [hosts.shape(h, *PROFILES[profile]) for h in range(ranks)][0]
                        link = describe(*applied)
                        try:
                            figures = train(hosts, ranks, True, data, run, args.epochs)
                        finally:
                            for h in range(ranks):
                                hosts.shape(h)
                    row = {"dataset": name, "ranks": ranks, "hosts": host_count,
                           "profile": profile or "", "link": link, **figures}
                    rows.append(row)
                    print(f"{name:7s} P={ranks} on {host_count} hosts, {link:>24s}: epoch "
                          f"{1e3 * row['epoch_s']:8.1f} ms, comm {1e3 * row['comm_s']:8.1f} ms, "
                          f"{row['bytes_sent'] / 2**20:8.2f} MiB/epoch", file=sys.stderr)

    print(f"\n| dataset | ranks | hosts | link{delay_note} | median epoch | comm | comm share | "
          "sent per epoch (all ranks) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['dataset']} | {r['ranks']} | {r['hosts']} | {r['link']} | "
              f"{1e3 * r['epoch_s']:.1f} ms | "
              f"{1e3 * r['comm_s']:.1f} ms | {100 * r['comm_s'] / r['epoch_s']:.0f} % | "
              f"{r['bytes_sent'] / 2**20:.2f} MiB |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"delay_emulated": hosts.can_delay(), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
