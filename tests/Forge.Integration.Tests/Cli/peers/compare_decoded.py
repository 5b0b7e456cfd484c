#!/usr/bin/python3
"""Checks a Forge store written with decode_cf against xarray's default decoding of the inputs.

Usage: compare_decoded.py STORE CONCAT_DIM --decoded VAR ... [--squeeze DIM ...] -- FILE ...
Each decoded VAR must be stored as float32 (read raw, without xarray's own masking/scaling), hold NaN where the
input had _FillValue, carry no packing attributes, and equal open_mfdataset's decoded values (NaN == NaN).
Other data variables must still equal their raw input values. Prints "ok" or exits 1 naming the differences.
"""
import argparse
import sys

import numpy as np
import xarray as xr


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("store")
    p.add_argument("concat_dim")
    p.add_argument("--decoded", nargs="+", required=True)
    p.add_argument("--squeeze", nargs="*", default=[])
    a = p.parse_args(argv[:split])
    files = argv[split + 1:]

    raw = xr.open_zarr(a.store, consolidated=True, mask_and_scale=False, decode_times=False)
    m = xr.open_mfdataset(files, combine="nested", concat_dim=a.concat_dim, data_vars="minimal", coords="minimal", compat="override")
    m_raw = xr.open_mfdataset(files, combine="nested", concat_dim=a.concat_dim, data_vars="minimal", coords="minimal",
                              compat="override", mask_and_scale=False, decode_times=False)
    for d in a.squeeze:
        m = m.squeeze(d, drop=True)
        m_raw = m_raw.squeeze(d, drop=True)

    problems = []
    for name in a.decoded:
        z = raw[name]
        zv, mv = z.values, m[name].values
        if zv.dtype != np.float32:
            problems.append(f"{name}: stored dtype {zv.dtype}, expected float32")
        if zv.shape != mv.shape:
            problems.append(f"{name}: shape {zv.shape} vs {mv.shape}")
            continue
        if not np.isnan(zv).any():
            problems.append(f"{name}: no NaN stored, but the inputs have _FillValue points")
        if not np.array_equal(zv.astype(np.float64), mv.astype(np.float64), equal_nan=True):
            diff = np.nanmax(np.abs(zv.astype(np.float64) - mv.astype(np.float64)))
            problems.append(f"{name}: decoded values differ from xarray (max abs diff {diff}, NaN in zarr {int(np.isnan(zv).sum())} vs xarray {int(np.isnan(mv).sum())})")
        for k in ("scale_factor", "add_offset"):
            if k in z.attrs:
                problems.append(f"{name}: still has packing attribute {k}={z.attrs[k]}")
    for name in m_raw.data_vars:
        if name in a.decoded or name not in raw.variables:
            continue
        if not np.array_equal(raw[name].values, m_raw[name].values):
            problems.append(f"{name}: raw values differ from the inputs (must stay packed)")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
