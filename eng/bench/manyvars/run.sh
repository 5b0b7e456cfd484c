#!/usr/bin/env bash
# Many-variables curve: `forge plan` and `forge run` vs xarray open_mfdataset + to_zarr on NetCDF-4 inputs with
# N float32 variables (time, lat, lon) each, 2 files concatenated along time.
#   eng/bench/manyvars/run.sh                 (NVARS="100 200 400 1000" NFILES=2 by default)
# Wall-clock seconds, one run each, on a shared machine: compare the ratio within one line, not across runs.
set -euo pipefail
NVARS="${NVARS:-100 200 400 1000}"; NFILES="${NFILES:-2}"; TIMEOUT="${TIMEOUT:-1800}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
here="$root/eng/bench/manyvars"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/Forge.Cli" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
forge="$root/src/Forge.Cli/bin/Release/net10.0/forge"

secs() { local s e; s=$(date +%s.%N); timeout "$TIMEOUT" "$@" >"$work/out.log" 2>&1 || { echo "FAILED($?)"; tail -3 "$work/out.log" >&2; return 0; }; e=$(date +%s.%N); echo "$e - $s" | bc -l | xargs printf '%.2f'; }

printf '%-6s %10s %10s %14s %14s %12s %12s\n' nvars forge_plan forge_run xarray_open xarray_total plan/xarray run/xarray
for n in $NVARS; do
  /usr/bin/python3 "$here/make_manyvars.py" "$work/in$n" "$n" "$NFILES"
  cat >"$work/r$n.yaml" <<YAML
forge: 1
id: manyvars-$n
inputs:
  url: "$work/in$n/manyvars_{time:03}.nc"
  concat: { dim: time, keys: { range: { start: 0, end: $((NFILES - 1)) } } }
  format: netcdf4
target:
  zarr_format: 2
  url: $work/forge$n.zarr
YAML
  plan=$(secs "$forge" plan "$work/r$n.yaml")
  run=$(secs "$forge" run "$work/r$n.yaml")
  xs=$(date +%s.%N)
  xr=$(/usr/bin/python3 "$here/xarray_convert.py" "$work/xr$n.zarr" "$work/in$n"/manyvars_*.nc)
  xe=$(date +%s.%N)
  xtotal=$(echo "$xe - $xs" | bc -l | xargs printf '%.2f')
  xopen=$(echo "$xr" | awk '{print $2}')
  ratio() { [[ "$1" =~ ^[0-9.]+$ ]] && echo "$1 / $2" | bc -l | xargs printf '%.2f' || echo n/a; }
  printf '%-6s %10s %10s %14s %14s %12s %12s\n' "$n" "$plan" "$run" "$xopen" "$xtotal" "$(ratio "$plan" "$xtotal")" "$(ratio "$run" "$xtotal")"
  rm -rf "$work/in$n" "$work/forge$n.zarr" "$work/xr$n.zarr"
done
