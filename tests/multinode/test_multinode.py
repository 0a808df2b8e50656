"""distgae across hosts on a real network stack: hosts are network namespaces on this machine
(virtual_hosts.py), Open MPI runs over TCP between them, and the results must be the very bits
the same number of ranks gives on one host, where Open MPI moves data through shared memory.
Every host has a /tmp of its own (node-local scratch), so nothing may rely on a file another
host wrote outside the shared dataset and run directories.

- partition: the dataset written by P ranks on P hosts (P = 2, 3, 4) equals, file for file (read with h5py),
  the one P ranks write on one host.
- faults (with the TCP keepalive settings jobs/*.sbatch export): a rank SIGKILLed on one host,
  or that host's link pulled, ends a training job within 30 s with a message naming the lost
  rank or host and nothing left running, and --resume then continues from the last checkpoint;
  a rank frozen (SIGSTOP) ends it through the other rank's --stall-timeout; a link pulled for
  2 s and plugged back does not end it.
- train: P ranks on P hosts (P = 2, 3, 4; and 2 ranks on each of 2 hosts) give the same losses,
  validation and test metrics and embeddings as P ranks on one host; the bytes the hosts sent
  on their veths cover what the program reports it sent (bytes_sent in metrics.jsonl) and
  exceed it by no more than the protocols' overhead.

Run as root (ctest does); exits 77, which ctest reports as skipped with the reason printed,
when network namespaces cannot be made here. DISTGAE_BIN is the binary, DISTGAE_DATA the
directory holding cora/.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
from dataset_digest import dataset_digests  # noqa: E402
from multinode_env import (BIN, CORA_EDGES, CORA_FEATURES, SHARED_PATHS,  # noqa: E402
                           close_hosts, command_name, main,
                           on_one_host)
from run_outputs import assert_same_run, metrics  # noqa: E402
from virtual_hosts import VirtualHosts  # noqa: E402

TIMEOUT = 120
EPOCHS = 20

hosts = None    # the VirtualHosts of this module (4 hosts)
scratch = None  # datasets and runs, visible to every host (the shared file system)


def setUpModule():
    global hosts, scratch
    # Outside /tmp, which is private to each host (node-local scratch): only this is shared.
    scratch = tempfile.mkdtemp(prefix="distgae-multinode-", dir="/var/tmp")
    # A checkout or build under /tmp stays visible on every host.
    hosts = VirtualHosts(4, shared=SHARED_PATHS).start()


def tearDownModule():
    close_hosts(hosts)
    shutil.rmtree(scratch, ignore_errors=True)


def on_hosts(host_count, ranks_per_host, argv):
    """distgae on `host_count` hosts, `ranks_per_host` ranks each, over TCP."""
    code, out = hosts.run(hosts.mpirun_command(host_count, ranks_per_host, [BIN, *argv]),
                          TIMEOUT)
    if code != 0:
        raise AssertionError(f"{host_count} hosts x {ranks_per_host}, {argv}: "
                             f"{'timed out' if code is None else f'exit {code}'}\n{out}")
    return out


def partition_argv(parts, out):
    return ["partition", "--graph", CORA_EDGES, "--features", CORA_FEATURES, "--parts",
            str(parts), "--seed", "3", "--out", out, "--force"]


def train_argv(data, out):
    return ["train", "--data", data, "--model", "vgae", "--epochs", str(EPOCHS), "--eval-every",
            "5", "--seed", "3", "--out", out]


class AcrossHosts(unittest.TestCase):
    datasets = {}  # parts -> dataset partitioned on one host

    @classmethod
    def dataset(cls, parts):
        if parts not in cls.datasets:
            out = os.path.join(scratch, f"cora-{parts}")
            on_one_host(parts, partition_argv(parts, out))
            cls.datasets[parts] = out
        return cls.datasets[parts]

    def test_partition_writes_the_same_dataset_as_on_one_host(self):
        for count in (2, 3, 4):
            with self.subTest(hosts=count):
                out = os.path.join(scratch, f"cora-{count}-on-{count}-hosts")
                on_hosts(count, 1, partition_argv(count, out))
                self.assertEqual(dataset_digests(out), dataset_digests(self.dataset(count)))

    def check_training(self, host_count, ranks_per_host):
        ranks = host_count * ranks_per_host
        data = self.dataset(ranks)
        local = os.path.join(scratch, f"run-{ranks}-one-host")
        if not os.path.exists(os.path.join(local, "summary.json")):
            on_one_host(ranks, train_argv(data, local))
        remote = os.path.join(scratch, f"run-{host_count}x{ranks_per_host}")
        sent_before = [hosts.tx_bytes(h) for h in range(host_count)]
        on_hosts(host_count, ranks_per_host, train_argv(data, remote))
        on_the_wire = sum(hosts.tx_bytes(h) - b for h, b in enumerate(sent_before))

        assert_same_run(self, remote, local)
        return on_the_wire, sum(epoch["bytes_sent"] for epoch in metrics(remote))

    def test_training_gives_the_same_bits_as_on_one_host(self):
        for host_count in (2, 3, 4):
            with self.subTest(hosts=host_count):
                on_the_wire, reported = self.check_training(host_count, 1)
                # Every byte the program counts crosses a veth (one rank a host); the rest is
                # TCP/IP headers, the launch, the evaluation and the final gathers (measured:
                # 1.5-1.6 times the counted bytes on Cora at 2 and 4 hosts).
                self.assertGreaterEqual(on_the_wire, reported)
                self.assertLessEqual(on_the_wire, 2 * reported + 8 * 2**20)

    def test_two_ranks_on_each_of_two_hosts(self):
        self.check_training(2, 2)


# What jobs/partition.sbatch and jobs/train.sbatch export for mpirun (jobs/README.md, Networks).
KEEPALIVE = [("oob_tcp_keepalive_time", "5"), ("oob_tcp_keepalive_intvl", "2"),
             ("oob_tcp_keepalive_probes", "3")]
FAULT_BOUND_S = 30


def epochs_logged(run):
    try:
        with open(os.path.join(run, "metrics.jsonl")) as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def output(proc):
    """What a job started by Faults.start_training has printed so far, without epoch lines."""
    with open(proc.log) as f:
        return "".join(line for line in f
                        if not line.startswith(("epoch", "checkpoint", "step ")))


class Faults(unittest.TestCase):
    """A long training run on hosts 0 and 1 (one rank each), then a fault on host 1."""

    def start_training(self, name, extra=()):
        run = os.path.join(scratch, name)
        command = hosts.mpirun_command(
            2, 1, [BIN, "train", "--data", AcrossHosts.dataset(2), "--epochs", "1000000",
                   "--eval-every", "0", "--checkpoint-every", "200", "--out", run, "--force",
                   *extra],
            extra_mca=KEEPALIVE)
        log = os.path.join(scratch, f"{name}.log")
        proc = hosts.spawn(command, log)
        proc.log = log
        deadline = time.monotonic() + 60
        while epochs_logged(run) < 500:  # under way, with checkpoints written
            self.assertIsNone(proc.poll(), f"training ended early:\n{output(proc)}")
            self.assertLess(time.monotonic(), deadline, "training never got going")
            time.sleep(0.2)
        return proc, run

    def expect_job_ends(self, proc, started, lost):
        try:
            proc.wait(timeout=FAULT_BOUND_S + 30)
        except subprocess.TimeoutExpired:
            self.fail("the job is still running 60 s after the fault")
        elapsed = time.monotonic() - started
        print(f"\n  {self.id().split('.')[-1]}: the job ended {elapsed:.1f} s after the fault",
              file=sys.stderr)
        out = output(proc)
        self.assertLessEqual(elapsed, FAULT_BOUND_S, f"ended after {elapsed:.1f} s")
        self.assertNotEqual(proc.returncode, 0)
        self.assertTrue(any(name in out for name in lost),
                        f"no mention of {lost} in the output:\n{out[-3000:]}")
        # Nothing of the job may survive on either host (the cut-off daemon goes too, once its
        # own keepalive gives up on mpirun).
        deadline = time.monotonic() + 20
        while hosts.pids(0) or hosts.pids(1):
            if time.monotonic() > deadline:
                self.fail(f"left running: host 0 {hosts.pids(0)}, host 1 {hosts.pids(1)}")
            time.sleep(0.2)

    def expect_resume_from_last_checkpoint(self, run):
        checkpoints = sorted(os.listdir(os.path.join(run, "checkpoints")))
        last = int(checkpoints[-1].split("-")[1].split(".")[0])
        on_one_host(2, ["train", "--data", AcrossHosts.dataset(2), "--epochs", str(last + 20),
                        "--eval-every", "0", "--checkpoint-every", "200", "--out", run,
                        "--resume"])
        with open(os.path.join(run, "metrics.jsonl")) as f:
            epochs = [json.loads(line)["epoch"] for line in f]
        self.assertEqual(epochs[-1], last + 20)
        self.assertEqual(epochs, sorted(set(epochs)), "epochs repeated or out of order")

    def test_a_rank_killed_on_one_host_ends_the_job(self):
        proc, run = self.start_training("killed")
        ranks = [p for p in hosts.pids(1) if command_name(p) == "distgae"]
        self.assertEqual(len(ranks), 1)
        started = time.monotonic()
        os.kill(ranks[0], signal.SIGKILL)
        self.expect_job_ends(proc, started, ["rank 1", hosts.addresses[1]])
        self.expect_resume_from_last_checkpoint(run)

    def test_a_pulled_link_ends_the_job(self):
        proc, run = self.start_training("cut-off")
        started = time.monotonic()
        hosts.set_link(1, up=False)
        try:
            self.expect_job_ends(proc, started, [hosts.addresses[1], hosts.names[1]])
        finally:
            hosts.set_link(1, up=True)
        self.expect_resume_from_last_checkpoint(run)

    def test_a_frozen_rank_ends_the_job_through_the_stall_watchdog(self):
        # SIGSTOP: the rank's connections stay open and its kernel answers keepalives, so only
        # the other rank's watchdog (--stall-timeout) can tell; its launcher then kills the job.
        proc, run = self.start_training("frozen", ["--stall-timeout", "5"])
        ranks = [p for p in hosts.pids(1) if command_name(p) == "distgae"]
        self.assertEqual(len(ranks), 1)
        started = time.monotonic()
        os.kill(ranks[0], signal.SIGSTOP)
        self.expect_job_ends(proc, started, [f"rank 0 on {hosts.names[0]} made no progress"])
        self.assertIn("exit code 3", output(proc))
        self.expect_resume_from_last_checkpoint(run)

    def test_a_two_second_outage_does_not_end_the_job(self):
        proc, run = self.start_training("outage")
        hosts.set_link(1, up=False)
        time.sleep(2)
        hosts.set_link(1, up=True)
        logged = epochs_logged(run)
        time.sleep(FAULT_BOUND_S)
        self.assertIsNone(proc.poll(), f"the job ended:\n{output(proc)[-3000:]}")
        self.assertGreater(epochs_logged(run), logged, "training did not go on after the outage")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


if __name__ == "__main__":
    main()
