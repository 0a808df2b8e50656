"""The job scripts in jobs/ submitted, as a user would, to a real one-node SLURM that this module
starts and stops (slurm_cluster.py): partition, train (srun --mpi=pmix and mpirun), a seed sweep
as an array job, and preemption: SLURM's warning signal, checkpoint, requeue, resume, and the
same model as an uninterrupted run.

Needs root and Debian's slurm-wlm and munge; without them every test errors (never skips).
DISTGAE_BIN is the binary, DISTGAE_DATA the directory holding cora/. DISTGAE_SLURM_KEEP=1 keeps
the job logs, runs and the cluster's directory (logs, slurm.conf) and prints where they are.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import numpy as np

from slurm_cluster import SlurmCluster
from slurm_jobs import (JOBS, JobRunner, assert_same_model, read_embeddings, read_json,
                        read_metrics)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.abspath(os.environ.get("DISTGAE_BIN", os.path.join(ROOT, "build", "distgae")))
DATA = os.path.abspath(os.environ.get("DISTGAE_DATA", os.path.join(ROOT, "data")))
CORA_EDGES = os.path.join(DATA, "cora", "edges.txt")
CORA_FEATURES = os.path.join(DATA, "cora", "features.mtx")
CORA_NODES = 2708
KEEP = os.environ.get("DISTGAE_SLURM_KEEP") == "1"

cluster = None  # the SlurmCluster of this module
jobs = None     # its JobRunner
scratch = None  # a temporary directory: datasets, runs, job logs
dataset = None  # Cora in 2 parts, written by jobs/partition.sbatch


def trainer_can_resume():
    """The trainer's checkpoint contract (--resume, --checkpoint-every, exit 75 on a signal)."""
    try:
        out = subprocess.run([BIN, "train", "--help"], capture_output=True, text=True,
                             timeout=30).stdout
    except OSError:
        return False
    return "--resume" in out and "--checkpoint-every" in out


def setUpModule():
    global cluster, jobs, scratch, dataset
    if not os.access(BIN, os.X_OK):
        raise RuntimeError(f"DISTGAE_BIN={BIN} is not an executable")
    scratch = tempfile.mkdtemp(prefix="distgae-slurm-jobs-")
    os.chmod(scratch, 0o755)
    cluster = SlurmCluster(keep_dir=KEEP)
    jobs = JobRunner(cluster, scratch, BIN)
    try:
        cluster.start()
        if KEEP:
            print(f"\nDISTGAE_SLURM_KEEP: jobs in {scratch}, cluster in {cluster.dir}")
        dataset = os.path.join(scratch, "cora-2")
        # Three tasks for two parts: the ranks share the work whatever the part count.
        jobs.run("partition", "partition.sbatch", "--ntasks=3", GRAPH=CORA_EDGES,
                FEATURES=CORA_FEATURES, PARTS=2, SEED=0, OUT=dataset)
    except BaseException:
        tearDownModule()  # unittest skips it when setUpModule fails
        raise


def tearDownModule():
    if cluster is not None:
        cluster.stop()
    if scratch is not None and not KEEP:
        shutil.rmtree(scratch, ignore_errors=True)


class PartitionJob(unittest.TestCase):
    def test_writes_a_dataset_with_the_requested_parts(self):
        info = json.loads(subprocess.run([BIN, "info", "--json", dataset], check=True,
                                         capture_output=True, text=True).stdout)
        self.assertEqual(info["parts"], 2)
        self.assertEqual(info["nodes"], CORA_NODES)
        self.assertEqual(info["seed"], 0)
        self.assertIn("partition.sbatch: job", jobs.log_of("partition"))
        self.assertIn("on 3 ranks", jobs.log_of("partition"))
        self.assertEqual(info["partitioner"], "ptscotch")


class TrainJobWithSrun(unittest.TestCase):
    """jobs/train.sbatch as submitted: srun --mpi=pmix, 2 ranks x 2 threads."""

    @classmethod
    def setUpClass(cls):
        cls.out = os.path.join(scratch, "train")
        cls.record = jobs.run("train", "train.sbatch", "--ntasks=2", "--cpus-per-task=2",
                             DATA=dataset, OUT=cls.out, EPOCHS=40, SEED=1, CHECKPOINT_EVERY=20)
        cls.log = jobs.log_of("train")

    def test_job_exits_0(self):
        self.assertEqual(self.record["ExitCode"], "0:0")
        self.assertEqual(self.record["Restarts"], "0")

    def test_ranks_launched_by_srun_pmix_with_threads_from_cpus_per_task(self):
        self.assertIn("srun --mpi=pmix --ntasks=2 --cpus-per-task=2", self.log)
        self.assertIn("--threads 2", self.log)
        self.assertIn("2 ranks x 2 threads", self.log)
        self.assertEqual(read_json(os.path.join(self.out, "summary.json"))["ranks"], 2)

    def test_embeddings_and_summary(self):
        node_id, emb = read_embeddings(self.out)
        self.assertEqual(emb.shape, (CORA_NODES, 16))
        self.assertTrue(np.isfinite(emb).all())
        self.assertEqual(sorted(node_id.tolist()), list(range(CORA_NODES)))
        summary = read_json(os.path.join(self.out, "summary.json"))
        self.assertGreater(summary["test_auc"], 0.7)
        self.assertGreater(summary["test_ap"], 0.7)
        self.assertEqual([m["epoch"] for m in read_metrics(self.out)], list(range(1, 41)))

    def test_checkpoints_every_checkpoint_every_epochs(self):
        names = os.listdir(os.path.join(self.out, "checkpoints"))
        epochs = sorted(int(m.group(1)) for n in names if (m := re.search(r"(\d+)\.h5$", n)))
        self.assertEqual(epochs, [20, 40], names)


class TrainJobWithMpirun(unittest.TestCase):
    def test_mpirun_launcher_trains_on_the_allocation(self):
        out = os.path.join(scratch, "train-mpirun")
        record = jobs.run("train-mpirun", "train.sbatch", "--ntasks=2", LAUNCHER="mpirun",
                         DATA=dataset, OUT=out, EPOCHS=20)
        self.assertEqual(record["ExitCode"], "0:0")
        self.assertIn("mpirun -n 2", jobs.log_of("train-mpirun"))
        self.assertEqual(read_embeddings(out)[1].shape, (CORA_NODES, 16))


class TrainJobFailures(unittest.TestCase):
    """The trainer's exit code is the job's: 2 for bad input, visible in scontrol/sacct."""

    def test_missing_dataset_fails_the_job_with_exit_code_2(self):
        record = jobs.run("train-missing", "train.sbatch", "--ntasks=1",
                         DATA=os.path.join(scratch, "no-such-dataset"),
                         OUT=os.path.join(scratch, "train-missing"), expect_state="FAILED")
        self.assertEqual(record["ExitCode"], "2:0")
        self.assertEqual(record["Restarts"], "0")

    def test_more_ranks_than_parts_fails_the_job_with_exit_code_2(self):
        record = jobs.run("train-ranks", "train.sbatch", "--ntasks=3", DATA=dataset,
                         OUT=os.path.join(scratch, "train-ranks"), expect_state="FAILED")
        self.assertEqual(record["ExitCode"], "2:0")
        self.assertIn("the dataset has 2 parts but the job runs on 3 ranks", jobs.log_of("train-ranks"))


class SweepArrayJob(unittest.TestCase):
    """Three seeds as an array job (in-memory partition, one rank each), run side by side."""

    @classmethod
    def setUpClass(cls):
        cls.root = os.path.join(scratch, "sweep")
        job_id = jobs.submit("sweep", "sweep.sbatch", "--array=0-2", "--ntasks=1",
                        GRAPH=CORA_EDGES, FEATURES=CORA_FEATURES, OUT_ROOT=cls.root, EPOCHS=30)
        cls.records = cluster.wait_done(job_id, 240)
        cls.logs = "\n".join(jobs.log_of(f"sweep-{i}") for i in range(3))

    def test_every_element_completes(self):
        self.assertEqual(len(self.records), 3, self.records)
        for r in self.records:
            self.assertEqual((r["JobState"], r["ExitCode"]), ("COMPLETED", "0:0"), self.logs)

    def test_table_has_one_line_per_seed_matching_its_summary(self):
        with open(os.path.join(self.root, "results.tsv")) as f:
            lines = [line.split("\t") for line in f.read().splitlines()]
        self.assertEqual(len(lines), 3, lines)
        self.assertEqual(sorted(int(l[0]) for l in lines), [0, 1, 2])
        for seed, auc, ap in lines:
            summary = read_json(os.path.join(self.root, f"seed-{seed}", "summary.json"))
            self.assertEqual(summary["seed"], int(seed))
            self.assertAlmostEqual(float(auc), summary["test_auc"], places=6)
            self.assertAlmostEqual(float(ap), summary["test_ap"], places=6)

    def test_collect_prints_the_table_and_mean_and_std(self):
        out = subprocess.run([os.path.join(JOBS, "collect_sweep.sh"), self.root], check=True,
                             capture_output=True, text=True).stdout
        aucs = [read_json(os.path.join(self.root, f"seed-{s}", "summary.json"))["test_auc"]
                for s in range(3)]
        self.assertIn("3 seeds: test AUC", out)
        self.assertIn(f"{np.mean(aucs):.4f} ± {np.std(aucs, ddof=1):.4f}", out)
        self.assertEqual([l.split()[0] for l in out.splitlines()[1:4]], ["0", "1", "2"])


# The preemption runs: long enough (300 cheap epochs) that a signal sent after epoch 10 lands
# mid-run, checkpointing every 5 epochs.
LONG_RUN = dict(EPOCHS=300, SEED=3, CHECKPOINT_EVERY=5, TRAIN_ARGS="--neg 10")
_reference = None


def uninterrupted_run():
    """The run the interrupted ones must reproduce (same seed, same 2 ranks); trained once."""
    global _reference
    if _reference is None:
        out = os.path.join(scratch, "reference")
        jobs.run("reference", "train.sbatch", "--ntasks=2", DATA=dataset, OUT=out, **LONG_RUN)
        _reference = out
    return _reference


def start_and_signal(name, *scancel_options):
    """A LONG_RUN on 2 ranks into scratch/<name>, scancel'ed with scancel_options after its
    10th epoch. Returns (run directory, final job record, log)."""
    return jobs.start_and_signal(name, ["--ntasks=2"], dict(DATA=dataset, **LONG_RUN),
                                 *scancel_options)


@unittest.skipUnless(trainer_can_resume(), "distgae train has no --resume/--checkpoint-every")
class PreemptedTrainJob(unittest.TestCase):
    """SLURM's warning (scancel --signal=USR1 --batch, as --signal=B:USR1@T sends it) reaches the
    batch shell only; train.sbatch forwards it, the ranks checkpoint and exit 75, the script
    requeues the job, and the second run resumes: the result equals an uninterrupted run's."""

    @classmethod
    def setUpClass(cls):
        cls.reference = uninterrupted_run()
        cls.out, cls.record, cls.log = start_and_signal("preempted", "--signal=USR1", "--batch")

    def test_job_was_requeued_once_and_completed(self):
        self.assertEqual((self.record["JobState"], self.record["ExitCode"]),
                         ("COMPLETED", "0:0"), self.log)
        self.assertEqual(self.record["Restarts"], "1", self.log)

    def test_log_shows_signal_checkpoint_requeue_and_resume(self):
        for expected in ("got SIGUSR1", "exit code 75", "requeued job", "(restart 1)",
                         "resumed from"):
            self.assertIn(expected, self.log)
        self.assertNotIn("no checkpoint", self.log.split("(restart 1)")[1])

    def test_same_model_as_the_uninterrupted_run(self):
        assert_same_model(self, self.out, self.reference, LONG_RUN["EPOCHS"])


@unittest.skipUnless(trainer_can_resume(), "distgae train has no --resume/--checkpoint-every")
class StoppedTrainJob(unittest.TestCase):
    """SIGTERM is the end of a job, never a requeue: sent to the batch shell it checkpoints and
    stops (exit 75) and a resubmission with the same OUT resumes; a plain scancel stays
    cancelled."""

    def test_term_to_the_batch_shell_checkpoints_stops_and_a_resubmission_resumes(self):
        out, record, log = start_and_signal("stopped", "--signal=TERM", "--batch")
        self.assertEqual((record["JobState"], record["ExitCode"], record["Restarts"]),
                         ("FAILED", "75:0", "0"), log)
        self.assertIn("not requeued", log)
        self.assertFalse(os.path.exists(os.path.join(out, "summary.json")))
        jobs.run("stopped-resubmitted", "train.sbatch", "--ntasks=2", DATA=dataset, OUT=out,
                **LONG_RUN)
        self.assertIn("resumed from", jobs.log_of("stopped-resubmitted"))
        assert_same_model(self, out, uninterrupted_run(), LONG_RUN["EPOCHS"])

    def test_scancel_is_not_requeued(self):
        # srun turns its own SIGTERM into SIGKILL of the ranks, so whether they finish their
        # checkpoint is a race; the periodic checkpoints are there either way.
        out, record, log = start_and_signal("cancelled")
        time.sleep(1)  # a requeue would show as PENDING by now
        record = cluster.jobs(record["JobId"])[-1]
        self.assertEqual((record["JobState"], record["Restarts"]), ("CANCELLED", "0"), log)
        self.assertTrue(os.listdir(os.path.join(out, "checkpoints")), log)


if __name__ == "__main__":
    unittest.main()
