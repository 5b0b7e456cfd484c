#!/usr/bin/python3
"""The xarray + zarr-python peer (Debian's xarray 2023.01, zarr 2.13, dask 2022.12; shared performance.md §11.4).

xr_run.py SCENARIO CODEC OUT INPUT...
  SCENARIO s1 (chunks (1,720,1440)), s2 (chunks (365,180,360)), s2m (s2 in two steps through an intermediate store
  with chunks (30,180,360), so no task holds more than one target chunk); CODEC none | blosc | zlib1 (gzip level 1,
  the same deflate stream Forge's gzip writes). Two dask threads, the netCDF reads under xarray's global lock.
"""
import shutil
import sys

import dask
import numcodecs
import xarray as xr


def compressor(name):
    return {"none": None,
            "blosc": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
            "zlib1": numcodecs.GZip(level=1)}[name]


def write(ds, out, chunks, comp):
    enc = {"sst": {"compressor": comp, "chunks": chunks}}
    ds.to_zarr(out, mode="w", encoding=enc, consolidated=True)


def main():
    scenario, codec, out, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    comp = compressor(codec)
    with dask.config.set(scheduler="threads", num_workers=2):
        ds = xr.open_mfdataset(files, combine="nested", concat_dim="time", chunks={"time": 1}, data_vars="minimal",
                               coords="minimal", compat="override", engine="netcdf4")
        n = ds.sizes["time"]
        if scenario == "s1":
            write(ds, out, (1, ds.sizes["lat"], ds.sizes["lon"]), comp)
        elif scenario == "s2":
            write(ds.chunk({"time": n, "lat": 180, "lon": 360}), out, (n, 180, 360), comp)
        elif scenario == "s2m":
            tmp = out.rstrip("/") + ".step1"
            write(ds.chunk({"time": 30, "lat": 180, "lon": 360}), tmp, (30, 180, 360), comp)
            step = xr.open_zarr(tmp, chunks={"time": n, "lat": 180, "lon": 360})
            for v in step.variables.values():
                v.encoding.pop("chunks", None)
                v.encoding.pop("compressor", None)
            write(step, out, (n, 180, 360), comp)
            shutil.rmtree(tmp)
        else:
            raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    main()
