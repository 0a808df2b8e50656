"""What the multi-host test modules share: where the binary and data are, a run of distgae on
this machine's own namespace (the one-host reference), and the hosts' removal check."""
import os
import signal
import subprocess
import sys
import unittest

from virtual_hosts import VirtualHosts

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BIN = os.path.abspath(os.environ.get("DISTGAE_BIN", os.path.join(ROOT, "build", "distgae")))
DATA = os.path.abspath(os.environ.get("DISTGAE_DATA", os.path.join(ROOT, "data")))
CORA_EDGES = os.path.join(DATA, "cora", "edges.txt")
CORA_FEATURES = os.path.join(DATA, "cora", "features.mtx")
# What every host must see even when it lies under /tmp (a checkout or a build there).
SHARED_PATHS = (ROOT, DATA, os.path.dirname(BIN))


def on_one_host(ranks, argv, timeout=300):
    """`ranks` ranks of distgae on this machine's own namespace (shared memory between them);
    returns their output, raises AssertionError with it when they fail."""
    proc = subprocess.run(["mpiexec", "--allow-run-as-root", "-n", str(ranks), "--oversubscribe",
                           "--bind-to", "none", BIN, *argv], capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"one host, {ranks} ranks, {argv}: exit {proc.returncode}\n"
                             f"{proc.stdout}{proc.stderr}")
    return proc.stdout


def command_name(pid):
    """The name of process `pid` (its /proc comm)."""
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def close_hosts(hosts):
    """Removes the hosts and fails when any of their namespaces is left behind."""
    if hosts is None:
        return
    hosts.close()
    leftovers = hosts.leftovers()
    if leftovers:
        raise RuntimeError(f"namespaces left behind: {leftovers}")


def main():
    """Runs the calling module's tests, or exits 77 (ctest: skipped, with the reason printed)
    where network namespaces cannot be made."""
    # ctest's timeout and a user's kill send SIGTERM: exit normally so everything is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    reason = VirtualHosts.unavailable()
    if reason:
        print(f"SKIPPED: cannot make hosts from network namespaces here: {reason}")
        sys.exit(77)
    unittest.main(module="__main__", verbosity=2)
