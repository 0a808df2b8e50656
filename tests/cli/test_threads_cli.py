"""OpenMP threads inside a rank change nothing but speed: `--threads 1` and `--threads 3` give the
same losses and embeddings, bit for bit. DISTGAE_MIN_PARALLEL_WORK=0 sends every kernel down its
threaded path even on Cora (by default kernels this small run on one thread)."""
import os
import subprocess
import unittest

import h5py
import numpy as np

from distgae_cli import BIN, CORA_EDGES, CORA_FEATURES, TempDir, read_metrics


def train(out, threads, *args, env_value="0", ranks=2, check=True):
    env = dict(os.environ, DISTGAE_MIN_PARALLEL_WORK=env_value)
    command = ["mpiexec", "-n", str(ranks), "--oversubscribe", "--bind-to", "none", BIN, "train",
               "--graph", CORA_EDGES, "--epochs", "15", "--eval-every", "5", "--seed", "4",
               "--threads", str(threads), "--out", out, *args]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def results(out):
    metrics = read_metrics(out)
    numbers = [(m["loss"], m["reconstruction"], m["kl"], m.get("val_auc"), m.get("val_ap"))
               for m in metrics]
    with h5py.File(os.path.join(out, "embeddings", "embeddings.h5")) as f:
        return numbers, f["node_id"][:], f["embedding"][:]


class SameBitsForAnyThreadCount(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, name, *args):
        runs = {}
        for threads in (1, 3):
            out = self.tmp(f"{name}-{threads}")
            train(out, threads, *args)
            runs[threads] = results(out)
        one, three = runs[1], runs[3]
        self.assertEqual(one[0], three[0])  # every epoch's loss and validation figures
        np.testing.assert_array_equal(one[1], three[1])
        np.testing.assert_array_equal(one[2], three[2])
        self.assertTrue(np.isfinite(one[2]).all())

    def test_vgae_with_features(self):
        self.check("vgae", "--features", CORA_FEATURES, "--model", "vgae")

    def test_featureless_gae(self):
        self.check("gae", "--features", "none", "--model", "gae", "--neg", "2")


class MinParallelWorkVariable(unittest.TestCase):
    def test_malformed_value_is_a_clear_error_before_any_output(self):
        tmp = TempDir()
        try:
            out = tmp("run")
            proc = train(out, 2, "--features", CORA_FEATURES, env_value="lots", ranks=1,
                         check=False)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn("DISTGAE_MIN_PARALLEL_WORK: 'lots' is not a non-negative integer",
                          proc.stderr)
            self.assertFalse(os.path.exists(os.path.join(out, "metrics.jsonl")))
        finally:
            tmp.cleanup()


if __name__ == "__main__":
    unittest.main()
