"""An error on one rank only ends the whole job within seconds, with that rank's one-line error
(prefixed with its rank), the documented exit code, and no output that looks valid. One case per
phase of a run: reading a part (a real truncated part file), reading a checkpoint, during an
epoch and while writing embeddings (DISTGAE_FAULT=site@rank makes that site throw on that rank
alone; src/core/fault_injection.hpp). At P = 2 and 4, the failing rank the last one, so rank 0 is
always among those left waiting."""
import os
import shutil
import subprocess
import threading
import time
import unittest

from distgae_cli import BIN, CORA_EDGES, CORA_FEATURES, TempDir, run

# The bound we promise (README, "One failing rank ends the job"): from the failing rank's error
# to the end of mpirun.
END_WITHIN_S = 10.0
# A hang is caught long before ctest's own timeout.
HANG_S = 120.0


def run_job(ranks, args, fault=None):
    """Runs mpiexec -n ranks distgae args; returns (exit code, stderr lines, seconds from the
    first 'distgae: ' error line to the end of mpiexec, or None when there was none)."""
    command = ["mpiexec", "-n", str(ranks), "--oversubscribe"]
    env = dict(os.environ)
    if fault:
        env["DISTGAE_FAULT"] = fault
        command += ["-x", "DISTGAE_FAULT"]
    command += [BIN, *map(str, args)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)
    lines, first_error = [], []

    def read_stderr():
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if line.startswith("distgae: ") and not first_error:
                first_error.append(time.monotonic())

    reader = threading.Thread(target=read_stderr)
    reader.start()
    try:
        code = proc.wait(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"{' '.join(command)} still running after {HANG_S} s: a hang")
    ended = time.monotonic()
    reader.join()
    return code, lines, (ended - first_error[0]) if first_error else None


class OneRankFailure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.datasets = {}
        for parts in (2, 4):
            out = cls.tmp(f"cora-{parts}")
            run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts", parts,
                "--seed", 0, "--out", out)
            cls.datasets[parts] = out

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def expect_job_ended(self, ranks, args, exit_code, fragments, fault=None):
        code, lines, seconds = run_job(ranks, args, fault)
        errors = [l for l in lines if l.startswith("distgae: ")]
        self.assertEqual(code, exit_code, "\n".join(lines))
        self.assertEqual(len(errors), 1, "\n".join(lines))
        for fragment in fragments:
            self.assertIn(fragment, errors[0])
        self.assertLess(seconds, END_WITHIN_S, f"the job took {seconds:.1f} s to end")
        return errors[0]

    def assert_no_valid_outputs(self, run_dir):
        self.assertFalse(os.path.exists(os.path.join(run_dir, "summary.json")))
        if os.path.isdir(run_dir):
            left = [n for n in os.listdir(run_dir) if "embeddings" in n]
            self.assertEqual(left, [], f"embeddings or their staging left in {run_dir}")

    def test_reading_a_part(self):
        for ranks in (2, 4):
            with self.subTest(ranks=ranks):
                data = self.tmp(f"truncated-{ranks}")
                shutil.copytree(self.datasets[ranks], data)
                part = os.path.join(data, f"part-{ranks - 1}.h5")
                os.truncate(part, os.path.getsize(part) // 2)
                out = self.tmp(f"run-part-{ranks}")
                self.expect_job_ended(ranks, ["train", "--data", data, "--epochs", 2, "--out", out],
                                      2, ["distgae: error:", f"[rank {ranks - 1}/{ranks}]", part])
                self.assert_no_valid_outputs(out)
                shutil.rmtree(data)

    def test_reading_a_checkpoint(self):
        for ranks in (2, 4):
            with self.subTest(ranks=ranks):
                out = self.tmp(f"run-ckpt-{ranks}")
                args = ["train", "--data", self.datasets[ranks], "--epochs", 2,
                        "--checkpoint-every", 1, "--eval-every", 0, "--out", out]
                code, lines, _ = run_job(ranks, args)
                self.assertEqual(code, 0, "\n".join(lines))
                shutil.rmtree(os.path.join(out, "embeddings"))
                os.remove(os.path.join(out, "summary.json"))
                args[4] = 4  # --epochs 4, resumed from epoch 2
                self.expect_job_ended(ranks, args + ["--resume"], 1,
                                      ["distgae: internal error:",
                                       f"[rank {ranks - 1}/{ranks}]", "read_checkpoint"],
                                      fault=f"read_checkpoint@{ranks - 1}")
                self.assert_no_valid_outputs(out)

    def test_during_an_epoch(self):
        for ranks in (2, 4):
            with self.subTest(ranks=ranks):
                out = self.tmp(f"run-epoch-{ranks}")
                self.expect_job_ended(ranks, ["train", "--data", self.datasets[ranks], "--epochs",
                                              3, "--out", out], 1,
                                      ["distgae: internal error:",
                                       f"[rank {ranks - 1}/{ranks}]", "epoch"],
                                      fault=f"epoch@{ranks - 1}")
                self.assert_no_valid_outputs(out)

    def test_while_writing_embeddings(self):
        for ranks in (2, 4):
            with self.subTest(ranks=ranks):
                out = self.tmp(f"run-emb-{ranks}")
                self.expect_job_ended(ranks, ["train", "--data", self.datasets[ranks], "--epochs",
                                              2, "--out", out], 1,
                                      ["distgae: internal error:",
                                       f"[rank {ranks - 1}/{ranks}]", "write_embeddings"],
                                      fault=f"write_embeddings@{ranks - 1}")
                self.assert_no_valid_outputs(out)

    def test_an_error_on_every_rank_is_printed_once(self):
        # The dataset has 2 parts, the job 4 ranks: every rank finds it, one line says so.
        out = self.tmp("run-mismatch")
        self.expect_job_ended(4, ["train", "--data", self.datasets[2], "--out", out], 2,
                              ["distgae: error:", "the dataset has 2 parts but the job runs on 4"])
        self.assertFalse(os.path.exists(out))

    def test_a_bad_flag_is_printed_once(self):
        code, lines, _ = run_job(2, ["train", "--data", self.datasets[2], "--out", self.tmp("x"),
                                     "--epochs", "many"])
        self.assertEqual(code, 2)
        self.assertEqual(len([l for l in lines if l.startswith("distgae: error:")]), 1,
                         "\n".join(lines))


if __name__ == "__main__":
    unittest.main()
