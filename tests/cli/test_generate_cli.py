"""`distgae generate sbm|rmat` end to end: the files have the shared data sets' format, are the
same for any thread count, `partition` reads them, and `train` finds the SBM's signal."""
import json
import os
import unittest

import numpy as np

from distgae_cli import TempDir, mpirun, read_mtx_dense, run


def read_edge_list(path):
    """(header {key: value}, [m, 2] int64 array of the edge lines)."""
    header = {}
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                header[key.strip()] = value.strip()
            else:
                u, v = line.split()
                rows.append((int(u), int(v)))
    return header, np.array(rows, dtype=np.int64).reshape(-1, 2)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


SBM_ARGS = ("generate", "sbm", "--nodes", 2000, "--edges", 12000, "--communities", 20,
            "--intra-fraction", 0.9, "--features", 64, "--feature-nnz", 8, "--seed", 3,
            "--name", "sbm-test")


class GenerateSbm(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.out = cls.tmp("sbm")
        cls.proc = run(*SBM_ARGS, "--threads", 2, "--out", cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_reports_what_it_wrote(self):
        self.assertIn("2000 nodes, 12000 edges", self.proc.stdout)
        for name in ("edges.txt", "features.mtx", "labels.txt", "peak memory"):
            self.assertIn(name, self.proc.stdout)

    def test_edge_list_has_the_shared_format(self):
        header, edges = read_edge_list(os.path.join(self.out, "edges.txt"))
        self.assertEqual(header["name"], "sbm-test")
        self.assertEqual(int(header["nodes"]), 2000)
        self.assertEqual(int(header["edges"]), 12000)
        self.assertIn("u < v", header["format"])
        self.assertIn("--seed 3", header["generator"])
        self.assertEqual(len(edges), 12000)
        u, v = edges[:, 0], edges[:, 1]
        self.assertTrue((u < v).all())
        self.assertTrue((u >= 0).all() and (v < 2000).all())
        keys = u * 2000 + v
        self.assertTrue((np.diff(keys) > 0).all())  # sorted by (u, v), no duplicates
        inside = np.mean(u % 20 == v % 20)
        self.assertAlmostEqual(inside, 0.9, places=3)

    def test_features_and_labels(self):
        features = read_mtx_dense(os.path.join(self.out, "features.mtx"))
        self.assertEqual(features.shape, (2000, 64))
        np.testing.assert_array_equal((features != 0).sum(axis=1), np.full(2000, 8))
        self.assertTrue(((features == 0) | (features == 1)).all())
        labels = np.loadtxt(os.path.join(self.out, "labels.txt"), dtype=np.int64)
        np.testing.assert_array_equal(labels, np.arange(2000) % 20)
        # Nodes of one community share columns: their mean rows are far from uniform.
        profile = features[labels == 0].mean(axis=0)
        self.assertGreater(np.sort(profile)[-8:].sum(), 4 * np.sort(profile)[:8].sum() + 1)

    def test_same_files_for_one_thread(self):
        other = self.tmp("sbm-1")
        run(*SBM_ARGS, "--threads", 1, "--out", other)
        for name in ("edges.txt", "features.mtx", "labels.txt"):
            self.assertEqual(read_bytes(os.path.join(other, name)),
                             read_bytes(os.path.join(self.out, name)), name)

    def test_partition_reads_it_and_training_finds_the_signal(self):
        data = self.tmp("sbm-2parts")
        run("partition", "--graph", os.path.join(self.out, "edges.txt"), "--features",
            os.path.join(self.out, "features.mtx"), "--num-nodes", 2000, "--parts", 2, "--seed", 0,
            "--out", data)
        train_run = self.tmp("run")
        mpirun(2, "train", "--data", data, "--epochs", 20, "--seed", 0, "--out", train_run)
        with open(os.path.join(train_run, "summary.json")) as f:
            self.assertGreater(json.load(f)["test_auc"], 0.8)

    def test_without_community_structure_there_is_nothing_to_find(self):
        # The control: edges inside communities only as often as chance puts them there, and
        # features blind to communities: link prediction falls to a coin toss.
        graph = self.tmp("random")
        run("generate", "sbm", "--nodes", 2000, "--edges", 12000, "--communities", 20,
            "--intra-fraction", 0.05, "--feature-signal", 0, "--seed", 3, "--out", graph)
        data = self.tmp("random-1part")
        run("partition", "--graph", os.path.join(graph, "edges.txt"), "--features",
            os.path.join(graph, "features.mtx"), "--num-nodes", 2000, "--seed", 0, "--out", data)
        train_run = self.tmp("random-run")
        mpirun(1, "train", "--data", data, "--epochs", 20, "--seed", 0, "--out", train_run)
        with open(os.path.join(train_run, "summary.json")) as f:
            self.assertLess(json.load(f)["test_auc"], 0.65)


class GenerateRmat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.out = cls.tmp("rmat")
        run("generate", "rmat", "--scale", 12, "--seed", 5, "--threads", 2, "--name", "r",
            "--out", cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_edge_list_is_valid_and_its_header_counts_the_edges_written(self):
        self.assertEqual(sorted(os.listdir(self.out)), ["edges.txt"])
        header, edges = read_edge_list(os.path.join(self.out, "edges.txt"))
        self.assertEqual(int(header["nodes"]), 4096)
        self.assertEqual(int(header["edges"]), len(edges))
        self.assertLess(len(edges), 16 * 4096)  # loops and duplicates dropped
        self.assertGreater(len(edges), 8 * 4096)
        u, v = edges[:, 0], edges[:, 1]
        self.assertTrue((u < v).all())
        self.assertTrue((np.diff(u * 4096 + v) > 0).all())
        degree = np.bincount(edges.ravel(), minlength=4096)
        self.assertGreater(degree.max(), 15 * degree.mean())

    def test_same_file_for_one_thread(self):
        other = self.tmp("rmat-1")
        run("generate", "rmat", "--scale", 12, "--seed", 5, "--threads", 1, "--name", "r",
            "--out", other)
        self.assertEqual(read_bytes(os.path.join(other, "edges.txt")),
                         read_bytes(os.path.join(self.out, "edges.txt")))

    def test_partition_reads_it(self):
        # No --num-nodes: the '# nodes:' header keeps the nodes R-MAT left without edges.
        edges = os.path.join(self.out, "edges.txt")
        self.assertLess(len(np.unique(read_edge_list(edges)[1])), 4096)
        proc = run("partition", "--graph", edges, "--parts", 2, "--out", self.tmp("rmat-2parts"))
        self.assertIn("4096 nodes", proc.stdout)


class GenerateBadArguments(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.out = self.tmp("out")

    def tearDown(self):
        self.tmp.cleanup()

    def expect_error(self, args, fragment):
        proc = run("generate", *args, "--out", self.out, check=False)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].startswith("distgae: error:"), lines[0])
        self.assertIn(fragment, lines[0])
        self.assertFalse(os.path.exists(self.out))
        self.assertEqual(os.listdir(self.tmp.path), [])  # no staging leftover either

    def test_sbm(self):
        base = ["sbm", "--nodes", 100, "--edges", 200]
        self.expect_error(["sbm", "--nodes", 1, "--edges", 1], "--nodes")
        self.expect_error(["sbm", "--nodes", 100, "--edges", 4951], "--edges")
        self.expect_error(base + ["--communities", 101], "--communities")
        self.expect_error(base + ["--intra-fraction", 1.5], "--intra-fraction")
        self.expect_error(base + ["--features", 0, "--feature-nnz", 4], "--feature-nnz")
        self.expect_error(base + ["--features", 16, "--feature-nnz", 17], "--feature-nnz")
        self.expect_error(base + ["--feature-signal", 2], "--feature-signal")
        self.expect_error(["sbm", "--nodes", "many", "--edges", 10], "--nodes")
        self.expect_error(["sbm", "--nodes", 100], "--edges")  # required

    def test_rmat(self):
        self.expect_error(["rmat", "--scale", 0], "--scale")
        self.expect_error(["rmat", "--scale", 33], "--scale")
        self.expect_error(["rmat", "--scale", 8, "--edge-factor", 0], "--edge-factor")

    def test_existing_output_needs_force(self):
        os.mkdir(self.out)
        proc = run("generate", "rmat", "--scale", 4, "--out", self.out, check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--force", proc.stderr)
        self.assertEqual(os.listdir(self.out), [])
        run("generate", "rmat", "--scale", 4, "--out", self.out, "--force")
        self.assertEqual(os.listdir(self.out), ["edges.txt"])

    def test_several_ranks_are_refused(self):
        proc = mpirun(2, "generate", "rmat", "--scale", 4, "--out", self.out, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("one process", proc.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_help_describes_every_flag(self):
        sbm = run("generate", "sbm", "--help").stdout
        for flag in ("--nodes", "--edges", "--communities", "--intra-fraction", "--features",
                     "--feature-nnz", "--feature-signal", "--seed", "--threads", "--out",
                     "--name", "--force"):
            self.assertIn(flag, sbm)
        rmat = run("generate", "rmat", "--help").stdout
        for flag in ("--scale", "--edge-factor", "--seed", "--threads", "--out"):
            self.assertIn(flag, rmat)


if __name__ == "__main__":
    unittest.main()
