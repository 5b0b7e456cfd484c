"""Write an OISST-like NetCDF-4 file: int16 packed sst (scale 0.01, _FillValue -999), time(unlimited)/zlev/lat/lon,
zlib level 1 + shuffle, chunks (1, 1, lat, lon), as NOAA's daily OISST v2.1 files are laid out.

Usage: /usr/bin/python3 make_oisst.py OUT.nc [NLAT NLON [DAYOFFSET]]
"""
import sys

import netCDF4
import numpy as np


def main(out, nlat=72, nlon=144, day=0):
    rng = np.random.default_rng(1234 + day)
    ds = netCDF4.Dataset(out, "w", format="NETCDF4")
    ds.createDimension("time", None)
    ds.createDimension("zlev", 1)
    ds.createDimension("lat", nlat)
    ds.createDimension("lon", nlon)
    t = ds.createVariable("time", "f4", ("time",))
    t.units = "days since 1978-01-01 12:00:00"
    t.calendar = "standard"
    t[:] = [15706 + day]
    z = ds.createVariable("zlev", "f4", ("zlev",))
    z.units = "meters"
    z[:] = [0.0]
    lat = ds.createVariable("lat", "f4", ("lat",))
    lat.units = "degrees_north"
    lat[:] = np.linspace(-89.875, 89.875, nlat, dtype="f4")
    lon = ds.createVariable("lon", "f4", ("lon",))
    lon.units = "degrees_east"
    lon[:] = np.linspace(0.125, 359.875, nlon, dtype="f4")
    for name, scale in (("sst", 0.01), ("anom", 0.01), ("err", 0.01), ("ice", 0.01)):
        v = ds.createVariable(name, "i2", ("time", "zlev", "lat", "lon"), zlib=True, complevel=1, shuffle=True,
                              chunksizes=(1, 1, nlat, nlon), fill_value=-999)
        v.set_auto_maskandscale(False)
        v.scale_factor = np.float32(scale)
        v.add_offset = np.float32(0.0)
        v.units = "Celsius"
        v.valid_min = np.int16(-300)
        v.valid_max = np.int16(4500)
        base = (np.cos(np.deg2rad(lat[:]))[:, None] * 2800 + rng.normal(0, 30, (nlat, nlon))).astype("i2")
        land = rng.random((nlat, nlon)) < 0.3
        base[land] = -999
        v[0, 0, :, :] = base
    ds.Conventions = "CF-1.6, ACDD-1.3"
    ds.title = "NOAA/NCEI 1/4 Degree Daily Optimum Interpolation Sea Surface Temperature (OISST) Analysis, Version 2.1 - Final (Forge fixture)"
    ds.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], *(int(a) for a in args[1:]))
