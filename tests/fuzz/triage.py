"""Sorts the reports in a log of libFuzzer runs (scripts/fuzz.sh reruns every saved artifact) into
findings and HDF5-internal failures. A report counts as HDF5-internal only when the innermost
frame of its stack outside the sanitizer, libFuzzer and C/C++ runtimes lies in libhdf5: HDF5
1.10 misbehaves on some damaged files (a global-heap read that copies out of bounds, a loop
that never ends, a multi-GiB allocation) before it returns an error we could turn into an
InputError. Any other report (a frame of ours innermost, an uncaught exception, a leak) is a
finding. Prints one line per report; exits 1 when there is a finding."""
import re
import sys

FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+")
FUNCTION = re.compile(r" in (.+)$")
RUNTIME = re.compile(r"__sanitizer|__asan|__ubsan|__lsan|__interceptor|fuzzer::|^malloc\b|^calloc\b|"
                     r"^realloc\b|^free\b|^operator new|^operator delete|__cxa_|std::terminate|"
                     r"^abort\b|^raise\b|^__GI_|^__pthread_kill|^__(mem|str|wcs)|^main\b|^__libc_start")
RUNTIME_MODULES = re.compile(r"libc\.so|libstdc\+\+|ld-linux|libgcc_s")
REPORT_START = re.compile(r"==\d+==\s*ERROR: |ERROR: libFuzzer: |fuzz finding: ")


def innermost_own_frame(frames):
    for line in frames:
        if not FRAME.match(line):
            continue
        function = FUNCTION.search(line)
        if (function and RUNTIME.search(function.group(1))) or RUNTIME_MODULES.search(line):
            continue
        return line.strip()
    return ""


def reports(lines):
    current = None
    for line in lines:
        if REPORT_START.search(line):
            if current is not None and not current["frames"] and "fuzz finding" in current["head"]:
                current["head"] += " | " + line.strip()  # the abort that follows our message
                continue
            if current is not None:
                yield current
            current = {"head": line.strip(), "frames": []}
        elif current is not None and re.match(r"^\s*#\d+ 0x", line):
            # A report runs to the next one: an RSS-limit report lists several stacks (the
            # largest live allocations), separated by blank lines.
            current["frames"].append(line)
    if current is not None:
        yield current


def main(path):
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    findings = hdf5 = 0
    for report in reports(lines):
        frame = innermost_own_frame(report["frames"])
        internal = "libhdf5" in frame and "fuzz finding" not in report["head"]
        if internal:
            hdf5 += 1
        else:
            findings += 1
            print(f"FINDING: {report['head'][:200]}\n    at {frame[:300]}")
    print(f"triage: {findings} finding(s), {hdf5} HDF5-internal report(s) tolerated")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
