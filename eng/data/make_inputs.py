#!/usr/bin/python3
"""Generate OISST-like test inputs with the netCDF library (netCDF4-python over netCDF-C).

daily:   one NetCDF-4 file per day, int16 packed sst/anom (scale_factor 0.01, _FillValue -999),
         dims time(unlimited)/zlev/lat/lon, zlib level 1 + shuffle, chunks (1,1,lat,lon),
         time as float "days since 1978-01-01 12:00:00" (the real OISST encoding).
monthly: one NetCDF-3 file per month with one step per day (28-31), t2m float32 (time, lat, lon),
         time as int "hours since <first day of the month>" so that the units differ per file.

Usage: make_inputs.py daily   OUTDIR --start 1981-09-01 --days 40 --nlat 72 --nlon 144
       make_inputs.py monthly OUTDIR --year 1990 --months 12 --nlat 18 --nlon 36 [--format NETCDF3_64BIT_OFFSET]
Values are deterministic (seeded by date), with a land mask, so reruns produce identical data.
"""
import argparse
import datetime as dt
import os

import numpy as np
import netCDF4


def field(nlat, nlon, seed):
    rng = np.random.default_rng(seed)
    lat = np.linspace(-89.5, 89.5, nlat)
    lon = np.linspace(0.5, 359.5, nlon)
    base = 28.0 * np.cos(np.deg2rad(lat))[:, None] - 1.8 + 2.0 * np.sin(np.deg2rad(lon))[None, :]
    noise = rng.normal(0.0, 0.3, (nlat, nlon))
    return lat, lon, np.round(base + noise, 2)


def land_mask(nlat, nlon):
    la, lo = np.meshgrid(np.arange(nlat), np.arange(nlon), indexing="ij")
    return ((la * 7 + lo * 3) % 23 == 0) | ((la > nlat * 0.8) & (lo < nlon * 0.3))


def daily(out, start, days, nlat, nlon):
    os.makedirs(out, exist_ok=True)
    mask = land_mask(nlat, nlon)
    epoch = dt.datetime(1978, 1, 1, 12)
    for i in range(days):
        day = start + dt.timedelta(days=i)
        lat, lon, sst = field(nlat, nlon, seed=day.toordinal())
        anom = np.round(sst - sst.mean(), 2)
        path = os.path.join(out, f"oisst-avhrr-v02r01.{day:%Y%m%d}.nc")
        with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
            ds.Conventions = "CF-1.6, ACDD-1.3"
            ds.title = "NOAA/NCEI 1/4 Degree Daily Optimum Interpolation Sea Surface Temperature (OISST) Analysis, Version 2.1 (synthetic)"
            ds.institution = "Forge test data"
            ds.createDimension("time", None)
            ds.createDimension("zlev", 1)
            ds.createDimension("lat", nlat)
            ds.createDimension("lon", nlon)
            t = ds.createVariable("time", "f4", ("time",))
            t.long_name = "Center time of the day"
            t.units = "days since 1978-01-01 12:00:00"
            t[:] = [(dt.datetime(day.year, day.month, day.day, 12) - epoch).days]
            z = ds.createVariable("zlev", "f4", ("zlev",))
            z.units = "meters"
            z.positive = "down"
            z[:] = [0.0]
            la = ds.createVariable("lat", "f4", ("lat",))
            la.units = "degrees_north"
            la.long_name = "Latitude"
            la[:] = lat
            lo = ds.createVariable("lon", "f4", ("lon",))
            lo.units = "degrees_east"
            lo.long_name = "Longitude"
            lo[:] = lon
            for name, values, long_name in (("sst", sst, "Daily sea surface temperature"), ("anom", anom, "Daily sea surface temperature anomalies")):
                v = ds.createVariable(name, "i2", ("time", "zlev", "lat", "lon"), zlib=True, complevel=1, shuffle=True,
                                      chunksizes=(1, 1, nlat, nlon), fill_value=np.int16(-999))
                v.long_name = long_name
                v.units = "Celsius"
                v.scale_factor = np.float32(0.01)
                v.add_offset = np.float32(0.0)
                v.valid_min = np.int16(-300)
                v.valid_max = np.int16(4500)
                v.set_auto_maskandscale(False)
                packed = np.round(values / 0.01).astype(np.int16)
                packed[mask] = -999
                v[0, 0, :, :] = packed


def monthly(out, year, months, nlat, nlon, fmt):
    os.makedirs(out, exist_ok=True)
    for m in range(1, months + 1):
        first = dt.datetime(year, m, 1)
        nxt = dt.datetime(year + (m // 12), m % 12 + 1, 1)
        ndays = (nxt - first).days
        path = os.path.join(out, f"t2m.{year}{m:02d}.nc")
        with netCDF4.Dataset(path, "w", format=fmt) as ds:
            ds.Conventions = "CF-1.6"
            ds.title = "Synthetic monthly files of daily 2 m temperature"
            ds.createDimension("time", None)
            ds.createDimension("lat", nlat)
            ds.createDimension("lon", nlon)
            t = ds.createVariable("time", "i4", ("time",))
            t.units = f"hours since {first:%Y-%m-%d} 00:00:00"
            t.calendar = "standard"
            t.standard_name = "time"
            t[:] = np.arange(ndays) * 24 + 12
            lat, lon, _ = field(nlat, nlon, seed=0)
            la = ds.createVariable("lat", "f8", ("lat",))
            la.units = "degrees_north"
            la[:] = lat
            lo = ds.createVariable("lon", "f8", ("lon",))
            lo.units = "degrees_east"
            lo[:] = lon
            v = ds.createVariable("t2m", "f4", ("time", "lat", "lon"))
            v.units = "K"
            v.long_name = "2 metre temperature"
            data = np.stack([field(nlat, nlon, seed=(first + dt.timedelta(days=d)).toordinal())[2] + 273.15 for d in range(ndays)])
            v[:] = data.astype(np.float32)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["daily", "monthly"])
    p.add_argument("out")
    p.add_argument("--start", default="1981-09-01")
    p.add_argument("--days", type=int, default=40)
    p.add_argument("--year", type=int, default=1990)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--nlat", type=int, default=72)
    p.add_argument("--nlon", type=int, default=144)
    p.add_argument("--format", default="NETCDF3_CLASSIC")
    a = p.parse_args()
    if a.kind == "daily":
        daily(a.out, dt.datetime.strptime(a.start, "%Y-%m-%d"), a.days, a.nlat, a.nlon)
    else:
        monthly(a.out, a.year, a.months, a.nlat, a.nlon, a.format)


if __name__ == "__main__":
    main()
