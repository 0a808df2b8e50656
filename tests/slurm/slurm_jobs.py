"""Submitting the job scripts in jobs/ to a test SlurmCluster as a user would, and reading what
the jobs wrote: shared by the one-node tests (test_slurm_jobs.py) and the multi-node ones
(tests/multinode/test_multinode_slurm.py).

    jobs = JobRunner(cluster, scratch, binary)
    record = jobs.run("train", "train.sbatch", "--ntasks=2", DATA=..., OUT=...)
"""
import json
import os
import time

import h5py
import numpy as np

JOBS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "jobs"))


class JobRunner:
    """Jobs submitted from `scratch` (a directory every node sees), their logs in
    scratch/<name>.out, with `binary` as the jobs' DISTGAE."""

    def __init__(self, cluster, scratch, binary):
        self.cluster = cluster
        self.scratch = scratch
        self.binary = binary

    def env(self, **params):
        """What every job gets: the binary, Open MPI's permission to run as root (CI),
        params."""
        env = {"DISTGAE": self.binary, "OMPI_ALLOW_RUN_AS_ROOT": 1,
               "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": 1, "OMPI_MCA_rmaps_base_oversubscribe": 1}
        env.update(params)
        return env

    def submit(self, name, script, *options, **params):
        """sbatch jobs/<script> with params as environment variables; the log goes to
        scratch/<name>.out (array elements: <name>-<index>.out). Returns the job id."""
        array = any(o.startswith("--array") for o in options)
        output = os.path.join(self.scratch, f"{name}-%a.out" if array else f"{name}.out")
        return self.cluster.sbatch(os.path.join(JOBS, script), f"--output={output}", *options,
                                   export=self.env(**params), cwd=self.scratch)

    def log_of(self, name):
        path = os.path.join(self.scratch, f"{name}.out")
        if not os.path.exists(path):
            return "(no log)"
        with open(path, errors="replace") as f:
            return f.read()

    def run(self, name, script, *options, timeout=180, expect_state="COMPLETED", **params):
        """Submits and waits for the job; fails the test, showing the job's log, unless it
        ends in expect_state. Returns the (last) `scontrol show job` record."""
        job_id = self.submit(name, script, *options, **params)
        record = self.cluster.wait_done(job_id, timeout)[-1]
        if record["JobState"] != expect_state:
            raise AssertionError(f"job {name} ({job_id}) ended {record['JobState']} exit "
                                 f"{record['ExitCode']}, expected {expect_state}:\n"
                                 f"{self.log_of(name)}")
        return record

    def wait_for_epochs(self, run_dir, epochs, job_id, timeout=120):
        """Waits until run_dir/metrics.jsonl holds `epochs` lines (the job still running)."""
        path = os.path.join(run_dir, "metrics.jsonl")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(path):
                with open(path) as f:
                    if sum(1 for _ in f) >= epochs:
                        return
            states = {r["JobState"] for r in self.cluster.jobs(job_id)}
            if states and not states & {"PENDING", "RUNNING", "CONFIGURING"}:
                raise AssertionError(f"job {job_id} is {states} before epoch {epochs}")
            time.sleep(0.05)
        raise AssertionError(f"job {job_id}: no epoch {epochs} in {path} after {timeout} s")

    def start_and_signal(self, name, options, params, *scancel_options, after_epochs=10):
        """Submits train.sbatch with `options` and `params` into scratch/<name>, waits for
        epoch `after_epochs`, then scancel's it with scancel_options. Returns (run directory,
        final job record, log)."""
        out = os.path.join(self.scratch, name)
        job_id = self.submit(name, "train.sbatch", *options, OUT=out, **params)
        self.wait_for_epochs(out, after_epochs, job_id)
        self.cluster.command("scancel", *scancel_options, job_id)
        record = self.cluster.wait_done(job_id, 240)[-1]
        return out, record, self.log_of(name)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def read_metrics(run_dir):
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        return [json.loads(line) for line in f]


def read_embeddings(run_dir):
    with h5py.File(os.path.join(run_dir, "embeddings", "embeddings.h5")) as f:
        return f["node_id"][:], f["embedding"][:]


def assert_same_model(test, out, reference, epochs):
    """Every epoch once, with the reference's losses; the same test scores and embeddings,
    bit for bit."""
    metrics, ref_metrics = read_metrics(out), read_metrics(reference)
    test.assertEqual([m["epoch"] for m in metrics], list(range(1, epochs + 1)))
    test.assertEqual([m["loss"] for m in metrics], [m["loss"] for m in ref_metrics])
    summary = read_json(os.path.join(out, "summary.json"))
    ref_summary = read_json(os.path.join(reference, "summary.json"))
    test.assertEqual(summary["test_auc"], ref_summary["test_auc"])
    test.assertEqual(summary["test_ap"], ref_summary["test_ap"])
    ids, emb = read_embeddings(out)
    ref_ids, ref_emb = read_embeddings(reference)
    np.testing.assert_array_equal(ids, ref_ids)
    np.testing.assert_array_equal(emb, ref_emb)
