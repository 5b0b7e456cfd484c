#!/usr/bin/python3
"""OISST-like daily NetCDF-4 inputs for the peer benchmark (docs/performance.md, shared performance.md §11.2).

gen_inputs.py OUTDIR --days N [--nlat 720 --nlon 1440]
  One file per day, oisst_YYYYMMDD.nc from 1981-09-01: time UNLIMITED (1), lat, lon; sst float32 (time, lat, lon)
  with a NaN _FillValue land mask, 0.01-quantized values + noise, zlib level 1 + shuffle, one chunk per file.
  time f8 "days since 1981-01-01", lat/lon f4. Deterministic (seeded by day), so a cache keyed by the parameters
  and this file's hash is valid. Also writes OUTDIR/expected.json: the SHA-256 of the concatenated sst float32
  bytes with every NaN canonicalised, which every benchmark output must reproduce.
"""
import argparse
import datetime as dt
import hashlib
import json
import os

import netCDF4
import numpy as np

CANON_NAN = np.float32(np.nan)


def canonical(a):
    a = np.ascontiguousarray(a, dtype=np.float32)
    return np.where(np.isnan(a), CANON_NAN, a).astype("<f4")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--nlat", type=int, default=720)
    p.add_argument("--nlon", type=int, default=1440)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    lat = np.linspace(-89.875, 89.875, a.nlat, dtype=np.float32)
    lon = np.linspace(0.125, 359.875, a.nlon, dtype=np.float32)
    base = (28.0 * np.cos(np.deg2rad(lat))[:, None] - 1.8 + 2.0 * np.sin(np.deg2rad(lon))[None, :]).astype(np.float32)
    la, lo = np.meshgrid(np.arange(a.nlat), np.arange(a.nlon), indexing="ij")
    land = ((la * 7 + lo * 3) % 23 == 0) | ((la > a.nlat * 0.8) & (lo < a.nlon * 0.3))
    start = dt.date(1981, 9, 1)
    digest = hashlib.sha256()
    times = []
    for i in range(a.days):
        day = start + dt.timedelta(days=i)
        rng = np.random.default_rng(day.toordinal())
        sst = np.round(base + 1.5 * np.sin(2 * np.pi * i / 365.0) + rng.normal(0.0, 0.3, base.shape), 2).astype(np.float32)
        sst[land] = np.nan
        t = float((day - dt.date(1981, 1, 1)).days)
        times.append(t)
        path = os.path.join(a.out, f"oisst_{day:%Y%m%d}.nc")
        with netCDF4.Dataset(path + ".tmp", "w", format="NETCDF4") as ds:
            ds.Conventions = "CF-1.6"
            ds.title = "OISST-like daily SST (synthetic, Forge peer benchmark)"
            ds.createDimension("time", None)
            ds.createDimension("lat", a.nlat)
            ds.createDimension("lon", a.nlon)
            vt = ds.createVariable("time", "f8", ("time",))
            vt.units = "days since 1981-01-01"
            vt.calendar = "standard"
            vt[:] = [t]
            vy = ds.createVariable("lat", "f4", ("lat",))
            vy.units = "degrees_north"
            vy[:] = lat
            vx = ds.createVariable("lon", "f4", ("lon",))
            vx.units = "degrees_east"
            vx[:] = lon
            v = ds.createVariable("sst", "f4", ("time", "lat", "lon"), zlib=True, complevel=1, shuffle=True,
                                  chunksizes=(1, a.nlat, a.nlon), fill_value=np.float32(np.nan))
            v.units = "degC"
            v.long_name = "Daily sea surface temperature"
            v[0, :, :] = sst
        os.replace(path + ".tmp", path)
        digest.update(canonical(sst).tobytes())
    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump({"days": a.days, "shape": [a.days, a.nlat, a.nlon], "sst_sha256": digest.hexdigest(),
                   "time": times, "logical_bytes": a.days * a.nlat * a.nlon * 4}, f)


if __name__ == "__main__":
    main()
