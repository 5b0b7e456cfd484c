#!/usr/bin/python3
"""Compares Forge Zarr v2 stores made from GRIB files with cfgrib's open_mfdataset of the same files.

Usage: compare_cfgrib_cases.py STORE FILE... [-- STORE FILE...]...
Each case: the FILEs concatenated along time (xarray's nested combine, default options), no filter. Dimensions,
every variable's dims, dtype and values (decoded: time, step and valid_time as datetimes/timedeltas) must be
equal. Prints "ok" or one line per problem (prefixed with the store) and exits 1.
"""
import logging
import sys

import numpy as np
import xarray as xr

logging.disable(logging.WARNING)  # cfgrib warns about grids without latitudes, as expected here


def compare(store, files):
    z = xr.open_zarr(store, consolidated=True)
    m = xr.open_mfdataset(files, engine="cfgrib", combine="nested", concat_dim="time",
                          backend_kwargs={"indexpath": ""})
    problems = []
    if dict(z.dims) != dict(m.dims):
        problems.append(f"dims {dict(z.dims)} vs cfgrib {dict(m.dims)}")
    if set(z.variables) != set(m.variables):
        problems.append(f"variables {sorted(z.variables)} vs cfgrib {sorted(m.variables)}")
    for name in m.variables:
        if name not in z.variables:
            continue
        a, b = z[name].values, m[name].values
        if z[name].dims != m[name].dims:
            problems.append(f"{name}: dims {z[name].dims} vs cfgrib {m[name].dims}")
        elif a.dtype != b.dtype:
            problems.append(f"{name}: dtype {a.dtype} vs cfgrib {b.dtype}")
        elif a.dtype.kind == "f":
            if not np.array_equal(a, b, equal_nan=True):
                problems.append(f"{name}: values differ")
        elif not np.array_equal(a, b):
            problems.append(f"{name}: values differ: {a.ravel()[:3]} vs cfgrib {b.ravel()[:3]}")
    return [f"{store}: {p}" for p in problems]


args, cases, current = sys.argv[1:], [], []
for a in args + ["--"]:
    if a == "--":
        if current:
            cases.append(current)
        current = []
    else:
        current.append(a)
problems = [p for store, *files in cases for p in compare(store, files)]
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("ok")
