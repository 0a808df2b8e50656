#!/usr/bin/python3
"""Link-prediction accuracy over seeds: trains each (dataset, model, decoder) with 2 MPI ranks for
10 seeds (split and initialisation seeded together) and prints mean ± std of test AUC and AP as
a Markdown table, plus Cora's median epoch time for 1 and 2 ranks and peak memory per rank.

Usage: bench/accuracy.py [--seeds 10] [--first-seed 0] [--ranks 2] [--only cora,citeseer]
                         [--decoders sampled,full] [--reference] [--train-args=--exact-sums]
Datasets come from ../shared/datasets (cora, citeseer, pubmed).

--reference also runs the PyTorch reference (../shared/reference/torch_gae.py, same model, with
Debian's python3-torch at /usr/bin/python3) on the same seeds for the sampled decoder and prints
its mean beside ours with the difference of the means and that difference's standard error. One
test AUC varies by about 0.013 from seed to seed on Citeseer, so a 10-seed mean is only known to
about ±0.004: compare implementations over many seeds (--seeds 100) and by that standard error."""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("DISTGAE_BIN", os.path.join(ROOT, "build", "distgae"))
DATASETS = os.environ.get("DISTGAE_DATASETS", os.path.join(ROOT, "..", "shared", "datasets"))
REFERENCE = os.environ.get("DISTGAE_REFERENCE",
                           os.path.join(ROOT, "..", "shared", "reference", "torch_gae.py"))

# name → (graph flags). Citeseer lists 3327 feature rows but only 3279 nodes have edges: the
# ids are 0..N-1, so --num-nodes keeps its isolated nodes. Pubmed's features are not available:
# it trains featureless (the paper's GAE*/VGAE*).
GRAPHS = {
    "cora": ["--features", "{d}/cora/features.mtx"],
    "citeseer": ["--features", "{d}/citeseer/features.mtx", "--num-nodes", "3327"],
    "pubmed": ["--features", "none", "--num-nodes", "19717"],
}


def train(dataset, model, decoder, seed, ranks, threads=1, extra=()):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run")
        flags = [f.format(d=DATASETS) for f in GRAPHS[dataset]]
        command = ["mpiexec", "-n", str(ranks), "--oversubscribe", BIN, "train", "--graph",
                   f"{DATASETS}/{dataset}/edges.txt", *flags, "--model", model, "--decoder",
                   decoder, "--seed", str(seed), "--threads", str(threads), "--eval-every", "0",
                   "--out", out, *extra]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(command)}\n{proc.stderr}")
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f)


def reference(dataset, model, seed):
    """Test AUC/AP of the PyTorch reference (its own split and initialisation for this seed)."""
    command = ["/usr/bin/python3", REFERENCE, "--data", os.path.join(DATASETS, dataset), "--model",
               model, "--seed", str(seed), "--threads", "1"]
    if dataset == "pubmed":
        command.append("--no-features")
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def difference(ours, theirs):
    """Difference of the means and its standard error (Welch: the runs are independent)."""
    se = math.sqrt(statistics.variance(ours) / len(ours) + statistics.variance(theirs) / len(theirs))
    return statistics.mean(ours) - statistics.mean(theirs), se


def mean_std(values):
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--only", default="cora,citeseer,pubmed")
    parser.add_argument("--decoders", default="sampled,full")
    parser.add_argument("--train-args", default="",
                        help="more train flags for every run, space-separated (e.g. --exact-sums)")
    parser.add_argument("--reference", action="store_true",
                        help="also run the PyTorch reference on the same seeds (sampled decoder)")
    args = parser.parse_args()
    if args.reference and args.seeds < 2:
        parser.error("--reference needs --seeds 2 or more for a standard error")
    datasets = args.only.split(",")
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"seeds {seeds.start}..{seeds.stop - 1}, {args.ranks} ranks")
    extra = " reference AUC | reference AP | AUC difference ± s.e. |" if args.reference else ""
    print(f"| dataset | model | decoder | test AUC | test AP | median epoch ms |{extra}")
    print("| --- " * (6 + (3 if args.reference else 0)) + "|")
    for decoder in args.decoders.split(","):
        for dataset in datasets:
            if decoder == "full" and dataset == "pubmed":
                continue  # the full-decoder targets are Cora and Citeseer
            for model in ("gae", "vgae"):
                runs = [train(dataset, model, decoder, seed, args.ranks,
                              extra=args.train_args.split()) for seed in seeds]
                auc = mean_std([r["test_auc"] for r in runs])
                ap = mean_std([r["test_ap"] for r in runs])
                epoch_ms = statistics.median(1e3 * r["median_epoch_s"] for r in runs)
                star = "*" if dataset == "pubmed" else ""
                row = (f"| {dataset} | {model.upper()}{star} | {decoder} | {auc[0]:.4f} ± {auc[1]:.4f} "
                       f"| {ap[0]:.4f} ± {ap[1]:.4f} | {epoch_ms:.2f} |")
                if args.reference and decoder == "sampled":
                    ref_runs = [reference(dataset, model, seed) for seed in seeds]
                    ref_auc = mean_std([r["test_auc"] for r in ref_runs])
                    ref_ap = mean_std([r["test_ap"] for r in ref_runs])
                    delta, se = difference([r["test_auc"] for r in runs],
                                           [r["test_auc"] for r in ref_runs])
                    row += (f" {ref_auc[0]:.4f} ± {ref_auc[1]:.4f} | {ref_ap[0]:.4f} ± {ref_ap[1]:.4f} "
                            f"| {delta:+.4f} ± {se:.4f} |")
                elif args.reference:
                    row += " | | |"  # the reference has no full decoder
                print(row, flush=True)
    if "cora" in datasets:
        print()
        for ranks in (1, 2):
            r = train("cora", "gae", "sampled", 0, ranks)
            mib = " / ".join(f"{b / 2**20:.0f}" for b in r["peak_rss_bytes_per_rank"])
            print(f"Cora GAE, {ranks} rank(s) x 1 thread: median epoch {1e3 * r['median_epoch_s']:.2f} ms, "
                  f"peak memory per rank {mib} MiB")


if __name__ == "__main__":
    main()
