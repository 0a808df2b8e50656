"""Bad text and feature input, one table row per case: `distgae partition` must exit 2 with
exactly one `distgae: error:` line that names the file and its line (or dataset), stays short
and printable whatever the file holds (10 MB lines, NUL bytes, terminal escapes), leaves no
output directory, and returns quickly even when a header declares billions of entries."""
import os
import subprocess
import time
import unittest

import h5py
import numpy as np

from distgae_cli import BIN, TempDir

GOOD_GRAPH = "0 1\n1 2\n2 0\n2 3\n"  # 4 nodes, ids 0..3
MM = "%%MatrixMarket matrix coordinate"
MAX_SECONDS = 30  # a refusal reads at most the file once; declared sizes never cost time


def h5_dataset(name, data=None, shape=None, dtype="f8", chunks=None):
    """A writer of an HDF5 file holding one dataset: `data`, or an unwritten chunked `shape`
    (it reads as fill values and takes a few hundred bytes whatever its shape)."""
    def write(path):
        with h5py.File(path, "w") as f:
            if data is not None:
                f[name] = data
            else:
                f.create_dataset(name, shape=shape, dtype=dtype, chunks=chunks)
    return write


def h5_group(path):
    with h5py.File(path, "w") as f:
        f.create_group("features")


# (name, {file: contents (str, bytes or a writer taking the path)}, arguments with "@file"
#  standing for the file's path, fragments of the error line with "@file" likewise).
# Every case exits with code 2.
EDGE_LISTS = [
    ("edge_non_integer_id", {"g.txt": "0 1\n1 abc\n"}, ["--graph", "@g.txt"],
     ["@g.txt:2:", "expected an integer node id, got 'abc'"]),
    ("edge_control_characters", {"g.txt": "0 1\n1 \x07\x1b[2J\n"}, ["--graph", "@g.txt"],
     ["@g.txt:2:", r"got '\x07\x1b[2J'"]),
    ("edge_ten_megabyte_line", {"g.txt": "0 1\n" + "a" * (10 << 20) + " 1\n"},
     ["--graph", "@g.txt"], ["@g.txt:2:", "'" + "a" * 80 + "...' (10485760 bytes)"]),
    ("edge_nul_bytes", {"g.txt": b"0 1\n\x00\x00 1\n"}, ["--graph", "@g.txt"],
     ["@g.txt:2:", r"got '\x00\x00'"]),
    ("edge_one_column", {"g.txt": "0 1\n7\n"}, ["--graph", "@g.txt"],
     ["@g.txt:2:", "got one column: '7'"]),
    ("edge_five_columns", {"g.txt": "0 1\n0 1 2 3 4\n"}, ["--graph", "@g.txt"],
     ["@g.txt:2:", "more than three columns: '0 1 2 3 4'"]),
    ("edge_comma_separated", {"g.txt": "0,1\n1,2\n"}, ["--graph", "@g.txt"],
     ["@g.txt:1:", "got one column: '0,1'"]),
    ("edge_weight_not_a_number", {"g.txt": "0 1 0.5\n1 2 heavy\n"}, ["--graph", "@g.txt"],
     ["@g.txt:2:", "numeric weight", "'heavy'"]),
    ("edge_id_beyond_64_bits", {"g.txt": "0 18446744073709551616\n"}, ["--graph", "@g.txt"],
     ["@g.txt:1:", "'18446744073709551616' does not fit"]),
    ("edge_nodes_header_trillion", {"g.txt": "# nodes: 1000000000000\n0 1\n"},
     ["--graph", "@g.txt"], ["@g.txt:1:", "'# nodes: 1000000000000' declares more nodes"]),
    ("edge_nodes_header_not_integer", {"g.txt": "# c\n# nodes: 1e6\n0 1\n"},
     ["--graph", "@g.txt"], ["@g.txt:2:", "malformed '# nodes:' header", "'1e6'"]),
    ("edge_id_beyond_nodes_header", {"g.txt": "# nodes: 3\n0 1\n0 5\n"}, ["--graph", "@g.txt"],
     ["@g.txt:3:", "node id 5 outside [0, 3)"]),
    ("edge_negative_id_with_num_nodes", {"g.txt": "0 1\n0 -1\n"},
     ["--graph", "@g.txt", "--num-nodes", "4"], ["@g.txt:2:", "node id -1 outside [0, 4)"]),
    ("edge_png_file", {"g.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, ["--graph", "@g.txt"],
     ["@g.txt:1:", r"'\x89PNG'"]),
    ("edge_utf16_file", {"g.txt": "0 1\n1 2\n".encode("utf-16")}, ["--graph", "@g.txt"],
     ["@g.txt:1:", r"'\xff\xfe0\x00'"]),
    ("edge_only_comments", {"g.txt": "# a header\n% another\n\n"}, ["--graph", "@g.txt"],
     ["@g.txt:", "no edges"]),
    ("edge_empty_file", {"g.txt": ""}, ["--graph", "@g.txt"], ["@g.txt:", "no edges"]),
    ("edge_directory", {"g.txt/x": "0 1\n"}, ["--graph", "@g.txt"], ["@g.txt:"]),
]

MM_GRAPHS = [
    ("mm_entries_beyond_file_size", {"g.mtx": f"{MM} pattern general\n999999 999999 99999999999\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:2:", "declares 99999999999 entries, but the 0 bytes"]),
    ("mm_array_size_overflow",
     {"g.mtx": "%%MatrixMarket matrix array real general\n4294967296 4294967296\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:2:", "more values than fit in 64 bits"]),
    ("mm_array_larger_than_file",
     {"g.mtx": "%%MatrixMarket matrix array real general\n100000 100000\n1\n0\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:2:", "declares 10000000000 entries"]),
    ("mm_more_entries_than_positions", {"g.mtx": f"{MM} pattern general\n2 2 5\n%{'x' * 60}\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:2:", "a 2 x 2 matrix has only 4 positions"]),
    ("mm_symmetric_above_diagonal", {"g.mtx": f"{MM} pattern symmetric\n3 3 2\n2 1\n1 3\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:4:", "above the diagonal"]),
    ("mm_trillion_nodes", {"g.mtx": f"{MM} pattern general\n99999999999 99999999999 1\n1 2\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:2:", "declares more nodes than its entries name"]),
    ("mm_not_square", {"g.mtx": f"{MM} pattern general\n2 3 1\n1 2\n"}, ["--graph", "@g.mtx"],
     ["@g.mtx:2:", "must be square, got 2 x 3"]),
    ("mm_value_control_character", {"g.mtx": f"{MM} real general\n3 3 1\n1 2 \x07\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:3:", r"expected a real value, got '\x07'"]),
    ("mm_banner_terminal_escape", {"g.mtx": f"{MM} real \x1b[31mgeneral\n3 3 1\n1 2 1\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:1:", r"'\x1b[31mgeneral'"]),
    ("mm_skew_symmetric", {"g.mtx": f"{MM} real skew-symmetric\n3 3 1\n2 1 1\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:1:", "unsupported MatrixMarket symmetry"]),
    ("mm_complex_field", {"g.mtx": f"{MM} complex general\n3 3 1\n2 1 1 0\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:1:", "unsupported MatrixMarket field 'complex'"]),
    ("mm_more_entries_than_declared", {"g.mtx": f"{MM} pattern general\n3 3 1\n2 1\n3 1\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:4:", "more entries than the 1 declared"]),
    ("mm_index_zero", {"g.mtx": f"{MM} pattern general\n3 3 1\n0 1\n"}, ["--graph", "@g.mtx"],
     ["@g.mtx:3:", "row index '0' outside 1..3"]),
    ("mm_missing_size_line", {"g.mtx": f"{MM} pattern general\n% only comments\n"},
     ["--graph", "@g.mtx"], ["@g.mtx:3:", "missing size line"]),
    ("mm_size_line_ten_megabytes", {"g.mtx": f"{MM} pattern general\n3 3 " + "x" * (10 << 20)},
     ["--graph", "@g.mtx"], ["@g.mtx:2:", "bad size line", "...' (10485764 bytes)"]),
]

FEATURES = [
    ("mm_features_zero_columns", {"f.mtx": f"{MM} real general\n4 0 0\n"},
     ["--features", "@f.mtx"], ["@f.mtx:2:", "the feature matrix has 0 columns"]),
    ("mm_features_array_zero_columns", {"f.mtx": "%%MatrixMarket matrix array real general\n4 0\n"},
     ["--features", "@f.mtx"], ["@f.mtx:2:", "the feature matrix has 0 columns"]),
    ("mm_features_beyond_int32_columns", {"f.mtx": f"{MM} real general\n4 3000000000 1\n1 1 1\n"},
     ["--features", "@f.mtx"], ["@f.mtx:2:", "exceed the supported 2147483647",
                                "column indices are 32-bit"]),
    ("mm_features_trillion_rows", {"f.mtx": f"{MM} real general\n99999999999 3 1\n1 1 1\n"},
     ["--features", "@f.mtx"], ["@f.mtx:2:", "declares 99999999999 rows but only 1 entries"]),
    ("mm_features_billion_columns", {"f.mtx": f"{MM} real general\n4 2000000000 1\n1 1 1\n"},
     ["--features", "@f.mtx"], ["@f.mtx:2:", "declares 2000000000 columns but only 1 entries"]),
    ("mm_features_entries_beyond_file_size", {"f.mtx": f"{MM} real general\n4 3 12\n1 1 1\n"},
     ["--features", "@f.mtx"], ["@f.mtx:2:", "declares 12 entries, but the 6 bytes"]),
    ("mm_features_symmetric_above_diagonal", {"f.mtx": f"{MM} real symmetric\n4 4 1\n1 2 1\n"},
     ["--features", "@f.mtx"], ["@f.mtx:3:", "entry at row 1, column 2 lies above the diagonal"]),
    ("mm_features_nan_in_array",
     {"f.mtx": "%%MatrixMarket matrix array real general\n4 1\n1\nnan\n3\n4\n"},
     ["--features", "@f.mtx"], ["@f.mtx:4:", "not finite"]),
    ("mm_features_beyond_float32", {"f.mtx": f"{MM} real general\n4 2 1\n1 1 1e39\n"},
     ["--features", "@f.mtx"], ["@f.mtx:3:", "does not fit in float32"]),
    ("mm_features_beyond_double", {"f.mtx": f"{MM} real general\n4 2 1\n1 1 1e999\n"},
     ["--features", "@f.mtx"], ["@f.mtx:3:", "out of the range of a double"]),
    ("mm_features_duplicate_entry", {"f.mtx": f"{MM} real general\n4 2 2\n1 1 1\n1 1 2\n"},
     ["--features", "@f.mtx"], ["@f.mtx:4:", "duplicate entry at row 1, column 1"]),
    ("mm_features_integer_field_real_value", {"f.mtx": f"{MM} integer general\n4 2 1\n1 1 0.5\n"},
     ["--features", "@f.mtx"], ["@f.mtx:3:", "expected an integer value, got '0.5'"]),
    ("features_unknown_format", {"f.bin": b"\x7fELF\x02\x01\x01\x00" + bytes(64)},
     ["--features", "@f.bin"], ["@f.bin:", "unrecognised feature file"]),
    ("h5_features_zero_columns", {"f.h5": h5_dataset("features", np.zeros((4, 0)))},
     ["--features", "@f.h5"], ["@f.h5: dataset 'features': the feature matrix has 0 columns"]),
    ("h5_features_beyond_int32_columns",
     {"f.h5": h5_dataset("features", shape=(4, 2**31), chunks=(1, 1024))},
     ["--features", "@f.h5"], ["@f.h5: dataset 'features': 2147483648 feature columns exceed"]),
    ("h5_features_unbacked_shape",
     {"f.h5": h5_dataset("features", shape=(2**40, 4), chunks=(1024, 4))},
     ["--features", "@f.h5"], ["@f.h5: dataset 'features' is [1099511627776, 4], more values"]),
    ("h5_features_one_dimension", {"f.h5": h5_dataset("features", np.ones(4))},
     ["--features", "@f.h5"], ["@f.h5: dataset 'features' has 1 dimension(s)"]),
    ("h5_features_strings", {"f.h5": h5_dataset("features", np.array([[b"a", b"b"]] * 4))},
     ["--features", "@f.h5"], ["@f.h5: dataset 'features' must hold integers or floating"]),
    ("h5_features_infinity",
     {"f.h5": h5_dataset("x", np.array([[0, 1], [1, 0], [np.inf, 0], [0, 0]]))},
     ["--features", "@f.h5", "--features-dataset", "x"],
     ["@f.h5: dataset 'x' row 2, column 0 (0-based): value inf is not finite"]),
    ("h5_features_group_not_dataset", {"f.h5": h5_group}, ["--features", "@f.h5"],
     ["@f.h5:", "'features'"]),
]

NODE_ID_LISTS = [
    ("ids_not_integer", {"ids.txt": "0\n1\nnode2\n3\n"}, ["--node-ids", "@ids.txt"],
     ["@ids.txt:3:", "expected one integer node id per line, got 'node2'"]),
    ("ids_two_per_line", {"ids.txt": "0\n1 2\n3\n"}, ["--node-ids", "@ids.txt"],
     ["@ids.txt:2:", "got '1 2'"]),
    ("ids_ten_megabyte_line", {"ids.txt": "0\n1\n" + "z" * (10 << 20) + "\n"},
     ["--node-ids", "@ids.txt"], ["@ids.txt:3:", "...' (10485760 bytes)"]),
    ("ids_control_characters", {"ids.txt": "0\n1\n\x1b]0;pwned\x07\n"}, ["--node-ids", "@ids.txt"],
     ["@ids.txt:3:", r"'\x1b]0;pwned\x07'"]),
    ("ids_beyond_64_bits", {"ids.txt": "0\n1\n2\n99999999999999999999\n"},
     ["--node-ids", "@ids.txt"], ["@ids.txt:4:", "does not fit in a 64-bit integer"]),
    ("ids_only_comments", {"ids.txt": "# none\n\n"}, ["--node-ids", "@ids.txt"],
     ["@ids.txt:", "no node ids"]),
    ("ids_listed_twice", {"ids.txt": "0\n1\n2\n1\n3\n"}, ["--node-ids", "@ids.txt"],
     ["@ids.txt:", "node id 1 is listed twice"]),
]


class BadTextInput(unittest.TestCase):
    def run_case(self, name, files, args, fragments):
        tmp = TempDir()
        try:
            def resolve(text):
                return text.replace("@", tmp.path + "/")
            for file_name, contents in files.items():
                path = tmp(file_name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                if callable(contents):
                    contents(path)
                else:
                    with open(path, "wb") as f:
                        f.write(contents.encode() if isinstance(contents, str) else contents)
            if "--graph" not in args:
                args = ["--graph", tmp.write("good.txt", GOOD_GRAPH)] + args
            out = tmp("out")
            command = [BIN, "partition", *map(resolve, args), "--out", out]
            start = time.monotonic()
            proc = subprocess.run(command, capture_output=True, timeout=120)
            elapsed = time.monotonic() - start
            stderr = proc.stderr.decode("ascii", errors="backslashreplace")
            self.assertEqual(proc.returncode, 2, stderr[:2000])
            errors = [l for l in stderr.splitlines() if l.startswith("distgae: error:")]
            self.assertEqual(len(errors), 1, stderr[:2000])
            line = errors[0]
            for fragment in fragments:  # the line itself is only shown cut: it may be the bug
                if resolve(fragment) not in line:
                    self.fail(f"{resolve(fragment)!r} not in {line[:400]!r}")
            self.assertLess(len(line), 300, line[:400])
            raw = next(l for l in proc.stderr.split(b"\n") if l.startswith(b"distgae: error:"))
            self.assertFalse(any(b < 0x20 or b >= 0x7f for b in raw), raw[:300])
            self.assertLess(elapsed, MAX_SECONDS)
            self.assertFalse(os.path.exists(out))
            self.assertEqual([n for n in os.listdir(tmp.path) if n.startswith(".out.")], [])
        finally:
            tmp.cleanup()

    def run_table(self, table):
        names = [case[0] for case in table]
        self.assertEqual(len(names), len(set(names)))
        for name, files, args, fragments in table:
            with self.subTest(name):
                self.run_case(name, files, args, fragments)

    def test_edge_lists(self):
        self.run_table(EDGE_LISTS)

    def test_matrix_market_graphs(self):
        self.run_table(MM_GRAPHS)

    def test_features(self):
        self.run_table(FEATURES)

    def test_node_id_lists(self):
        self.run_table(NODE_ID_LISTS)

    def test_table_has_forty_distinct_cases(self):
        self.assertGreaterEqual(len(EDGE_LISTS + MM_GRAPHS + FEATURES + NODE_ID_LISTS), 40)


if __name__ == "__main__":
    unittest.main()
