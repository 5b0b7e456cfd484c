#!/usr/bin/python3
"""Verifies one benchmark output before its speed counts (shared performance.md §11.5 step 4).

verify.py STORE EXPECTED_JSON CHUNKS [SHARDS]
  Reads sst back with an independent reader (zarr-python 2.13 for Zarr v2 and NCZarr; for Zarr v3 a small reader
  of the spec written here: sharding_indexed with bytes/blosc/gzip/zstd/zlib inner codecs and a crc32c index),
  compares the NaN-canonicalised SHA-256 of the float32 values and the time values with the inputs', and checks
  the chunk (and shard) shape. Prints one JSON object: ok, error, objects, stored_bytes.
"""
import hashlib
import json
import os
import sys

import numcodecs
import numpy as np

META = {".zarray", ".zattrs", ".zgroup", ".zmetadata", "zarr.json", ".nczarray", ".nczattr", ".nczgroup"}


def canonical(a):
    a = np.asarray(a, dtype=np.float32)
    return np.where(np.isnan(a), np.float32(np.nan), a).astype("<f4")


def days(values, units):
    """Time values as float days since 1981-01-01 (the inputs' encoding), whatever units the writer chose."""
    if not units or " since " not in units:
        raise ValueError(f"time has no CF units ({units!r})")
    unit, ref = units.split(" since ")
    scale = {"days": 86400.0, "day": 86400.0, "hours": 3600.0, "hour": 3600.0, "minutes": 60.0, "seconds": 1.0}[unit.strip()]
    ref = np.datetime64(ref.strip().replace(" ", "T").rstrip("Z")[:19], "s")
    shift = (ref - np.datetime64("1981-01-01T00:00:00", "s")).astype("f8")
    return (np.asarray(values, dtype="f8") * scale + shift) / 86400.0


def walk(store):
    objects, stored = 0, 0
    for root, _, files in os.walk(store):
        for f in files:
            stored += os.path.getsize(os.path.join(root, f))
            if f not in META and not f.startswith(".forge") and ".forge" not in root.split(os.sep):
                objects += 1
    return objects, stored


def read_v2(store):
    import zarr
    g = zarr.open_group(store, mode="r")
    sst = g["sst"]
    return sst[...], days(g["time"][...], g["time"].attrs.get("units")), list(sst.chunks), None


def read_nc(path):
    import netCDF4
    with netCDF4.Dataset(path) as ds:
        ds.set_auto_maskandscale(False)
        sst = ds["sst"][...]
        chunks = ds["sst"].chunking()
        return np.asarray(sst), days(ds["time"][...], ds["time"].units), list(chunks) if chunks != "contiguous" else None, None


def v3_codec(spec):
    name, cfg = spec["name"], spec.get("configuration", {})
    if name == "bytes":
        return None
    if name == "blosc":
        return numcodecs.Blosc()
    if name == "gzip":
        return numcodecs.GZip(level=cfg.get("level", 5))
    if name == "zstd":
        return numcodecs.Zstd()
    if name in ("numcodecs.zlib", "zlib"):
        return numcodecs.Zlib()
    raise ValueError(f"verify.py cannot decode codec {name}")


def decode_chain(codecs, data, shape, dtype):
    for c in reversed([v3_codec(s) for s in codecs if s["name"] != "bytes"]):
        data = c.decode(data)
    return np.frombuffer(bytes(data), dtype=dtype).reshape(shape)


def read_v3_array(path):
    meta = json.load(open(os.path.join(path, "zarr.json")))
    shape = meta["shape"]
    dtype = {"float32": "<f4", "float64": "<f8", "int64": "<i8", "int32": "<i4"}[meta["data_type"]]
    grid = meta["chunk_grid"]["configuration"]["chunk_shape"]
    fill = meta.get("fill_value")
    fill = np.nan if fill in ("NaN", None) else fill
    out = np.full(shape, fill, dtype=dtype)
    enc = meta.get("chunk_key_encoding", {"name": "default"})
    sep = enc.get("configuration", {}).get("separator", "/")
    codecs = meta["codecs"]
    shard = codecs[0] if codecs and codecs[0]["name"] == "sharding_indexed" else None
    inner = shard["configuration"]["chunk_shape"] if shard else None
    counts = [-(-shape[d] // grid[d]) for d in range(len(shape))]
    for idx in np.ndindex(*counts):
        key = ("c" + sep + sep.join(map(str, idx))) if enc["name"] == "default" else ".".join(map(str, idx))
        p = os.path.join(path, *key.split("/"))
        if not os.path.exists(p):
            continue
        raw = open(p, "rb").read()
        origin = [i * g for i, g in zip(idx, grid)]
        if shard is None:
            block = decode_chain(codecs, raw, grid, dtype)
            place(out, origin, block)
            continue
        n_inner = [g // c for g, c in zip(grid, inner)]
        total = int(np.prod(n_inner))
        index_bytes = total * 16 + 4
        loc = shard["configuration"].get("index_location", "end")
        index_raw = raw[-index_bytes:] if loc == "end" else raw[:index_bytes]
        crc = numcodecs.CRC32C() if hasattr(numcodecs, "CRC32C") else None
        if crc is not None:
            crc.decode(index_raw)
        index = np.frombuffer(index_raw[:-4], dtype="<u8").reshape(total, 2)
        for k, inner_idx in enumerate(np.ndindex(*n_inner)):
            off, nb = index[k]
            if off == np.uint64(2**64 - 1):
                continue
            block = decode_chain(shard["configuration"]["codecs"], raw[int(off):int(off + nb)], inner, dtype)
            place(out, [o + i * c for o, i, c in zip(origin, inner_idx, inner)], block)
    return out, grid, inner


def place(out, origin, block):
    sl = tuple(slice(o, min(o + b, s)) for o, b, s in zip(origin, block.shape, out.shape))
    out[sl] = block[tuple(slice(0, s.stop - s.start) for s in sl)]


def read_v3(store):
    sst, grid, inner = read_v3_array(os.path.join(store, "sst"))
    time, _, _ = read_v3_array(os.path.join(store, "time"))
    units = json.load(open(os.path.join(store, "time", "zarr.json"))).get("attributes", {}).get("units")
    time = days(time, units)
    return sst, time, (inner or grid), (grid if inner else None)


def main():
    store, expected_path = sys.argv[1], sys.argv[2]
    chunks = None if sys.argv[3] == "any" else [int(x) for x in sys.argv[3].split(",")]
    shards = [int(x) for x in sys.argv[4].split(",")] if len(sys.argv) > 4 else None
    expected = json.load(open(expected_path))
    result = {"ok": False, "error": None}
    try:
        if store.endswith(".nc"):
            sst, time, got_chunks, got_shards = read_nc(store)
        else:
            v3 = os.path.exists(os.path.join(store, "zarr.json"))
            sst, time, got_chunks, got_shards = read_v3(store) if v3 else read_v2(store)
        if list(sst.shape) != expected["shape"]:
            raise ValueError(f"sst shape {list(sst.shape)}, expected {expected['shape']}")
        h = hashlib.sha256()
        for t in range(sst.shape[0]):
            h.update(canonical(sst[t]).tobytes())
        if h.hexdigest() != expected["sst_sha256"]:
            raise ValueError("sst values differ from the inputs (NaN-canonicalised SHA-256 mismatch)")
        if not np.array_equal(np.asarray(time, dtype="f8"), np.asarray(expected["time"], dtype="f8")):
            raise ValueError(f"time values differ from the inputs: {np.asarray(time)[:3]}... vs {expected['time'][:3]}...")
        if chunks is not None and list(got_chunks) != chunks:
            raise ValueError(f"sst chunks {list(got_chunks)}, expected {chunks}")
        if shards is not None and list(got_shards or []) != shards:
            raise ValueError(f"sst shards {got_shards}, expected {shards}")
        result["ok"] = True
    except Exception as e:  # noqa: BLE001 - every failure is reported, none is fatal to the benchmark
        result["error"] = f"{type(e).__name__}: {e}"
    result["objects"], result["stored_bytes"] = (1, os.path.getsize(store)) if os.path.isfile(store) else walk(store)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
