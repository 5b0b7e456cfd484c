#!/usr/bin/python3
"""Text of char variables as xarray reads it: from the inputs (open_mfdataset, nested along CONCAT_DIM, default
character decoding: char rows become fixed-width bytes, trailing NULs dropped) and from a Forge Zarr v2 store.

Usage: compare_text.py STORE_V2 CONCAT_DIM VAR[,VAR...] -- FILE ...
Both readings must give the same dims and the same text; prints {"VAR": {"dims": [...], "text": [str, ...]}} as JSON
(the inputs' text, UTF-8 decoded, flattened in C order) for the Zarr v3 comparison, plus the float attributes of
every variable whose value is NaN or infinite ({"nonfinite": {"VAR.ATTR": "nan" | "inf" | "-inf" | [...]}}).
"""
import json
import math
import sys

import numpy as np
import xarray as xr


def text(v):
    a = np.asarray(v.values)
    if a.dtype.kind != "S":
        raise SystemExit(f"{v.name}: dtype {a.dtype}, expected bytes text")
    return [b.decode("utf-8") for b in a.ravel()]


def nonfinite(ds):
    out = {}
    for name, v in ds.variables.items():
        for k, val in v.attrs.items():
            vals = np.atleast_1d(val)
            if vals.dtype.kind == "f" and not np.all(np.isfinite(vals)):
                out[f"{name}.{k}"] = [repr(float(x)) for x in vals]
    return out


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    store, concat, names = argv[0], argv[1], argv[2].split(",")
    files = argv[split + 1:]
    m = xr.open_mfdataset(files, combine="nested", concat_dim=concat, data_vars="minimal", coords="minimal", compat="override")
    z = xr.open_zarr(store, consolidated=True)
    out = {}
    for n in names:
        want, got = text(m[n]), text(z[n])
        if m[n].dims != z[n].dims:
            raise SystemExit(f"{n}: dims {z[n].dims} in the store, {m[n].dims} in the inputs")
        if want != got:
            raise SystemExit(f"{n}: text {got} in the store, {want} in the inputs")
        out[n] = {"dims": list(m[n].dims), "text": want}
    a, b = nonfinite(m), nonfinite(z)
    if a != b:
        raise SystemExit(f"non-finite float attributes differ: store {b}, inputs {a}")
    print(json.dumps({"variables": out, "nonfinite": a}))


main()
