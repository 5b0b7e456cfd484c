#!/usr/bin/python3
"""Compares a Forge Zarr v2 store with xarray's open_mfdataset of the same inputs.

Usage: compare_xarray.py STORE CONCAT_DIM [--squeeze DIM ...] [--decode-cf VAR ...] -- FILE ...
Every variable, dimension, attribute and decoded time must be equal; Forge's provenance attributes
(forge:*) and attributes the recipe adds (--extra-attr NAME) are left out of the global comparison.
Prints "ok N variables" or exits 1 naming the first difference.
"""
import argparse
import sys

import numpy as np
import xarray as xr


def same_value(x, y):
    if isinstance(x, str) or isinstance(y, str):
        return x == y
    x, y = np.asarray(x), np.asarray(y)
    return x.shape == y.shape and bool(np.all((x == y) | (np.isnan(x) & np.isnan(y)) if x.dtype.kind == "f" else x == y))


def attrs_equal(a, b):
    """Same names and values; order is not compared (zarr-python sorts attribute keys)."""
    return set(a) == set(b) and all(same_value(a[k], b[k]) for k in a)


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("store")
    p.add_argument("concat_dim")
    p.add_argument("--squeeze", nargs="*", default=[])
    p.add_argument("--extra-attr", nargs="*", default=[])
    a = p.parse_args(argv[:split])
    files = argv[split + 1:]

    z = xr.open_zarr(a.store, consolidated=True)
    m = xr.open_mfdataset(files, combine="nested", concat_dim=a.concat_dim, data_vars="minimal", coords="minimal", compat="override")
    for d in a.squeeze:
        m = m.squeeze(d, drop=True)

    problems = []
    if set(z.variables) != set(m.variables):
        problems.append(f"variables differ: zarr {sorted(z.variables)} vs inputs {sorted(m.variables)}")
    if dict(z.dims) != dict(m.dims):
        problems.append(f"dimensions differ: zarr {dict(z.dims)} vs inputs {dict(m.dims)}")
    for name in sorted(set(z.variables) & set(m.variables)):
        zv, mv = z[name], m[name]
        if zv.dims != mv.dims:
            problems.append(f"{name}: dims {zv.dims} vs {mv.dims}")
            continue
        zvals, mvals = zv.values, mv.values
        if zvals.dtype != mvals.dtype:
            problems.append(f"{name}: dtype {zvals.dtype} vs {mvals.dtype}")
        elif zvals.dtype.kind in "fc":
            if not np.array_equal(zvals, mvals, equal_nan=True):
                problems.append(f"{name}: values differ (max abs diff {np.nanmax(np.abs(zvals - mvals))})")
        elif not np.array_equal(zvals, mvals):
            problems.append(f"{name}: values differ, first zarr {zvals.ravel()[:3]} vs inputs {mvals.ravel()[:3]}")
        za = {k: v for k, v in zv.attrs.items()}
        ma = {k: v for k, v in mv.attrs.items()}
        if not attrs_equal(za, ma):
            problems.append(f"{name}: attributes {za} vs {ma}")
        if name == a.concat_dim and zvals.dtype.kind == "M":
            if not (np.diff(zvals.astype("int64")) > 0).all():
                problems.append(f"{name}: not strictly increasing")
    zg = {k: v for k, v in z.attrs.items() if not k.startswith("forge:") and k not in a.extra_attr}
    if not attrs_equal(zg, dict(m.attrs)):
        problems.append(f"global attributes {zg} vs {dict(m.attrs)}")
    for k in ("forge:recipe_id", "forge:recipe_sha256", "forge:version", "forge:inputs", "forge:inputs_sha256"):
        if k not in z.attrs:
            problems.append(f"provenance attribute {k} missing")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"ok {len(z.variables)} variables")


if __name__ == "__main__":
    main()
