#!/usr/bin/python3
"""Compares a Forge Zarr v2 store made from GRIB files with cfgrib's open_mfdataset of the same files.

Usage: compare_cfgrib.py STORE SHORTNAME FILE ...   (files concatenated along time, filtered by shortName)
Every variable's values (and decoded times) and dimensions must be equal. Prints "ok" or exits 1.
"""
import sys

import numpy as np
import xarray as xr

store, short_name, files = sys.argv[1], sys.argv[2], sys.argv[3:]
z = xr.open_zarr(store, consolidated=True)
m = xr.open_mfdataset(files, engine="cfgrib", combine="nested", concat_dim="time",
                      backend_kwargs={"filter_by_keys": {"shortName": short_name}, "indexpath": ""})
problems = []
if dict(z.dims) != dict(m.dims):
    problems.append(f"dims {dict(z.dims)} vs {dict(m.dims)}")
for name in m.variables:
    if name not in z.variables:
        problems.append(f"{name} missing from the store")
        continue
    a, b = z[name].values, m[name].values
    if z[name].dims != m[name].dims:
        problems.append(f"{name}: dims {z[name].dims} vs {m[name].dims}")
    elif a.dtype.kind == "f":
        if not np.array_equal(a, b, equal_nan=True):
            problems.append(f"{name}: values differ")
    elif not np.array_equal(a, b):
        problems.append(f"{name}: values differ: {a.ravel()[:3]} vs {b.ravel()[:3]}")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("ok")
