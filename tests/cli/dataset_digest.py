"""Digests of a dataset directory's contents, read with h5py as a user would: equal digests mean
equal arrays and attributes, whichever process wrote the files."""
import glob
import hashlib
import os

import h5py
import numpy as np

# Attributes that name the inputs rather than describe the data.
PATH_ATTRIBUTES = {"source_graph", "source_features"}


def _walk(h5, skip_attributes):
    """(name, bytes) for every attribute and dataset in an HDF5 file, in a fixed order."""
    items = []

    def attributes(name, obj):
        for key in sorted(obj.attrs):
            if key in skip_attributes:
                continue
            value = obj.attrs[key]
            items.append((f"{name}@{key}", np.asarray(value).tobytes() if not isinstance(
                value, (str, bytes)) else (value.encode() if isinstance(value, str) else value)))

    attributes("/", h5)

    def visit(name, obj):
        attributes(name, obj)
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            items.append((name, str(data.dtype).encode() + str(data.shape).encode() +
                          np.ascontiguousarray(data).tobytes()))

    h5.visititems(visit)
    return sorted(items)


def file_digest(path, skip_attributes=PATH_ATTRIBUTES):
    digest = hashlib.sha256()
    with h5py.File(path, "r") as h5:
        for name, data in _walk(h5, skip_attributes):
            digest.update(name.encode())
            digest.update(data)
    return digest.hexdigest()


def dataset_digests(directory, skip_attributes=PATH_ATTRIBUTES):
    """{file name: digest} for meta.h5 and every part."""
    files = ["meta.h5"] + sorted(
        os.path.basename(p) for p in glob.glob(os.path.join(directory, "part-*.h5")))
    return {name: file_digest(os.path.join(directory, name), skip_attributes) for name in files}


def partition_digest(directory):
    """One digest of everything that defines the partition and the parts, leaving out the
    fingerprint (whose definition may change) and the input paths."""
    digests = dataset_digests(directory, PATH_ATTRIBUTES | {"graph_fingerprint"})
    return hashlib.sha256("".join(f"{k}:{v}" for k, v in sorted(digests.items())).encode()).hexdigest()


def split_pairs(directory):
    """The whole split as read back from the parts: {list name: sorted array of pairs}."""
    lists = {}
    for name in ("train", "val_pos", "val_neg", "test_pos", "test_neg"):
        pairs = []
        for path in sorted(glob.glob(os.path.join(directory, "part-*.h5"))):
            with h5py.File(path, "r") as part:
                pairs.append(part["edges/" + name][()])
        merged = np.concatenate(pairs) if pairs else np.zeros((0, 2), np.int64)
        lists[name] = merged[np.lexsort((merged[:, 1], merged[:, 0]))] if len(merged) else merged
    return lists
