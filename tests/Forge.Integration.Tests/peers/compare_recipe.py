#!/usr/bin/python3
"""Compares a Forge Zarr v2 store with xarray's reading of the input files a real recipe ran on.

Usage: compare_recipe.py STORE [--engine netcdf4|cfgrib] [--filter KEY=VALUE ...] [--squeeze DIM ...]
                         [--merge N] [--decode-coords-all] [--coords minimal|all|different] -- FILE ...
Files are in concat order; with --merge N each concat key has N consecutive files that xarray merges (the
recipe's merge dim), then the keys are concatenated along time: xarray's nested combine, concat_dim=["time", None].
Variables, dimensions, dtypes and decoded values (times included) must be equal; for netCDF inputs also the
attributes (Forge's forge:* provenance attributes aside). Prints "ok N variables" or exits 1 naming the differences.
"""
import argparse
import sys

import numpy as np
import xarray as xr


def same(x, y):
    if isinstance(x, str) or isinstance(y, str):
        return x == y
    x, y = np.asarray(x), np.asarray(y)
    return x.shape == y.shape and (np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y))


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("store")
    p.add_argument("--engine", default="netcdf4")
    p.add_argument("--filter", nargs="*", default=[])
    p.add_argument("--squeeze", nargs="*", default=[])
    p.add_argument("--merge", type=int, default=1)
    p.add_argument("--decode-coords-all", action="store_true")
    p.add_argument("--coords", choices=["minimal", "all", "different"], default="different")
    p.add_argument("--data-vars", choices=["all", "different", "minimal"], default="all")
    a = p.parse_args(argv[:split])
    files = argv[split + 1:]

    kwargs = {"decode_coords": "all"} if a.decode_coords_all else {}
    if a.engine == "cfgrib":
        kwargs["backend_kwargs"] = {"indexpath": "", "filter_by_keys": dict(f.split("=", 1) for f in a.filter)}
    paths = files if a.merge == 1 else [files[i:i + a.merge] for i in range(0, len(files), a.merge)]
    concat_dim = "time" if a.merge == 1 else ["time", None]
    # Default: xarray's own defaults (data_vars="all", coords="different", compat="no_conflicts"), Forge's combine
    # rule (docs/engine.md, "Combine rules"): data variables all get the concat dim, coordinates only when they differ.
    combine = {"minimal": {"data_vars": "minimal", "coords": "minimal", "compat": "override"},
               "all": {"coords": "all"},
               "different": {}}[a.coords]
    if a.data_vars != "all":
        combine["data_vars"] = a.data_vars
    m = xr.open_mfdataset(paths, engine=a.engine, combine="nested", concat_dim=concat_dim, **combine, **kwargs)
    for d in a.squeeze:
        m = m.squeeze(d, drop=True)
    z = xr.open_zarr(a.store, consolidated=True, **({"decode_coords": "all"} if a.decode_coords_all else {}))

    problems = []
    if set(z.variables) != set(m.variables):
        problems.append(f"variables differ: zarr {sorted(z.variables)} vs inputs {sorted(m.variables)}")
    if dict(z.sizes) != dict(m.sizes):
        problems.append(f"dimensions differ: zarr {dict(z.sizes)} vs inputs {dict(m.sizes)}")
    for name in sorted(set(z.variables) & set(m.variables)):
        zv, mv = z[name], m[name]
        if zv.dims != mv.dims:
            problems.append(f"{name}: dims {zv.dims} vs {mv.dims}")
            continue
        zvals, mvals = zv.values, mv.values
        if zvals.dtype != mvals.dtype:
            problems.append(f"{name}: dtype {zvals.dtype} vs {mvals.dtype}")
        elif not same(zvals, mvals):
            problems.append(f"{name}: values differ, zarr {zvals.ravel()[:4]} vs inputs {mvals.ravel()[:4]}")
        if a.engine != "cfgrib":
            za, ma = dict(zv.attrs), dict(mv.attrs)
            if set(za) != set(ma) or not all(same(za[k], ma[k]) for k in za):
                problems.append(f"{name}: attributes {za} vs {ma}")
            ze, me = zv.encoding, mv.encoding
            for k in ("scale_factor", "add_offset", "_FillValue", "units", "dtype"):
                if k in me and (k not in ze or not same(ze[k], me[k])):
                    problems.append(f"{name}: encoding {k} {ze.get(k)!r} vs inputs {me[k]!r}")
    if a.engine != "cfgrib":
        zg = {k: v for k, v in z.attrs.items() if not k.startswith("forge:")}
        if set(zg) != set(m.attrs) or not all(same(zg[k], m.attrs[k]) for k in zg):
            problems.append(f"global attributes {zg} vs {dict(m.attrs)}")
    for k in ("forge:recipe_id", "forge:recipe_sha256", "forge:inputs"):
        if k not in z.attrs:
            problems.append(f"provenance attribute {k} missing")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"ok {len(z.variables)} variables")


if __name__ == "__main__":
    main()
