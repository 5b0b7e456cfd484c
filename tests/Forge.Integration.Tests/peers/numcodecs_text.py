#!/usr/bin/python3
"""Decodes Zarr v3 "string" arrays of a local store with numcodecs' VLenUTF8, the codec zarr-python 3's
vlen-utf8 calls (zarr-python 3 itself is not packaged by Debian). The metadata is read here: data_type "string",
the array->bytes codec vlen-utf8 first, then the bytes->bytes codecs (zstd, gzip, blosc) undone in reverse with
numcodecs; chunks along the first axis only (Forge's text arrays in the tests are one chunk otherwise).

Usage: numcodecs_text.py STORE VAR[,VAR...]; prints {"VAR": {"shape": [...], "text": [str, ...]}} as JSON.
"""
import json
import os
import sys

import numcodecs
import numpy as np


def bytes_codec(c):
    name, conf = c["name"], c.get("configuration", {})
    if name == "zstd":
        return numcodecs.Zstd(level=conf.get("level", 0))
    if name == "gzip":
        return numcodecs.GZip(level=conf.get("level", 5))
    if name == "blosc":
        return numcodecs.Blosc()
    raise SystemExit(f"codec {name} is not handled by this reader")


def read(store, name):
    meta = json.load(open(os.path.join(store, name, "zarr.json")))
    if meta["data_type"] != "string" or meta["codecs"][0]["name"] != "vlen-utf8":
        raise SystemExit(f"{name}: data type {meta['data_type']} with {meta['codecs'][0]['name']}, expected string + vlen-utf8")
    after = [bytes_codec(c) for c in meta["codecs"][1:]]
    shape = meta["shape"]
    chunks = meta["chunk_grid"]["configuration"]["chunk_shape"]
    sep = meta["chunk_key_encoding"].get("configuration", {}).get("separator", "/")
    out = []
    n = 1 if not shape else -(-shape[0] // chunks[0])
    for i in range(n):
        key = "c" if not shape else "c" + sep + sep.join([str(i)] + ["0"] * (len(shape) - 1))
        raw = open(os.path.join(store, name, *key.split("/")), "rb").read()
        for c in reversed(after):
            raw = c.decode(raw)
        chunk = numcodecs.VLenUTF8().decode(raw)
        items = int(np.prod(chunks)) if shape else 1
        if len(chunk) != items:
            raise SystemExit(f"{name}/{key}: {len(chunk)} strings, the chunk shape {chunks} holds {items}")
        rows = np.asarray(chunk, dtype=object).reshape(chunks if shape else ())
        out.append(rows if shape else rows.reshape(1))
    data = np.concatenate(out)[: shape[0]] if shape else out[0]
    return {"shape": shape, "text": [str(s) for s in data.ravel()]}


store, names = sys.argv[1], sys.argv[2].split(",")
print(json.dumps({n: read(store, n) for n in names}))
