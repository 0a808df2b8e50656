"""What a training run wrote, read for bit-for-bit comparisons between runs."""
import json
import os

import h5py
import numpy as np


def metrics(run):
    """metrics.jsonl without the timings: losses, validation metrics and bytes per epoch."""
    kept = ("epoch", "loss", "reconstruction", "kl", "val_auc", "val_ap", "bytes_sent")
    with open(os.path.join(run, "metrics.jsonl")) as f:
        return [{k: v for k, v in json.loads(line).items() if k in kept} for line in f]


def embeddings(run):
    """The embedding datasets of run, in node-id order."""
    with h5py.File(os.path.join(run, "embeddings", "embeddings.h5"), "r") as f:
        order = np.argsort(f["node_id"][()])
        return {name: f[name][()][order] for name in ("embedding", "logstd") if name in f}


def summary(run):
    with open(os.path.join(run, "summary.json")) as f:
        return json.load(f)


def assert_same_run(test, run, reference):
    """run has the reference's metrics, test scores and embeddings, bit for bit."""
    test.assertEqual(metrics(run), metrics(reference))
    test.assertEqual(summary(run)["test_auc"], summary(reference)["test_auc"])
    test.assertEqual(summary(run)["test_ap"], summary(reference)["test_ap"])
    expected = embeddings(reference)
    got = embeddings(run)
    test.assertEqual(sorted(got), sorted(expected))
    for name, values in expected.items():
        np.testing.assert_array_equal(got[name], values, err_msg=name)
