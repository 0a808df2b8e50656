"""Checkpoints, stop signals and resume, end to end: a run stopped by SIGUSR1 and resumed ends
exactly where an uninterrupted run ends (bitwise at the same rank count, within 1e-5 across
rank counts), and a crash loses at most the epochs since the last checkpoint."""
import glob
import os
import signal
import subprocess
import time
import unittest

import h5py
import numpy as np

from distgae_cli import BIN, CORA_EDGES, CORA_FEATURES, TempDir, mpirun, read_metrics, run

EPOCHS = 40
# The full decoder makes a Cora epoch long enough (tens of ms) to signal a run mid-way.
TRAIN = ["--model", "vgae", "--decoder", "full", "--epochs", EPOCHS, "--seed", 5,
         "--eval-every", 10]


def start(ranks, *args):
    command = ["mpiexec", "-n", str(ranks), "--oversubscribe", BIN, "train", *map(str, args)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_epochs(out, epochs, proc, timeout=120):
    """Waits until metrics.jsonl holds `epochs` lines (or the process ended)."""
    path = os.path.join(out, "metrics.jsonl")
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if os.path.exists(path):
            with open(path) as f:
                if sum(1 for _ in f) >= epochs:
                    return
        time.sleep(0.01)


def final_parameters(out):
    newest = sorted(glob.glob(os.path.join(out, "checkpoints", "ckpt-*.h5")))[-1]
    with h5py.File(newest) as f:
        return int(f.attrs["epoch"]), f["parameters"][:]


def test_metrics(out):
    with h5py.File(os.path.join(out, "embeddings", "embeddings.h5")) as f:
        return f.attrs["test_auc"], f.attrs["test_ap"], f["embedding"][:]


class Resume(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        for parts in (2, 4):
            run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts", parts,
                "--seed", 5, "--out", cls.tmp(f"cora-{parts}"))
        cls.straight = cls.tmp("straight")
        mpirun(2, "train", "--data", cls.tmp("cora-2"), *TRAIN, "--checkpoint-every", EPOCHS,
               "--out", cls.straight)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def stop_mid_run(self, ranks, data, out, sigterm_to_ranks=False):
        """Starts a run and, after 15 epochs, sends SIGUSR1 to mpiexec (which forwards it to
        every rank) or SIGTERM to every rank (as a batch system does); checks the run wrote a
        checkpoint and exited 75."""
        proc = start(ranks, "--data", data, *TRAIN, "--checkpoint-every", EPOCHS, "--out", out)
        wait_for_epochs(out, 15, proc)
        if sigterm_to_ranks:
            ranks_pids = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                        text=True).stdout.split()
            self.assertEqual(len(ranks_pids), ranks)
            for pid in ranks_pids:
                os.kill(int(pid), signal.SIGTERM)
        else:
            proc.send_signal(signal.SIGUSR1)
        stdout, stderr = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 75, stdout + stderr)
        epoch, _ = final_parameters(out)
        self.assertGreaterEqual(epoch, 15)
        self.assertLess(epoch, EPOCHS, "the signal came too late to test a resume")
        self.assertFalse(os.path.exists(os.path.join(out, "embeddings")))
        return epoch

    def test_stop_and_resume_on_the_same_ranks_is_bitwise_equal(self):
        out = self.tmp("stopped-2")
        stopped_at = self.stop_mid_run(2, self.tmp("cora-2"), out, sigterm_to_ranks=True)
        proc = mpirun(2, "train", "--data", self.tmp("cora-2"), *TRAIN, "--checkpoint-every",
                      EPOCHS, "--out", out, "--resume")
        self.assertIn(f"epoch {stopped_at}", proc.stdout)  # "resumed from ... (epoch N, ...)"
        epoch_a, params_a = final_parameters(self.straight)
        epoch_b, params_b = final_parameters(out)
        self.assertEqual(epoch_a, epoch_b)
        np.testing.assert_array_equal(params_a, params_b)
        auc_a, ap_a, emb_a = test_metrics(self.straight)
        auc_b, ap_b, emb_b = test_metrics(out)
        self.assertEqual((auc_a, ap_a), (auc_b, ap_b))
        np.testing.assert_array_equal(emb_a, emb_b)
        losses_a = [m["loss"] for m in read_metrics(self.straight)]
        losses_b = [m["loss"] for m in read_metrics(out)]
        self.assertEqual(losses_a, losses_b)

    def test_checkpoint_of_four_ranks_resumes_on_two(self):
        out = self.tmp("stopped-4")
        self.stop_mid_run(4, self.tmp("cora-4"), out)
        mpirun(2, "train", "--data", self.tmp("cora-2"), *TRAIN, "--checkpoint-every", EPOCHS,
               "--out", out, "--resume")
        _, params_a = final_parameters(self.straight)
        _, params_b = final_parameters(out)
        # Different rank counts sum in a different order: equal up to float rounding.
        self.assertLess(np.linalg.norm(params_b - params_a) / np.linalg.norm(params_a), 1e-5)
        auc_a, ap_a, _ = test_metrics(self.straight)
        auc_b, ap_b, _ = test_metrics(out)
        self.assertAlmostEqual(auc_a, auc_b, places=4)
        self.assertAlmostEqual(ap_a, ap_b, places=4)

    def test_a_killed_rank_ends_the_job_and_resume_skips_a_truncated_checkpoint(self):
        out = self.tmp("crashed")
        proc = start(4, "--data", self.tmp("cora-4"), *TRAIN, "--checkpoint-every", 5,
                     "--out", out)
        wait_for_epochs(out, 22, proc)
        victims = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                 text=True).stdout.split()
        self.assertTrue(victims, "no rank processes found under mpiexec")
        killed_at = time.time()
        os.kill(int(victims[-1]), signal.SIGKILL)
        proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertLess(time.time() - killed_at, 30)
        checkpoints = sorted(glob.glob(os.path.join(out, "checkpoints", "ckpt-*.h5")))
        self.assertTrue(checkpoints)
        newest = checkpoints[-1]
        with h5py.File(newest) as f:
            newest_epoch = int(f.attrs["epoch"])
        with open(newest, "r+b") as f:  # a checkpoint damaged on disk
            f.truncate(os.path.getsize(newest) // 2)
        resumed = mpirun(4, "train", "--data", self.tmp("cora-4"), *TRAIN, "--checkpoint-every",
                         5, "--out", out, "--resume")
        self.assertIn("skipping unreadable checkpoint", resumed.stderr)
        self.assertIn(f"epoch {newest_epoch - 5}", resumed.stdout)
        self.assertEqual(len(read_metrics(out)), EPOCHS)
        self.assertTrue(os.path.exists(os.path.join(out, "embeddings", "embeddings.h5")))

    def test_checkpoint_of_another_model_is_refused(self):
        out = self.tmp("other-model")
        mpirun(2, "train", "--data", self.tmp("cora-2"), "--epochs", 2, "--checkpoint-every", 1,
               "--out", out)
        proc = mpirun(2, "train", "--data", self.tmp("cora-2"), "--epochs", 4, "--latent", 8,
                      "--out", out, "--resume", check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--latent", proc.stderr)


class FeaturelessResume(unittest.TestCase):
    """Featureless runs keep a learnable row per node: every rank writes and reads only its
    block of the checkpoint's [N, hidden] arrays (canonical order), through parallel HDF5."""
    FEATURELESS = ["--model", "gae", "--seed", 3, "--eval-every", 0, "--checkpoint-every", 10]

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        for parts in (1, 2, 4):
            run("partition", "--graph", CORA_EDGES, "--features", "none", "--parts", parts,
                "--seed", 5, "--out", cls.tmp(f"cora-{parts}"))
        cls.straight = {}
        for ranks in (1, 2, 4):
            cls.straight[ranks] = cls.tmp(f"straight-{ranks}")
            mpirun(ranks, "train", "--data", cls.tmp(f"cora-{ranks}"), *cls.FEATURELESS,
                   "--epochs", 30, "--out", cls.straight[ranks])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @staticmethod
    def node_arrays(out, epoch):
        with h5py.File(os.path.join(out, "checkpoints", f"ckpt-{epoch:06}.h5")) as f:
            return {name: f[name][:] for name in ("node_rows", "node_adam_m", "node_adam_v")}

    def test_checkpoints_of_one_two_and_four_ranks_hold_the_same_rows(self):
        # Each rank's rows land at their canonical place: a misplaced block would differ by the
        # rows' whole size, where summation order moves them by float rounding only.
        for epoch in (10, 30):
            one = self.node_arrays(self.straight[1], epoch)
            for ranks in (2, 4):
                other = self.node_arrays(self.straight[ranks], epoch)
                for name, rows in one.items():
                    self.assertEqual(other[name].shape, (2708, 32))
                    if name == "node_rows":  # Glorot-drawn: no written row is all zero
                        self.assertTrue(np.all(np.any(other[name] != 0, axis=1)))
                    error = np.linalg.norm(other[name] - rows) / np.linalg.norm(rows)
                    self.assertLess(error, 1e-4, f"{name}, epoch {epoch}, {ranks} ranks")

    def test_resume_on_the_same_ranks_is_bitwise_equal(self):
        out = self.tmp("resumed-2")
        mpirun(2, "train", "--data", self.tmp("cora-2"), *self.FEATURELESS, "--epochs", 20,
               "--out", out)
        mpirun(2, "train", "--data", self.tmp("cora-2"), *self.FEATURELESS, "--epochs", 30,
               "--out", out, "--resume")
        for name, rows in self.node_arrays(self.straight[2], 30).items():
            np.testing.assert_array_equal(self.node_arrays(out, 30)[name], rows, name)
        np.testing.assert_array_equal(test_metrics(out)[2], test_metrics(self.straight[2])[2])

    def test_checkpoint_of_four_ranks_resumes_on_two_and_on_one(self):
        for ranks in (2, 1):
            out = self.tmp(f"four-then-{ranks}")
            mpirun(4, "train", "--data", self.tmp("cora-4"), *self.FEATURELESS, "--epochs", 20,
                   "--out", out)
            proc = mpirun(ranks, "train", "--data", self.tmp(f"cora-{ranks}"), *self.FEATURELESS,
                          "--epochs", 30, "--out", out, "--resume")
            self.assertIn("written by 4 ranks", proc.stdout)
            expected = self.node_arrays(self.straight[ranks], 30)["node_rows"]
            rows = self.node_arrays(out, 30)["node_rows"]
            self.assertLess(np.linalg.norm(rows - expected) / np.linalg.norm(expected), 1e-4)
            auc_a, ap_a, _ = test_metrics(self.straight[ranks])
            auc_b, ap_b, _ = test_metrics(out)
            self.assertAlmostEqual(auc_a, auc_b, places=3)
            self.assertAlmostEqual(ap_a, ap_b, places=3)


if __name__ == "__main__":
    unittest.main()
