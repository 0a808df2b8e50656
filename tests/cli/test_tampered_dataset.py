"""A damaged or foreign dataset never hangs a job: Cora partitioned into 2 parts (and into 4 for
a few cases), then part 1 alone (so that only rank 1 sees it) damaged one way at a time with
h5py, as a failing disk, a copy gone wrong or a hand edit would. `mpiexec -n P distgae train`
must exit with code 2 within seconds, print exactly one `distgae: error:` line naming the part
file and the dataset or attribute at fault, and leave no results that look valid (no
embeddings/, no summary.json). Each case is one row of TAMPERINGS and runs as its own test."""
import os
import shutil
import signal
import subprocess
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np

from distgae_cli import BIN, CORA_EDGES, CORA_FEATURES, TempDir, run

PART = "part-1.h5"
# A case must end well within this; a hang is killed at KILL_AFTER and fails.
MAX_SECONDS = 10.0
KILL_AFTER = 40.0


def train(data, out, ranks):
    """Runs training on `ranks` ranks in its own process group (killed whole on a hang); returns
    (CompletedProcess or None when it hung, seconds)."""
    command = ["mpiexec", "-n", str(ranks), "--oversubscribe", BIN, "train", "--data", data,
               "--epochs", "1", "--out", out]
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=KILL_AFTER)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, time.monotonic() - start
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr), \
        time.monotonic() - start


# Edits of part-1.h5, each given the open file (r+) and the case's context.
def set_attr(name, value):
    def edit(f, ctx):
        f.attrs[name] = value
    return edit


def set_value(dataset, index, value):
    """dataset[index] = value; value may be a function of the file."""
    def edit(f, ctx):
        f[dataset][index] = value(f) if callable(value) else value
    return edit


def add_to(dataset, index, delta):
    def edit(f, ctx):
        f[dataset][index] = f[dataset][index] + delta
    return edit


def replace(dataset, transform):
    """Replaces a dataset by transform(its values), any shape, same dtype."""
    def edit(f, ctx):
        values = f[dataset][:]
        attrs = dict(f[dataset].attrs)
        del f[dataset]
        f.create_dataset(dataset, data=np.asarray(transform(values), dtype=values.dtype))
        f[dataset].attrs.update(attrs)
    return edit


def delete(name):
    def edit(f, ctx):
        del f[name]
    return edit


def delete_attr(name):
    def edit(f, ctx):
        del f.attrs[name]
    return edit


def swap(dataset, i, j):
    def edit(f, ctx):
        values = f[dataset][:]
        values[[i, j]] = values[[j, i]]
        f[dataset][:] = values
    return edit


def owned(f):
    return int(f.attrs["n_owned"])


def local_rows(f):
    return int(f.attrs["n_owned"]) + int(f.attrs["n_halo"])


def wide_row(f):
    """(first entry, row) of the first adjacency row with two entries or more."""
    starts = f["adjacency/row_start"][:]
    row = int(np.argmax(np.diff(starts) >= 2))
    return int(starts[row]), row


def unsorted_row(f, ctx):
    k, _ = wide_row(f)
    swap("adjacency/col_index", k, k + 1)(f, ctx)


def self_loop(f, ctx):
    k, row = wide_row(f)
    f["adjacency/col_index"][k] = row


def swap_halo_ids(f, ctx):
    n = owned(f)
    for name in ("nodes/canonical_id", "nodes/node_id"):
        swap(name, n, n + 1)(f, ctx)


def duplicate_owned_id_in_halo(f, ctx):
    n = owned(f)
    for name in ("nodes/canonical_id", "nodes/node_id"):
        f[name][n] = f[name][0]


def pair_owned_elsewhere(f, ctx):
    """test_pos[0] becomes a pair whose first endpoint part 0 owns, still first in order."""
    with h5py.File(os.path.join(ctx["dir"], "part-0.h5")) as part0:
        elsewhere = int(part0["nodes/canonical_id"][:int(part0.attrs["n_owned"])].min())
    pairs = f["edges/test_pos"][:]
    pairs[0] = (elsewhere, max(elsewhere + 1, 1))
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    f["edges/test_pos"][:] = pairs


def drop_send_row(f, ctx):
    """Part 1 stops sending its last row to part 0 (offsets kept consistent)."""
    rows = f["send/rows"][:]
    offsets = f["send/offsets"][:]
    del f["send/rows"]
    f.create_dataset("send/rows", data=np.delete(rows, offsets[1] - 1))
    offsets[1:] -= 1
    f["send/offsets"][:] = offsets


def drop_adjacency_entry(f, ctx):
    """Removes one entry of row 0 (row starts and degree kept consistent)."""
    cols = f["adjacency/col_index"][:]
    starts = f["adjacency/row_start"][:]
    del f["adjacency/col_index"]
    f.create_dataset("adjacency/col_index", data=cols[1:])
    f["adjacency/row_start"][1:] = starts[1:] - 1
    f["nodes/degree"][0] -= 1


def copy_part_from(key, part=PART):
    def edit_file(path, ctx):
        shutil.copyfile(os.path.join(ctx[key], part), path)
    return edit_file


def copy_old_part_from(key):
    """A part of another dataset written before parts carried graph_fingerprint."""
    def edit_file(path, ctx):
        shutil.copyfile(os.path.join(ctx[key], PART), path)
        with h5py.File(path, "r+") as f:
            del f.attrs["graph_fingerprint"]
    return edit_file


def truncate(fraction):
    def edit_file(path, ctx):
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.truncate(int(size * fraction))
    return edit_file


def remove(path, ctx):
    os.remove(path)


def not_hdf5(path, ctx):
    with open(path, "w") as f:
        f.write("node_id,e0\n1,2\n")


def set_group_attr(group, name, value):
    def edit(f, ctx):
        f[group].attrs[name] = value
    return edit


def shift_attr(name, delta):
    def edit(f, ctx):
        f.attrs[name] = np.int64(int(f.attrs[name]) + delta)
    return edit


# (name, edit, fragments the error line must contain besides the part file). An edit taking
# (f, ctx) edits the open file; one marked FILE takes (path, ctx) and replaces the file itself.
FILE = "file"
TAMPERINGS = [
    # The file itself.
    ("truncated_to_half", (FILE, truncate(0.5)), ["not a readable HDF5 file"]),
    ("truncated_by_a_few_bytes", (FILE, truncate(0.98)), ["not a readable HDF5 file"]),
    ("emptied", (FILE, truncate(0.0)), ["not a readable HDF5 file"]),
    ("removed", (FILE, remove), ["missing part file"]),
    ("text_instead_of_hdf5", (FILE, not_hdf5), ["not a readable HDF5 file"]),
    ("part_of_a_dataset_with_another_seed", (FILE, copy_part_from("other_seed")),
     ["'graph_fingerprint'", "another dataset"]),
    ("old_part_of_a_dataset_with_another_seed", (FILE, copy_old_part_from("other_seed")),
     ["attribute '"]),
    ("part_of_a_four_part_dataset", (FILE, copy_part_from("four_parts")),
     ["attribute 'num_parts' is 4"]),
    ("part_0_copied_over_part_1", (FILE, copy_part_from("dir", "part-0.h5")),
     ["attribute 'part' is 0"]),
    # Root attributes.
    ("n_owned_negative", set_attr("n_owned", np.int64(-1)), ["attribute 'n_owned' is -1"]),
    ("n_owned_huge", set_attr("n_owned", np.int64(10**12)), ["'n_owned' 1000000000000"]),
    ("n_owned_off_by_one", shift_attr("n_owned", 1), ["attribute 'n_owned'", "part_offsets"]),
    ("n_halo_negative", set_attr("n_halo", np.int64(-3)), ["attribute 'n_halo' is -3"]),
    ("n_interior_above_n_owned", set_attr("n_interior", np.int64(10**6)),
     ["attribute 'n_interior'"]),
    ("part_attribute_wrong", set_attr("part", np.int32(0)), ["attribute 'part' is 0"]),
    ("num_parts_wrong", set_attr("num_parts", np.int32(3)), ["attribute 'num_parts' is 3"]),
    ("kind_wrong", set_attr("kind", "distgae-dataset"), ["attribute 'kind'"]),
    ("format_version_wrong", set_attr("format_version", np.int32(2)), ["format version 2"]),
    ("fingerprint_wrong", set_attr("graph_fingerprint", "0123456789abcdef"),
     ["'graph_fingerprint' is '0123456789abcdef'"]),
    ("n_halo_attribute_deleted", delete_attr("n_halo"), ["attribute 'n_halo'", "missing"]),
    # Datasets deleted or of the wrong shape.
    ("canonical_ids_deleted", delete("nodes/canonical_id"), ["'nodes/canonical_id' is missing"]),
    ("send_rows_deleted", delete("send/rows"), ["'send/rows' is missing"]),
    ("column_indices_deleted", delete("adjacency/col_index"),
     ["'adjacency/col_index' is missing"]),
    ("val_negatives_deleted", delete("edges/val_neg"), ["'edges/val_neg' is missing"]),
    ("features_deleted", delete("features"), ["'features/row_start' is missing"]),
    ("degrees_one_short", replace("nodes/degree", lambda v: v[:-1]),
     ["'nodes/degree' has", "n_owned + n_halo"]),
    ("pairs_with_three_columns", replace("edges/val_pos", lambda v: np.hstack([v, v[:, :1]])),
     ["'edges/val_pos'", "[m, 2]"]),
    # Offsets and local ids.
    ("halo_offsets_past_the_halo", set_value("halo/offsets", 1, lambda f: local_rows(f)),
     ["halo/offsets"]),
    ("halo_offsets_not_from_zero", set_value("halo/offsets", 0, 1), ["halo/offsets[0] = 1"]),
    ("send_offsets_past_the_send_rows", add_to("send/offsets", 2, 3), ["send/offsets[2]"]),
    ("send_row_past_the_owned_rows", set_value("send/rows", 0, lambda f: owned(f) + 7),
     ["send/rows[0]", "not an owned row"]),
    ("send_row_negative", set_value("send/rows", -1, -1), ["send/rows[", "= -1"]),
    ("send_rows_out_of_order", swap("send/rows", 0, 1), ["send/rows[0]"]),
    ("send_row_dropped", drop_send_row, ["send/rows"]),
    ("column_index_past_the_local_rows", set_value("adjacency/col_index", 10, local_rows),
     ["adjacency/col_index[10]", "outside"]),
    ("column_index_negative", set_value("adjacency/col_index", 11, -5),
     ["adjacency/col_index[11] = -5"]),
    ("columns_unsorted", unsorted_row, ["adjacency/col_index", "must increase"]),
    ("self_loop", self_loop, ["adjacency/col_index", "self loop"]),
    ("row_starts_not_monotone",
     set_value("adjacency/row_start", 5, lambda f: f["adjacency/row_start"][6] + 1),
     ["adjacency/row_start[6]", "never decrease"]),
    ("row_starts_end_early", add_to("adjacency/row_start", -1, -1), ["adjacency/row_start"]),
    ("adjacency_entry_dropped", drop_adjacency_entry, ["adjacency"]),
    ("adjacency_n_cols_wrong", set_group_attr("adjacency", "n_cols", np.int64(5)),
     ["attribute 'n_cols' of 'adjacency' is 5"]),
    # Node arrays.
    ("owned_degree_off_by_one", add_to("nodes/degree", 0, 1), ["nodes/degree[0]"]),
    ("halo_degree_negative", set_value("nodes/degree", -1, -1), ["nodes/degree[", "= -1"]),
    ("halo_degree_other_than_its_owners",
     lambda f, ctx: add_to("nodes/degree", owned(f), 1)(f, ctx), ["nodes/degree[", "part-0.h5"]),
    ("canonical_id_past_the_nodes", set_value("nodes/canonical_id", 3, 10**9),
     ["nodes/canonical_id[3] = 1000000000", "outside"]),
    ("canonical_id_negative", set_value("nodes/canonical_id", 4, -1),
     ["nodes/canonical_id[4] = -1"]),
    ("canonical_ids_duplicated", set_value("nodes/canonical_id", 1,
                                           lambda f: f["nodes/canonical_id"][0]),
     ["nodes/canonical_id[1]"]),
    ("halo_row_duplicating_an_owned_row", duplicate_owned_id_in_halo,
     ["nodes/canonical_id[", "gives that node to part 1"]),
    ("halo_rows_out_of_order", swap_halo_ids, ["halo rows must ascend"]),
    ("original_id_wrong", add_to("nodes/node_id", 2, 1), ["nodes/node_id[2]"]),
    # Pairs.
    ("train_edge_backwards", lambda f, ctx: replace(
        "edges/train", lambda v: np.vstack([v[:1, ::-1], v[1:]]))(f, ctx),
     ["edges/train[0]", "first < second"]),
    ("train_edge_past_the_nodes", set_value("edges/train", -1, [0, 10**9]), ["edges/train["]),
    ("val_negative_repeated", set_value("edges/val_neg", 1, lambda f: f["edges/val_neg"][0]),
     ["edges/val_neg[1]", "each once"]),
    ("test_pair_owned_elsewhere", pair_owned_elsewhere, ["edges/test_pos["]),
    ("val_positive_lost", replace("edges/val_pos", lambda v: v[:-1]),
     ["num_val_edges", "edges/val_pos"]),
    # Features.
    ("feature_column_past_the_width", set_value("features/col_index", 0, 1433),
     ["features/col_index[0] = 1433"]),
    ("feature_value_nan", set_value("features/values", 5, np.nan),
     ["features/values[5] = nan"]),
    ("feature_value_infinite", set_value("features/values", 6, np.inf),
     ["features/values[6] = inf"]),
    ("feature_row_starts_not_monotone",
     set_value("features/row_start", 2, lambda f: f["features/row_start"][3] + 1),
     ["features/row_start[3]"]),
    ("feature_values_one_short", replace("features/values", lambda v: v[:-1]),
     ["'features/values'"]),
]


# Cases run again on Cora in 4 parts with 4 ranks (part 1 damaged; rank 1 alone sees it, and for
# the peer checks, only the rank whose halo disagrees), with the fragments their line must hold.
FOUR_RANKS = {
    "truncated_to_half": ["not a readable HDF5 file"],
    "n_owned_huge": ["'n_owned' 1000000000000"],
    "send_rows_out_of_order": ["send/rows[0]"],
    "column_index_past_the_local_rows": ["adjacency/col_index[10]", "outside"],
    "halo_degree_other_than_its_owners": ["nodes/degree[", "its owner"],
    "val_positive_lost": ["num_val_edges", "edges/val_pos"],
}


def flip_byte(name, fraction):
    """Flips the bits of one byte of dataset file `name`, `fraction` of the way in: damage only a
    digest sees for certain (HDF5 may read garbage, crash or loop on it)."""
    def edit_file(path, ctx):
        target = os.path.join(os.path.dirname(path), name)
        with open(target, "r+b") as f:
            f.seek(int(os.path.getsize(target) * fraction))
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
    return edit_file


def garble_digests(path, ctx):
    with open(os.path.join(os.path.dirname(path), "digests.txt"), "a") as f:
        f.write("part-1.h5 12 not-a-digest\n")


# Datasets as partition wrote them, digests.txt included: every file is checked against its
# digest before HDF5 opens it, so damage anywhere is refused as such, naming the file.
DIGEST_CASES = [
    ("digest_part_byte_flipped_early", ("file", flip_byte(PART, 0.01)),
     [PART, "damaged or replaced"]),
    ("digest_part_byte_flipped_late", ("file", flip_byte(PART, 0.97)),
     [PART, "damaged or replaced"]),
    ("digest_part_edited_with_h5py", set_attr("n_owned", 5), [PART, "damaged or replaced"]),
    ("digest_part_truncated", ("file", truncate(0.5)), [PART, "damaged or replaced"]),
    ("digest_part_of_another_seed", ("file", copy_part_from("other_seed")),
     [PART, "damaged or replaced"]),
    ("digest_meta_byte_flipped", ("file", flip_byte("meta.h5", 0.5)),
     ["meta.h5", "damaged or replaced"]),
    ("digest_manifest_garbled", ("file", garble_digests), ["digests.txt:", "expected"]),
]


class TamperedDataset(unittest.TestCase):
    """Every case's job runs in setUpClass, two at a time (each is a 2-rank start of about a
    second, mostly spent waiting); each test then checks its own case's outcome."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.ctx = {}
        for key, parts, seed in (("dir", 2, 0), ("other_seed", 2, 1), ("four_parts", 4, 0)):
            cls.ctx[key] = cls.tmp(key)
            run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts", parts,
                "--seed", seed, "--out", cls.ctx[key])
        jobs = {name: (cls.tamper(name, "dir", edit), 2) for name, edit, _ in TAMPERINGS}
        jobs.update({name: (cls.tamper(name, "dir", edit, keep_digests=True), 2)
                     for name, edit, _ in DIGEST_CASES})
        jobs.update({"4_ranks_" + name: (cls.tamper("4_ranks_" + name, "four_parts", edit), 4)
                     for name, edit, _ in TAMPERINGS if name in FOUR_RANKS})
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(train, data, out, ranks)
                       for name, ((data, out), ranks) in jobs.items()}
            cls.results = {name: (jobs[name][0], future.result())
                           for name, future in futures.items()}
        slowest = max(cls.results, key=lambda name: cls.results[name][1][1])
        print(f"\n{len(cls.results)} tampered datasets, each refused in at most "
              f"{cls.results[slowest][1][1]:.2f} s ({slowest}), two jobs at a time")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def tamper(cls, name, base, edit, keep_digests=False):
        """A copy of dataset `base` with part 1 edited; returns (its directory, the run's). Unless
        `keep_digests`, without digests.txt: the checks under test here are those a dataset
        without digests (older, or edited on purpose) relies on, which a digest would preempt."""
        data = cls.tmp(name)
        shutil.copytree(cls.ctx[base], data)
        digests = os.path.join(data, "digests.txt")
        if not keep_digests and os.path.exists(digests):
            os.remove(digests)
        path = os.path.join(data, PART)
        if isinstance(edit, tuple):
            edit[1](path, cls.ctx)
        else:
            with h5py.File(path, "r+") as f:
                edit(f, cls.ctx)
        return data, cls.tmp(name + "-run")

    def check_refused(self, name, fragments, names_part=True):
        (data, out), (proc, seconds) = self.results[name]
        self.assertIsNotNone(proc, f"{name}: the job hung (killed after {KILL_AFTER:.0f} s)")
        errors = [l for l in proc.stderr.splitlines() if l.startswith("distgae: error:")]
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertEqual(len(errors), 1, proc.stderr)
        # The dataset and the part file; a count only the parts together get wrong names every
        # part's file (and its own count), as no rank can tell which one lost pairs.
        self.assertIn(data, errors[0])
        if names_part:
            self.assertIn(PART, errors[0])
        for fragment in fragments:
            self.assertIn(fragment, errors[0])
        self.assertLess(seconds, MAX_SECONDS, f"{name}: refused only after {seconds:.1f} s")
        self.assertFalse(os.path.exists(os.path.join(out, "embeddings")))
        self.assertFalse(os.path.exists(os.path.join(out, "summary.json")))


def _make_test(name, fragments):
    def test(self):
        self.check_refused(name, fragments)
    test.__doc__ = f"part-1.h5, {name.replace('_', ' ')}: exit 2, one line naming it"
    return test


for _name, _edit, _fragments in TAMPERINGS:
    setattr(TamperedDataset, "test_" + _name, _make_test(_name, _fragments))
for _name, _edit, _fragments in DIGEST_CASES:
    setattr(TamperedDataset, "test_" + _name,
            (lambda name, fragments: lambda self: self.check_refused(name, fragments, False))(
                _name, _fragments))
for _name, _fragments in FOUR_RANKS.items():
    setattr(TamperedDataset, "test_4_ranks_" + _name, _make_test("4_ranks_" + _name, _fragments))

if __name__ == "__main__":
    unittest.main()
