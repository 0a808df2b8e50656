"""`mpirun -n P distgae partition`: P ranks read, split, partition and write the dataset
together, each holding its share. What must hold for every P: the split (and the dataset
fingerprint) is the one a single process makes, byte for byte; `--partitioner metis` and
`random` give the very same dataset; PT-Scotch's parts are valid and train as well; bad input on
any rank's share of the file ends the whole job with one line naming the file and line."""
import os
import subprocess
import time
import unittest

import h5py
import numpy as np

from dataset_digest import dataset_digests, partition_digest, split_pairs
from distgae_cli import DATA, BIN, TempDir, mpirun, read_metrics, run

CORA = os.path.join(DATA, "cora")
CITESEER = os.path.join(DATA, "citeseer")

# What `distgae partition` (one process, METIS) wrote before the distributed pipeline existed
# (commit 50f33b4), as dataset_digest.partition_digest: every array and attribute of meta.h5 and
# the parts except the input paths and the fingerprint. The distributed pipeline must keep them.
TODAYS_PARTITIONS = {
    ("cora", 1, ()): "dee456119ea2d3f7a2125189fbb13cc6e27baf78af7614afaf912708fc2d9290",
    ("cora", 2, ()): "bf3adfc356e763ce03b17596334b73c6bd1deff39e1c8a967195f54c9dd85c8a",
    ("cora", 4, ()): "e7906d605de5d8f8b5441ce366998b62f8cc6e43b70a017ef0aa5144dfa4a654",
    ("citeseer", 3, ()): "ed20b718a627a60b4c51073a3649ac1ec73b82376ead5ee67a038e47f5c67ed0",
}


def partition(ranks, graph_dir, out, parts, *extra, features=True, check=True):
    args = ["partition", "--graph", os.path.join(graph_dir, "edges.txt"), "--parts", parts,
            "--out", out, *extra]
    if features:
        args += ["--features", os.path.join(graph_dir, "features.mtx")]
    return mpirun(ranks, *args, check=check)


def read_meta(directory):
    with h5py.File(os.path.join(directory, "meta.h5"), "r") as meta:
        return {key: meta.attrs[key] for key in meta.attrs}


class MetisAndRandomGiveTheSameDatasetOnAnyRanks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_metis_keeps_the_single_process_partitions(self):
        for (name, parts, extra), expected in TODAYS_PARTITIONS.items():
            for ranks in ((1, 2, 3, 4) if (name, parts) == ("cora", 4) else (1, 3)):
                with self.subTest(graph=name, parts=parts, ranks=ranks):
                    out = self.tmp(f"{name}-{parts}-metis-p{ranks}")
                    partition(ranks, os.path.join(DATA, name), out, parts, "--seed", 0,
                              "--partitioner", "metis", *extra)
                    self.assertEqual(partition_digest(out), expected)

    def test_random_partitions_are_the_same_files_for_any_ranks(self):
        digests = {}
        for ranks in (1, 2, 3, 4):
            out = self.tmp(f"cora-5-random-p{ranks}")
            partition(ranks, CORA, out, 5, "--seed", 3, "--partitioner", "random")
            digests[ranks] = dataset_digests(out)
        for ranks in (2, 3, 4):
            self.assertEqual(digests[ranks], digests[1], f"{ranks} ranks")


class PtScotchSplitIsTheSingleProcessOne(unittest.TestCase):
    """The default under mpirun -n P > 1: PT-Scotch. Its parts depend on P, the split not."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.sbm = cls.tmp("sbm")
        run("generate", "sbm", "--nodes", 6000, "--edges", 60000, "--communities", 12,
            "--features", 32, "--seed", 5, "--out", cls.sbm)
        cls.graphs = {"cora": CORA, "citeseer": CITESEER, "sbm": cls.sbm}
        cls.reference = {}
        for name, graph in cls.graphs.items():
            out = cls.tmp(f"{name}-p1")
            partition(1, graph, out, 4, "--seed", 2)
            cls.reference[name] = out

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_split_and_fingerprint_equal_for_every_ranks(self):
        for name, graph in self.graphs.items():
            expected = split_pairs(self.reference[name])
            expected_meta = read_meta(self.reference[name])
            for ranks in (2, 3, 4):
                with self.subTest(graph=name, ranks=ranks):
                    out = self.tmp(f"{name}-p{ranks}")
                    proc = partition(ranks, graph, out, 4, "--seed", 2)
                    self.assertIn("ptscotch", proc.stdout)
                    meta = read_meta(out)
                    self.assertEqual(meta["partitioner"], "ptscotch")
                    for key in ("graph_fingerprint", "num_nodes", "num_edges", "num_train_edges",
                                "num_val_edges", "num_test_edges", "input_lines",
                                "duplicates_merged", "self_loops_dropped", "feature_dim"):
                        self.assertEqual(meta[key], expected_meta[key], key)
                    got = split_pairs(out)
                    for list_name, pairs in expected.items():
                        np.testing.assert_array_equal(got[list_name], pairs, list_name)
                    # Every invariant of docs/format.md, checked by the reader.
                    run("info", out)

    def test_trains_as_well_as_on_metis_parts(self):
        out = self.tmp("cora-ptscotch-2")
        partition(2, CORA, out, 2, "--seed", 1)
        run_dir = self.tmp("run-ptscotch")
        mpirun(2, "train", "--data", out, "--epochs", 150, "--seed", 1, "--eval-every", 0,
               "--out", run_dir)
        with open(os.path.join(run_dir, "summary.json")) as f:
            import json
            summary = json.load(f)
        self.assertGreater(summary["test_auc"], 0.85)
        self.assertGreater(summary["test_ap"], 0.85)

    def test_parts_independent_of_ranks(self):
        # More parts than ranks, and fewer.
        for ranks, parts in ((2, 5), (4, 3), (3, 1)):
            with self.subTest(ranks=ranks, parts=parts):
                out = self.tmp(f"cora-{parts}-on-{ranks}")
                partition(ranks, CORA, out, parts, "--seed", 2)
                meta = read_meta(out)
                self.assertEqual(meta["num_parts"], parts)
                run("info", out)
                np.testing.assert_array_equal(split_pairs(out)["test_pos"],
                                              split_pairs(self.reference["cora"])["test_pos"])


class BadInputOnOneRanksShare(unittest.TestCase):
    """A bad line in the middle of the file lands in another rank's byte range than rank 0's."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        with open(os.path.join(CORA, "edges.txt")) as f:
            cls.lines = f.readlines()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def write_edges(self, name, line_index, text):
        lines = list(self.lines)
        lines[line_index] = text
        path = self.tmp(name)
        with open(path, "w") as f:
            f.writelines(lines)
        return path

    def expect_error(self, args, expected, ranks=4):
        out = self.tmp("out-" + str(time.monotonic_ns()))
        start = time.monotonic()
        proc = mpirun(ranks, "partition", *args, "--parts", 4, "--out", out, check=False)
        elapsed = time.monotonic() - start
        self.assertEqual(proc.returncode, 2, proc.stderr)
        errors = [l for l in proc.stderr.splitlines() if l.startswith("distgae: ")]
        self.assertEqual(len(errors), 1, proc.stderr)
        self.assertIn(expected, errors[0])
        self.assertNotIn("MPI_ABORT", proc.stderr)
        self.assertFalse(os.path.exists(out), "no dataset may be left behind")
        self.assertEqual([p for p in os.listdir(self.tmp.path) if p.startswith(".out-")], [])
        self.assertLess(elapsed, 30)

    def test_malformed_line_in_the_middle(self):
        index = (3 * len(self.lines)) // 4  # rank 3's range of 4
        path = self.write_edges("malformed.txt", index, "12 x7\n")
        self.expect_error(["--graph", path],
                          f"malformed.txt:{index + 1}: expected an integer node id, got 'x7'")

    def test_id_outside_the_declared_nodes(self):
        index = len(self.lines) // 2
        path = self.write_edges("outside.txt", index, "5 2708\n")
        self.expect_error(["--graph", path],
                          f"outside.txt:{index + 1}: node id 2708 outside [0, 2708)")

    def test_nan_in_one_feature_row(self):
        with open(os.path.join(CORA, "features.mtx")) as f:
            lines = f.readlines()
        index = (2 * len(lines)) // 3
        fields = lines[index].split()
        lines[index] = f"{fields[0]} {fields[1]} nan\n"
        path = self.tmp("nan.mtx")
        with open(path, "w") as f:
            f.writelines(lines)
        self.expect_error(["--graph", os.path.join(CORA, "edges.txt"), "--features", path],
                          f"nan.mtx:{index + 1}:")


if __name__ == "__main__":
    unittest.main()
