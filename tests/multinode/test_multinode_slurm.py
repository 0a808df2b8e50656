"""The job scripts on a multi-node SLURM: one slurmctld, and one slurmd on each of 4 hosts made
of network namespaces (virtual_hosts.py; tests/slurm/slurm_cluster.py with hosts), munge for
authentication. Every rank of a job runs on a host of its own (--ntasks-per-node=1), so all of
its messages cross the hosts' veths over TCP.

- jobs/partition.sbatch and jobs/train.sbatch with -N 2 and -N 4, launched by srun --mpi=pmix
  and by mpirun (which starts its daemons through srun), write the same dataset and train to
  the same bits (metrics.jsonl, test AUC/AP, embeddings) as the same ranks on one host.
- SLURM's warning signal (USR1) to a 4-node training job: the ranks checkpoint, the job
  requeues itself and resumes, and ends with the bits of an uninterrupted run.
- A node frozen whole (every process on it stopped: slurmd, the job's step and its rank): SLURM
  stops hearing from it, marks it DOWN and ends the job within 30 s, requeues it onto healthy
  nodes, and the requeued job resumes from the last checkpoint to the bits of an uninterrupted
  run.

Run as root (ctest does); exits 77 (ctest: skipped, with the reason) when network namespaces
cannot be made here; fails, never skips, without slurm-wlm and munge. DISTGAE_BIN is the
binary, DISTGAE_DATA the directory holding cora/.
"""
import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
sys.path.insert(0, os.path.join(HERE, "..", "slurm"))
from dataset_digest import dataset_digests  # noqa: E402
from multinode_env import (BIN, CORA_EDGES, CORA_FEATURES, SHARED_PATHS,  # noqa: E402
                           close_hosts, command_name, main,
                           on_one_host)
from run_outputs import assert_same_run  # noqa: E402
from slurm_cluster import SlurmCluster  # noqa: E402
from slurm_jobs import JobRunner  # noqa: E402
from virtual_hosts import VirtualHosts  # noqa: E402

SEED = 3
SLURMD_TIMEOUT_S = 6
MESSAGE_TIMEOUT_S = 5

hosts = None    # 4 VirtualHosts
cluster = None  # the SlurmCluster on them
jobs = None     # its JobRunner
scratch = None  # datasets, runs and job logs: the file system every node shares


def setUpModule():
    global hosts, cluster, jobs, scratch
    # Outside /tmp, which is private to each host.
    scratch = tempfile.mkdtemp(prefix="distgae-multinode-slurm-", dir="/var/tmp")
    os.chmod(scratch, 0o755)
    try:
        # A checkout or build under /tmp stays visible on every host.
        hosts = VirtualHosts(4, shared=SHARED_PATHS).start()
        # A node silent for SLURMD_TIMEOUT_S is DOWN (SLURM's default waits 300 s), its pings
        # given up after MESSAGE_TIMEOUT_S (default 10).
        cluster = SlurmCluster(hosts=hosts, slurmd_timeout=SLURMD_TIMEOUT_S,
                               message_timeout=MESSAGE_TIMEOUT_S).start()
        jobs = JobRunner(cluster, scratch, BIN)
    except BaseException:
        tearDownModule()  # unittest skips it when setUpModule fails
        raise


def tearDownModule():
    if cluster is not None:
        cluster.stop()
    close_hosts(hosts)
    shutil.rmtree(scratch, ignore_errors=True)


def on_nodes(count):
    """sbatch options: `count` nodes, one task each."""
    return [f"--nodes={count}", f"--ntasks={count}", "--ntasks-per-node=1"]


def training_argv(out, data, params):
    """What train.sbatch runs for these parameters (its defaults otherwise), without --resume."""
    return ["train", "--out", out, "--model", params.get("MODEL", "gae"), "--epochs",
            str(params["EPOCHS"]),
            "--seed", str(params["SEED"]), "--threads", "1", "--checkpoint-every",
            str(params["CHECKPOINT_EVERY"]), "--data", data, *params.get("TRAIN_ARGS", "").split()]


class JobsAcrossNodes(unittest.TestCase):
    # What the job scripts run, given the parameters below (jobs/*.sbatch).
    TRAIN = dict(MODEL="vgae", EPOCHS=20, SEED=SEED, CHECKPOINT_EVERY=10,
                 TRAIN_ARGS="--eval-every 5")
    datasets = {}    # ranks -> Cora in that many parts, partitioned on one host
    references = {}  # ranks -> the TRAIN run on one host

    @classmethod
    def dataset(cls, ranks):
        if ranks not in cls.datasets:
            out = os.path.join(scratch, f"cora-{ranks}-one-host")
            on_one_host(ranks, ["partition", "--graph", CORA_EDGES, "--parts", str(ranks),
                                "--seed", str(SEED), "--out", out, "--features", CORA_FEATURES])
            cls.datasets[ranks] = out
        return cls.datasets[ranks]

    @classmethod
    def reference(cls, ranks):
        if ranks not in cls.references:
            out = os.path.join(scratch, f"train-{ranks}-one-host")
            on_one_host(ranks, training_argv(out, cls.dataset(ranks), cls.TRAIN))
            cls.references[ranks] = out
        return cls.references[ranks]

    def expect_on_nodes(self, record, count, name):
        self.assertEqual(record["ExitCode"], "0:0", jobs.log_of(name))
        self.assertEqual(int(record["NumNodes"]), count, record)
        launched = jobs.log_of(name)
        self.assertIn(record["NodeList"], launched)  # the script prints its node list

    def test_partition_job_writes_the_same_dataset_as_one_host(self):
        for count in (2, 4):
            for launcher in ("srun", "mpirun"):
                with self.subTest(nodes=count, launcher=launcher):
                    name = f"partition-{count}-{launcher}"
                    out = os.path.join(scratch, name)
                    record = jobs.run(name, "partition.sbatch", *on_nodes(count),
                                      LAUNCHER=launcher, GRAPH=CORA_EDGES,
                                      FEATURES=CORA_FEATURES, PARTS=count, SEED=SEED, OUT=out)
                    self.expect_on_nodes(record, count, name)
                    self.assertEqual(dataset_digests(out), dataset_digests(self.dataset(count)))

    def test_train_job_gives_the_same_bits_as_one_host(self):
        for count in (2, 4):
            for launcher in ("srun", "mpirun"):
                with self.subTest(nodes=count, launcher=launcher):
                    name = f"train-{count}-{launcher}"
                    out = os.path.join(scratch, name)
                    record = jobs.run(name, "train.sbatch", *on_nodes(count), LAUNCHER=launcher,
                                      DATA=self.dataset(count), OUT=out, **self.TRAIN)
                    self.expect_on_nodes(record, count, name)
                    self.assertIn(f"{count} ranks x 1 threads", jobs.log_of(name))
                    assert_same_run(self, out, self.reference(count))


class PreemptedJobAcrossNodes(unittest.TestCase):
    """scancel --signal=USR1 --batch (what --signal=B:USR1@T sends before the time limit) to a
    4-node training job: checkpoint, requeue, resume on the nodes SLURM gives it, and the bits
    of an uninterrupted run (on one host: the same ranks give the same bits anywhere, as
    JobsAcrossNodes shows)."""

    LONG_RUN = dict(EPOCHS=300, SEED=SEED, CHECKPOINT_EVERY=5, TRAIN_ARGS="--neg 10")

    def test_usr1_checkpoints_requeues_and_resumes_to_the_same_bits(self):
        data = JobsAcrossNodes.dataset(4)
        out, record, log = jobs.start_and_signal("preempted", on_nodes(4),
                                                 dict(DATA=data, **self.LONG_RUN),
                                                 "--signal=USR1", "--batch")
        self.assertEqual((record["JobState"], record["ExitCode"], record["Restarts"]),
                         ("COMPLETED", "0:0", "1"), log)
        self.assertEqual(int(record["NumNodes"]), 4, record)
        for expected in ("got SIGUSR1", "exit code 75", "requeued job", "(restart 1)",
                         "resumed from"):
            self.assertIn(expected, log)

        reference = os.path.join(scratch, "uninterrupted")
        on_one_host(4, training_argv(reference, data, self.LONG_RUN))
        assert_same_run(self, out, reference)


class FrozenNode(unittest.TestCase):
    """A 2-node training job whose second node freezes whole: every process on it stopped (its
    slurmd, the job's slurmstepd and rank), as a hung node looks to the controller. SLURM ends
    the job once SlurmdTimeout passes without an answer, requeues it (train.sbatch asks for
    --requeue) onto two of the three healthy nodes, and the requeued job resumes."""

    RUN = dict(EPOCHS=1000, SEED=SEED, CHECKPOINT_EVERY=100, TRAIN_ARGS="--eval-every 0")
    END_WITHIN_S = 30

    def node_index(self, node):
        return hosts.names.index(node)

    def test_slurm_ends_requeues_and_the_job_resumes(self):
        data = JobsAcrossNodes.dataset(2)
        out = os.path.join(scratch, "frozen")
        job = jobs.submit("frozen", "train.sbatch", *on_nodes(2), DATA=data, OUT=out, **self.RUN)
        jobs.wait_for_epochs(out, 300, job)
        first = cluster.jobs(job)[-1]
        nodes = cluster.command("scontrol", "show", "hostnames", first["NodeList"]).stdout.split()
        frozen_host = self.node_index(nodes[-1])  # not the batch script's node
        stopped = hosts.pids(frozen_host)
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        frozen_at = time.monotonic()
        try:
            # The first run is over when the job restarts (or ends without a restart).
            deadline = frozen_at + 120
            while True:
                record = cluster.jobs(job)[-1]
                if int(record.get("Restarts", 0)) > 0 or record["JobState"] not in (
                        "RUNNING", "CONFIGURING", "COMPLETING"):
                    break
                self.assertLess(time.monotonic(), deadline, f"still running: {record}")
                time.sleep(0.2)
            ended_after = time.monotonic() - frozen_at
            print(f"\n  the job's first run ended {ended_after:.1f} s after the node froze "
                  f"({record['JobState']}, restarts {record.get('Restarts')})", file=sys.stderr)
            self.assertLessEqual(ended_after, self.END_WITHIN_S, record)
            final = cluster.wait_done(job, 240)[-1]
        finally:
            # The node's old step and rank are gone for SLURM: end them; wake its slurmd so that
            # the node returns to service (ReturnToService=2) for the tests after this one.
            for pid in stopped:
                try:
                    if command_name(pid) == "slurmd":
                        os.kill(pid, signal.SIGCONT)
                    else:
                        os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            cluster.wait_nodes_idle(60)
        log = jobs.log_of("frozen")
        self.assertEqual((final["JobState"], final["ExitCode"]), ("COMPLETED", "0:0"), log)
        self.assertGreaterEqual(int(final["Restarts"]), 1, log)
        self.assertNotIn(nodes[-1], cluster.command("scontrol", "show", "hostnames",
                                                    final["NodeList"]).stdout.split(), final)
        self.assertIn("resumed from", log)

        reference = os.path.join(scratch, "frozen-uninterrupted")
        on_one_host(2, training_argv(reference, data, self.RUN))
        assert_same_run(self, out, reference)


if __name__ == "__main__":
    main()
