"""Damaged embedding outputs are refused, never read as results: a real 2-rank VGAE run on Cora,
copied, and one file of the copy damaged with h5py (a shard truncated, of other rows or
attributes than the view maps, a view attribute that lies, values that are not finite).
`distgae info` and `distgae export` must exit with code 2 and one `distgae: error:` line naming
the file at fault (and, for values, the node id), and export must leave no output behind."""
import os
import shutil
import unittest

import h5py
import numpy as np

from distgae_cli import CORA_EDGES, CORA_FEATURES, TempDir, mpirun, run

SHARD = os.path.join("embeddings", "part-1.h5")
VIEW = os.path.join("embeddings", "embeddings.h5")


def truncate(fraction):
    def edit(run_dir, ctx):
        path = os.path.join(run_dir, SHARD)
        with open(path, "r+b") as f:
            f.truncate(int(os.path.getsize(path) * fraction))
    return edit


def text_shard(run_dir, ctx):
    with open(os.path.join(run_dir, SHARD), "w") as f:
        f.write("node_id,e0\n")


def shard_attr(name, value, file=SHARD):
    def edit(run_dir, ctx):
        with h5py.File(os.path.join(run_dir, file), "r+") as f:
            f.attrs[name] = value
    return edit


def shard_rows(count):
    """The shard keeps only its first `count` rows (every dataset and n_rows)."""
    def edit(run_dir, ctx):
        with h5py.File(os.path.join(run_dir, SHARD), "r+") as f:
            for name in ("node_id", "embedding", "logstd"):
                values = f[name][:count]
                del f[name]
                f.create_dataset(name, data=values)
            f.attrs["n_rows"] = np.int64(count)
    return edit


def narrower_shard(run_dir, ctx):
    """The shard's rows one column narrower, its latent attribute to match."""
    with h5py.File(os.path.join(run_dir, SHARD), "r+") as f:
        for name in ("embedding", "logstd"):
            values = f[name][:, :-1]
            del f[name]
            f.create_dataset(name, data=values)
        f.attrs["latent"] = np.int32(values.shape[1])


def delete_logstd(run_dir, ctx):
    with h5py.File(os.path.join(run_dir, SHARD), "r+") as f:
        del f["logstd"]


def copy_over_shard(source):
    def edit(run_dir, ctx):
        shutil.copyfile(source(run_dir, ctx), os.path.join(run_dir, SHARD))
    return edit


def set_value(dataset, row, column, value, file=SHARD):
    def edit(run_dir, ctx):
        with h5py.File(os.path.join(run_dir, file), "r+") as f:
            f[dataset][row, column] = value
            ctx["node_id"] = int(f["node_id"][row])
    return edit


# (name, command, edit, file the error names, fragments). Commands take the run directory and
# a scratch output path; {run} is the damaged copy of the run.
INFO = ("info", "{run}")
INFO_SHARD = ("info", "{run}/" + SHARD)
EXPORT = ("export", "{run}", "--sorted", "{out}")
EXPORT_CSV = ("export", "{run}", "--sorted", "{out}", "--format", "csv")
EXPORT_SHARD = ("export", "{run}/" + SHARD, "--sorted", "{out}")
CASES = [
    ("info_truncated_shard", INFO, truncate(0.5), SHARD, ["not a readable HDF5 file"]),
    ("info_shard_short_of_a_few_bytes", INFO, truncate(0.99), SHARD, ["not a readable HDF5"]),
    ("info_on_the_truncated_shard_itself", INFO_SHARD, truncate(0.5), SHARD, ["not a readable"]),
    ("info_text_instead_of_a_shard", INFO, text_shard, SHARD, ["not a readable HDF5 file"]),
    ("info_shard_with_fewer_rows", INFO, shard_rows(100), SHARD,
     ["has 100 rows, but the view", "maps 1"]),
    ("info_shard_narrower_than_the_view", INFO, narrower_shard, SHARD, ["latent 15"]),
    ("info_shard_latent_attribute_wrong", INFO, shard_attr("latent", np.int32(8)), SHARD,
     ["[", ", 8]", "latent attribute"]),
    ("info_shard_without_logstd", INFO, delete_logstd, SHARD, ["lacks logstd"]),
    ("info_shard_of_another_model", INFO, shard_attr("model", "gae"), SHARD, ["model 'gae'"]),
    ("info_shard_of_another_epoch", INFO, shard_attr("epoch", np.int64(9)), SHARD, ["epoch 9"]),
    ("info_shard_of_another_seed", INFO, shard_attr("seed", np.uint64(5)), SHARD, ["seed 5"]),
    ("info_shard_of_another_dataset", INFO, shard_attr("graph_fingerprint", "0000ffff0000ffff"),
     SHARD, ["graph_fingerprint '0000ffff0000ffff'"]),
    ("info_shard_with_other_scores", INFO, shard_attr("test_auc", 0.125), SHARD,
     ["test_auc/test_ap 0.125"]),
    ("info_shard_of_another_part", INFO, shard_attr("part", np.int32(0)), SHARD,
     ["attribute 'part' is 0", "part-1.h5"]),
    ("info_shard_part_past_num_parts", INFO_SHARD, shard_attr("part", np.int32(5)), SHARD,
     ["attribute 'part' is 5", "num_parts = 2"]),
    ("info_shard_of_a_three_part_run", INFO, shard_attr("num_parts", np.int32(3)), SHARD,
     ["num_parts 3"]),
    ("info_shard_n_rows_wrong", INFO, shard_attr("n_rows", np.int64(7)), SHARD,
     ["attribute 'n_rows' is 7"]),
    ("info_view_n_rows_wrong", INFO, shard_attr("n_rows", np.int64(7), VIEW), VIEW,
     ["attribute 'n_rows' is 7"]),
    ("info_view_num_nodes_wrong", INFO, shard_attr("num_nodes", np.int64(9), VIEW), VIEW,
     ["attribute 'num_nodes' is 9"]),
    ("info_shard_0_copied_over_shard_1", INFO,
     copy_over_shard(lambda run_dir, ctx: os.path.join(run_dir, "embeddings", "part-0.h5")),
     SHARD, ["attribute 'part' is 0"]),
    ("info_shard_of_another_run", INFO,
     copy_over_shard(lambda run_dir, ctx: os.path.join(ctx["other_run"], SHARD)), SHARD,
     ["disagrees with the view"]),
    ("info_view_copied_over_a_shard", INFO,
     copy_over_shard(lambda run_dir, ctx: os.path.join(run_dir, VIEW)), SHARD,
     ["is a view itself"]),
    ("export_truncated_shard", EXPORT, truncate(0.5), SHARD, ["not a readable HDF5 file"]),
    ("export_shard_with_fewer_rows", EXPORT_CSV, shard_rows(10), SHARD, ["has 10 rows"]),
    ("export_shard_of_another_dataset", EXPORT,
     shard_attr("graph_fingerprint", "0000ffff0000ffff"), SHARD, ["graph_fingerprint"]),
    ("export_nan_embedding", EXPORT, set_value("embedding", 3, 2, np.nan), VIEW,
     ["embedding of node id {node_id} (row ", "from part-1.h5) holds nan"]),
    ("export_infinite_logstd", EXPORT, set_value("logstd", 0, 0, np.inf), VIEW,
     ["logstd of node id {node_id}", "holds inf"]),
    ("export_csv_negative_infinite_embedding", EXPORT_CSV,
     set_value("embedding", 5, 0, -np.inf), VIEW, ["node id {node_id}", "holds -inf"]),
    ("export_nan_in_a_shard_exported_alone", EXPORT_SHARD, set_value("embedding", 1, 1, np.nan),
     SHARD, ["embedding of node id {node_id} (row 1) holds nan"]),
]


class BadEmbeddings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        data = cls.tmp("cora-2")
        run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts", 2,
            "--out", data)
        cls.ctx = {"run": cls.tmp("run"), "other_run": cls.tmp("other-run")}
        for key, seed in (("run", 0), ("other_run", 3)):
            mpirun(2, "train", "--data", data, "--model", "vgae", "--epochs", 2, "--seed", seed,
                   "--out", cls.ctx[key])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_untouched_run_is_accepted(self):
        run("info", self.ctx["run"])
        run("export", self.ctx["run"], "--sorted", self.tmp("sorted.h5"))

    def check_refused(self, name, command, edit, file, fragments):
        run_dir = self.tmp(name)
        shutil.copytree(self.ctx["run"], run_dir)
        ctx = dict(self.ctx)
        edit(run_dir, ctx)
        out = self.tmp(name + ".out")
        proc = run(*[arg.format(run=run_dir, out=out) for arg in command], check=False)
        errors = [l for l in proc.stderr.splitlines() if l.startswith("distgae: error:")]
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertEqual(len(errors), 1, proc.stderr)
        self.assertIn(os.path.join(run_dir, file), errors[0])
        for fragment in fragments:
            self.assertIn(fragment.format(**ctx), errors[0])
        self.assertFalse(os.path.exists(out))
        self.assertEqual([n for n in os.listdir(self.tmp.path) if n.startswith(".")], [])


def _make_test(case):
    def test(self):
        self.check_refused(*case)
    test.__doc__ = f"{case[0].replace('_', ' ')}: exit 2, one line naming {case[3]}"
    return test


for _case in CASES:
    setattr(BadEmbeddings, "test_" + _case[0], _make_test(_case))

if __name__ == "__main__":
    unittest.main()
