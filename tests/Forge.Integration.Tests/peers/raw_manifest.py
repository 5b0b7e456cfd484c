#!/usr/bin/python3
"""Writes the expected raw (undecoded) values of concatenated inputs for zarrita's read.mjs.

Usage: raw_manifest.py OUTDIR CONCAT_DIM [--squeeze DIM ...] -- FILE ...
Variables are read with netCDF4-python without masking or scaling (the store keeps data packed),
concatenated along CONCAT_DIM, length-1 squeezed dims removed; writes OUTDIR/<var>.bin and OUTDIR/manifest.json.
"""
import argparse
import json
import os
import sys

import netCDF4
import numpy as np

V3 = {"i1": "int8", "u1": "uint8", "i2": "int16", "u2": "uint16", "i4": "int32", "u4": "uint32",
      "i8": "int64", "u8": "uint64", "f4": "float32", "f8": "float64"}


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("concat_dim")
    p.add_argument("--squeeze", nargs="*", default=[])
    a = p.parse_args(argv[:split])
    files = argv[split + 1:]
    os.makedirs(a.out, exist_ok=True)
    parts = {}
    dims = {}
    for f in files:
        with netCDF4.Dataset(f) as ds:
            ds.set_auto_maskandscale(False)
            for name, v in ds.variables.items():
                if any(d in a.squeeze for d in v.dimensions) and name in a.squeeze:
                    continue
                data = np.asarray(v[...])
                keep = [i for i, d in enumerate(v.dimensions) if d not in a.squeeze]
                data = data.reshape([data.shape[i] for i in keep])
                dims[name] = [v.dimensions[i] for i in keep]
                if a.concat_dim in v.dimensions:
                    parts.setdefault(name, []).append((dims[name].index(a.concat_dim), data))
                else:
                    parts.setdefault(name, [(None, data)])
    arrays = []
    for name, chunks in parts.items():
        axis = chunks[0][0]
        data = np.concatenate([c for _, c in chunks], axis=axis) if axis is not None else chunks[0][1]
        data = np.ascontiguousarray(data.astype(data.dtype.newbyteorder("<")))
        path = os.path.join(a.out, f"{name}.bin")
        data.tofile(path)
        arrays.append({"name": name, "shape": list(data.shape), "v3type": V3[data.dtype.str[1:]], "bin": path})
    with open(os.path.join(a.out, "manifest.json"), "w") as fh:
        json.dump({"arrays": arrays}, fh)
    print(f"ok {len(arrays)} arrays")


if __name__ == "__main__":
    main()
