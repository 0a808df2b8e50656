#!/usr/bin/python3
"""Where an epoch's time goes: trains once with `distgae train` and prints, per rank, the median
seconds of each phase of the training step (feature transform, SpMM forward and backward, halo
exchange, sampling, row fetch for the decoder, loss, allreduce, Adam), the step itself, the mean
evaluation, the bytes each rank sends per epoch and its peak memory; as a table and as JSON.
Medians are over the epochs after a warm-up (summary.json's "profile" says how many).

Usage:
  bench/epoch.py [--ranks 2] [--threads 1] [--epochs 50] [--eval-every 10] [--json OUT.json]
                 -- TRAIN_ARGS...          (e.g. --data DIR, or --graph edges.txt --features f.mtx)
  bench/epoch.py --summary RUN_DIR/summary.json [-- --data DIR]
                                            (the figures of an existing run)

Without TRAIN_ARGS it trains on the bundled Cora. Ranks get --bind-to none so that --threads T
threads are not squeezed onto the one core mpirun would bind each rank to."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("DISTGAE_BIN", os.path.join(ROOT, "build", "distgae"))
CORA = ["--graph", os.path.join(ROOT, "data", "cora", "edges.txt"), "--features",
        os.path.join(ROOT, "data", "cora", "features.mtx")]
# Table order: the order a step runs them in.
PHASES = ["feature_transform", "spmm_forward", "halo_exchange", "dense", "sampling", "row_fetch",
          "loss", "spmm_backward", "allreduce", "optimizer", "other"]


def run(args, train_args, out):
    command = ["mpiexec", "-n", str(args.ranks), "--oversubscribe", "--bind-to", "none", BIN,
               "train", *train_args, "--epochs", str(args.epochs), "--threads", str(args.threads),
               "--eval-every", str(args.eval_every), "--out", out]
    print("$", " ".join(command), file=sys.stderr)
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench/epoch.py: distgae train failed ({proc.returncode}):\n{proc.stderr}")
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def partition_info(train_args, summary):
    """`distgae info`'s figures per part (only when the run read a dataset directory; None
    otherwise): the halo bytes per epoch it predicts, and the part's sizes."""
    if "--data" not in train_args:
        return None
    data = train_args[train_args.index("--data") + 1]
    command = [BIN, "info", data, "--json", "--model", summary["model"], "--hidden",
               str(summary["hidden"]), "--latent", str(summary["latent"])]
    info = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    return info["per_part"]


def memory_constant(summary, part, peak):
    """The memory model peak ≈ c · ((N/P + halo) · f + E/P), and its constant c in bytes: f is a
    node row's activation width (hidden + heads · latent), E/P the part's adjacency entries plus
    its training pairs (positives and negatives). Feature nonzeros and fixed costs (MPI, the
    binary) fall into c."""
    heads = 2 if summary["model"] == "vgae" else 1
    width = summary["hidden"] + heads * summary["latent"]
    rows = part["owned"] + part["halo"]
    edges = part["local_edges"] + part["train_edges"] * (1 + summary["negatives"])
    units = rows * width + edges
    return {"rows": rows, "width": width, "edges": edges, "units": units,
            "bytes_per_unit": peak / units}


def figures(summary, parts=None):
    predicted = [part["halo_bytes_per_epoch"] for part in parts] if parts else None
    profile = summary["profile"]
    ranks = []
    for rank, (figs, peak) in enumerate(zip(profile["per_rank"],
                                            summary["peak_rss_bytes_per_rank"])):
        ranks.append({"rank": rank, "step_s": figs["epoch_s"], "phases_s": figs["phases_s"],
                      "evaluation_s": figs["evaluation_s"], "bytes_sent": figs["bytes_sent"],
                      "halo_bytes_sent": figs["halo_bytes_sent"],
                      "halo_bytes_predicted": predicted[rank] if predicted else None,
                      "peak_rss_bytes": peak,
                      "memory_model": memory_constant(summary, parts[rank], peak)
                      if parts else None})
    keys = ["nodes", "train_edges", "feature_dim", "model", "decoder", "ranks", "threads",
            "epochs", "hidden", "latent", "negatives"]
    return {**{k: summary[k] for k in keys}, "warmup_epochs": profile["warmup_epochs"],
            "statistic": profile["statistic"], "median_epoch_s_all_epochs":
            summary["median_epoch_s"], "per_rank": ranks}


def print_table(result):
    ranks = result["per_rank"]
    print(f"{result['model']} ({result['decoder']} decoder), {result['nodes']:,} nodes, "
          f"{result['train_edges']:,} training edges, {result['feature_dim']} features; "
          f"{result['ranks']} ranks x {result['threads']} threads; medians over epochs "
          f"{result['warmup_epochs'] + 1}..{result['epochs']}")
    header = "| phase | " + " | ".join(f"rank {r['rank']} (ms)" for r in ranks) + " | share |"
    print(header)
    print("|" + " --- |" * (len(ranks) + 2))
    steps = [r["step_s"] for r in ranks]
    for phase in PHASES:
        values = [r["phases_s"].get(phase, 0.0) for r in ranks]
        share = sum(values) / max(sum(steps), 1e-30)
        print(f"| {phase} | " + " | ".join(f"{1e3 * v:.3f}" for v in values) +
              f" | {100 * share:.1f}% |")
    print("| **step** | " + " | ".join(f"**{1e3 * s:.3f}**" for s in steps) + " | |")
    print("| evaluation (mean) | " + " | ".join(f"{1e3 * r['evaluation_s']:.3f}" for r in ranks)
          + " | |")
    print("| bytes sent / epoch | " + " | ".join(f"{r['bytes_sent']:,}" for r in ranks) + " | |")
    print("| of which halo exchange | " + " | ".join(f"{r['halo_bytes_sent']:,}" for r in ranks)
          + " | |")
    if ranks[0]["halo_bytes_predicted"] is not None:
        same = all(r["halo_bytes_sent"] == r["halo_bytes_predicted"] for r in ranks)
        print("| halo bytes predicted by `distgae info` | " +
              " | ".join(f"{r['halo_bytes_predicted']:,}" for r in ranks) +
              f" | {'equal' if same else 'DIFFERENT'} |")
    print("| peak memory (MiB) | " + " | ".join(f"{r['peak_rss_bytes'] / 2**20:.0f}"
                                                for r in ranks) + " | |")
    if ranks[0]["memory_model"] is not None:
        print("| memory units (N/P + halo) · f + E/P | " +
              " | ".join(f"{r['memory_model']['rows']:,} · {r['memory_model']['width']} + "
                         f"{r['memory_model']['edges']:,}" for r in ranks) + " | |")
        print("| **bytes per unit** (peak / units) | " +
              " | ".join(f"**{r['memory_model']['bytes_per_unit']:.1f}**" for r in ranks) +
              " | |")


def main():
    argv = sys.argv[1:]
    train_args = []
    if "--" in argv:
        split = argv.index("--")
        argv, train_args = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--eval-every", type=int, default=10)
    parser.add_argument("--json", help="also write the figures as JSON here")
    parser.add_argument("--summary", help="an existing run's summary.json instead of training")
    args = parser.parse_args(argv)
    if args.summary:
        with open(args.summary) as f:
            summary = json.load(f)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            summary = run(args, train_args or CORA, os.path.join(tmp, "run"))
    result = figures(summary, partition_info(train_args, summary))
    print_table(result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
