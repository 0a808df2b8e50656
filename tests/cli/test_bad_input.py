"""Bad input: a one-line error naming the file and line (or dataset/flag), exit code 2, and no
dataset directory (nor a staging leftover) behind."""
import os
import unittest

import h5py
import numpy as np

from distgae_cli import CORA_EDGES, CORA_FEATURES, TempDir, run

GOOD_GRAPH = "0 1\n1 2\n2 0\n2 3\n"  # 4 nodes


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.out = self.tmp("out")

    def tearDown(self):
        self.tmp.cleanup()

    def expect_error(self, args, *fragments):
        """Runs partition with args + --out; checks exit 2, one line naming fragments, no output."""
        proc = run("partition", *args, "--out", self.out, check=False)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        errors = [l for l in lines if l.startswith("distgae: error:")]
        self.assertEqual(len(errors), 1, proc.stderr)
        for fragment in fragments:
            self.assertIn(fragment, errors[0])
        self.assertFalse(os.path.exists(self.out))
        leftovers = [n for n in os.listdir(self.tmp.path) if n.startswith(".out.")]
        self.assertEqual(leftovers, [])
        return errors[0]

    def graph(self, text, name="g.txt"):
        return self.tmp.write(name, text)

    def test_non_numeric_token(self):
        g = self.graph("# header\n0 1\n1 abc\n")
        self.expect_error(["--graph", g], f"{g}:3:", "'abc'")

    def test_one_column_line(self):
        g = self.graph("0 1\n5\n")
        self.expect_error(["--graph", g], f"{g}:2:")

    def test_four_columns(self):
        g = self.graph("0 1\n1 2 1.0 7\n")
        self.expect_error(["--graph", g], f"{g}:2:")

    def test_id_beyond_64_bits(self):
        g = self.graph("0 1\n1 99999999999999999999\n")
        self.expect_error(["--graph", g], f"{g}:2:", "64-bit")

    def test_empty_graph(self):
        g = self.graph("# nothing here\n\n")
        self.expect_error(["--graph", g], g, "no edges")

    def test_only_self_loops_is_empty(self):
        g = self.graph("3 3\n4 4\n")
        self.expect_error(["--graph", g, "--no-split"], g)

    def test_id_out_of_num_nodes_range(self):
        g = self.graph("0 1\n1 7\n")
        self.expect_error(["--graph", g, "--num-nodes", 5], f"{g}:2:")

    def test_nodes_header_disagrees_with_num_nodes(self):
        g = self.graph("# name: g\n# nodes: 4\n0 1\n1 3\n")
        self.expect_error(["--graph", g, "--num-nodes", 5], f"{g}:2:", "'# nodes: 4'",
                          "--num-nodes 5")

    def test_malformed_nodes_header(self):
        g = self.graph("# name: g\n# nodes: -4\n0 1\n1 3\n")
        self.expect_error(["--graph", g], f"{g}:2:", "malformed '# nodes:' header", "'-4'")
        g = self.graph("# nodes: four\n0 1\n", name="words.txt")
        self.expect_error(["--graph", g], f"{g}:1:", "malformed '# nodes:' header", "'four'")

    def test_id_beyond_the_nodes_header(self):
        g = self.graph("# nodes: 4\n0 1\n1 4\n")
        self.expect_error(["--graph", g], f"{g}:3:", "node id 4", "'# nodes: 4' header on line 1")

    def test_feature_rows_differ_from_node_count(self):
        f = self.tmp.write("f.mtx", "%%MatrixMarket matrix coordinate real general\n3 2 1\n1 1 1.0\n")
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f, "3 feature rows",
                          "4 nodes")

    def test_nan_feature(self):
        f = self.tmp.write("f.mtx", "%%MatrixMarket matrix coordinate real general\n% c\n4 2 2\n"
                                    "1 1 1.0\n2 2 nan\n")
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f"{f}:5:")

    def test_inf_feature_in_array_format(self):
        f = self.tmp.write("f.mtx", "%%MatrixMarket matrix array real general\n4 1\n1\n2\ninf\n4\n")
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f"{f}:5:")

    def test_malformed_matrix_market_header(self):
        f = self.tmp.write("f.mtx", "%%MatrixMarket matrix coordinat real general\n4 2 1\n1 1 1\n")
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f"{f}:1:")

    def test_matrix_market_entry_out_of_declared_range(self):
        f = self.tmp.write("f.mtx", "%%MatrixMarket matrix coordinate real general\n4 2 2\n"
                                    "1 1 1.0\n5 1 1.0\n")
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f"{f}:4:")

    def test_matrix_market_graph_entry_out_of_range(self):
        g = self.tmp.write("g.mtx", "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n"
                                    "2 1\n3 4\n")
        self.expect_error(["--graph", g], f"{g}:4:")

    def test_more_parts_than_nodes(self):
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--no-split", "--parts", 5],
                          "--parts", "4 nodes")

    def test_truncated_hdf5_features(self):
        f = self.tmp("f.h5")
        with h5py.File(f, "w") as h5:
            h5["features"] = np.random.default_rng(0).random((2708, 64))
        with open(f, "r+b") as handle:
            handle.truncate(os.path.getsize(f) // 2)
        self.expect_error(["--graph", CORA_EDGES, "--features", f], f)

    def test_hdf5_features_wrong_dataset_name(self):
        f = self.tmp("f.h5")
        with h5py.File(f, "w") as h5:
            h5["x"] = np.ones((4, 2))
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f, "features")

    def test_hdf5_features_with_nan(self):
        f = self.tmp("f.h5")
        data = np.ones((4, 3))
        data[2, 1] = np.nan
        with h5py.File(f, "w") as h5:
            h5["features"] = data
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f, "features")

    def test_features_file_of_unknown_format(self):
        f = self.tmp.write("f.h5", "not an HDF5 file\n")
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--features", f], f)

    def test_missing_graph_file(self):
        g = self.tmp("absent.txt")
        self.expect_error(["--graph", g], g)

    def test_bad_split_fraction(self):
        self.expect_error(["--graph", self.graph(GOOD_GRAPH), "--val-frac", 0.6, "--test-frac", 0.5],
                          "--val-frac")

    def test_existing_output_needs_force(self):
        os.mkdir(self.out)
        marker = os.path.join(self.out, "keep.txt")
        open(marker, "w").close()
        proc = run("partition", "--graph", CORA_EDGES, "--out", self.out, check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(self.out, proc.stderr)
        self.assertIn("--force", proc.stderr)
        self.assertTrue(os.path.exists(marker))
        run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--out", self.out,
            "--force")
        self.assertFalse(os.path.exists(marker))
        self.assertTrue(os.path.exists(os.path.join(self.out, "meta.h5")))

    def test_info_on_a_directory_that_is_not_a_dataset(self):
        os.mkdir(self.out)
        proc = run("info", self.out, check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(self.out, proc.stderr)

    def test_unknown_flag_is_exit_2(self):
        proc = run("partition", "--graph", CORA_EDGES, "--out", self.out, "--bogus", check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertFalse(os.path.exists(self.out))


if __name__ == "__main__":
    unittest.main()
