#!/usr/bin/python3
"""The peer side of the many-variables benchmark: xarray.open_mfdataset (nested along time, default options) + to_zarr.

usage: xarray_convert.py OUT.zarr FILE.nc...   prints "open <s> to_zarr <s>"
"""
import shutil
import sys
import time

import xarray as xr

out, files = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
ds = xr.open_mfdataset(files, combine="nested", concat_dim="time")
t1 = time.perf_counter()
shutil.rmtree(out, ignore_errors=True)
ds.to_zarr(out, zarr_version=2)
t2 = time.perf_counter()
print(f"open {t1 - t0:.2f} to_zarr {t2 - t1:.2f}")
