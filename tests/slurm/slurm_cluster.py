"""A real single-node SLURM for the job-script tests: a private munged, slurmctld and slurmd,
all started from a temporary directory and stopped (by pid) when the test ends.

Needs root (slurmd launches jobs as their owner) and Debian's `slurm-wlm munge`
(scripts/install-deps.sh). Nothing outside the temporary directory is touched: the munge key,
socket, seed, logs, state, spool and pid files live there, the ports are picked free, and the
client commands find the cluster through SLURM_CONF (see `env`).

    with SlurmCluster() as cluster:
        job = cluster.sbatch("jobs/train.sbatch", "--ntasks=2", export={"DATA": ...})
        info = cluster.wait_done(job, timeout=120)
"""
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "scontrol", "scancel", "sinfo", "srun")
# Job states after which a job runs no more (REQUEUED / PENDING are not among them).
FINAL_STATES = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
                "PREEMPTED", "BOOT_FAIL", "DEADLINE"}


class ClusterError(RuntimeError):
    """The test cluster could not be started or a command against it failed."""


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    """In a daemon before exec: SIGTERM when the test process dies, however it dies (ctest
    kills a test that runs past its timeout), so no daemon outlives its test."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _real_memory_mb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024 * 9 // 10
    return 1024


class SlurmCluster:
    """One partition `debug` of one node (this host, as 127.0.0.1), or of one node per host of
    a tests/multinode VirtualHosts (started): slurmctld then runs on host 0, one slurmd on each
    host (in its network namespace, under its hostname, with its private /tmp), and the client
    commands run on host 0, the only place the controller can be reached from.

    cpus: CPUs declared for each node; more than the machine has lets a 4-task job run on a
    2-core CI machine (slurmd accepts the declaration: SlurmdParameters=config_overrides).
    slurmd_timeout: seconds without an answer from a node's slurmd before slurmctld marks it
    DOWN and ends (or requeues) its jobs (SLURM's default: 300); message_timeout: how long one
    message waits for its answer (SLURM's default: 10), which a silent node's pings wait out
    first.
    """

    def __init__(self, cpus=None, keep_dir=False, hosts=None, slurmd_timeout=300,
                 message_timeout=10):
        self.cpus = cpus or max(os.cpu_count() or 1, 8)
        self.slurmd_timeout = slurmd_timeout
        self.message_timeout = message_timeout
        self.keep_dir = keep_dir
        self.hosts = hosts
        self.dir = None
        if hosts is None:
            self.nodes = [(socket.gethostname().split(".")[0], "127.0.0.1")]
        else:
            self.nodes = list(zip(hosts.names, hosts.addresses))
        self.node = self.nodes[0][0]  # the controller's node
        self.procs = {}  # daemon name (slurmd: slurmd-<node>) -> Popen
        self._logs = []

    # -- lifecycle --------------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self, timeout=60):
        if os.geteuid() != 0:
            raise ClusterError("the SLURM tests start slurmd, which must run as root "
                               f"(running as uid {os.geteuid()})")
        missing = [c for c in DAEMONS + CLIENTS if shutil.which(c, path=self._path()) is None]
        if missing:
            raise ClusterError(f"not installed: {' '.join(missing)} (Debian: apt-get install "
                               "slurm-wlm munge, or scripts/install-deps.sh)")
        # Hosts have a private /tmp: the cluster's files (configuration, munge socket) must be
        # where all of them see it.
        self.dir = tempfile.mkdtemp(prefix="distgae-slurm-",
                                    dir=None if self.hosts is None else "/var/tmp")
        os.chmod(self.dir, 0o755)  # jobs run as root here, but keep the tree traversable
        for sub in ("etc", "state", "spool", "log", "run"):
            os.makedirs(os.path.join(self.dir, sub))
        try:
            self._start_munged()
            self._write_conf()
            self._start_slurm_daemons()
            self.wait_nodes_idle(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Cancels every job, stops the daemons (TERM, then KILL), kills leftover job
        processes of this cluster (found by SLURM_CONF in their environment) and removes the
        directory unless keep_dir."""
        if self.dir is None:
            return
        if "slurmctld" in self.procs and self.procs["slurmctld"].poll() is None:
            subprocess.run(["scancel", "--quiet", "--partition=debug"], env=self.env,
                           capture_output=True, timeout=30)
            deadline = time.time() + 20
            while time.time() < deadline and self._squeue_ids():
                time.sleep(0.5)
        for name in reversed(list(self.procs)):  # slurmds, slurmctld, munged
            self._terminate(self.procs.pop(name))
        self._kill_leftovers()
        for log in self._logs:
            log.close()
        self._logs = []
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    # -- clients ----------------------------------------------------------------------------
    @property
    def conf(self):
        return os.path.join(self.dir, "etc", "slurm.conf")

    @property
    def env(self):
        env = dict(os.environ)
        env["SLURM_CONF"] = self.conf
        env["PATH"] = self._path()
        for key in [k for k in env if k.startswith(("SLURM_", "SBATCH_", "SRUN_"))]:
            if key != "SLURM_CONF":
                del env[key]  # a job's variables would confuse the client commands
        return env

    def on_controller(self, argv):
        """argv run where the controller can be reached (host 0 when there are hosts)."""
        argv = list(map(str, argv))
        if self.hosts is None:
            return argv
        return ["ip", "netns", "exec", self.hosts.names[0], *argv]

    def command(self, *args, check=True, timeout=60):
        proc = subprocess.run(self.on_controller(args), env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise ClusterError(f"{' '.join(map(str, args))} exited {proc.returncode}: "
                               f"{proc.stdout}{proc.stderr}")
        return proc

    def sbatch(self, script, *options, export=None, cwd=None):
        """Submits script; `export` adds environment variables (all of the submitter's are
        exported too). Returns the job id (a string; `123` or, for arrays, the array id)."""
        env = self.env
        env.update({k: str(v) for k, v in (export or {}).items()})
        proc = subprocess.run(self.on_controller(["sbatch", "--parsable", *options, script]),
                              env=env,
                              cwd=cwd or self.dir, capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise ClusterError(f"sbatch {script} exited {proc.returncode}: {proc.stderr}")
        return proc.stdout.strip().split(";")[0]

    def jobs(self, job_id):
        """`scontrol show job` of job_id as a list of dicts (one per array element)."""
        proc = self.command("scontrol", "--oneliner", "show", "job", job_id, check=False)
        if proc.returncode != 0:
            return []
        records = []
        for line in proc.stdout.splitlines():
            if line.strip():
                records.append(dict(re.findall(r"(\w[\w:/]*)=(\S*)", line)))
        return records

    def wait_done(self, job_id, timeout):
        """Waits until every element of job_id is in a final state; returns the records.
        Raises ClusterError (with the slurmctld log tail) on timeout."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            records = self.jobs(job_id)
            if records and all(r.get("JobState") in FINAL_STATES for r in records):
                return records
            time.sleep(0.5)
        raise ClusterError(f"job {job_id} not done after {timeout} s: {self.jobs(job_id)}\n"
                           f"slurmctld log:\n{self.log_tail('slurmctld')}")

    def log_tail(self, daemon, lines=30):
        path = os.path.join(self.dir, "log", f"{daemon}.log")
        try:
            with open(path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- munge --------------------------------------------------------------------------------
    def _start_munged(self):
        munge_dir = os.path.join(self.dir, "munge")
        os.makedirs(munge_dir, mode=0o700)
        key = os.path.join(munge_dir, "munge.key")
        with open(os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400), "wb") as f:
            f.write(os.urandom(1024))
        self.munge_socket = os.path.join(munge_dir, "munge.socket")
        self._spawn("munged", ["munged", "--foreground", "--force", f"--key-file={key}",
                               f"--socket={self.munge_socket}",
                               f"--pid-file={munge_dir}/munged.pid",
                               f"--log-file={munge_dir}/munged.log",
                               f"--seed-file={munge_dir}/munged.seed"])
        self._wait_for(lambda: os.path.exists(self.munge_socket), 15, "munged's socket",
                       "munged", os.path.join(munge_dir, "munged.log"))

    # -- slurm --------------------------------------------------------------------------------
    def _write_conf(self):
        d = self.dir
        ctld_port, slurmd_port = _free_port(), _free_port()
        memory_mb = _real_memory_mb()
        for node, _ in self.nodes:
            os.makedirs(os.path.join(d, "spool", node))
        nodes = "\n".join(f"NodeName={node} NodeAddr={address} CPUs={self.cpus} "
                          f"RealMemory={memory_mb} State=UNKNOWN" for node, address in self.nodes)
        ctld_node, ctld_address = self.nodes[0]
        conf = f"""\
# Generated by tests/slurm/slurm_cluster.py: a throwaway one-node cluster.
ClusterName=distgae-test
SlurmctldHost={ctld_node}({ctld_address})
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket={self.munge_socket},cred_expire=10
StateSaveLocation={d}/state
# %n: the node's name, so several slurmd can share the directory.
SlurmdSpoolDir={d}/spool/%n
SlurmctldPidFile={d}/run/slurmctld.pid
SlurmdPidFile={d}/run/slurmd-%n.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in containers: track processes through /proc, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
JobRequeue=1
KillWait=5
# Finished jobs stay visible to `scontrol show job` for the test's checks.
MinJobAge=600
SlurmdTimeout={self.slurmd_timeout}
MessageTimeout={self.message_timeout}
InactiveLimit=0
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=1
{nodes}
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""
        with open(self.conf, "w") as f:
            f.write(conf)

    def _start_slurm_daemons(self):
        self._spawn("slurmctld", ["slurmctld", "-D", "-c", "-f", self.conf], host=0)
        def answers():
            ping = self.command("scontrol", "ping", check=False, timeout=10)
            return ping.returncode == 0 and "UP" in ping.stdout
        self._wait_for(answers, 30, "slurmctld to answer", "slurmctld")
        for host, (node, _) in enumerate(self.nodes):
            self._spawn(f"slurmd-{node}", ["slurmd", "-D", "-f", self.conf, "-N", node],
                        host=host)

    def wait_nodes_idle(self, timeout):
        """Waits until every node is idle (or mixed); ClusterError with the last slurmd's log
        otherwise."""
        def idle():
            out = self.command("sinfo", "--noheader", "--Node", "--format=%T", check=False)
            states = [s.rstrip("*") for s in out.stdout.split()]
            return (out.returncode == 0 and len(states) == len(self.nodes) and
                    all(s in ("idle", "mixed") for s in states))
        self._wait_for(idle, timeout, "every node to be idle", f"slurmd-{self.nodes[-1][0]}")

    # -- processes ------------------------------------------------------------------------------
    def _path(self):
        return os.environ.get("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin"

    def _spawn(self, name, argv, host=None):
        """Starts a daemon; on host `host` (its namespaces) when the cluster has hosts."""
        log = open(os.path.join(self.dir, "log", f"{name}.stdout"), "w")
        self._logs.append(log)
        env = self.env
        env["DISTGAE_SLURM_TEST_DIR"] = self.dir  # marks its children for _kill_leftovers
        if self.hosts is not None and host is not None:
            argv = self.hosts.host_command(host, argv)
        self.procs[name] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env,
                                            start_new_session=True,
                                            preexec_fn=_die_with_parent)

    def _wait_for(self, ready, timeout, what, daemon, log_path=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            proc = self.procs.get(daemon)
            if proc is not None and proc.poll() is not None:
                break
            try:
                if ready():
                    return
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.3)
        proc = self.procs.get(daemon)
        state = f"exited {proc.returncode}" if proc and proc.poll() is not None else "running"
        log = log_path or os.path.join(self.dir, "log", f"{daemon}.log")
        tail = ""
        for path in (log, os.path.join(self.dir, "log", f"{daemon}.stdout")):
            try:
                with open(path, errors="replace") as f:
                    tail += f"--- {path}\n" + "".join(f.readlines()[-20:])
            except OSError:
                pass
        raise ClusterError(f"timed out waiting for {what} ({daemon} {state})\n{tail}")

    @staticmethod
    def _terminate(proc, grace=10):
        if proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _squeue_ids(self):
        proc = self.command("squeue", "--noheader", "--format=%i", check=False, timeout=10)
        return proc.stdout.split() if proc.returncode == 0 else []

    def _kill_leftovers(self):
        """slurmstepd and job processes outlive slurmd; they carry this cluster's marker or
        SLURM_CONF in their environment."""
        markers = (f"DISTGAE_SLURM_TEST_DIR={self.dir}".encode(),
                   f"SLURM_CONF={self.conf}".encode())
        for _ in range(2):
            found = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                if int(pid) == os.getpid():
                    continue
                try:
                    with open(f"/proc/{pid}/environ", "rb") as f:
                        environ = f.read().split(b"\0")
                except OSError:
                    continue
                if any(m in environ for m in markers):
                    found.append(int(pid))
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if not found:
                return
            time.sleep(0.5)
