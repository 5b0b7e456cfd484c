#!/usr/bin/python3
"""Writes a NetCDF-4 file whose one variable is a single zlib chunk that inflates to N bytes (default 1 GiB).

The chunk is compressed in 1 MiB pieces and written with h5py's write_direct_chunk, so making the file never holds
the decoded chunk in memory. Usage: make_deflate_bomb.py OUT.nc [SIDE]  (float32 SIDE x SIDE, default 16384 = 1 GiB)
"""
import sys
import zlib

import h5py
import netCDF4
import numpy as np

out = sys.argv[1]
side = int(sys.argv[2]) if len(sys.argv) > 2 else 16384

with netCDF4.Dataset(out, "w", format="NETCDF4") as ds:
    ds.createDimension("y", side)
    ds.createDimension("x", side)
    ds.createDimension("time", 1)
    t = ds.createVariable("time", "f8", ("time",))
    t.units = "days since 2000-01-01"
    t[:] = [0.0]
    v = ds.createVariable("bomb", "f4", ("time", "y", "x"), zlib=True, complevel=9, chunksizes=(1, side, side))
    v.long_name = "one chunk that inflates to far more than the file"

packer = zlib.compressobj(9)
piece = bytes(1 << 20)
total = side * side * 4
parts = []
for _ in range(total // len(piece)):
    parts.append(packer.compress(piece))
parts.append(packer.compress(bytes(total % len(piece))))
parts.append(packer.flush())
with h5py.File(out, "r+") as f:
    f["bomb"].id.write_direct_chunk((0, 0, 0), b"".join(parts))
