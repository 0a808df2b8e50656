"""`distgae export` and `distgae info` on a run's outputs (embeddings view, shards, checkpoints),
checked with h5py, numpy and the csv module as a researcher would read them."""
import csv
import json
import os
import subprocess
import unittest

import h5py
import numpy as np

from distgae_cli import BIN, CORA_EDGES, CORA_FEATURES, TempDir, mpirun, run


def train_has_checkpoints():
    """Whether this build's `distgae train` takes --checkpoint-every."""
    try:
        proc = subprocess.run([BIN, "train", "--help"], capture_output=True, text=True, timeout=60)
    except OSError:
        return False
    return "--checkpoint-every" in proc.stdout


def read_view(path):
    """{node_id: (embedding row, logstd row)} of an embeddings file."""
    with h5py.File(path) as f:
        logstd = f["logstd"][:] if "logstd" in f else None
        return {int(n): (f["embedding"][i], None if logstd is None else logstd[i])
                for i, n in enumerate(f["node_id"][:])}


def error_lines(proc):
    return [l for l in proc.stderr.splitlines() if l.startswith("distgae: ")]


class ExportAndInfoOnATrainedRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.out = cls.tmp("run")
        mpirun(2, "train", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--model", "vgae",
               "--epochs", 3, "--out", cls.out)
        cls.view_path = os.path.join(cls.out, "embeddings", "embeddings.h5")
        cls.view = read_view(cls.view_path)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def expect_error(self, args, path):
        """Exit 2, one error line naming `path`."""
        proc = run(*args, check=False)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        lines = error_lines(proc)
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn(path, lines[0])

    def test_sorted_h5_has_every_node_once_in_id_order_with_its_view_row(self):
        out = self.tmp("sorted.h5")
        run("export", self.out, "--sorted", out)
        with h5py.File(out) as f:
            node_id = f["node_id"][:]
            emb, logstd = f["embedding"][:], f["logstd"][:]
            self.assertEqual(node_id.dtype, np.int64)
            self.assertEqual(emb.dtype, np.float32)
            self.assertEqual(emb.shape, (2708, 16))
            self.assertEqual(f.attrs["model"], "vgae")
            self.assertEqual(f.attrs["epoch"], 3)
            with h5py.File(self.view_path) as v:
                self.assertEqual(f.attrs["graph_fingerprint"], v.attrs["graph_fingerprint"])
        self.assertTrue((np.diff(node_id) > 0).all())
        self.assertEqual(sorted(self.view), node_id.tolist())
        for i, n in enumerate(node_id):
            np.testing.assert_array_equal(emb[i], self.view[int(n)][0])
            np.testing.assert_array_equal(logstd[i], self.view[int(n)][1])

    def test_embeddings_file_as_input_gives_the_same_export(self):
        run("export", self.out, "--sorted", self.tmp("a.h5"))
        run("export", self.view_path, "--sorted", self.tmp("b.h5"))
        with h5py.File(self.tmp("a.h5")) as a, h5py.File(self.tmp("b.h5")) as b:
            np.testing.assert_array_equal(a["embedding"][:], b["embedding"][:])
            np.testing.assert_array_equal(a["node_id"][:], b["node_id"][:])

    def test_csv_parses_to_the_same_values(self):
        out = self.tmp("sorted.csv")
        run("export", self.out, "--sorted", out, "--format", "csv")
        with open(out, newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["node_id"] + [f"e{k}" for k in range(16)])
        ids = [int(r[0]) for r in rows[1:]]
        self.assertEqual(ids, sorted(self.view))
        for r in rows[1:]:
            values = np.array([float(x) for x in r[1:]], dtype=np.float32)
            np.testing.assert_array_equal(values, self.view[int(r[0])][0])

    def test_info_on_the_run_directory_and_the_view(self):
        with h5py.File(self.view_path) as v:
            fingerprint = v.attrs["graph_fingerprint"]
        for path in (self.out, self.view_path):
            text = run("info", path).stdout
            for expected in ("view over 2 shards", "rows         2708", "latent       16",
                             "model        vgae", "epoch        3", "test AUC", "test AP",
                             fingerprint, "part-0.h5", "part-1.h5"):
                self.assertIn(expected, text)
            summary = json.loads(run("info", path, "--json").stdout)
            self.assertEqual(summary["kind"], "embeddings")
            self.assertTrue(summary["view"])
            self.assertEqual(summary["rows"], 2708)
            self.assertEqual(summary["latent"], 16)
            self.assertEqual([s["file"] for s in summary["shards"]], ["part-0.h5", "part-1.h5"])
            self.assertEqual(sum(s["rows"] for s in summary["shards"]), 2708)
            self.assertGreater(summary["test_auc"], 0.5)

    def test_info_on_a_shard(self):
        shard = os.path.join(self.out, "embeddings", "part-1.h5")
        with h5py.File(shard) as f:
            rows = f["node_id"].shape[0]
        text = run("info", shard).stdout
        self.assertIn("shard 1 of 2", text)
        self.assertIn(f"rows         {rows}", text)
        summary = json.loads(run("info", shard, "--json").stdout)
        self.assertFalse(summary["view"])
        self.assertEqual(summary["part"], 1)
        self.assertEqual(summary["rows"], rows)

    def test_missing_input_is_exit_2_naming_it(self):
        missing, out = self.tmp("absent"), self.tmp("never.h5")
        self.expect_error(["export", missing, "--sorted", out], missing)
        self.assertFalse(os.path.exists(out))
        self.expect_error(["info", missing], missing)

    def test_foreign_input_is_exit_2_naming_it(self):
        foreign, out = self.tmp("notes.txt"), self.tmp("never.csv")
        with open(foreign, "w") as f:
            f.write("not HDF5\n")
        self.expect_error(["export", foreign, "--sorted", out, "--format", "csv"], foreign)
        self.expect_error(["info", foreign], foreign)
        os.mkdir(self.tmp("empty"))
        self.expect_error(["export", self.tmp("empty"), "--sorted", out], self.tmp("empty"))
        self.assertFalse(os.path.exists(out))

    def test_existing_output_needs_force(self):
        out_dir = self.tmp("outputs")
        os.mkdir(out_dir)
        out = os.path.join(out_dir, "sorted.csv")
        with open(out, "w") as f:
            f.write("keep\n")
        self.expect_error(["export", self.out, "--sorted", out, "--format", "csv"], out)
        with open(out) as f:
            self.assertEqual(f.read(), "keep\n")
        run("export", self.out, "--sorted", out, "--format", "csv", "--force")
        with open(out) as f:
            self.assertTrue(f.readline().startswith("node_id,e0,"))
        self.assertEqual(os.listdir(out_dir), ["sorted.csv"])  # no temporary left beside it


@unittest.skipUnless(train_has_checkpoints(), "distgae train has no --checkpoint-every yet")
class InfoOnACheckpoint(unittest.TestCase):
    def test_info_prints_the_checkpoints_fields(self):
        tmp = TempDir()
        try:
            out = tmp("run")
            mpirun(2, "train", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--epochs", 3,
                   "--checkpoint-every", 1, "--out", out)
            ckpt = os.path.join(out, "checkpoints", "ckpt-000003.h5")
            text = run("info", ckpt).stdout
            for expected in ("checkpoint", "epoch        3", "model        gae", "nodes        2708",
                             "featureless  no", "ranks        2", "metrics      3 lines",
                             '"epoch":3'):
                self.assertIn(expected, text)
            summary = json.loads(run("info", ckpt, "--json").stdout)
            self.assertEqual(summary["kind"], "checkpoint")
            self.assertEqual(summary["epoch"], 3)
            self.assertEqual(summary["num_ranks"], 2)
            self.assertEqual(summary["metric_lines"], 3)
            self.assertEqual(summary["last_metrics"]["epoch"], 3)
            self.assertFalse(summary["featureless"])
            with h5py.File(ckpt) as f:
                self.assertEqual(f.attrs["kind"], "distgae-checkpoint")
                self.assertEqual(f.attrs["metrics_jsonl"].count("\n"), 3)
        finally:
            tmp.cleanup()


if __name__ == "__main__":
    unittest.main()
