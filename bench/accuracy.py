#!/usr/bin/python3
"""Link-prediction accuracy over seeds: trains each (dataset, model, decoder) with 2 MPI ranks for
10 seeds (split and initialisation seeded together) and prints mean ± std of test AUC and AP as
a Markdown table, plus Cora's median epoch time for 1 and 2 ranks and peak memory per rank.

Usage: bench/accuracy.py [--seeds 10] [--ranks 2] [--only cora,citeseer] [--decoders sampled,full]
Datasets come from ../shared/datasets (cora, citeseer, pubmed)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("DISTGAE_BIN", os.path.join(ROOT, "build", "distgae"))
DATASETS = os.environ.get("DISTGAE_DATASETS", os.path.join(ROOT, "..", "shared", "datasets"))

# name → (graph flags). Citeseer lists 3327 feature rows but only 3279 nodes have edges: the
# ids are 0..N-1, so --num-nodes keeps its isolated nodes. Pubmed's features are not available:
# it trains featureless (the paper's GAE*/VGAE*).
GRAPHS = {
    "cora": ["--features", "{d}/cora/features.mtx"],
    "citeseer": ["--features", "{d}/citeseer/features.mtx", "--num-nodes", "3327"],
    "pubmed": ["--features", "none", "--num-nodes", "19717"],
}


def train(dataset, model, decoder, seed, ranks, threads=1):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run")
        flags = [f.format(d=DATASETS) for f in GRAPHS[dataset]]
        command = ["mpiexec", "-n", str(ranks), "--oversubscribe", BIN, "train", "--graph",
                   f"{DATASETS}/{dataset}/edges.txt", *flags, "--model", model, "--decoder",
                   decoder, "--seed", str(seed), "--threads", str(threads), "--eval-every", "0",
                   "--out", out]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(command)}\n{proc.stderr}")
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f)


def mean_std(values):
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--only", default="cora,citeseer,pubmed")
    parser.add_argument("--decoders", default="sampled,full")
    args = parser.parse_args()
    datasets = args.only.split(",")
    print(f"| dataset | model | decoder | test AUC | test AP | median epoch ms |")
    print(f"| --- | --- | --- | --- | --- | --- |")
    for decoder in args.decoders.split(","):
        for dataset in datasets:
            if decoder == "full" and dataset == "pubmed":
                continue  # the full-decoder targets are Cora and Citeseer
            for model in ("gae", "vgae"):
                runs = [train(dataset, model, decoder, seed, args.ranks) for seed in range(args.seeds)]
                auc = mean_std([r["test_auc"] for r in runs])
                ap = mean_std([r["test_ap"] for r in runs])
                epoch_ms = statistics.median(1e3 * r["median_epoch_s"] for r in runs)
                star = "*" if dataset == "pubmed" else ""
                print(f"| {dataset} | {model.upper()}{star} | {decoder} | {auc[0]:.3f} ± {auc[1]:.3f} "
                      f"| {ap[0]:.3f} ± {ap[1]:.3f} | {epoch_ms:.2f} |", flush=True)
    if "cora" in datasets:
        print()
        for ranks in (1, 2):
            r = train("cora", "gae", "sampled", 0, ranks)
            mib = " / ".join(f"{b / 2**20:.0f}" for b in r["peak_rss_bytes_per_rank"])
            print(f"Cora GAE, {ranks} rank(s) x 1 thread: median epoch {1e3 * r['median_epoch_s']:.2f} ms, "
                  f"peak memory per rank {mib} MiB")


if __name__ == "__main__":
    main()
