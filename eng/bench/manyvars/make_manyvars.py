#!/usr/bin/python3
"""Writes NetCDF-4 files with NVARS variables laid out like climate-model history output.

usage: make_manyvars.py OUTDIR NVARS [NFILES]   -> OUTDIR/manyvars_000.nc, ... (NFILES defaults to 1)

Each file: time (unlimited, 4 steps per file, f8 "hours since 2000-01-01 00:00:00", CF bounds), lev (5), lat (32),
lon (64), nb (2); coordinate variables with CF attributes; a grid mapping and a static land fraction. The NVARS
data variables cycle through the kinds model output holds (by the variable index modulo 10 or 20):
  6 of 10  float32 (time, lat, lon)          deflate 1 + shuffle, chunks (1, 32, 64), _FillValue 1e20
  1 of 10  float32 (time, lev, lat, lon)     deflate 1 + shuffle, chunks (1, 5, 32, 64)
  1 of 10  int16 packed (time, lat, lon)     scale_factor / add_offset / _FillValue -32767, deflate 4
  1 of 10  float64 (time, lat, lon)          deflate 1, chunks (2, 32, 64)
  1 of 20  int32 flags (time, lat, lon)      flag_values / flag_meanings, uncompressed, one chunk (4, 32, 64)
  1 of 20  float32 (lat, lon), no time       a time-invariant field (orography, masks: "fx"), deflate 1
Every data variable carries units, long_name, standard_name, cell_methods, coordinates/grid_mapping references
and a few model attributes, so the header is as large as a real file's. Values are seeded: the same NVARS and file
index give the same bytes.
"""
import os
import sys

import netCDF4
import numpy as np

NT, NLEV, NLAT, NLON = 4, 5, 32, 64


def write(path, nvars, f):
    rng = np.random.default_rng(1000 * nvars + f)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.setncatts({"title": f"many-variables benchmark file {f}", "Conventions": "CF-1.8",
                      "institution": "Forge benchmarks", "source": "eng/bench/manyvars/make_manyvars.py",
                      "history": "generated", "frequency": "6hr", "realization": np.int32(1)})
        ds.createDimension("time", None)
        ds.createDimension("lev", NLEV)
        ds.createDimension("lat", NLAT)
        ds.createDimension("lon", NLON)
        ds.createDimension("nb", 2)
        t = ds.createVariable("time", "f8", ("time",))
        t.setncatts({"units": "hours since 2000-01-01 00:00:00", "calendar": "standard", "standard_name": "time",
                     "axis": "T", "bounds": "time_bnds"})
        t[:] = 6.0 * (np.arange(NT) + NT * f)
        tb = ds.createVariable("time_bnds", "f8", ("time", "nb"))
        tb[:] = np.stack([t[:] - 6.0, t[:]], axis=1)
        lev = ds.createVariable("lev", "f4", ("lev",))
        lev.setncatts({"units": "hPa", "standard_name": "air_pressure", "positive": "down", "axis": "Z"})
        lev[:] = np.array([1000, 850, 500, 250, 100], dtype=np.float32)
        lat = ds.createVariable("lat", "f4", ("lat",))
        lat.setncatts({"units": "degrees_north", "standard_name": "latitude", "axis": "Y"})
        lat[:] = np.linspace(-87.5, 87.5, NLAT, dtype=np.float32)
        lon = ds.createVariable("lon", "f4", ("lon",))
        lon.setncatts({"units": "degrees_east", "standard_name": "longitude", "axis": "X"})
        lon[:] = np.linspace(0, 360, NLON, endpoint=False, dtype=np.float32)
        crs = ds.createVariable("crs", "i4", ())
        crs.setncatts({"grid_mapping_name": "latitude_longitude", "semi_major_axis": 6371000.0,
                       "inverse_flattening": 0.0})
        land = ds.createVariable("sftlf", "f4", ("lat", "lon"), zlib=True, complevel=1)
        land.setncatts({"units": "%", "standard_name": "land_area_fraction", "grid_mapping": "crs"})
        land[:] = (rng.random((NLAT, NLON)) > 0.7).astype(np.float32) * 100

        field = np.sin(np.linspace(0, 3, NLAT * NLON)).reshape(NLAT, NLON).astype(np.float32)
        for i in range(nvars):
            kind = i % 10
            common = {"long_name": f"model diagnostic {i}", "standard_name": f"diagnostic_{i:04d}",
                      "cell_methods": "time: mean", "grid_mapping": "crs", "model_level": np.int32(i % 7),
                      "comment": f"field {i} of {nvars}, kind {kind}"}
            name = f"v{i:04d}"
            if kind < 6:
                v = ds.createVariable(name, "f4", ("time", "lat", "lon"), zlib=True, complevel=1, shuffle=True,
                                      chunksizes=(1, NLAT, NLON), fill_value=np.float32(1e20))
                v.setncatts({"units": "K", "missing_value": np.float32(1e20), **common})
                data = field[None] * (i + 1) + rng.random((NT, NLAT, NLON), dtype=np.float32)
                data[:, 0, :5] = 1e20
                v[:] = data
            elif kind == 6:
                v = ds.createVariable(name, "f4", ("time", "lev", "lat", "lon"), zlib=True, complevel=1,
                                      shuffle=True, chunksizes=(1, NLEV, NLAT, NLON))
                v.setncatts({"units": "m s-1", **common})
                v[:] = rng.random((NT, NLEV, NLAT, NLON), dtype=np.float32)
            elif kind == 7:
                v = ds.createVariable(name, "i2", ("time", "lat", "lon"), zlib=True, complevel=4, shuffle=True,
                                      chunksizes=(1, NLAT, NLON), fill_value=np.int16(-32767))
                v.set_auto_maskandscale(False)
                v.setncatts({"units": "kg m-2", "scale_factor": np.float32(0.01), "add_offset": np.float32(100.0),
                             **common})
                v[:] = rng.integers(-30000, 30000, (NT, NLAT, NLON), dtype=np.int16)
            elif kind == 8:
                v = ds.createVariable(name, "f8", ("time", "lat", "lon"), zlib=True, complevel=1,
                                      chunksizes=(2, NLAT, NLON))
                v.setncatts({"units": "W m-2", **common})
                v[:] = rng.random((NT, NLAT, NLON))
            elif i % 20 == 19:
                v = ds.createVariable(name, "f4", ("lat", "lon"), zlib=True, complevel=1)
                v.setncatts({"units": "m", **{k: x for k, x in common.items() if k != "cell_methods"}})
                v[:] = field * (i + 1)
            else:
                v = ds.createVariable(name, "i4", ("time", "lat", "lon"),
                                      chunksizes=(NT, NLAT, NLON))
                v.setncatts({"flag_values": np.array([0, 1, 2], dtype=np.int32),
                             "flag_meanings": "clear cloudy missing", **common})
                v[:] = rng.integers(0, 3, (NT, NLAT, NLON), dtype=np.int32)


def main():
    out, nvars = sys.argv[1], int(sys.argv[2])
    nfiles = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    os.makedirs(out, exist_ok=True)
    for f in range(nfiles):
        write(os.path.join(out, f"manyvars_{f:03d}.nc"), nvars, f)


if __name__ == "__main__":
    main()
