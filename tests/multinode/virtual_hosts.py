"""Hosts made of Linux network namespaces on this machine, and Open MPI run across them over TCP.

Each host is a network namespace with its own loopback and one veth ("eth0", 10.213.<net>.<i+1>/24)
whose other end sits on a bridge inside a namespace of its own (the "switch"): the hosts reach
each other only through that bridge, have no route anywhere else, and the machine's own
namespace gets no address, route or interface. Every process on a host also runs in a UTS
namespace of its own whose hostname is the host's name, so Open MPI sees one node per host and
moves every byte between hosts over TCP through the veths (never through shared memory), and in
a mount namespace where /tmp is a directory of that host alone (node-local scratch): only what
lies outside /tmp (the run and dataset directories) is shared between hosts.

mpirun itself runs on host 0; it starts its daemons on the other hosts through an rsh agent
(a script written here) that enters the host named by the address it is given. Everything is
named with a per-cluster prefix and removed by name on close(), also when a test fails:
processes still running inside the namespaces (all started by this cluster) are killed by pid,
then the namespaces go (and their veths and bridge with them).

Needs root and iproute2; VirtualHosts.unavailable() says why not, for the test to skip.
"""
import atexit
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time


def _outermost(paths):
    """The paths, without those inside another of them."""
    kept = []
    for path in sorted(set(paths)):
        if not any(path == k or path.startswith(k + "/") for k in kept):
            kept.append(path)
    return kept


def _ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


class VirtualHosts:
    @staticmethod
    def unavailable():
        """None when namespaces can be made here, else the reason."""
        if os.geteuid() != 0:
            return "not root: network namespaces need CAP_SYS_ADMIN"
        if any(shutil.which(tool) is None for tool in ("ip", "unshare", "nsenter")):
            return "iproute2 (ip) or util-linux (unshare, nsenter) missing"
        # Everything start() needs, tried once in a scratch namespace: a machine may allow
        # namespaces but lack veth or bridge support, or forbid a UTS namespace.
        probe = f"dgprobe{os.getpid()}"
        made = _ip("netns", "add", probe, check=False)
        if made.returncode != 0:
            return f"ip netns add failed: {made.stderr.strip()}"
        try:
            for what, argv in (
                    ("a veth pair", ["ip", "link", "add", "p0", "type", "veth", "peer", "name",
                                     "p1"]),
                    ("a bridge", ["ip", "link", "add", "b0", "type", "bridge"]),
                    ("a UTS namespace", ["unshare", "--uts", "hostname", "probe"])):
                tried = subprocess.run(["ip", "netns", "exec", probe, *argv],
                                       capture_output=True, text=True)
                if tried.returncode != 0:
                    return f"cannot make {what}: {tried.stderr.strip()}"
        finally:
            _ip("netns", "del", probe, check=False)
        return None

    def __init__(self, count, network=213, shared=()):
        """count hosts. shared: paths that every host must see although they lie under /tmp
        (a checkout or a build there): they are mounted back over each host's private /tmp."""
        self.count = count
        self.prefix = f"dg{os.getpid() % 100000}"
        self.switch = f"{self.prefix}sw"
        self.names = [f"{self.prefix}h{i}" for i in range(count)]
        self.subnet = f"10.{network}.{os.getpid() % 250}"
        self.addresses = [f"{self.subnet}.{i + 1}" for i in range(count)]
        # Not under /tmp: every host sees a private /tmp of its own (node-local scratch, as on
        # many clusters), and the agent must be visible from all of them.
        self.dir = tempfile.mkdtemp(prefix="distgae-hosts-", dir="/var/tmp")
        self.private_tmp = [os.path.join(self.dir, f"tmp-{name}") for name in self.names]
        self.shared_under_tmp = _outermost(
            os.path.realpath(p) for p in shared
            if os.path.realpath(p).startswith("/tmp/") and os.path.exists(p))
        # Per host: the script that sets up its mount and UTS namespaces, then runs its arguments.
        self.setup = [os.path.join(self.dir, f"enter-{name}") for name in self.names]
        self.agent = os.path.join(self.dir, "rsh-agent")
        self._made = []
        self._processes = []

    # --- setup and teardown -------------------------------------------------------------
    def start(self):
        for path in self.private_tmp:
            os.makedirs(path, mode=0o1777)
            os.chmod(path, 0o1777)
        # Also on an interpreter exit that skips the test's teardown (sys.exit, an uncaught
        # error, SIGTERM turned into SystemExit by the test's main).
        atexit.register(self.close)
        try:
            self._add_namespace(self.switch)
            self._in(self.switch, "ip", "link", "add", "br0", "type", "bridge")
            self._in(self.switch, "ip", "link", "set", "br0", "up")
            for i, name in enumerate(self.names):
                self._add_namespace(name)
                self._in(name, "ip", "link", "set", "lo", "up")
                peer = f"{self.prefix}p{i}"
                _ip("link", "add", "eth0", "netns", name, "type", "veth", "peer", "name", peer,
                    "netns", self.switch)
                self._in(self.switch, "ip", "link", "set", peer, "master", "br0")
                self._in(self.switch, "ip", "link", "set", peer, "up")
                self._in(name, "ip", "addr", "add", f"{self.addresses[i]}/24", "dev", "eth0")
                self._in(name, "ip", "link", "set", "eth0", "up")
            for host in range(self.count):
                self._write_setup(host)
            self._write_agent()
            self._wait_until_reachable()
        except BaseException:
            self.close()
            raise
        return self

    def close(self):
        for proc in self._processes:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        for name in reversed(self._made):
            # Anything still running in our namespaces was started by this cluster.
            pids = _ip("netns", "pids", name, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            _ip("netns", "del", name, check=False)
        self._made = []
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def leftovers(self):
        """Namespaces of this cluster still present (none after close())."""
        listed = _ip("netns", "list", check=False).stdout.split("\n")
        return [line.split()[0] for line in listed if line.startswith(self.prefix)]

    # --- running -------------------------------------------------------------------------
    def host_command(self, host, argv):
        """argv run on `host` (an index): its network namespace, hostname and private /tmp.

        nsenter rather than `ip netns exec`, which mounts a sysfs of the namespace's own over
        /sys and so hides /sys/fs/cgroup (slurmd will not start without it)."""
        return ["nsenter", f"--net=/run/netns/{self.names[host]}", "unshare", "--uts", "--mount",
                self.setup[host], *argv]

    def mpirun_command(self, hosts, ranks_per_host, argv, extra_mca=()):
        """mpirun on host 0 starting `ranks_per_host` ranks on each of the first `hosts` hosts,
        Open MPI over TCP on the hosts' subnet only."""
        host_list = ",".join(f"{a}:{ranks_per_host}" for a in self.addresses[:hosts])
        mca = [("plm_rsh_agent", self.agent), ("btl", "tcp,self"),
               ("btl_tcp_if_include", f"{self.subnet}.0/24"),
               ("oob_tcp_if_include", f"{self.subnet}.0/24"), *extra_mca]
        command = ["mpirun", "--allow-run-as-root", "-n", str(hosts * ranks_per_host),
                   "-H", host_list, "--bind-to", "none"]
        for key, value in mca:
            command += ["--mca", key, value]
        return self.host_command(0, command + list(argv))

    def spawn(self, command, output):
        """Starts `command` (from host_command or mpirun_command) in a process group of its
        own, its output going to the file `output` (a pipe nobody reads while it runs would
        fill and stall the job); close() kills the group if it is still running."""
        with open(output, "w") as sink:
            proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self._processes.append(proc)
        return proc

    def run(self, command, timeout):
        """Runs `command`, killed whole if it outlives `timeout`; returns (exit code or None on
        timeout, output)."""
        output = os.path.join(self.dir, f"run-{len(self._processes)}.log")
        proc = self.spawn(command, output)
        try:
            proc.wait(timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        with open(output) as f:
            return code, f.read()

    def set_link(self, host, up):
        """Sets host `host`'s veth up or down (its cable plugged in or pulled)."""
        self._in(self.names[host], "ip", "link", "set", "eth0", "up" if up else "down")

    def shape(self, host, rate_bits=None, delay_us=None):
        """Shapes what host `host` sends on its veth like a slower link: `rate_bits` per second
        and `delay_us` one-way delay (None: unlimited, none). Delay needs the kernel's netem
        (sch_netem); without it only the rate is applied (tbf). Returns what was applied, as
        (rate_bits, delay_us)."""
        name = self.names[host]
        subprocess.run(["ip", "netns", "exec", name, "tc", "qdisc", "del", "dev", "eth0", "root"],
                       capture_output=True)
        if rate_bits is None and delay_us is None:
            return None, None
        if delay_us is not None and self.can_delay():
            qdisc = ["netem", "delay", f"{delay_us}us"]
            if rate_bits is not None:
                qdisc += ["rate", f"{rate_bits}bit"]
            # Enough queue for a link's worth of a second's traffic: netem drops past its limit.
            qdisc += ["limit", "100000"]
            self._in(name, "tc", "qdisc", "add", "dev", "eth0", "root", *qdisc)
            return rate_bits, delay_us
        if rate_bits is None:
            return None, None
        # Token bucket: a burst of 2 ms at the rate (at least 64 KiB, above one jumbo frame with
        # the timer's granularity), and up to 50 ms of queue before drops.
        burst = max(64 * 1024, rate_bits // 8 // 500)
        self._in(name, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate",
                 f"{rate_bits}bit", "burst", str(burst), "latency", "50ms")
        return rate_bits, None

    _delay_support = None

    @classmethod
    def can_delay(cls):
        """Whether this kernel has netem (a delay qdisc): tried once on a scratch veth."""
        if cls._delay_support is None:
            probe = f"dgdelay{os.getpid()}"
            _ip("netns", "add", probe, check=False)
            try:
                subprocess.run(["ip", "netns", "exec", probe, "ip", "link", "add", "d0", "type",
                                "veth", "peer", "name", "d1"], capture_output=True)
                tried = subprocess.run(["ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev",
                                        "d0", "root", "netem", "delay", "50us"],
                                       capture_output=True)
                cls._delay_support = tried.returncode == 0
            finally:
                _ip("netns", "del", probe, check=False)
        return cls._delay_support

    def pids(self, host):
        """Processes running on host `host`."""
        return [int(p) for p in _ip("netns", "pids", self.names[host], check=False).stdout.split()]

    def tx_bytes(self, host):
        """Bytes host `host` has sent on its veth."""
        out = subprocess.run(["ip", "netns", "exec", self.names[host], "cat",
                              "/sys/class/net/eth0/statistics/tx_bytes"], check=True,
                             capture_output=True, text=True).stdout
        return int(out)

    # --- internals -----------------------------------------------------------------------
    def _add_namespace(self, name):
        _ip("netns", "add", name)
        self._made.append(name)

    def _in(self, name, *argv):
        subprocess.run(["ip", "netns", "exec", name, *argv], check=True, capture_output=True)

    def _write_setup(self, host):
        # Run inside the host's fresh mount and UTS namespaces (unshare makes mounts private
        # there): the private /tmp over the machine's, the shared paths under /tmp mounted back
        # through a holder directory outside /tmp, and the host's name.
        lines = ["#!/bin/sh", "set -e"]
        holders = []
        for i, path in enumerate(self.shared_under_tmp):
            holder = os.path.join(self.dir, f"keep-{self.names[host]}-{i}")
            os.makedirs(holder, exist_ok=True)
            holders.append(holder)
            lines.append(f"mount --bind '{path}' '{holder}'")
        lines.append(f"mount --bind '{self.private_tmp[host]}' /tmp")
        for path, holder in zip(self.shared_under_tmp, holders):
            lines += [f"mkdir -p '{path}'", f"mount --bind '{holder}' '{path}'"]
        lines += [f"hostname '{self.names[host]}'", 'exec "$@"']
        with open(self.setup[host], "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(self.setup[host], 0o755)

    def _write_agent(self):
        # Open MPI calls the agent as `agent [options] HOST COMMAND...`, HOST one of our
        # addresses; the command runs in that host's namespaces under its hostname.
        cases = "\n".join(f'    {a}) ns={n} setup={e} ;;'
                           for a, n, e in zip(self.addresses, self.names, self.setup))
        script = f"""#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    -*) shift ;;
    *) break ;;
  esac
done
host="$1"; shift
case "$host" in
{cases}
    *) echo "rsh-agent: unknown host $host" >&2; exit 255 ;;
esac
exec nsenter --net="/run/netns/$ns" unshare --uts --mount "$setup" sh -c "$*"
"""
        with open(self.agent, "w") as f:
            f.write(script)
        os.chmod(self.agent, os.stat(self.agent).st_mode | stat.S_IXUSR | stat.S_IXGRP |
                 stat.S_IXOTH)

    def _wait_until_reachable(self):
        # veths come up at once and a bridge without STP forwards at once; wait for the
        # carrier to show on every host all the same.
        deadline = time.monotonic() + 10
        for name in self.names:
            while True:
                state = subprocess.run(["ip", "netns", "exec", name, "cat",
                                        "/sys/class/net/eth0/operstate"], capture_output=True,
                                       text=True).stdout.strip()
                if state == "up":
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name}: eth0 is {state!r}, not up")
                time.sleep(0.1)
