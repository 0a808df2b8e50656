"""A full disk at any point ends the job cleanly: exit code 1 and exactly one 'distgae:' line
naming the file that could not be written, within a bounded time, with no crash signal, no
temporary file left behind, and every earlier output intact (earlier checkpoints still verify
and resume). The runs write to a small tmpfs each test mounts itself (root, as CI) and fills
with a ballast file to leave a chosen amount of free space. Training runs on 2 ranks.

A summary.json that does not fit is not reached this way: the write just before it (the
embeddings) reserves and then gives back more room than summary.json needs, so a disk full by
then is filled by another process; its write is guarded as metrics.jsonl's is."""
import glob
import json
import os
import re
import shutil
import subprocess
import time
import unittest

import h5py

from checkpoint_checksum import checksum
from distgae_cli import BIN, CORA_EDGES, CORA_FEATURES, TempDir, mpirun, run
from tmpfs import PAGE, Tmpfs

MODEL = ["--model", "vgae", "--seed", 2, "--eval-every", 0]
TRAIN = MODEL + ["--checkpoint-every", 5, "--keep", 5]
EPOCHS = 15
# A failure ends the job within this bound; a hang (the old behaviour) is far longer.
TIMEOUT_S = 60


def leftovers(out):
    """Temporary files and directories a failed write must not leave."""
    found = []
    for root, dirs, files in os.walk(out):
        for name in dirs + files:
            if re.search(r"\.tmp|\.reserve|\.old-", name):
                found.append(os.path.join(root, name))
    return found


def complete_checkpoints(out):
    return sorted(glob.glob(os.path.join(out, "checkpoints", "ckpt-*.h5")))


class DiskFull(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.data = {}
        for features in ("none", CORA_FEATURES):
            name = "featureless" if features == "none" else "features"
            cls.data[name] = cls.tmp(f"cora-{name}")
            run("partition", "--graph", CORA_EDGES, "--features", features, "--parts", 2,
                "--seed", 0, "--out", cls.data[name])
        # The same runs on an ordinary disk: how big each output is.
        cls.sizes = {}
        for name, data in cls.data.items():
            out = cls.tmp(f"reference-{name}")
            mpirun(2, "train", "--data", data, *TRAIN, "--epochs", EPOCHS, "--out", out)
            cls.sizes[name] = {os.path.relpath(path, out): os.path.getsize(path)
                               for path in glob.glob(os.path.join(out, "**"), recursive=True)
                               if os.path.isfile(path)}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.disk = Tmpfs(64 << 20)
        self.addCleanup(self.disk.unmount)

    def pages(self, run_name, *files):
        """The tmpfs pages `files` of the reference run take."""
        return sum(-(-self.sizes[run_name][f] // PAGE) * PAGE for f in files)

    def train(self, run_name, epochs=EPOCHS, flags=TRAIN):
        out = self.disk("run")
        command = ["mpiexec", "-n", "2", "--oversubscribe", BIN, "train", "--data",
                   self.data[run_name], *map(str, flags), "--epochs", str(epochs), "--out", out]
        return self.run_bounded(command), out

    def run_bounded(self, command):
        started = time.monotonic()
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as error:
            raise AssertionError(f"{' '.join(command)}: still running after {TIMEOUT_S} s "
                                 f"(a hang)\n{error.stderr}") from error
        proc.seconds = time.monotonic() - started
        return proc

    def assert_failed_cleanly(self, proc, *fragments):
        """Exit code 1, one 'distgae:' line holding every fragment, no crash, nothing left."""
        errors = [line for line in proc.stderr.splitlines() if line.startswith("distgae:")]
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertEqual(len(errors), 1, proc.stderr)
        self.assertTrue(errors[0].startswith("distgae: internal error: "), errors[0])
        for fragment in fragments:
            self.assertIn(fragment, errors[0])
        self.assertIsNone(re.search(r"signal|Segmentation|core dumped", proc.stderr),
                          proc.stderr)
        return errors[0]

    def assert_checkpoints_verify(self, out, epochs):
        paths = complete_checkpoints(out)
        self.assertEqual([int(os.path.basename(p)[5:11]) for p in paths], epochs)
        for path in paths:
            with h5py.File(path) as f:
                for name, dataset in f.items():
                    self.assertEqual(int(dataset.attrs["checksum"]), checksum(dataset[...]),
                                     f"{path}: {name}")

    def assert_resumes_from(self, run_name, out, epoch):
        """The run, copied off the full disk, resumes from checkpoint `epoch` and completes."""
        copy = self.tmp(f"resumed-{self.id().split('.')[-1]}-{run_name}")
        shutil.copytree(out, copy)
        proc = mpirun(2, "train", "--data", self.data[run_name], *TRAIN, "--epochs", EPOCHS,
                      "--out", copy, "--resume", timeout=TIMEOUT_S)
        self.assertIn(f"(epoch {epoch}, written by 2 ranks)", proc.stdout)
        self.assertNotIn("warning", proc.stderr)
        self.assertTrue(os.path.exists(os.path.join(copy, "summary.json")))

    def test_disk_full_at_the_third_checkpoint(self):
        # Room for two checkpoints and the metrics, and half the third (the run that crashed
        # with SIGSEGV in HDF5's close at exit, and hung in parallel HDF5, before).
        for run_name in ("featureless", "features"):
            with self.subTest(run_name):
                third = "checkpoints/ckpt-000015.h5"
                self.disk.leave_free(
                    self.pages(run_name, "checkpoints/ckpt-000005.h5",
                               "checkpoints/ckpt-000010.h5", "metrics.jsonl") +
                    self.sizes[run_name][third] // 2)
                proc, out = self.train(run_name)
                self.assert_failed_cleanly(proc, f"checkpoint {out}/{third} not written",
                                           f"{out}/{third}.tmp", "No space left on device")
                self.assertEqual(leftovers(out), [])
                self.assert_checkpoints_verify(out, [5, 10])
                self.assertFalse(os.path.exists(os.path.join(out, "embeddings")))
                self.assert_resumes_from(run_name, out, 10)
                shutil.rmtree(out)

    def test_disk_full_at_the_embeddings(self):
        run_name = "features"
        checkpoints = [f"checkpoints/ckpt-{e:06}.h5" for e in (5, 10, 15)]
        # Room for the checkpoints and, while the last is written, for what it reserves beyond
        # its size (~100 KiB); not for the two shards written at once (each ~90 KiB, and
        # ~100 KiB reserved beyond that while written).
        self.disk.leave_free(self.pages(run_name, *checkpoints, "metrics.jsonl") + (192 << 10))
        proc, out = self.train(run_name)
        error = self.assert_failed_cleanly(proc, "No space left on device")
        self.assertRegex(error, re.escape(out) + r"/\.embeddings\.tmp-\d+/(part-[01]|embeddings)"
                                                 r"\.h5")
        self.assertEqual(leftovers(out), [])
        self.assertFalse(os.path.exists(os.path.join(out, "embeddings")))
        self.assertFalse(os.path.exists(os.path.join(out, "summary.json")))
        self.assert_checkpoints_verify(out, [5, 10, 15])
        self.assert_resumes_from(run_name, out, 15)

    def test_disk_full_while_writing_metrics(self):
        # Two pages: the first epochs' lines fit, a later one does not (no checkpoints).
        self.disk.leave_free(2 * PAGE)
        proc, out = self.train("featureless", 200, MODEL + ["--checkpoint-every", 0])
        self.assert_failed_cleanly(proc, f"{out}/metrics.jsonl: write failed",
                                   "No space left on device")
        # Whole lines only: the partial last line was cut off again.
        with open(os.path.join(out, "metrics.jsonl")) as f:
            text = f.read()
        self.assertTrue(text.endswith("\n"))
        epochs = [json.loads(line)["epoch"] for line in text.splitlines()]
        self.assertGreater(len(epochs), 3)
        self.assertEqual(epochs, list(range(1, len(epochs) + 1)))
        self.assertEqual(leftovers(out), [])

    def test_a_disk_full_from_the_start_ends_at_once(self):
        self.disk.leave_free(0)
        proc, out = self.train("featureless")
        self.assert_failed_cleanly(proc, out, "No space left on device")
        self.assertLess(proc.seconds, 30)
        self.assertEqual(leftovers(self.disk.path), [])

    def test_partition_on_a_full_disk(self):
        # Nothing free, then room for about one part: the dataset is never half there.
        for free in (0, 320 << 10):
            with self.subTest(free=free):
                self.disk.leave_free(free)
                out = self.disk("dataset")
                proc = self.run_bounded([BIN, "partition", "--graph", CORA_EDGES, "--features",
                                         CORA_FEATURES, "--parts", "2", "--seed", "0", "--out",
                                         out])
                error = self.assert_failed_cleanly(proc, "No space left on device")
                self.assertRegex(error, re.escape(self.disk.path) +
                                 r"/\.dataset\.tmp-\d+/(part-[01]|meta)\.h5")
                self.assertFalse(os.path.exists(out))
                self.assertEqual(leftovers(self.disk.path), [])

    def test_a_full_disk_at_any_point_of_a_run(self):
        # From nothing free to nearly enough, in steps across every output: each run succeeds
        # or fails cleanly, and what it leaves is valid.
        run_name = "features"
        total = sum(-(-size // PAGE) * PAGE for size in self.sizes[run_name].values())
        outcomes = set()
        # The last step has room to spare (what is reserved while a file is written).
        for step in range(13):
            free = total * step // 11 if step < 12 else total + (1 << 20)
            with self.subTest(free=free):
                self.disk.leave_free(free)
                proc, out = self.train(run_name)
                if proc.returncode == 0:
                    outcomes.add("completed")
                else:
                    error = self.assert_failed_cleanly(proc, out)
                    outcomes.add(next(kind for kind in ("run directory", "checkpoint",
                                                        "embeddings", "metrics.jsonl")
                                      if kind in error))
                self.assertEqual(leftovers(out), [])
                paths = complete_checkpoints(out)
                self.assert_checkpoints_verify(out, [int(os.path.basename(p)[5:11])
                                                     for p in paths])
                if os.path.exists(os.path.join(out, "metrics.jsonl")):
                    with open(os.path.join(out, "metrics.jsonl")) as f:
                        for line in f:
                            json.loads(line)
                shutil.rmtree(out)
        # The steps reach several outputs, not only the first, and the last one completes.
        self.assertGreaterEqual(len(outcomes), 4, outcomes)
        self.assertIn("completed", outcomes)


if __name__ == "__main__":
    unittest.main()
