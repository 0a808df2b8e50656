"""An error on one rank only ends the whole job within seconds, with that rank's one-line error
(prefixed with its rank), the documented exit code, and no output that looks valid. One case per
phase of a run: reading a part (a real truncated part file), reading a checkpoint, during an
epoch and while writing embeddings (DISTGAE_FAULT=site@rank makes that site throw on that rank
alone; src/core/fault_injection.hpp). At P = 2 and 4, the failing rank the last one, so rank 0 is
always among those left waiting."""
import os
import shutil
import signal
import socket
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


def rank_pids(mpiexec_pid):
    """{rank: pid} of the ranks mpiexec_pid started (their OMPI_COMM_WORLD_RANK)."""
    ranks = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            if parent != mpiexec_pid:
                continue
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = dict(v.split(b"=", 1) for v in f.read().split(b"\0") if b"=" in v)
        except (OSError, ValueError, IndexError):
            continue
        if b"OMPI_COMM_WORLD_RANK" in environ:
            ranks[int(environ[b"OMPI_COMM_WORLD_RANK"])] = int(pid)
    return ranks


def read_text(path):
    with open(path) as f:
        return f.read()


def running(pid, within_s=5.0):
    """Whether pid is still a live process (not gone, not a zombie) after within_s."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state == "Z":
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.1)


class FrozenRankInPartition(unittest.TestCase):
    """A rank of `distgae partition` frozen (SIGSTOP: alive, silent) after the first step: the
    other rank's --stall-timeout watchdog ends the job with exit code 3, a line naming it, its
    host and the step it waited after, and no dataset."""

    STALL_S = 2

    def test_the_stall_watchdog_ends_the_job(self):
        tmp = TempDir()
        try:
            # Large enough that the steps after reading last seconds (about 4 s here).
            graph = tmp("sbm")
            run("generate", "sbm", "--nodes", 300000, "--edges", 4000000, "--communities", 32,
                "--features", 0, "--seed", 1, "--threads", 1, "--out", graph)
            out = tmp("dataset")
            log = tmp("partition.log")
            with open(log, "w") as sink:
                proc = subprocess.Popen(
                    ["mpiexec", "-n", "2", "--oversubscribe", BIN, "partition", "--graph",
                     os.path.join(graph, "edges.txt"), "--parts", "2", "--out", out,
                     "--stall-timeout", str(self.STALL_S)],
                    stdout=sink, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + HANG_S
                while "edge lines in" not in read_text(log):  # the first step's line
                    self.assertIsNone(proc.poll(), read_text(log))
                    self.assertLess(time.monotonic(), deadline, "no first step")
                    time.sleep(0.01)
                frozen = rank_pids(proc.pid)[1]
                os.kill(frozen, signal.SIGSTOP)
                stopped = time.monotonic()
                code = proc.wait(timeout=HANG_S)
                elapsed = time.monotonic() - stopped
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            text = read_text(log)
            self.assertEqual(code, 3, text)
            self.assertIn(f"rank 0 on {socket.gethostname()} made no progress for "
                          f"{self.STALL_S} s (the step after: ", text)
            self.assertIn("--out was not written", text)
            self.assertLess(elapsed, self.STALL_S + END_WITHIN_S, text)
            self.assertFalse(os.path.exists(out))
            self.assertFalse(running(frozen), "mpiexec left the frozen rank behind")
        finally:
            tmp.cleanup()


if __name__ == "__main__":
    unittest.main()
