"""The checkpoint checksum of docs/format.md ("Checksums"), written independently of the C++
(numpy, vectorised over rows): the tests re-sign arrays they change on purpose with it, and check
that distgae's stored checksums are the documented ones."""
import numpy as np

_SEED = np.uint64(0x9E3779B97F4A7C15)


def _mix64(x):
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def checksum(values, first_row=0):
    """Checksum of a float32 array: [rows, width], or 1-D as [n, 1]; rows numbered from
    first_row. An int (uint64)."""
    rows = np.ascontiguousarray(values, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(-1, 1)
    n, width = rows.shape
    bits = rows.view(np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        state = _mix64(np.arange(first_row, first_row + n, dtype=np.uint64) + _SEED)
        for k in range(width // 2):
            state = _mix64(state ^ (bits[:, 2 * k] | (bits[:, 2 * k + 1] << np.uint64(32))))
        if width % 2:
            state = _mix64(state ^ bits[:, width - 1])
        return int(state.sum(dtype=np.uint64))
