"""Arguments that cannot work are refused before anything is created: exit 2 (1 for a full disk),
one line naming the flag or path, no output directory, within seconds, on 2 ranks as on one."""
import os
import subprocess
import time
import unittest

from distgae_cli import BIN, CORA_EDGES, CORA_FEATURES, TempDir, run

TIMEOUT_S = 60


class BadArguments(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.data = {}
        for parts in (1, 2):
            cls.data[parts] = cls.tmp(f"cora-{parts}")
            run("partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts", parts,
                "--out", cls.data[parts])
        cls.runs = 0
        cls.mounts = []

    @classmethod
    def tearDownClass(cls):
        for mount in cls.mounts:
            subprocess.run(["umount", mount], check=False)
        cls.tmp.cleanup()

    @classmethod
    def tmpfs(cls, name, options):
        """A tmpfs this test mounts itself (root only; CI runs as root): a real read-only or full
        file system, not a permission bit that root ignores."""
        path = cls.tmp(name)
        os.makedirs(path, exist_ok=True)
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", path],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise AssertionError(f"cannot mount a tmpfs at {path} (run as root): {proc.stderr}")
        cls.mounts.append(path)
        return path

    def expect_refusal(self, command, exit_code, fragments, created):
        start = time.monotonic()
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
        seconds = time.monotonic() - start
        errors = [l for l in proc.stderr.splitlines() if l.startswith("distgae: ")]
        self.assertEqual(proc.returncode, exit_code, proc.stdout + proc.stderr)
        self.assertEqual(len(errors), 1, proc.stderr)
        self.assertLess(len(errors[0]), 400, errors[0])
        for fragment in fragments:
            self.assertIn(fragment, errors[0])
        if created:
            self.assertFalse(os.path.exists(created), f"{created} was created")
        self.assertLess(seconds, 30.0)

    def train(self, ranks, out, *flags):
        return ["mpiexec", "-n", str(ranks), "--oversubscribe", BIN, "train", "--data",
                self.data[ranks],
                "--epochs", "1", "--out", out, *map(str, flags)]

    TRAIN_FLAGS = [
        # (flags, fragments of the one error line)
        (["--lr", "nan"], ["--lr", "'nan'"]),
        (["--lr", "inf"], ["--lr", "'inf'"]),
        (["--lr", "-0.01"], ["--lr"]),
        (["--lr", "0"], ["--lr"]),
        (["--lr", "1e-2x"], ["--lr"]),
        (["--hidden", "100000000"], ["--hidden 100000000", "needs at least", "TiB"]),
        (["--latent", "1000000000"], ["--latent 1000000000", "needs at least"]),
        (["--neg", "1000000000"], ["--neg 1000000000", "needs at least"]),
        (["--hidden", "0"], ["--hidden"]),
        (["--latent", "-3"], ["--latent"]),
        (["--neg", "0"], ["--neg"]),
        (["--epochs", "0"], ["--epochs"]),
        (["--epochs", "3000000000"], ["--epochs"]),
        (["--threads", "0"], ["--threads"]),
        (["--threads", "100000"], ["--threads"]),
        (["--seed", "-1"], ["--seed", "'-1'"]),
        (["--seed", "18446744073709551616"], ["--seed"]),
        (["--seed", "abc"], ["--seed", "'abc'"]),
        (["--eval-every", "-1"], ["--eval-every"]),
        (["--checkpoint-every", "-2"], ["--checkpoint-every"]),
        (["--keep", "0"], ["--keep"]),
        (["--model", "gcn"], ["--model"]),
        (["--decoder", "half"], ["--decoder"]),
        (["--stall-timeout", "-5"], ["--stall-timeout", "'-5'"]),
    ]

    def fresh_run_dir(self):
        BadArguments.runs += 1
        return self.tmp(f"run-{self.runs}")

    def test_train_flags(self):
        for flags, fragments in self.TRAIN_FLAGS:
            with self.subTest(flags=flags):
                out = self.fresh_run_dir()
                self.expect_refusal(self.train(2, out, *flags), 2, fragments, out)

    def test_memory_refusal_on_one_rank(self):
        # The same estimate on one rank, which holds the whole graph.
        out = self.fresh_run_dir()
        self.expect_refusal(self.train(1, out, "--hidden", 100000000), 2,
                            ["--hidden 100000000", "needs at least", "part 0"], out)

    def test_out_paths(self):
        readonly = self.tmpfs("readonly", "size=1m,ro")
        full = self.tmpfs("full", "size=64k")
        os.makedirs(os.path.join(full, "run"))
        try:
            with open(os.path.join(full, "filler"), "wb") as filler:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
        except OSError:  # ENOSPC, at a write or at the close that flushes
            pass
        a_file = self.tmp.write("a-file", "not a directory\n")
        cases = [
            ("", 2, ["--out", "empty"], None),
            (os.path.join(readonly, "run"), 2, [readonly, "Read-only file system"],
             os.path.join(readonly, "run")),
            ("/proc/self/distgae-run", 2, ["/proc/self/distgae-run", "cannot create"], None),
            (a_file, 2, [a_file, "not a directory"], None),
            (os.path.join(a_file, "run"), 2, [a_file], None),
            (os.path.join(full, "run"), 1, [os.path.join(full, "run"), "No space left"], None),
        ]
        for out, code, fragments, created in cases:
            with self.subTest(out=out):
                self.expect_refusal(self.train(2, out), code, fragments, created)
        # The full disk's run directory holds nothing: the probe file is gone.
        self.assertEqual(os.listdir(os.path.join(full, "run")), [])

    def test_partition_and_generate_flags(self):
        out = self.tmp("out")
        cases = [
            (["partition", "--graph", CORA_EDGES, "--seed", "-1"], ["--seed", "'-1'"]),
            (["partition", "--graph", CORA_EDGES, "--parts", "0"], ["--parts"]),
            (["partition", "--graph", CORA_EDGES, "--parts", "5000"], ["5000"]),
            (["partition", "--graph", CORA_EDGES, "--val-frac", "nan"], ["--val-frac"]),
            (["partition", "--graph", CORA_EDGES, "--val-frac", "0.6", "--test-frac", "0.6"],
             ["frac"]),
            (["partition", "--graph", CORA_EDGES, "--imbalance", "0.5"], ["--imbalance"]),
            (["partition", "--graph", CORA_EDGES, "--objective", "size"], ["--objective"]),
            (["partition", "--graph", CORA_EDGES, "--partitioner", "magic"], ["--partitioner"]),
            (["partition", "--graph", CORA_EDGES, "--stall-timeout", "nan"],
             ["--stall-timeout", "'nan'"]),
            (["partition", "--graph", CORA_EDGES, "--stall-timeout", "0"], ["--stall-timeout"]),
            (["partition", "--graph", os.path.join(self.tmp.path, "missing.txt")],
             ["missing.txt"]),
            (["generate", "sbm", "--nodes", "100", "--edges", "200", "--seed", "-5"],
             ["--seed", "'-5'"]),
            (["generate", "rmat", "--scale", "5", "--seed", "x"], ["--seed"]),
        ]
        for args, fragments in cases:
            with self.subTest(args=args):
                self.expect_refusal([BIN, *args, "--out", out], 2, fragments, out)


if __name__ == "__main__":
    unittest.main()
