#!/usr/bin/python3
"""Checks that Forge's store holds what xarray's does: every variable, with equal decoded values (NaN = NaN).

usage: verify.py FORGE.zarr XARRAY.zarr   prints {"ok": bool, "variables": n, "error": ...} as JSON
"""
import json
import sys

import numpy as np
import xarray as xr


def main():
    forge, peer = xr.open_zarr(sys.argv[1]), xr.open_zarr(sys.argv[2])
    missing = sorted(set(peer.variables) - set(forge.variables))
    if missing:
        return {"ok": False, "variables": len(forge.variables), "error": f"missing in Forge's store: {missing[:5]}"}
    for name in peer.variables:
        a, b = forge[name].values, peer[name].values
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
            return {"ok": False, "variables": len(forge.variables), "error": f"'{name}' differs"}
    return {"ok": True, "variables": len(forge.variables), "error": None}


if __name__ == "__main__":
    print(json.dumps(main()))
