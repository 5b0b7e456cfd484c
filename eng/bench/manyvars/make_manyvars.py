#!/usr/bin/python3
"""Writes NFILES NetCDF-4 files of NVARS float32 variables (time, lat, lon), deflated, with CF coordinates.

usage: make_manyvars.py OUTDIR NVARS [NFILES]   -> OUTDIR/manyvars_000.nc, ...
"""
import os
import sys

import netCDF4
import numpy as np

out, nvars = sys.argv[1], int(sys.argv[2])
nfiles = int(sys.argv[3]) if len(sys.argv) > 3 else 2
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(42)
for f in range(nfiles):
    with netCDF4.Dataset(os.path.join(out, f"manyvars_{f:03d}.nc"), "w", format="NETCDF4") as ds:
        ds.createDimension("time", None)
        ds.createDimension("lat", 18)
        ds.createDimension("lon", 36)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = "hours since 2000-01-01"
        t[:] = np.arange(2) + 2 * f
        lat = ds.createVariable("lat", "f4", ("lat",))
        lat.units = "degrees_north"
        lat[:] = np.linspace(-85, 85, 18)
        lon = ds.createVariable("lon", "f4", ("lon",))
        lon.units = "degrees_east"
        lon[:] = np.linspace(0, 350, 36)
        for i in range(nvars):
            v = ds.createVariable(f"v{i:04d}", "f4", ("time", "lat", "lon"), zlib=True, complevel=1)
            v.units = "1"
            v.long_name = f"variable {i}"
            v[:] = rng.random((2, 18, 36), dtype=np.float32)
