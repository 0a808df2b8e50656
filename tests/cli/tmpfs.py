"""A small tmpfs that a test mounts itself (as root, which CI is) to run distgae on a disk that
fills up at a chosen point. Mounting is required, never skipped: a test that cannot mount fails
with the reason."""
import os
import subprocess
import tempfile

PAGE = 4096


class Tmpfs:
    def __init__(self, size_bytes):
        self.path = tempfile.mkdtemp(prefix="distgae-tmpfs-")
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs",
                               self.path], capture_output=True, text=True)
        if proc.returncode != 0:
            os.rmdir(self.path)
            raise AssertionError(
                f"cannot mount a tmpfs (these tests need root, as CI has): {proc.stderr.strip()}")
        self.ballast = os.path.join(self.path, ".ballast")

    def __call__(self, *parts):
        return os.path.join(self.path, *parts)

    def free_bytes(self):
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize

    def leave_free(self, free_bytes):
        """Sizes a ballast file so that `free_bytes` (rounded down to pages) are left free."""
        free_bytes -= free_bytes % PAGE
        current = os.path.getsize(self.ballast) if os.path.exists(self.ballast) else 0
        target = current + self.free_bytes() - free_bytes
        if target < 0:
            raise AssertionError(f"the tmpfs has less than {free_bytes} bytes free")
        fd = os.open(self.ballast, os.O_WRONLY | os.O_CREAT)
        try:
            os.ftruncate(fd, 0)  # tmpfs frees the pages; fallocate takes back what is needed
            if target > 0:
                os.posix_fallocate(fd, 0, target)
        finally:
            os.close(fd)
        if self.free_bytes() != free_bytes:
            raise AssertionError(f"{self.free_bytes()} bytes free, wanted {free_bytes}")

    def unmount(self):
        subprocess.run(["umount", self.path], check=True)
        os.rmdir(self.path)
