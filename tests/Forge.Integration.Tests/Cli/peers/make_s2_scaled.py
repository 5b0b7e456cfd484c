#!/usr/bin/python3
"""A scaled S2 input set for the memory acceptance test: N daily NetCDF-4 files of one float32 field (1, NLAT, NLON),
uncompressed, chunks (1, NLAT, NLON), NaN land mask, time "days since 2000-01-01".

Usage: make_s2_scaled.py OUTDIR --days 128 --nlat 1000 --nlon 2000
Values are deterministic (a smooth field plus the day number), so reruns produce identical files.
"""
import argparse
import os

import netCDF4
import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--days", type=int, default=128)
    p.add_argument("--nlat", type=int, default=1000)
    p.add_argument("--nlon", type=int, default=2000)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    lat = np.linspace(-89.5, 89.5, a.nlat, dtype=np.float32)
    lon = np.linspace(0.5, 359.5, a.nlon, dtype=np.float32)
    base = (28.0 * np.cos(np.deg2rad(lat))[:, None] + 2.0 * np.sin(np.deg2rad(lon))[None, :]).astype(np.float32)
    la, lo = np.meshgrid(np.arange(a.nlat), np.arange(a.nlon), indexing="ij")
    mask = (la * 7 + lo * 3) % 23 == 0
    for day in range(a.days):
        with netCDF4.Dataset(os.path.join(a.out, f"day{day}.nc"), "w", format="NETCDF4") as ds:
            ds.title = "scaled S2 input (synthetic)"
            ds.createDimension("time", None)
            ds.createDimension("lat", a.nlat)
            ds.createDimension("lon", a.nlon)
            t = ds.createVariable("time", "i4", ("time",))
            t.units = "days since 2000-01-01"
            t.calendar = "standard"
            t[:] = [day]
            v = ds.createVariable("lat", "f4", ("lat",))
            v.units = "degrees_north"
            v[:] = lat
            v = ds.createVariable("lon", "f4", ("lon",))
            v.units = "degrees_east"
            v[:] = lon
            v = ds.createVariable("sst", "f4", ("time", "lat", "lon"), chunksizes=(1, a.nlat, a.nlon), fill_value=np.float32(np.nan))
            v.units = "Celsius"
            field = base + np.float32(day * 0.01)
            field[mask] = np.nan
            v[0, :, :] = field


if __name__ == "__main__":
    main()
