"""`distgae partition` and `distgae info` end to end on the bundled Cora, read back with h5py."""
import json
import os
import unittest

import h5py
import numpy as np

from distgae_cli import (CORA_EDGES, CORA_FEATURES, TempDir, pairs, read_edges, read_mtx_dense,
                         run)


def partition_cora(tmp, parts, seed=0, name=None, extra=()):
    out = tmp(name or f"cora-{parts}-{seed}")
    run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts", parts,
        "--seed", seed, "--out", out, *extra)
    return out


def split_of(out):
    """Every part's pair lists merged: {name: set of pairs}, and the per-part train lists."""
    with h5py.File(os.path.join(out, "meta.h5")) as meta:
        num_parts = int(meta.attrs["num_parts"])
    merged = {k: set() for k in ("train", "val_pos", "val_neg", "test_pos", "test_neg")}
    train_lists = []
    for r in range(num_parts):
        with h5py.File(os.path.join(out, f"part-{r}.h5")) as part:
            for key in merged:
                merged[key] |= pairs(part["edges/" + key])
            train_lists.append([tuple(map(int, p)) for p in part["edges/train"][:]])
    return merged, train_lists


class PartitionCora(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.out = partition_cora(cls.tmp, 4)
        cls.edges = read_edges(CORA_EDGES)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_meta_reads_as_documented(self):
        with h5py.File(os.path.join(self.out, "meta.h5")) as meta:
            a = meta.attrs
            self.assertEqual(a["kind"], "distgae-dataset")
            self.assertEqual(a["format_version"], 1)
            self.assertEqual(a["num_nodes"], 2708)
            self.assertEqual(a["num_edges"], 5278)
            self.assertEqual(a["num_parts"], 4)
            self.assertEqual(a["num_val_edges"], 263)
            self.assertEqual(a["num_test_edges"], 527)
            self.assertEqual(a["num_train_edges"], 5278 - 263 - 527)
            self.assertEqual(a["feature_dim"], 1433)
            self.assertEqual(meta["node_id"].dtype, np.int64)
            np.testing.assert_array_equal(meta["node_id"][:], np.arange(2708))
            offsets = meta["part_offsets"][:]
            self.assertEqual(offsets[0], 0)
            self.assertEqual(offsets[-1], 2708)
            owned = meta["stats/owned"][:]
            self.assertEqual(owned.sum(), 2708)
            np.testing.assert_array_equal(np.diff(offsets), owned)
            self.assertEqual(sorted(meta["canonical_to_ordered"][:]), list(range(2708)))
            self.assertEqual(meta["stats"].attrs["comm_volume"], meta["stats/halo"][:].sum())

    def test_every_training_edge_is_in_exactly_one_part_and_in_the_local_graphs(self):
        merged, train_lists = split_of(self.out)
        all_train = [e for lst in train_lists for e in lst]
        self.assertEqual(len(all_train), len(set(all_train)))
        self.assertEqual(len(all_train), 5278 - 263 - 527)
        self.assertTrue(set(all_train) <= self.edges)
        # The local CSRs, mapped back to canonical ids, rebuild the symmetric training graph.
        rebuilt = set()
        entries = 0
        with h5py.File(os.path.join(self.out, "meta.h5")) as meta:
            parts = int(meta.attrs["num_parts"])
        for r in range(parts):
            with h5py.File(os.path.join(self.out, f"part-{r}.h5")) as part:
                n_owned = int(part.attrs["n_owned"])
                canonical = part["nodes/canonical_id"][:]
                row_start = part["adjacency/row_start"][:]
                cols = part["adjacency/col_index"][:]
                self.assertEqual(len(row_start), n_owned + 1)
                for i in range(n_owned):
                    for c in cols[row_start[i]:row_start[i + 1]]:
                        u, v = int(canonical[i]), int(canonical[c])
                        rebuilt.add((u, v))
                        entries += 1
                # Each first endpoint of the part's training edges is owned by the part.
                owned = set(canonical[:n_owned].tolist())
                self.assertTrue(all(u in owned for u, _ in train_lists[r]))
        self.assertEqual(entries, 2 * len(all_train))
        self.assertEqual(rebuilt, {(u, v) for u, v in all_train} | {(v, u) for u, v in all_train})

    def test_val_and_test_hold_the_expected_pairs_and_no_negative_is_an_edge(self):
        merged, _ = split_of(self.out)
        self.assertEqual(len(merged["val_pos"]), 263)
        self.assertEqual(len(merged["test_pos"]), 527)
        self.assertEqual(len(merged["val_neg"]), 263)
        self.assertEqual(len(merged["test_neg"]), 527)
        self.assertEqual(merged["train"] | merged["val_pos"] | merged["test_pos"], self.edges)
        self.assertFalse(merged["val_pos"] & merged["test_pos"])
        negatives = merged["val_neg"] | merged["test_neg"]
        self.assertEqual(len(negatives), 263 + 527)  # no pair twice, across val and test
        self.assertFalse(negatives & self.edges)
        self.assertTrue(all(u < v for u, v in negatives))

    def test_every_nodes_features_equal_the_input(self):
        expected = read_mtx_dense(CORA_FEATURES)
        seen = np.zeros(2708, dtype=bool)
        for r in range(4):
            with h5py.File(os.path.join(self.out, f"part-{r}.h5")) as part:
                n_owned = int(part.attrs["n_owned"])
                canonical = part["nodes/canonical_id"][:n_owned]
                feats = part["features"]
                self.assertEqual(feats.attrs["n_cols"], 1433)
                self.assertEqual(feats["values"].dtype, np.float32)
                row_start, cols, vals = feats["row_start"][:], feats["col_index"][:], feats["values"][:]
                for i in range(n_owned):
                    dense = np.zeros(1433, dtype=np.float32)
                    dense[cols[row_start[i]:row_start[i + 1]]] = vals[row_start[i]:row_start[i + 1]]
                    np.testing.assert_array_equal(dense, expected[canonical[i]])
                    seen[canonical[i]] = True
        self.assertTrue(seen.all())

    def test_halo_rows_are_grouped_by_owner_and_degrees_are_global(self):
        degree = {}
        train = split_of(self.out)[0]["train"]
        for u, v in train:
            degree[u] = degree.get(u, 0) + 1
            degree[v] = degree.get(v, 0) + 1
        with h5py.File(os.path.join(self.out, "meta.h5")) as meta:
            offsets = meta["part_offsets"][:]
            to_ordered = meta["canonical_to_ordered"][:]
        for r in range(4):
            with h5py.File(os.path.join(self.out, f"part-{r}.h5")) as part:
                n_owned = int(part.attrs["n_owned"])
                canonical = part["nodes/canonical_id"][:]
                halo_offsets = part["halo/offsets"][:]
                for q in range(4):
                    rows = canonical[n_owned + halo_offsets[q]:n_owned + halo_offsets[q + 1]]
                    ordered = to_ordered[rows]
                    self.assertTrue(((ordered >= offsets[q]) & (ordered < offsets[q + 1])).all())
                    self.assertTrue((np.diff(ordered) > 0).all())
                self.assertEqual(halo_offsets[r + 1] - halo_offsets[r], 0)
                for c, d in zip(canonical, part["nodes/degree"][:]):
                    self.assertEqual(d, degree.get(int(c), 0))

    def test_info_prints_the_summary(self):
        text = run("info", self.out).stdout
        for expected in ("nodes        2708", "parts        4", "edge cut", "communication volume",
                         "imbalance"):
            self.assertIn(expected, text)
        summary = json.loads(run("info", self.out, "--json").stdout)
        self.assertEqual(summary["nodes"], 2708)
        self.assertEqual(summary["val_edges"], 263)
        self.assertEqual(sum(p["owned"] for p in summary["per_part"]), 2708)
        self.assertEqual(summary["comm_volume"], sum(p["halo"] for p in summary["per_part"]))


class SplitIndependentOfParts(unittest.TestCase):
    def test_split_is_identical_for_1_2_and_4_parts(self):
        tmp = TempDir()
        try:
            splits = [split_of(partition_cora(tmp, p, seed=3))[0] for p in (1, 2, 4)]
            for other in splits[1:]:
                self.assertEqual(splits[0], other)
            fingerprints = set()
            for p in (1, 2, 4):
                with h5py.File(tmp(f"cora-{p}-3", "meta.h5")) as meta:
                    fingerprints.add(meta.attrs["graph_fingerprint"])
            self.assertEqual(len(fingerprints), 1)
            # A different seed gives a different split.
            self.assertNotEqual(split_of(partition_cora(tmp, 2, seed=4))[0]["test_pos"],
                                splits[0]["test_pos"])
        finally:
            tmp.cleanup()

    def test_no_split_trains_on_every_edge(self):
        tmp = TempDir()
        try:
            out = partition_cora(tmp, 2, extra=("--no-split",))
            merged, _ = split_of(out)
            self.assertEqual(merged["train"], read_edges(CORA_EDGES))
            self.assertFalse(merged["val_pos"] | merged["test_neg"])
        finally:
            tmp.cleanup()


class PartitionQuality(unittest.TestCase):
    def test_metis_volume_is_far_below_a_random_partition(self):
        tmp = TempDir()
        try:
            metis = partition_cora(tmp, 4, name="metis", extra=("--objective", "vol"))
            random = partition_cora(tmp, 4, name="random", extra=("--partitioner", "random"))
            vol = {}
            for name, out in (("metis", metis), ("random", random)):
                vol[name] = json.loads(run("info", out, "--json").stdout)["comm_volume"]
            print(f"Cora, 4 parts: communication volume metis-vol {vol['metis']}, "
                  f"random {vol['random']}")
            self.assertLess(vol["metis"], 0.5 * vol["random"])
        finally:
            tmp.cleanup()


class SnapStyleInput(unittest.TestCase):
    def test_arbitrary_int64_ids_are_relabelled_and_kept(self):
        tmp = TempDir()
        try:
            big = 2**62 + 5
            graph = tmp.write("snap.txt", "# Directed graph: test\n% another comment\n"
                              f"{big}\t-7\t0.5\n-7 {big} 1.5\n\n42 -7 2\n42 42 1\n1000000000000 42 3\n")
            out = tmp("snap")
            proc = run("partition", "--graph", graph, "--parts", 2, "--no-split", "--out", out)
            self.assertEqual(proc.stderr.count("warning"), 1)  # weights ignored, said once
            with h5py.File(os.path.join(out, "meta.h5")) as meta:
                np.testing.assert_array_equal(meta["node_id"][:], [-7, 42, 10**12, big])
                self.assertEqual(meta.attrs["num_edges"], 3)
                self.assertEqual(meta.attrs["self_loops_dropped"], 1)
                self.assertEqual(meta.attrs["duplicates_merged"], 1)
                self.assertEqual(meta.attrs["feature_dim"], 0)
            originals = set()
            for r in range(2):
                with h5py.File(os.path.join(out, f"part-{r}.h5")) as part:
                    n_owned = int(part.attrs["n_owned"])
                    originals |= set(part["nodes/node_id"][:n_owned].tolist())
                    self.assertNotIn("features", part)
            self.assertEqual(originals, {-7, 42, 10**12, big})
        finally:
            tmp.cleanup()

    def test_num_nodes_keeps_isolated_nodes(self):
        tmp = TempDir()
        try:
            graph = tmp.write("g.txt", "0 1\n1 2\n")
            out = tmp("iso")
            run("partition", "--graph", graph, "--num-nodes", 5, "--no-split", "--parts", 2,
                "--out", out)
            with h5py.File(os.path.join(out, "meta.h5")) as meta:
                self.assertEqual(meta.attrs["num_nodes"], 5)
                np.testing.assert_array_equal(meta["node_id"][:], np.arange(5))
        finally:
            tmp.cleanup()


    def test_nodes_header_keeps_isolated_nodes(self):
        # As `distgae generate` writes it: the header, not the ids, says how many nodes there are.
        tmp = TempDir()
        try:
            graph = tmp.write("g.txt", "# name: g\n# nodes: 6\n# edges: 3\n0 1\n1 2\n2 3\n")
            out = tmp("header")
            run("partition", "--graph", graph, "--no-split", "--parts", 2, "--out", out)
            with h5py.File(os.path.join(out, "meta.h5")) as meta:
                self.assertEqual(meta.attrs["num_nodes"], 6)
                np.testing.assert_array_equal(meta["node_id"][:], np.arange(6))
            # --num-nodes that agrees with the header is accepted.
            run("partition", "--graph", graph, "--num-nodes", 6, "--no-split", "--out",
                tmp("agree"))
        finally:
            tmp.cleanup()

if __name__ == "__main__":
    unittest.main()
