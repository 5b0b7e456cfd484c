#!/usr/bin/python3
"""The peer side of the many-variables benchmark: xarray.open_dataset + to_zarr (Zarr v2, xarray's defaults), the
way a user converts one model-output file; several files go through open_mfdataset (nested along time).

usage: xr_convert.py OUT.zarr FILE.nc...   prints {"open_s": ..., "to_zarr_s": ...} as JSON
"""
import json
import shutil
import sys
import time

import xarray as xr

out, files = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
ds = xr.open_dataset(files[0]) if len(files) == 1 else xr.open_mfdataset(files, combine="nested", concat_dim="time")
t1 = time.perf_counter()
shutil.rmtree(out, ignore_errors=True)
ds.to_zarr(out)
t2 = time.perf_counter()
print(json.dumps({"open_s": round(t1 - t0, 3), "to_zarr_s": round(t2 - t1, 3)}))
