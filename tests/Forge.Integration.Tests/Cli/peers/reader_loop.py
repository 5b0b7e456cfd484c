#!/usr/bin/python3
"""A zarr-python / xarray reader that opens a Zarr v2 store again and again while Forge writes it.

usage: reader_loop.py STORE REFERENCE STOPFILE [--deadline SECONDS]

Each poll opens STORE the way readers do (consolidated metadata, as xarray.open_zarr does, and the plain .zarray
view) and checks the store is consistent: every array's shape and chunks agree between the two views' grids and the
chunk keys that exist, every chunk the shape promises exists (a missing one would silently read as fill), xarray loads
every variable, and the values equal the REFERENCE store's (the finished run) over the visible extent. A store with no
metadata yet counts as "absent" (allowed: nothing published). One JSON line per poll on stdout (flushed, so a test can
count polls while the writer is stopped); once STOPFILE exists it polls one last time, prints a summary line and exits
0, or 1 at the first inconsistency (its message on stderr). Needs Debian's python3-zarr (2.x) and python3-xarray.
"""
import json
import os
import sys
import time

import numpy as np
import xarray as xr
import zarr


class Inconsistent(Exception):
    pass


def fail(message):
    raise Inconsistent(message)


def report_failure(message):
    print(json.dumps({"poll": "failed", "error": message}), flush=True)
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)


def read_commit():
    """What a poll reads, as a fingerprint: every file of the store outside .forge (name, size, mtime) and the
    metadata's bytes. A poll during which it changed read two versions of the store (a straddle), not one."""
    parts = []
    for root, dirs, files in os.walk(store_path):
        dirs[:] = [d for d in dirs if d != ".forge"]
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue
            parts.append(f"{os.path.relpath(path, store_path)}:{st.st_size}:{st.st_mtime_ns}".encode())
            if name.startswith(".z"):
                with open(path, "rb") as f:
                    parts.append(f.read())
    return b"\1".join(sorted(parts))


def grid(shape, chunks):
    return [(s + c - 1) // c if s else 0 for s, c in zip(shape, chunks)]


def chunk_keys(name, shape, chunks, sep):
    g = grid(shape, chunks)
    if not g:
        return [f"{name}/0"]
    keys = [()]
    for n in g:
        keys = [k + (i,) for k in keys for i in range(n)]
    return [f"{name}/" + sep.join(str(i) for i in k) for k in keys]


def check_view(store, group, ref, view):
    shapes = {}
    for name, arr in group.arrays():
        meta = json.loads(store.store[f"{name}/.zarray"]) if view == "plain" else None
        shape = tuple(arr.shape)
        if meta is not None and tuple(meta["shape"]) != shape:
            fail(f"{view}: {name} shape {shape} but .zarray says {meta['shape']}")
        sep = arr._dimension_separator or "."
        for key in chunk_keys(name, shape, arr.chunks, sep):
            if not os.path.exists(os.path.join(store_path, key)):
                fail(f"{view}: {name} has shape {shape} and chunks {arr.chunks}, but chunk '{key}' does not exist")
        values = arr[...]
        expected = ref[name]
        if len(shape) != len(expected.shape) or any(s > e for s, e in zip(shape, expected.shape)):
            fail(f"{view}: {name} shape {shape} is not a prefix of the finished store's {expected.shape}")
        want = expected[tuple(slice(0, s) for s in shape)]
        if not np.array_equal(values, want, equal_nan=values.dtype.kind == "f"):
            fail(f"{view}: {name} values differ from the finished store over {shape}")
        shapes[name] = shape
    return shapes


store_path, reference, stopfile = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.monotonic() + (float(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--deadline" else 600)
ref = zarr.open_consolidated(reference, mode="r")
polls = absent = straddled = mid_publish = 0
seen = {}
last = False
while True:
    if time.monotonic() > deadline:
        report_failure("deadline passed before the stop file appeared")
    last = os.path.exists(stopfile)
    polls += 1
    store = zarr.DirectoryStore(store_path)
    if not os.path.exists(os.path.join(store_path, ".zmetadata")):
        absent += 1
        state = {"poll": polls, "state": "absent"}
        time.sleep(0.01)  # nothing to read yet: do not spin a core
    else:
        commit = read_commit()
        try:
            consolidated = zarr.open_consolidated(store, mode="r")
            shapes = check_view(consolidated, consolidated, ref, "consolidated")
            # A new v2 store becomes a group (.zgroup) only after .zmetadata: a plain reader sees nothing until then.
            # The consolidated metadata is the commit point: while the array metadata of a publish is written ahead of
            # it (plain .zarray shapes differ from the consolidated ones) the plain view is checked only once it agrees.
            if os.path.exists(os.path.join(store_path, ".zgroup")):
                plain = zarr.open_group(store, mode="r")
                if all(tuple(a.shape) == shapes.get(n) for n, a in plain.arrays()):
                    check_view(plain, plain, ref, "plain")
                else:
                    mid_publish += 1
            ds = xr.open_zarr(store_path, consolidated=True, mask_and_scale=False).load()
            for name in ds.variables:
                if tuple(ds[name].shape) != shapes[name]:
                    fail(f"xarray: {name} shape {ds[name].shape}, zarr {shapes[name]}")
        except Exception as e:  # noqa: BLE001 - any failure to read a published store is an inconsistency
            # A poll that straddled the commit (the consolidated metadata changed while it read) mixed two versions
            # itself; it is repeated. A failure against one unchanged version is the store's inconsistency.
            # The writer may be between two writes of one commit (an append's single-chunk coordinate is rewritten one
            # write before the consolidated metadata): a store that changes within a second was mid-commit, not
            # inconsistent; one that stays inconsistent and unchanged is (a held run, at every stop, is unchanged).
            if read_commit() != commit or (time.sleep(1.0) or read_commit() != commit):
                straddled += 1
                polls -= 1
                continue
            report_failure(str(e) if isinstance(e, Inconsistent) else f"{type(e).__name__} while reading: {e!r}")
        version = json.dumps(sorted((k, list(v)) for k, v in shapes.items()))
        seen[version] = seen.get(version, 0) + 1
        state = {"poll": polls, "state": "ok", "shapes": {k: list(v) for k, v in shapes.items()}}
    print(json.dumps(state), flush=True)
    if last:
        break
print(json.dumps({"summary": True, "polls": polls, "absent": absent, "straddled": straddled, "mid_publish": mid_publish, "versions": [{"shapes": json.loads(v), "polls": n} for v, n in seen.items()]}), flush=True)
