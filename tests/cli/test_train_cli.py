"""`mpirun -n P distgae train` end to end on the bundled Cora; outputs read with h5py."""
import json
import os
import subprocess
import unittest

import h5py
import numpy as np

from distgae_cli import (CORA_EDGES, CORA_FEATURES, TempDir, mpirun, read_metrics, run)


class TrainVgaeOnTwoRanks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.data = cls.tmp("cora-2")
        run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts", 2,
            "--seed", 1, "--out", cls.data)
        cls.out = cls.tmp("run")
        cls.proc = mpirun(2, "train", "--data", cls.data, "--model", "vgae", "--epochs", 40,
                          "--eval-every", 10, "--seed", 1, "--out", cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_progress_and_metrics_lines(self):
        self.assertIn("epoch   40/40", self.proc.stdout)
        self.assertIn("test AUC", self.proc.stdout)
        metrics = read_metrics(self.out)
        self.assertEqual([m["epoch"] for m in metrics], list(range(1, 41)))
        for m in metrics:
            for key in ("loss", "reconstruction", "kl", "epoch_s", "compute_s", "comm_s",
                        "bytes_sent"):
                self.assertIn(key, m)
            self.assertGreater(m["bytes_sent"], 0)  # two ranks exchange halo rows
        self.assertEqual([m["epoch"] for m in metrics if "val_auc" in m], [10, 20, 30, 40])
        self.assertLess(metrics[-1]["loss"], metrics[0]["loss"])
        self.assertGreater(metrics[-1]["val_auc"], 0.75)

    def test_summary(self):
        with open(os.path.join(self.out, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["ranks"], 2)
        self.assertEqual(summary["model"], "vgae")
        self.assertGreater(summary["test_auc"], 0.75)
        self.assertEqual(len(summary["peak_rss_bytes_per_rank"]), 2)

    def test_profile_phases_and_halo_bytes_as_info_predicts(self):
        with open(os.path.join(self.out, "summary.json")) as f:
            profile = json.load(f)["profile"]
        info = json.loads(run("info", self.data, "--json", "--model", "vgae").stdout)
        self.assertEqual(len(profile["per_rank"]), 2)
        for rank, figures in enumerate(profile["per_rank"]):
            phases = figures["phases_s"]
            for phase in ("feature_transform", "spmm_forward", "spmm_backward", "halo_exchange",
                          "sampling", "row_fetch", "loss", "allreduce", "optimizer"):
                self.assertGreater(phases[phase], 0.0, phase)
            # Exclusive phases: medians of parts of the step stay within the step.
            self.assertLessEqual(sum(phases.values()), 1.5 * figures["epoch_s"])
            predicted = info["per_part"][rank]["halo_bytes_per_epoch"]
            self.assertGreater(predicted, 0)
            self.assertEqual(figures["halo_bytes_sent"], predicted)
            self.assertGreater(figures["bytes_sent"], figures["halo_bytes_sent"])
        for m in read_metrics(self.out):
            self.assertGreater(m["phases_s"]["spmm_forward"], 0.0)

    def test_embeddings_view_reads_as_one_matrix_with_the_input_ids(self):
        with h5py.File(os.path.join(self.out, "embeddings", "embeddings.h5")) as f:
            emb = f["embedding"][:]
            self.assertEqual(emb.shape, (2708, 16))
            self.assertEqual(emb.dtype, np.float32)
            self.assertTrue(np.isfinite(emb).all())
            self.assertEqual(f["logstd"].shape, (2708, 16))
            node_id = f["node_id"][:]
            self.assertEqual(sorted(node_id.tolist()), list(range(2708)))
            self.assertEqual(f.attrs["model"], "vgae")
            self.assertEqual(f.attrs["latent"], 16)
            auc = f.attrs["test_auc"]
        with open(os.path.join(self.out, "summary.json")) as s:
            self.assertAlmostEqual(auc, json.load(s)["test_auc"])
        # The view is the shards, in partition order.
        rows = []
        for r in range(2):
            with h5py.File(os.path.join(self.out, "embeddings", f"part-{r}.h5")) as shard:
                rows.append(shard["embedding"][:])
        np.testing.assert_array_equal(np.concatenate(rows), emb)


    def test_h5dump_lists_the_views_datasets_and_attributes(self):
        view = os.path.join(self.out, "embeddings", "embeddings.h5")
        header = subprocess.run(["h5dump", "-H", view], capture_output=True, text=True,
                                check=True).stdout
        for name in ("embedding", "logstd", "node_id"):
            self.assertIn(f'DATASET "{name}"', header)
        for attribute in ("model", "latent", "epoch", "test_auc", "test_ap", "graph_fingerprint"):
            self.assertIn(f'ATTRIBUTE "{attribute}"', header)
        self.assertIn("( 2708, 16 )", header)
        # h5dump resolves the virtual dataset through the shards: real values, not fill values.
        data = subprocess.run(["h5dump", "-d", "node_id", view], capture_output=True, text=True,
                              check=True).stdout
        self.assertIn("( 2708 )", data)
        self.assertNotIn("-9223372036854775808", data)  # the view's fill value for node_id
        values = [int(v) for line in data.splitlines() if "):" in line
                  for v in line.split("):", 1)[1].replace(",", " ").split()]
        self.assertEqual(sorted(values), list(range(2708)))


class OriginalIdsInEmbeddings(unittest.TestCase):
    def test_node_id_of_every_row_is_the_input_id(self):
        tmp = TempDir()
        try:
            # Cora's edges with every id mapped to a large, spread-out int64 id.
            remap = lambda i: 10**15 + 7919 * i * i - 3 * i  # distinct and increasing for i >= 0
            with open(CORA_EDGES) as f, open(tmp("snap.txt"), "w") as g:
                for line in f:
                    if line.startswith("#"):
                        continue
                    u, v = map(int, line.split())
                    g.write(f"{remap(u)}\t{remap(v)}\n")
            out = tmp("run")
            mpirun(2, "train", "--graph", tmp("snap.txt"), "--epochs", 5, "--out", out)
            with h5py.File(os.path.join(out, "embeddings", "embeddings.h5")) as f:
                node_id = f["node_id"][:]
                self.assertEqual(f["embedding"].shape, (2708, 16))
            self.assertEqual(set(node_id.tolist()), {remap(i) for i in range(2708)})
        finally:
            tmp.cleanup()


class SameLossesForAnyRankCount(unittest.TestCase):
    def test_twenty_epochs_on_1_2_and_4_ranks(self):
        tmp = TempDir()
        try:
            losses = {}
            for ranks in (1, 2, 4):
                out = tmp(f"run-{ranks}")
                mpirun(ranks, "train", "--graph", CORA_EDGES, "--features", CORA_FEATURES,
                       "--model", "gae", "--epochs", 20, "--seed", 3, "--out", out)
                losses[ranks] = np.array([m["loss"] for m in read_metrics(out)])
            for ranks in (2, 4):
                np.testing.assert_allclose(losses[ranks], losses[1], rtol=1e-4)
        finally:
            tmp.cleanup()


class TrainBadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def expect_error(self, ranks, args, *fragments, code=2):
        proc = mpirun(ranks, "train", *args, check=False)
        self.assertEqual(proc.returncode, code, proc.stdout + proc.stderr)
        errors = [l for l in proc.stderr.splitlines() if l.startswith("distgae: ")]
        self.assertTrue(errors, proc.stderr)
        for fragment in fragments:
            self.assertIn(fragment, errors[0])
        return errors[0]

    def test_missing_dataset_directory(self):
        missing = self.tmp("absent")
        self.expect_error(1, ["--data", missing, "--out", self.tmp("run")], missing)

    def test_directory_that_is_not_a_dataset(self):
        os.mkdir(self.tmp("foreign"))
        self.expect_error(1, ["--data", self.tmp("foreign"), "--out", self.tmp("run")],
                          "not a distgae dataset")

    def test_rank_count_must_match_the_parts(self):
        data = self.tmp("cora-2")
        run("partition", "--graph", CORA_EDGES, "--parts", 2, "--out", data)
        self.expect_error(1, ["--data", data, "--out", self.tmp("run")], "2 parts", "1 ranks",
                          "--parts 1")

    def test_graph_nodes_header_disagrees_with_num_nodes(self):
        # `train --graph` reads the graph with partition's options, header included.
        g = self.tmp("g.txt")
        with open(g, "w") as f:
            f.write("# nodes: 2708\n0 1\n")
        self.expect_error(2, ["--graph", g, "--num-nodes", 3000, "--out", self.tmp("run")],
                          f"{g}:1:", "'# nodes: 2708' disagrees with --num-nodes 3000")

    def test_divergence_stops_with_the_epoch_and_writes_no_embeddings(self):
        out = self.tmp("run")
        self.expect_error(2, ["--graph", CORA_EDGES, "--epochs", 50, "--lr", "1e38", "--out", out],
                          "diverged at epoch", code=1)
        self.assertFalse(os.path.exists(os.path.join(out, "embeddings")))

    def test_previous_run_needs_force(self):
        out = self.tmp("run")
        mpirun(1, "train", "--graph", CORA_EDGES, "--epochs", 2, "--out", out)
        self.expect_error(1, ["--graph", CORA_EDGES, "--epochs", 2, "--out", out], "--force")
        mpirun(1, "train", "--graph", CORA_EDGES, "--epochs", 3, "--out", out, "--force")
        self.assertEqual(len(read_metrics(out)), 3)


if __name__ == "__main__":
    unittest.main()
