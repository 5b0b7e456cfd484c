"""Checks a Zarr v2 store written by Forge with zarr-python 2.x and xarray.

Usage: /usr/bin/python3 check_forge_v2.py STORE MANIFEST [STORE MANIFEST ...]
MANIFEST: {"arrays": [{"name", "dtype", "shape", "dims", "bin", "fill"}], "attrs": {...}}.
Each array must read (zarr.open_array) equal to the raw little-endian values in "bin"; xr.open_zarr(consolidated=True)
must see the same dimensions, the same group attributes, and values masked where they equal "fill".
Prints "ok <n>" and exits 0, or raises.
"""
import json
import sys

import numpy as np
import xarray as xr
import zarr



def check(store, manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    check_store(store, manifest)
    return len(manifest["arrays"])


def check_store(store, manifest):
    group = zarr.open_consolidated(store, mode="r")
    ds = xr.open_zarr(store, consolidated=True, decode_times=False)
    for a in manifest["arrays"]:
        expected = np.fromfile(a["bin"], dtype=np.dtype(a["dtype"])).reshape(a["shape"])
        raw = zarr.open_array(store, path=a["name"], mode="r")[...]
        assert raw.dtype == expected.dtype, (a["name"], raw.dtype, expected.dtype)
        assert np.array_equal(raw, expected, equal_nan=raw.dtype.kind == "f"), (a["name"], raw, expected)
        assert group[a["name"]].shape == tuple(a["shape"]), a["name"]
        var = ds[a["name"]]
        assert list(var.dims) == a["dims"], (a["name"], var.dims, a["dims"])
        masked = expected.astype("f8") if a["fill"] is not None else expected
        if a["fill"] is not None:
            masked[expected == a["fill"]] = np.nan
        assert np.array_equal(var.values.astype(masked.dtype), masked, equal_nan=masked.dtype.kind == "f"), (a["name"], var.values, masked)
        for k, v in a.get("attrs", {}).items():
            got = var.attrs[k]
            assert np.array_equal(np.asarray(got), np.asarray(v)), (a["name"], k, got, v)
    for k, v in manifest["attrs"].items():
        assert ds.attrs[k] == v, (k, ds.attrs[k], v)


args = sys.argv[1:]
counts = [check(args[i], args[i + 1]) for i in range(0, len(args), 2)]
print("ok", " ".join(map(str, counts)))
