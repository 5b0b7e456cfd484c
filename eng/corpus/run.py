#!/usr/bin/python3
"""Real-file corpus: converts each case with `forge run` and compares the store with xarray / cfgrib.

Every case is a set of input files (ecCodes' sample GRIB files re-dated and re-valued, xarray's own test files,
files made by ncgen and cdo) and how they combine. The oracle is what a pangeo-forge user gets:
xarray.open_mfdataset(files, combine="nested", concat_dim=DIM) with default options (engine cfgrib for GRIB), read
next to xarray.open_zarr(forge's store). A case holds when both have the same variables, and every variable the
same dims, dtype, values (NaN equal NaN; decoded times) and attributes; and the global attributes agree.

usage: eng/corpus/run.py [--forge PATH] [--only SUBSTRING] [--keep] [--out FILE.md]
Needs Debian's python3-xarray, python3-cfgrib, python3-eccodes, python3-netcdf4, cdo and ncgen (eng/setup.sh test).
"""
import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
import warnings

import numpy as np
import xarray as xr

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SAMPLES = "/usr/share/eccodes/samples"
IFS = "/usr/share/eccodes/ifs_samples"
XR_DATA = os.path.join(os.path.dirname(xr.__file__), "tests", "data")
# Attributes that say how a store was made, not what the data is.
IGNORED_GLOBAL = {"history", "coordinates"}


class Case:
    def __init__(self, name, files, dim, engine, filter_by_keys=None, recipe_extra="", merge=None):
        self.name, self.files, self.dim, self.engine = name, files, dim, engine
        self.filter_by_keys, self.recipe_extra, self.merge = filter_by_keys or {}, recipe_extra, merge
        self.format = "grib" if engine == "cfgrib" else "auto"
        # A documented deviation: (why, substrings every remaining difference must contain one of).
        self.deviation = None


# ---------------------------------------------------------------- input makers

def grib_series(work, name, sample, n=3, sets=None, variants=None):
    """n copies of one ecCodes sample, a day apart, with other values each (a real grid, realistic values). With
    variants, each message of the sample is written once per variant (a dict of keys: levels, steps, members)."""
    import eccodes
    rng = np.random.default_rng(sum(map(ord, name)))
    files = []
    for i in range(n):
        path = os.path.join(work, f"{name}-{i}.grib")
        with open(path, "wb") as out:
            for variant in variants or [{}]:
                with open(sample, "rb") as f:
                    while True:
                        h = eccodes.codes_grib_new_from_file(f)
                        if h is None:
                            break
                        eccodes.codes_set(h, "dataDate", int((dt.date(2020, 1, 1) + dt.timedelta(days=i)).strftime("%Y%m%d")))
                        for k, v in {**(sets or {}), **variant}.items():
                            eccodes.codes_set(h, k, v)
                        if eccodes.codes_get(h, "gridType") != "sh":
                            n_values = eccodes.codes_get_size(h, "values")
                            eccodes.codes_set_values(h, (250 + 40 * rng.random(n_values)).astype(np.float64))
                        eccodes.codes_write(h, out)
                        eccodes.codes_release(h)
        files.append(path)
    return files


def ncgen(work, name, cdl, kind="nc4"):
    path = os.path.join(work, name + ".nc")
    cdl_path = path + ".cdl"
    with open(cdl_path, "w") as f:
        f.write(cdl)
    flag = {"nc4": "-k nc4", "classic": "-k nc3", "64bit": "-k nc6"}[kind]
    subprocess.run(f"ncgen {flag} -o {path} {cdl_path}", shell=True, check=True)
    return path


def daily_cdl(day, extra_vars="", extra_data="", lat_units=True, char=False, nan_attr=False):
    lat_units_line = 'lat:units = "degrees_north" ;' if lat_units else ""
    char_dims = "nchar = 8 ; station = 2 ;" if char else ""
    char_vars = "char station_name(station, nchar) ; station_name:long_name = \"station\" ;" if char else ""
    char_data = 'station_name = "alpha", "beta" ;' if char else ""
    nan = "sst:valid_max = NaNf ; sst:spread = NaN ;" if nan_attr else ""
    vals = ", ".join(str(round(270 + day + 0.25 * k, 2)) for k in range(12))
    return f"""netcdf d {{
dimensions: time = UNLIMITED ; lat = 3 ; lon = 4 ; {char_dims}
variables:
  double time(time) ; time:units = "days since 2020-01-01" ; time:calendar = "standard" ;
  float lat(lat) ; {lat_units_line} lat:standard_name = "latitude" ;
  float lon(lon) ; lon:units = "degrees_east" ;
  float sst(time, lat, lon) ; sst:units = "K" ; sst:_FillValue = -999.f ; {nan}
  {char_vars}
  {extra_vars}
  :title = "corpus day" ; :Conventions = "CF-1.8" ;
data:
  time = {day} ; lat = -10, 0, 10 ; lon = 0, 90, 180, 270 ;
  sst = {vals} ;
  {char_data}
  {extra_data}
}}
"""


def build_cases(work):
    cases = []

    def add(name, maker):
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        try:
            cases.append(maker(d))
        except Exception as e:  # a maker that cannot run here is reported, not hidden
            cases.append(("unbuildable", name, f"{type(e).__name__}: {e}"))

    # GRIB: one grid per sample, three days along time.
    grib_grids = {
        "grib2-regular-ll": f"{SAMPLES}/regular_ll_sfc_grib2.tmpl",
        "grib1-regular-ll": f"{SAMPLES}/regular_ll_sfc_grib1.tmpl",
        "grib2-regular-gg": f"{SAMPLES}/regular_gg_sfc_grib2.tmpl",
        "grib2-reduced-gg": f"{SAMPLES}/reduced_gg_pl_32_grib2.tmpl",
        "grib1-reduced-gg": f"{SAMPLES}/reduced_gg_sfc_grib1.tmpl",
        "grib2-reduced-ll": f"{SAMPLES}/reduced_ll_sfc_grib2.tmpl",
        "grib2-polar-stereographic": f"{SAMPLES}/polar_stereographic_sfc_grib2.tmpl",
        "grib1-polar-stereographic": f"{SAMPLES}/polar_stereographic_sfc_grib1.tmpl",
        "grib2-lambert": f"{SAMPLES}/lambert_bf_grib2.tmpl",
        "grib2-rotated-ll": f"{SAMPLES}/rotated_ll_sfc_grib2.tmpl",
        "grib1-rotated-ll": f"{SAMPLES}/rotated_ll_sfc_grib1.tmpl",
        "grib2-ccsds-reduced-gg": f"{IFS}/grib1_mlgrib2_ccsds/gg_sfc_grib2.tmpl",
        "grib2-pressure-levels": f"{SAMPLES}/regular_ll_pl_grib2.tmpl",
    }
    for name, sample in grib_grids.items():
        add(name, lambda d, s=sample, n=name: Case(n, grib_series(d, n, s), "time", "cfgrib"))

    ll2 = f"{SAMPLES}/regular_ll_pl_grib2.tmpl"
    add("grib2-params-and-levels", lambda d: Case("grib2-params-and-levels", grib_series(d, "pl", ll2, variants=[
        {"parameterCategory": c, "parameterNumber": p, "level": lev} for c, p in ((0, 0), (2, 2)) for lev in (500, 850, 1000)]), "time", "cfgrib"))
    add("grib2-forecast-steps", lambda d: Case("grib2-forecast-steps", grib_series(d, "fc", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl", variants=[
        {"forecastTime": h} for h in (0, 6, 12, 18)]), "time", "cfgrib"))
    add("grib2-ensemble-members", lambda d: Case("grib2-ensemble-members", grib_series(d, "eps", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl", variants=[
        {"productDefinitionTemplateNumber": 1, "numberOfForecastsInEnsemble": 5, "perturbationNumber": m} for m in range(5)]), "time", "cfgrib"))
    add("grib1-ifs-model-levels", lambda d: Case("grib1-ifs-model-levels", grib_series(d, "ml", f"{IFS}/grib1/gg_ml.tmpl", n=2), "time", "cfgrib"))
    add("grib1-spectral-harmonics", lambda d: Case("grib1-spectral-harmonics", grib_series(d, "sh", f"{SAMPLES}/sh_sfc_grib1.tmpl", n=2), "time", "cfgrib"))
    add("grib2-ensemble-member", lambda d: Case("grib2-ensemble-member", grib_series(
        d, "ens", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl",
        sets={"productDefinitionTemplateNumber": 1, "perturbationNumber": 3, "numberOfForecastsInEnsemble": 50}), "time", "cfgrib"))
    add("grib2-30-minute-step", lambda d: Case("grib2-30-minute-step", grib_series(
        d, "min", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl",
        sets={"indicatorOfUnitOfTimeRange": 0, "forecastTime": 30}), "time", "cfgrib"))
    def accumulation(d):
        c = Case("grib2-30-minute-accumulation", grib_series(
            d, "acc", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl",
            sets={"productDefinitionTemplateNumber": 8, "indicatorOfUnitOfTimeRange": 0, "forecastTime": 0,
                  "indicatorOfUnitForTimeRange": 0, "lengthOfTimeRange": 30}), "time", "cfgrib")
        c.deviation = ("cfgrib 0.9.10 drops step and valid_time (ecCodes cannot give a 0-30 min endStep in hours); "
                       "Forge writes step 30 min from the keys in minutes (docs/grib.md)", ["extra variables ['step', 'valid_time']", "GRIB_stepUnits"])
        return c
    add("grib2-30-minute-accumulation", accumulation)
    add("grib2-no-step-pdt31", lambda d: Case("grib2-no-step-pdt31", grib_series(
        d, "sat", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl", sets={"productDefinitionTemplateNumber": 31}), "time", "cfgrib"))

    def multifield(d):
        files = []
        for i, single in enumerate(grib_series(d, "one", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl", n=2)):
            # Two fields (temperature, then the same grid as another parameter) in one message.
            other = single + ".other"
            subprocess.run(["grib_set", "-s", "discipline=0,parameterCategory=1,parameterNumber=8", single, other], check=True)
            out = os.path.join(d, f"multi-{i}.grib")
            subprocess.run([sys.executable, os.path.join(REPO, "tests/data/grib/make_multifield.py"), out, single, other], check=True)
            files.append(out)
        return Case("grib2-multi-field", files, "time", "cfgrib")
    add("grib2-multi-field", multifield)

    def bulletin(d, at):
        files = []
        for i, g in enumerate(grib_series(d, "wmo", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl", n=2)):
            out = os.path.join(d, f"bulletin-{i}.grib")
            head = b"\x01\r\r\n" + b"HEADER LINE AAAA00 KWBC 010000\r\r\n"
            with open(out, "wb") as f:
                f.write(head + b" " * (at - len(head)) + open(g, "rb").read())
            files.append(out)
        # format: auto, as a user who does not know the files start with a bulletin header writes it.
        c = Case(f"grib2-bulletin-header-{at}", files, "time", "cfgrib")
        c.format = "auto"
        return c
    add("grib2-bulletin-header-6148", lambda d: bulletin(d, 6148))
    add("grib2-bulletin-header-12000", lambda d: bulletin(d, 12000))

    add("xarray-example-grib", lambda d: Case("xarray-example-grib", [shutil.copy(f"{XR_DATA}/example.grib", d)], "time", "cfgrib"))

    # NetCDF.
    add("nc4-daily", lambda d: Case("nc4-daily", [ncgen(d, f"day{i}", daily_cdl(i)) for i in range(3)], "time", "netcdf4"))
    add("nc3-classic-daily", lambda d: Case("nc3-classic-daily", [ncgen(d, f"day{i}", daily_cdl(i), "classic") for i in range(3)], "time", "netcdf4"))
    # Station names (a data variable without the concat dim): repeated per step, as xarray's data_vars='all'.
    add("nc4-char-stations", lambda d: Case("nc4-char-stations", [ncgen(d, f"day{i}", daily_cdl(i, char=True)) for i in range(2)], "time", "netcdf4"))
    add("nc4-nan-attributes", lambda d: Case("nc4-nan-attributes", [ncgen(d, f"day{i}", daily_cdl(i, nan_attr=True)) for i in range(2)], "time", "netcdf4"))
    add("nc4-coord-lacks-units", lambda d: Case("nc4-coord-lacks-units", [ncgen(d, f"day{i}", daily_cdl(i, lat_units=i != 1)) for i in range(3)], "time", "netcdf4"))
    def static_data(d):
        c = Case("nc4-static-data-var", [ncgen(d, f"day{i}", daily_cdl(
            i, extra_vars='int crs ; crs:grid_mapping_name = "latitude_longitude" ; float mask(lat, lon) ;',
            extra_data="crs = 0 ; mask = 1,1,1,1,0,0,0,0,1,1,1,1 ;")) for i in range(3)], "time", "netcdf4")
        # Data variables without the concat dim get it (xarray's data_vars='all'), equal or not: docs/engine.md.
        return c
    add("nc4-static-data-var", static_data)
    def merged(d):
        # Two variables in separate files, merged; one file's lat lacks its units attribute.
        grid = []
        for i in range(2):
            row = []
            for var in ("sst", "ice"):
                cdl = daily_cdl(i, lat_units=var != "ice").replace("sst", var)
                row.append(ncgen(d, f"{var}-{i}", cdl))
            grid.append(row)
        c = Case("nc4-merge-coord-lacks-units", grid, "time", "netcdf4")
        c.merge = ("variable", ["sst", "ice"])
        return c
    add("nc4-merge-coord-lacks-units", merged)

    def sub_group(d):
        files = []
        for i in range(2):
            cdl = daily_cdl(i).rstrip().rstrip("}") + "group: extra {\nvariables: int flag ;\ndata: flag = 1 ;\n}\n}\n"
            path = ncgen(d, f"grp{i}", cdl)
            files.append(path)
        return Case("nc4-sub-group-ignored", files, "time", "netcdf4", recipe_extra="  netcdf:\n    sub_groups: ignore\n")
    add("nc4-sub-group-ignored", sub_group)
    add("xarray-example-1", lambda d: Case("xarray-example-1", [shutil.copy(f"{XR_DATA}/example_1.nc", d)], "time", "netcdf4"))

    def cdo_nc(d):
        files = []
        for i, g in enumerate(grib_series(d, "src", f"{SAMPLES}/regular_ll_sfc_grib2.tmpl", n=3)):
            out = os.path.join(d, f"cdo-{i}.nc")
            subprocess.run(["cdo", "-s", "-f", "nc4", "-z", "zip_4", "copy", g, out], check=True)
            files.append(out)
        return Case("cdo-nc4-from-grib", files, "time", "netcdf4")
    add("cdo-nc4-from-grib", cdo_nc)

    def cdo_kinds(d):
        files = []
        for i, (g, kind) in enumerate(zip(grib_series(d, "src", f"{SAMPLES}/regular_ll_pl_grib2.tmpl", n=4), ("nc1", "nc2", "nc5", "nc4c"))):
            out = os.path.join(d, f"cdo-{i}.nc")
            subprocess.run(["cdo", "-s", "-f", kind, "copy", g, out], check=True)
            files.append(out)
        return Case("cdo-every-netcdf-kind", files, "time", "netcdf4")
    add("cdo-every-netcdf-kind", cdo_kinds)

    def packed(d):
        files = []
        for i in range(3):
            vals = ", ".join(str((k * 37 + i * 11) % 300 - 150) for k in range(12))
            cdl = f"""netcdf p {{
dimensions: time = UNLIMITED ; lat = 3 ; lon = 4 ; nv = 2 ;
variables:
  double time(time) ; time:units = "days since 2000-01-01" ; time:calendar = "noleap" ; time:bounds = "time_bnds" ;
  double time_bnds(time, nv) ;
  float lat(lat) ; lat:units = "degrees_north" ;
  float lon(lon) ; lon:units = "degrees_east" ;
  short tas(time, lat, lon) ; tas:scale_factor = 0.01f ; tas:add_offset = 273.15f ; tas:_FillValue = -32767s ;
    tas:missing_value = -32767s ; tas:units = "K" ; tas:cell_methods = "time: mean" ;
  :title = "packed" ;
data:
  time = {i * 31 + 15} ; time_bnds = {i * 31}, {i * 31 + 31} ; lat = -10, 0, 10 ; lon = 0, 90, 180, 270 ;
  tas = {vals.replace("-150", "-32767")} ;
}}
"""
            files.append(ncgen(d, f"month{i}", cdl))
        return Case("nc4-packed-noleap-bounds", files, "time", "netcdf4")
    add("nc4-packed-noleap-bounds", packed)

    def units_differ(d):
        files = []
        for i, units in enumerate(("days since 2000-01-01", "hours since 2000-01-01", "days since 2000-01-03")):
            value = {0: 0, 1: 24, 2: 0}[i]
            files.append(ncgen(d, f"u{i}", daily_cdl(0).replace('"days since 2020-01-01"', f'"{units}"').replace("time = 0 ;", f"time = {value} ;")))
        return Case("nc4-time-units-differ", files, "time", "netcdf4")
    add("nc4-time-units-differ", units_differ)
    return cases


# ---------------------------------------------------------------- forge and the oracle

def oracle(case):
    kwargs = {}
    if case.engine == "cfgrib":
        kwargs["backend_kwargs"] = {"indexpath": "", **({"filter_by_keys": case.filter_by_keys} if case.filter_by_keys else {})}
    concat_dim = [case.dim, None] if case.merge else case.dim
    return xr.open_mfdataset(case.files, combine="nested", concat_dim=concat_dim, engine=case.engine, **kwargs).load()


def run_forge(forge, case, work):
    if case.merge:
        # files[i][j]: concat key i, merge key j, named "<merge key>-<i>.nc".
        folder = os.path.dirname(case.files[0][0])
        merge_dim, merge_keys = case.merge
        names = [str(i) for i in range(len(case.files))]
        url = f"{folder}/{{{merge_dim}}}-{{{case.dim}}}.nc"
        merge = f"  merge:\n    dim: {merge_dim}\n    keys: [{', '.join(merge_keys)}]\n"
        keys_yaml = "range: { start: 0, end: %d, step: 1 }" % (len(case.files) - 1)
    else:
        folder = os.path.dirname(case.files[0])
        names = [os.path.basename(f) for f in case.files]
        url = f"{folder}/{{{case.dim}}}"
        merge = ""
        keys_yaml = "list: [" + ", ".join(json.dumps(n) for n in names) + "]"
    store = os.path.join(work, case.name + ".zarr")
    fmt = case.format
    grib_filter = ""
    if case.filter_by_keys:
        grib_filter = "  grib:\n    filter:\n" + "".join(f"      {k}: {json.dumps(str(v))}\n" for k, v in case.filter_by_keys.items())
    recipe = f"""forge: 1
id: corpus-{case.name}
inputs:
  url: "{url}"
  concat:
    dim: {case.dim}
    keys:
      {keys_yaml}
{merge}  format: {fmt}
{grib_filter}{case.recipe_extra}target:
  url: {store}
  zarr_format: 2
  codec: {{ zstd: {{ level: 1 }} }}
"""
    path = os.path.join(work, case.name + ".yaml")
    with open(path, "w") as f:
        f.write(recipe)
    p = subprocess.run([forge, "run", path, "--progress", "none", "--overwrite"], capture_output=True, text=True, timeout=600)
    return p, store


def compare(expected, got):
    diffs = []
    ev, gv = set(expected.variables), set(got.variables)
    if ev - gv:
        diffs.append(f"missing variables {sorted(ev - gv)}")
    if gv - ev:
        diffs.append(f"extra variables {sorted(gv - ev)}")
    for name in sorted(ev & gv):
        e, g = expected[name], got[name]
        if e.dims != g.dims:
            diffs.append(f"{name}: dims {e.dims} vs {g.dims}")
            continue
        if e.dtype != g.dtype:
            diffs.append(f"{name}: dtype {e.dtype} vs {g.dtype}")
        if e.shape != g.shape:
            diffs.append(f"{name}: shape {e.shape} vs {g.shape}")
            continue
        ea, ga = np.asarray(e.values), np.asarray(g.values)
        try:
            same = np.array_equal(ea, ga, equal_nan=ea.dtype.kind in "fc")
        except TypeError:
            same = np.array_equal(ea, ga)
        if not same:
            flat_e, flat_g = ea.reshape(-1), ga.reshape(-1)
            idx = next((i for i in range(flat_e.size) if not (flat_e[i] == flat_g[i] or (flat_e[i] != flat_e[i] and flat_g[i] != flat_g[i]))), None)
            diffs.append(f"{name}: values differ at flat index {idx}: {flat_e[idx]!r} vs {flat_g[idx]!r}")
        ea_attrs = {k: v for k, v in e.attrs.items()}
        ga_attrs = {k: v for k, v in g.attrs.items()}
        diffs += attr_diffs(name, ea_attrs, ga_attrs)
    eg = {k: v for k, v in expected.attrs.items() if k not in IGNORED_GLOBAL}
    gg = {k: v for k, v in got.attrs.items() if k not in IGNORED_GLOBAL and not k.startswith("forge:")}
    diffs += attr_diffs("(global)", eg, gg)
    return diffs


def attr_diffs(name, e, g):
    out = []
    for k in sorted(set(e) | set(g)):
        if k not in g:
            out.append(f"{name}: attribute {k} missing (xarray: {e[k]!r})")
        elif k not in e:
            out.append(f"{name}: extra attribute {k}={g[k]!r}")
        else:
            a, b = e[k], g[k]
            # Zarr attributes are JSON: an array attribute read back is a list, also in a store xarray writes.
            if isinstance(a, np.ndarray) and isinstance(b, list):
                a = a.tolist()
            if type(a) != type(b) and not (isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number))):
                out.append(f"{name}: attribute {k} type {type(a).__name__} vs {type(b).__name__} ({a!r} vs {b!r})")
            elif not np.array_equal(np.asarray(a), np.asarray(b), equal_nan=isinstance(a, (float, np.floating))):
                out.append(f"{name}: attribute {k} {a!r} vs {b!r}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--forge", default=os.path.join(REPO, "src/Forge.Cli/bin/Debug/net10.0/forge"))
    ap.add_argument("--only", default="")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="forge-corpus-")
    rows = []
    try:
        for case in build_cases(work):
            if isinstance(case, tuple):
                rows.append((case[1], "unbuildable", [case[2]]))
                continue
            if args.only and args.only not in case.name:
                continue
            try:
                expected = oracle(case)
            except Exception as e:
                rows.append((case.name, "oracle-fails", [f"{type(e).__name__}: {str(e)[:300]}"]))
                continue
            p, store = run_forge(args.forge, case, work)
            if p.returncode != 0:
                rows.append((case.name, "refused", [(p.stderr.strip().splitlines() or ["(no message)"])[-1][:400]]))
                continue
            try:
                got = xr.open_zarr(store).load()
                diffs = compare(expected, got)
            except Exception:
                diffs = [traceback.format_exc().strip().splitlines()[-1]]
            if diffs and case.deviation and all(any(m in d for m in case.deviation[1]) for d in diffs):
                rows.append((case.name, "documented deviation", [case.deviation[0]] + diffs))
            else:
                rows.append((case.name, "holds" if not diffs else "differs", diffs))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)
    held = sum(1 for r in rows if r[1] == "holds")
    deviations = sum(1 for r in rows if r[1] == "documented deviation")
    counted = sum(1 for r in rows if r[1] != "oracle-fails")
    lines = [f"# Real-file corpus: {held} of {counted} cases hold, {deviations} more differ only as documented "
             f"({dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%MZ})", "",
             "| case | result | what differs |", "|---|---|---|"]
    for name, status, diffs in rows:
        lines.append(f"| {name} | {status} | {'<br>'.join(d.replace('|', '/') for d in diffs[:6])}{' …' if len(diffs) > 6 else ''} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0 if held + deviations == counted else 1


if __name__ == "__main__":
    sys.exit(main())
