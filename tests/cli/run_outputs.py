"""What a training run wrote, read for bit-for-bit comparisons between runs."""
import json
import os

import h5py
import numpy as np


def metrics(run, with_bytes=True):
    """metrics.jsonl without the timings: losses, validation metrics and (unless told otherwise:
    they depend on the number of ranks) bytes per epoch."""
    kept = ("epoch", "loss", "reconstruction", "kl", "val_auc", "val_ap")
    kept += ("bytes_sent",) if with_bytes else ()
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


def assert_same_run(test, run, reference, same_ranks=True):
    """run has the reference's metrics, test scores and embeddings, bit for bit (and the bytes it
    sent, when it ran on as many ranks)."""
    test.assertEqual(metrics(run, same_ranks), metrics(reference, same_ranks))
    test.assertEqual(summary(run)["test_auc"], summary(reference)["test_auc"])
    test.assertEqual(summary(run)["test_ap"], summary(reference)["test_ap"])
    expected = embeddings(reference)
    got = embeddings(run)
    test.assertEqual(sorted(got), sorted(expected))
    for name, values in expected.items():
        np.testing.assert_array_equal(got[name], values, err_msg=name)


def checkpoint_arrays(run, epoch=None):
    """Every dataset of the run's newest checkpoint (or of the one at `epoch`): the weights, the
    Adam moments and, when featureless, the node rows with theirs."""
    directory = os.path.join(run, "checkpoints")
    names = sorted(n for n in os.listdir(directory) if n.endswith(".h5"))
    name = names[-1] if epoch is None else f"ckpt-{epoch:06d}.h5"
    arrays = {}
    with h5py.File(os.path.join(directory, name), "r") as f:
        f.visititems(lambda key, item: arrays.__setitem__(key, item[()])
                     if isinstance(item, h5py.Dataset) else None)
    return arrays


def assert_same_checkpoint(test, run, reference):
    """The newest checkpoints of run and reference hold the same arrays, bit for bit."""
    expected = checkpoint_arrays(reference)
    got = checkpoint_arrays(run)
    test.assertEqual(sorted(got), sorted(expected))
    for name, values in expected.items():
        test.assertEqual(got[name].tobytes(), values.tobytes(), name)
