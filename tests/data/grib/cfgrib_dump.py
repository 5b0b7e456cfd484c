#!/usr/bin/python3
"""Dumps cfgrib's dataset (before xarray decoding) for comparison with Forge's GRIB reader.

usage: cfgrib_dump.py OUTDIR FILE.grib...
For each FILE writes OUTDIR/<name>.json: {"dimensions": {...}, "attributes": {...}, "variables": {name:
{"dims": [...], "dtype": "...", "attrs": {...}, "bin": "<name>.<var>.bin"}}} with each variable's values as
little-endian float64 in C order, or {"error": "..."} when cfgrib refuses the file.
"""
import json
import os
import sys

import numpy as np
from cfgrib import dataset


def plain(value):
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    return value


def dump(path, outdir):
    name = os.path.basename(path)
    result = {}
    try:
        ds = dataset.open_file(path, indexpath="", grib_errors="raise", errors="raise")
        result["dimensions"] = {k: int(v) for k, v in ds.dimensions.items()}
        result["attributes"] = {k: plain(v) for k, v in ds.attributes.items() if k != "history"}
        variables = {}
        for var_name, var in ds.variables.items():
            data = var.data.build_array() if hasattr(var.data, "build_array") else np.asarray(var.data)
            bin_name = f"{name}.{var_name}.bin"
            np.ascontiguousarray(data, dtype="<f8").tofile(os.path.join(outdir, bin_name))
            variables[var_name] = {
                "dims": list(var.dimensions),
                "dtype": str(np.asarray(data).dtype),
                "attrs": {k: plain(v) for k, v in var.attributes.items()},
                "bin": bin_name,
            }
        result["variables"] = variables
    except Exception as ex:  # cfgrib refuses the file: the test checks Forge refuses it too
        result = {"error": f"{type(ex).__name__}: {ex}"}
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for p in sys.argv[2:]:
        dump(p, outdir)
