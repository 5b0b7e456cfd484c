"""Writes Zarr v2 golden stores with zarr-python 2.x + numcodecs (Debian python3-zarr), for Forge's reader tests.

Usage: /usr/bin/python3 make_golden_v2.py OUT_DIR
Writes OUT_DIR/golden.zarr (a group of arrays, one per case), OUT_DIR/xarray.zarr (written by xarray.to_zarr,
consolidated), OUT_DIR/expected/<name>.bin (each array's values, C order, little-endian) and
OUT_DIR/manifest.json ([{"name", "dtype", "shape"}]).
"""
import json
import os
import sys

import numcodecs
import numpy as np
import xarray as xr
import zarr

out = sys.argv[1]
os.makedirs(os.path.join(out, "expected"), exist_ok=True)
root = zarr.open_group(os.path.join(out, "golden.zarr"), mode="w")
manifest = []


def values(dtype, shape):
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        v = (np.arange(n) % 3) == 0
    elif dt.kind == "f":
        v = (np.arange(n) * 0.25 - 3.5).astype(dt)
        if n > 4:
            v[4] = np.nan
    else:
        info = np.iinfo(dt)
        v = (np.arange(n) * 37 % (min(int(info.max), 1000) + 1)).astype(dt)
        if n > 1:
            v[1] = info.max
            v[-1] = info.min
    return v.reshape(shape)


def case(name, dtype, shape, chunks, compressor, fill_value=0, write=None, **kwargs):
    a = root.create_dataset(name, shape=shape, chunks=chunks, dtype=dtype, compressor=compressor,
                            fill_value=fill_value, **kwargs)
    v = values(dtype, shape)
    if write is None:
        a[...] = v
        expected = v
    else:
        # Only some chunks are written; the rest must read as fill_value.
        expected = np.full(shape, fill_value if fill_value is not None else 0, dtype=dtype)
        expected[write] = v[write]
        a[write] = v[write]
    expected.astype(np.dtype(dtype).newbyteorder("<")).tofile(os.path.join(out, "expected", name + ".bin"))
    manifest.append({"name": name, "dtype": np.dtype(dtype).str, "shape": list(shape)})


compressors = {
    "blosc_lz4": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "blosc_zstd": numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.BITSHUFFLE),
    "blosc_noshuffle": numcodecs.Blosc(cname="blosclz", clevel=9, shuffle=numcodecs.Blosc.NOSHUFFLE),
    "zlib": numcodecs.Zlib(level=1),
    "gzip": numcodecs.GZip(level=6),
    "zstd": numcodecs.Zstd(level=3),
    "none": None,
}
for cname, comp in compressors.items():
    case(f"f4_{cname}", "<f4", (7, 5), (3, 2), comp, fill_value=np.nan)

dtypes = ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f4", "<f8", ">f4", ">i2", ">f8", ">u4"]
for i, dt in enumerate(dtypes):
    comp = list(compressors.values())[i % len(compressors)]
    name = "dtype_" + dt.replace("<", "le_").replace(">", "be_").replace("|", "")
    fill = False if dt == "|b1" else (np.nan if "f" in dt else 0)
    case(name, dt, (4, 3, 5), (3, 2, 2), comp, fill_value=fill)

case("missing_chunks", "<i4", (6, 6), (2, 2), compressors["zlib"], fill_value=-9999,
     write=(slice(0, 2), slice(2, 6)))
case("missing_f8", "<f8", (5, 4), (2, 3), compressors["blosc_lz4"], fill_value=1.5,
     write=(slice(2, 4), slice(0, 3)))
case("nested_separator", "<f4", (5, 4), (2, 2), compressors["gzip"], fill_value=np.nan, dimension_separator="/")
case("scalar", "<f8", (), (), compressors["zlib"], fill_value=np.nan)
case("one_d", "<i8", (10,), (4,), None, fill_value=None)

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)

# xarray's own layout: _ARRAY_DIMENSIONS, fill_value from _FillValue, CF attributes, consolidated .zmetadata.
time = np.arange(4, dtype="f8")
ds = xr.Dataset(
    {"sst": (("time", "lat", "lon"), np.arange(4 * 3 * 5, dtype="f4").reshape(4, 3, 5) * 0.5,
             {"units": "degC", "long_name": "sea surface temperature", "valid_range": np.array([-3.0, 45.0], dtype="f4"),
              "scale": np.float32(0.01)}),
     "mask": (("lat", "lon"), np.ones((3, 5), dtype="i2"))},
    coords={"time": ("time", time, {"units": "days since 1978-01-01 12:00:00", "calendar": "standard"}),
            "lat": ("lat", np.array([-1.0, 0.0, 1.0], dtype="f4")), "lon": ("lon", np.arange(5, dtype="f4"))},
    attrs={"title": "golden", "history": "caf\u00e9 \u2013 test", "version": 3},
)
ds.to_zarr(os.path.join(out, "xarray.zarr"), mode="w", consolidated=True,
           encoding={"sst": {"chunks": (2, 3, 5), "_FillValue": -999.0,
                             "compressor": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1)},
                     "mask": {"_FillValue": -1}})
