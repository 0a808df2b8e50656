"""Damaged checkpoints are found before a resume trusts them: real checkpoints of a featureless
Cora run on 2 ranks, damaged with h5py one way per case (a flipped bit in any array, a value
that cannot be, attributes that contradict the file name or each other, a garbage metrics
history, wrong shapes, a truncated file, ...). In every case the resume skips the damaged newest
checkpoint with one warning naming the file and the problem, resumes from the previous one on
every rank together, and ends with the same weights, bit for bit, as a run resumed from that
previous checkpoint untouched. The checksums compose over any split of the rows: a checkpoint
written on 2 ranks verifies and resumes on 1 and 4, and damage is found on any number of ranks.
When the only checkpoint is damaged the run starts from epoch 1 (as with none), says so, and
its first checkpoint replaces the damaged one. A version-1 checkpoint (before checksums) is used
with a warning that it cannot be verified."""
import glob
import json
import os
import shutil
import unittest

import h5py
import numpy as np

from checkpoint_checksum import checksum
from distgae_cli import CORA_EDGES, TempDir, mpirun, read_metrics, run

MODEL = ["--model", "gae", "--seed", 3, "--eval-every", 0]
TRAIN = MODEL + ["--checkpoint-every", 5]
FIRST_EPOCHS, EPOCHS = 10, 15
N, HIDDEN = 2708, 32
ARRAYS = ["parameters", "adam_m", "adam_v", "node_rows", "node_adam_m", "node_adam_v"]
DAMAGED, PREVIOUS = "ckpt-000010.h5", "ckpt-000005.h5"


# Tampering: each function damages the checkpoint file at `path` in one way.

def forget_digest(path):
    """Removes the digest written beside a checkpoint (PATH.digest): it would refuse every damage
    below as "damaged or replaced" before HDF5 opens the file, and these cases test the checks
    behind it, which a checkpoint without a digest (older) relies on. DigestCases keeps it."""
    if os.path.exists(path + ".digest"):
        os.remove(path + ".digest")


def edit(path, change):
    forget_digest(path)
    with h5py.File(path, "r+") as f:
        change(f)


def flip_bit(dataset, index, bit):
    def change(f):
        values = f[dataset][...]
        values.reshape(-1).view(np.uint32)[index] ^= np.uint32(1 << bit)
        f[dataset][...] = values
    return lambda path: edit(path, change)


def set_value(dataset, index, value, resign):
    """Sets one value; `resign` stores the checksum of the new values, as a writer of a bad value
    would have, so only the value check can catch it."""
    def change(f):
        values = f[dataset][...]
        values.reshape(-1)[index] = value
        f[dataset][...] = values
        if resign:
            f[dataset].attrs["checksum"] = np.uint64(checksum(values))
    return lambda path: edit(path, change)


def swap_rows(dataset, a, b):
    def change(f):
        values = f[dataset][...]
        values[[a, b]] = values[[b, a]]
        f[dataset][...] = values
    return lambda path: edit(path, change)


def set_attr(name, value, dataset=None):
    def change(f):
        (f[dataset] if dataset else f).attrs[name] = value
    return lambda path: edit(path, change)


def delete_attr(name, dataset):
    return lambda path: edit(path, lambda f: f[dataset].attrs.__delitem__(name))


def replace_dataset(dataset, shape):
    """The dataset replaced by one of another shape (values and checksum of their own)."""
    def change(f):
        values = np.ones(shape, dtype=np.float32)
        del f[dataset]
        f[dataset] = values
        f[dataset].attrs["checksum"] = np.uint64(checksum(values))
    return lambda path: edit(path, change)


def delete_dataset(dataset):
    return lambda path: edit(path, lambda f: f.__delitem__(dataset))


def truncate(fraction):
    def damage(path):
        forget_digest(path)
        with open(path, "r+b") as f:
            f.truncate(int(os.path.getsize(path) * fraction))
    return damage


def overwrite_bytes(offset_fraction, count):
    """Zeroes `count` bytes in the middle of the file, as a bad sector would."""
    def damage(path):
        forget_digest(path)
        with open(path, "r+b") as f:
            f.seek(int(os.path.getsize(path) * offset_fraction))
            f.write(b"\0" * count)
    return damage


def metrics_lines(path):
    with h5py.File(path) as f:
        return f.attrs["metrics_jsonl"].splitlines(keepends=True)


def set_metrics(transform):
    """metrics_jsonl replaced by transform(its lines)."""
    def damage(path):
        text = transform(metrics_lines(path))
        edit(path, lambda f: f.attrs.__setitem__("metrics_jsonl", text))
    return damage


def renumber(lines, index, epoch):
    record = json.loads(lines[index])
    record["epoch"] = epoch
    return "".join(lines[:index] + [json.dumps(record) + "\n"] + lines[index + 1:])


NAN, INF = np.float32("nan"), np.float32("inf")
# (name, tampering, a fragment the warning must hold). Row 2000 of a node array is in rank 1's
# share of the rows at P = 2, so the ranks must agree on what one of them found.
CASES = [
    *[(f"bit {bit} of {dataset}[{index}] flipped", flip_bit(dataset, index, bit),
       f"dataset '{dataset}': checksum mismatch")
      for dataset, index, bit in [("parameters", 0, 0), ("parameters", 511, 31),
                                  ("adam_m", 100, 22), ("adam_v", 7, 30),
                                  ("node_rows", 2000 * HIDDEN + 5, 0),
                                  ("node_rows", 0, 31), ("node_adam_m", 1354 * HIDDEN, 12),
                                  ("node_adam_v", N * HIDDEN - 1, 23)]],
    ("two node rows swapped", swap_rows("node_rows", 10, 2000),
     "dataset 'node_rows': checksum mismatch"),
    ("the stored checksum itself altered",
     set_attr("checksum", np.uint64(12345), "adam_m"), "dataset 'adam_m': checksum mismatch"),
    ("NaN in a parameter", set_value("parameters", 3, NAN, False),
     "dataset 'parameters': checksum mismatch"),
    ("NaN in a parameter, checksum re-signed", set_value("parameters", 3, NAN, True),
     "dataset 'parameters' index 3: value nan is not finite"),
    ("inf in an Adam moment, re-signed", set_value("adam_m", 9, -INF, True),
     "dataset 'adam_m' index 9: value -inf is not finite"),
    ("negative second moment, re-signed", set_value("adam_v", 1, -1.0, True),
     "a second moment is never negative"),
    ("inf in a node row on rank 1's share, re-signed",
     set_value("node_rows", 2000 * HIDDEN + 2, INF, True),
     "[rank 1/2] "),
    ("NaN in a node moment, re-signed", set_value("node_adam_m", 5, NAN, True),
     "dataset 'node_adam_m' row 0 column 5: value nan is not finite"),
    ("negative node second moment, re-signed", set_value("node_adam_v", 40, -2.0, True),
     "dataset 'node_adam_v' row 1 column 8"),
    ("epoch 10^12", set_attr("epoch", np.int64(10**12)),
     "attribute epoch is 1000000000000 but the file name says epoch 10"),
    ("epoch other than the file name's", set_attr("epoch", np.int64(5)),
     "attribute epoch is 5 but the file name says epoch 10"),
    ("negative epoch", set_attr("epoch", np.int64(-1)), "out of range"),
    ("adam_steps 10^12", set_attr("adam_steps", np.int64(10**12)),
     "attribute adam_steps is 1000000000000, expected the epoch 10"),
    ("garbage metrics history", set_metrics(lambda lines: "garbage"),
     "attribute metrics_jsonl holds 0 complete lines and a partial one"),
    ("metrics history one line short", set_metrics(lambda lines: "".join(lines[:-1])),
     "attribute metrics_jsonl holds 9 complete lines"),
    ("metrics line not JSON", set_metrics(lambda lines: "".join(lines[:4] + ["{oops\n"] + lines[5:])),
     "attribute metrics_jsonl line 5: not a JSON object"),
    ("metrics epochs out of order", set_metrics(lambda lines: renumber(lines, 6, 9)),
     "attribute metrics_jsonl line 7: its \"epoch\" is 9, expected 7"),
    ("metrics history empty", set_metrics(lambda lines: ""),
     "attribute metrics_jsonl holds 0 complete lines"),
    ("configuration not JSON", set_attr("config", "{\"lr\": 0.01"),
     "attribute config is not a JSON object"),
    ("parameters one value longer", replace_dataset("parameters", (513,)),
     "adam_m has shape [512] but parameters has [513]"),
    ("adam_v of another length", replace_dataset("adam_v", (10,)),
     "adam_v has shape [10] but parameters has [512]"),
    ("node rows of another width", replace_dataset("node_rows", (N, HIDDEN + 1)),
     "node_rows has shape [2708, 33], expected [num_nodes, hidden] = [2708, 32]"),
    ("node moments of fewer rows", replace_dataset("node_adam_v", (N - 1, HIDDEN)),
     "node_adam_v has shape [2707, 32]"),
    ("node rows missing", delete_dataset("node_rows"), "node_adam_m without node_rows"),
    ("hidden attribute changed", set_attr("hidden", np.int32(16)),
     "expected [num_nodes, hidden] = [2708, 16]"),
    ("model attribute unknown", set_attr("model", "xyz"),
     "attribute model is 'xyz', expected 'gae' or 'vgae'"),
    ("a checksum attribute missing", delete_attr("checksum", "node_adam_m"),
     "attribute 'checksum' of 'node_adam_m' is missing"),
    ("format version from the future", set_attr("format_version", np.int32(99)),
     "checkpoint format version 99"),
    ("another kind of file", set_attr("kind", "distgae-dataset"), "not a distgae checkpoint"),
    ("truncated to half", truncate(0.5), "not a readable HDF5 file"),
    ("truncated to nothing", truncate(0.0), "not a readable HDF5 file"),
    ("a block of zeros mid-file", overwrite_bytes(0.6, 4096), "checksum mismatch"),
]


class CheckpointFaults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        for parts in (1, 2, 4):
            run("partition", "--graph", CORA_EDGES, "--features", "none", "--parts", parts,
                "--seed", 5, "--out", cls.tmp(f"cora-{parts}"))
        # Checkpoints at epochs 5 and 10, written by 2 ranks: every case damages a copy.
        cls.source = cls.tmp("source")
        cls.train(2, cls.source, FIRST_EPOCHS)
        # What a resume from each untouched checkpoint ends with, and a run from scratch.
        cls.from_previous = cls.copy_run("from-previous")
        os.remove(os.path.join(cls.from_previous, "checkpoints", DAMAGED))
        cls.train(2, cls.from_previous, EPOCHS, "--resume")
        cls.from_newest = cls.copy_run("from-newest")
        cls.train(2, cls.from_newest, EPOCHS, "--resume")
        cls.from_scratch = cls.tmp("from-scratch")
        cls.train(2, cls.from_scratch, EPOCHS)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def train(cls, ranks, out, epochs, *extra):
        return mpirun(ranks, "train", "--data", cls.tmp(f"cora-{ranks}"), *TRAIN, "--epochs",
                      epochs, "--out", out, *extra, timeout=120)

    @classmethod
    def copy_run(cls, name):
        destination = cls.tmp(name)
        shutil.copytree(cls.source, destination)
        return destination

    @staticmethod
    def final_arrays(out):
        with h5py.File(os.path.join(out, "checkpoints", f"ckpt-{EPOCHS:06}.h5")) as f:
            return {name: f[name][...] for name in ARRAYS}

    def assert_same_weights(self, out, reference):
        expected = self.final_arrays(reference)
        for name, values in self.final_arrays(out).items():
            np.testing.assert_array_equal(values, expected[name], name)

    def assert_verifies(self, path, epoch):
        """A checkpoint as distgae writes it: the documented checksums hold."""
        with h5py.File(path) as f:
            self.assertEqual(int(f.attrs["epoch"]), epoch)
            for name in ARRAYS:
                self.assertEqual(int(f[name].attrs["checksum"]), checksum(f[name][...]), name)

    def warnings(self, proc):
        return [line for line in proc.stderr.splitlines() if line.startswith("warning:")]

    def test_info_verifies_a_checkpoint_and_names_what_is_damaged(self):
        good = os.path.join(self.source, "checkpoints", PREVIOUS)
        proc = run("info", good)
        self.assertIn("verified     yes", proc.stdout)
        self.assertTrue(json.loads(run("info", good, "--json").stdout)["verified"])
        run_dir = self.copy_run("info-damaged")
        damaged = os.path.join(run_dir, "checkpoints", DAMAGED)
        flip_bit("node_rows", 17, 3)(damaged)
        proc = run("info", damaged, check=False)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("verified     no", proc.stdout)
        errors = [l for l in proc.stderr.splitlines() if l.startswith("distgae: error:")]
        self.assertEqual(len(errors), 1, proc.stderr)
        self.assertIn(damaged, errors[0])
        self.assertIn("node_rows", errors[0])

    def test_a_checkpoint_differing_from_its_digest_is_skipped_before_hdf5_opens_it(self):
        # One byte of HDF5's own metadata (the superblock's region), then one of the data: with
        # the digest beside the file, both are refused as damaged, on 2 ranks and on 1.
        for index, (offset, ranks) in enumerate(((40, 2), (0.6, 1))):
            with self.subTest(offset=offset, ranks=ranks):
                out = self.copy_run(f"digest-{index}")
                damaged = os.path.join(out, "checkpoints", DAMAGED)
                self.assertTrue(os.path.exists(damaged + ".digest"))
                with open(damaged, "r+b") as f:
                    f.seek(offset if offset >= 1 else int(os.path.getsize(damaged) * offset))
                    byte = f.read(1)
                    f.seek(-1, os.SEEK_CUR)
                    f.write(bytes([byte[0] ^ 0x10]))
                proc = self.train(ranks, out, EPOCHS, "--resume")
                warnings = self.warnings(proc)
                self.assertEqual(len(warnings), 1, proc.stderr)
                self.assertIn(f"{damaged}: damaged or replaced", warnings[0])
                self.assertIn(f"{DAMAGED}.digest records", warnings[0])
                previous = os.path.join(out, "checkpoints", PREVIOUS)
                self.assertIn(f"resumed from {previous} (epoch 5", proc.stdout)
                if ranks == 2:
                    self.assert_same_weights(out, self.from_previous)
                # The checkpoint the resumed run wrote in its place has a digest that holds.
                self.assertTrue(os.path.exists(damaged + ".digest"))
                self.assertIn("verified     yes", run("info", damaged).stdout)
                shutil.rmtree(out)

    def test_stored_checksums_are_the_documented_ones(self):
        for name in (PREVIOUS, DAMAGED):
            self.assert_verifies(os.path.join(self.source, "checkpoints", name),
                                 int(name[5:11]))

    def test_a_damaged_newest_checkpoint_is_skipped_for_the_previous_one(self):
        self.assertGreaterEqual(len(CASES), 40)
        for index, (name, tamper, fragment) in enumerate(CASES):
            with self.subTest(name):
                out = self.copy_run(f"case-{index}")
                damaged = os.path.join(out, "checkpoints", DAMAGED)
                tamper(damaged)
                proc = self.train(2, out, EPOCHS, "--resume")
                warnings = self.warnings(proc)
                self.assertEqual(len(warnings), 1, proc.stderr)
                self.assertIn("skipping unreadable checkpoint", warnings[0])
                self.assertIn(damaged, warnings[0])
                self.assertIn(fragment, warnings[0])
                previous = os.path.join(out, "checkpoints", PREVIOUS)
                self.assertIn(f"resumed from {previous} (epoch 5, written by 2 ranks)",
                              proc.stdout)
                self.assert_same_weights(out, self.from_previous)
                self.assertEqual([m["epoch"] for m in read_metrics(out)],
                                 list(range(1, EPOCHS + 1)))
                # The damaged file was replaced by the resumed run's own checkpoint 10.
                self.assert_verifies(damaged, 10)
                shutil.rmtree(out)

    def test_a_checkpoint_of_two_ranks_resumes_on_one_and_four(self):
        expected = self.final_arrays(self.from_newest)
        for ranks in (1, 4):
            out = self.copy_run(f"on-{ranks}")
            proc = self.train(ranks, out, EPOCHS, "--resume")
            self.assertEqual(self.warnings(proc), [])
            newest = os.path.join(out, "checkpoints", DAMAGED)
            self.assertIn(f"resumed from {newest} (epoch 10, written by 2 ranks)", proc.stdout)
            # Another number of ranks sums in another order: equal up to float rounding.
            rows = self.final_arrays(out)["node_rows"]
            error = np.linalg.norm(rows - expected["node_rows"]) / np.linalg.norm(rows)
            self.assertLess(error, 1e-4, f"{ranks} ranks")

    def test_damage_is_found_on_any_number_of_ranks(self):
        # Row 100 is in rank 0's share at P = 4, the last row in rank 3's.
        for index, (ranks, tamper, fragment) in enumerate([
                (1, flip_bit("node_rows", 100 * HIDDEN, 3), ["node_rows': checksum mismatch"]),
                (4, flip_bit("node_adam_v", 100 * HIDDEN, 3), ["node_adam_v': checksum mismatch"]),
                # Found by the last rank alone, told by rank 0, acted on by all four.
                (4, set_value("node_rows", N * HIDDEN - 1, NAN, True),
                 ["[rank 3/4] ", "row 2707 column 31: value nan is not finite"]),
        ]):
            with self.subTest(ranks=ranks, fragment=fragment[-1]):
                out = self.copy_run(f"damaged-{index}-on-{ranks}")
                tamper(os.path.join(out, "checkpoints", DAMAGED))
                proc = self.train(ranks, out, EPOCHS, "--resume")
                warnings = self.warnings(proc)
                self.assertEqual(len(warnings), 1, proc.stderr)
                for part in fragment:
                    self.assertIn(part, warnings[0])
                self.assertIn("(epoch 5, written by 2 ranks)", proc.stdout)
                shutil.rmtree(out)

    def test_when_the_only_checkpoint_is_damaged_the_run_starts_over(self):
        out = self.copy_run("only-damaged")
        os.remove(os.path.join(out, "checkpoints", PREVIOUS))
        damaged = os.path.join(out, "checkpoints", DAMAGED)
        flip_bit("parameters", 17, 9)(damaged)
        proc = self.train(2, out, EPOCHS, "--resume")
        warnings = self.warnings(proc)
        self.assertEqual(len(warnings), 2, proc.stderr)
        self.assertIn("dataset 'parameters': checksum mismatch", warnings[0])
        self.assertIn("none of the 1 checkpoints", warnings[1])
        self.assertIn("starting from epoch 1", warnings[1])
        self.assert_same_weights(out, self.from_scratch)
        self.assert_verifies(damaged, 10)

    def test_a_skipped_later_checkpoint_goes_at_the_next_save(self):
        # Resumed from epoch 5 past a damaged checkpoint 10, a run that saves at 6 removes 10:
        # kept, it would be tried first at every resume and count among the --keep newest.
        out = self.copy_run("stale")
        flip_bit("adam_v", 0, 1)(os.path.join(out, "checkpoints", DAMAGED))
        mpirun(2, "train", "--data", self.tmp("cora-2"), *MODEL, "--checkpoint-every", 3,
               "--epochs", 8, "--out", out, "--resume", timeout=120)
        names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "checkpoints",
                                                                         "*")))
        # Each checkpoint with its digest; the stale one's went with it.
        self.assertEqual(names, [PREVIOUS, PREVIOUS + ".digest", "ckpt-000006.h5",
                                 "ckpt-000006.h5.digest"])
        proc = mpirun(2, "train", "--data", self.tmp("cora-2"), *TRAIN, "--epochs", 8, "--out",
                      out, "--resume", timeout=120)
        self.assertEqual(self.warnings(proc), [])
        self.assertIn("(epoch 6, written by 2 ranks)", proc.stdout)

    def test_a_version_one_checkpoint_is_used_with_a_warning(self):
        out = self.copy_run("version-one")
        newest = os.path.join(out, "checkpoints", DAMAGED)
        forget_digest(newest)  # as distgae wrote it before checksums (and digests)
        with h5py.File(newest, "r+") as f:
            f.attrs["format_version"] = np.int32(1)
            for name in ARRAYS:
                del f[name].attrs["checksum"]
        proc = self.train(2, out, EPOCHS, "--resume")
        warnings = self.warnings(proc)
        self.assertEqual(len(warnings), 1, proc.stderr)
        self.assertIn(f"{newest}: checkpoint format version 1 has no checksums", warnings[0])
        self.assertIn(f"resumed from {newest} (epoch 10", proc.stdout)
        self.assert_same_weights(out, self.from_newest)


if __name__ == "__main__":
    unittest.main()
