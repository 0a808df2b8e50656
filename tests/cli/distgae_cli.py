"""Helpers for the end-to-end tests: run the distgae binary, read the bundled data in plain
Python (the independent reference the binary's output is checked against)."""
import os
import shutil
import subprocess
import tempfile

import numpy as np

BIN = os.environ.get("DISTGAE_BIN", "distgae")
DATA = os.environ.get("DISTGAE_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "data"))
CORA_EDGES = os.path.join(DATA, "cora", "edges.txt")
CORA_FEATURES = os.path.join(DATA, "cora", "features.mtx")


def run(*args, check=True):
    """Runs distgae with args; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"distgae {' '.join(map(str, args))} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


class TempDir:
    """A scratch directory removed at exit."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="distgae-cli-")

    def __call__(self, *parts):
        return os.path.join(self.path, *parts)

    def write(self, name, text):
        path = self(name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


def read_edges(path):
    """Undirected edge set {(min, max)} of an edge list, self loops dropped."""
    edges = set()
    with open(path) as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0][0] in "#%":
                continue
            u, v = int(fields[0]), int(fields[1])
            if u != v:
                edges.add((min(u, v), max(u, v)))
    return edges


def read_mtx_dense(path):
    """A coordinate real general MatrixMarket file as a dense float32 array."""
    with open(path) as f:
        lines = [l for l in f if not l.startswith("%")]
    rows, cols, _ = map(int, lines[0].split())
    dense = np.zeros((rows, cols), dtype=np.float32)
    for line in lines[1:]:
        i, j, v = line.split()
        dense[int(i) - 1, int(j) - 1] = float(v)
    return dense


def pairs(dataset):
    """An [m, 2] pair dataset as a set of tuples."""
    return {(int(a), int(b)) for a, b in dataset[:]}


def mpirun(ranks, *args, check=True, timeout=600):
    """Runs `mpiexec -n ranks distgae args...` (oversubscribed: CI has fewer cores than ranks)."""
    command = ["mpiexec", "-n", str(ranks), "--oversubscribe", BIN, *map(str, args)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def read_metrics(run_dir):
    """metrics.jsonl as a list of dicts."""
    import json
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        return [json.loads(line) for line in f]
