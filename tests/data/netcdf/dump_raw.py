"""Dump every root-group variable of a netCDF file as raw little-endian C-order bytes, the way Forge must read it.

Usage: /usr/bin/python3 dump_raw.py INPUT OUTDIR [INPUT OUTDIR ...]
Writes OUTDIR/<variable>.bin and OUTDIR/manifest.json (dims, variables with dtype/shape/attribute names).
String variables are listed but not dumped. Uses netCDF4-python with auto mask/scale off (raw values).
"""
import json
import os
import sys

import netCDF4
import numpy as np


def main(path, out):
    os.makedirs(out, exist_ok=True)
    ds = netCDF4.Dataset(path)
    manifest = {
        "format": ds.data_model,
        "dims": [{"name": d.name, "size": len(d), "unlimited": d.isunlimited()} for d in ds.dimensions.values()],
        "attributes": list(ds.ncattrs()),
        "variables": [],
    }
    for name, var in ds.variables.items():
        var.set_auto_maskandscale(False)
        var.set_auto_chartostring(False)
        entry = {"name": name, "dims": list(var.dimensions), "shape": list(var.shape),
                 "dtype": "str" if var.dtype is str else ("|S1" if var.dtype.kind == "S" else var.dtype.name), "attributes": list(var.ncattrs())}
        if var.dtype is not str:
            data = np.ascontiguousarray(var[...])
            if isinstance(data, np.ma.MaskedArray):
                data = data.data
            data = np.ascontiguousarray(data, dtype=data.dtype.newbyteorder("<"))
            with open(os.path.join(out, name + ".bin"), "wb") as f:
                f.write(data.tobytes())
        manifest["variables"].append(entry)
    ds.close()
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    args = sys.argv[1:]
    for i in range(0, len(args), 2):
        main(args[i], args[i + 1])
