#!/usr/bin/env bash
# Many-variables curve (issue 10 item 7): `forge plan` and `forge run` against xarray open_dataset + to_zarr on one
# generated NetCDF-4 file of N variables laid out like model output (make_manyvars.py), for each N, in one run.
#
#   eng/bench/manyvars/run.sh                       N = 100 200 400 1000, one file each (a few minutes)
#   options: --nvars "100 200 400 1000"  --files K (K files concatenated along time; xarray then uses
#            open_mfdataset)  --reps R (default 1)  --results DIR (default eng/bench/manyvars/results)
#            --forge-build publish|jit (default publish: the self-contained ReadyToRun binary of eng/install.sh)
#
# Every timing is `/usr/bin/time -f '%e %U %S %M' sh -c "<cmd> && sync -f OUT"` (writes reach the disk inside it;
# Forge also fsyncs each object), warm page cache (the file was just written). Forge's store is checked against
# xarray's (verify.py: every variable, equal decoded values) before its times count.
# Output: RESULTS/<utc>.jsonl (one JSON object per timed command) and RESULTS/<utc>.md (machine facts + table).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
here="$root/eng/bench/manyvars"
PY=/usr/bin/python3
NVARS="100 200 400 1000"; FILES=1; REPS=1; RESULTS="$here/results"; FORGE_BUILD=publish
while [ $# -gt 0 ]; do
  case "$1" in
    --nvars) NVARS="$2"; shift ;;
    --files) FILES="$2"; shift ;;
    --reps) REPS="$2"; shift ;;
    --results) RESULTS="$2"; shift ;;
    --forge-build) FORGE_BUILD="$2"; shift; case "$FORGE_BUILD" in publish|jit) ;; *) echo "run.sh: --forge-build publish|jit" >&2; exit 2 ;; esac ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v /usr/bin/time >/dev/null || { echo "run.sh: GNU time is missing (bash eng/setup.sh test)" >&2; exit 2; }
$PY -c "import xarray, zarr, netCDF4" 2>/dev/null || { echo "run.sh: Debian's python3-xarray/zarr/netcdf4 are missing (bash eng/setup.sh test)" >&2; exit 2; }

utc="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
jsonl="$RESULTS/$utc.jsonl"; md="$RESULTS/$utc.md"
work="$(mktemp -d "${TMPDIR:-/tmp}/forge-manyvars.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ "$FORGE_BUILD" = publish ]; then
  echo "run.sh: publishing Forge (Release, self-contained linux-x64, ReadyToRun, as eng/install.sh)" >&2
  dotnet publish "$root/src/Forge.Cli" -c Release -r linux-x64 -o "$work/forge-bin" -v quiet -nologo -clp:ErrorsOnly >/dev/null || { echo "run.sh: Forge publish failed" >&2; exit 1; }
  forge_build="Release, self-contained ReadyToRun (eng/install.sh)"
else
  dotnet build "$root/src/Forge.Cli" -c Release -v quiet -nologo -clp:ErrorsOnly -o "$work/forge-bin" >/dev/null || { echo "run.sh: Forge build failed" >&2; exit 1; }
  forge_build="Release, JIT (dotnet build)"
fi
FORGE="$work/forge-bin/forge"
forge_commit="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+dirty')"
{
  echo "# Forge many-variables benchmark $utc"
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -r)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; absolute times are noisy, CPU seconds less so)"
  echo "- Forge $forge_commit ($forge_build), $(dotnet --version) SDK; peers: $(dpkg-query -W -f='${Package} ${Version}, ' python3-xarray python3-zarr python3-netcdf4 libnetcdf19 2>/dev/null | sed 's/, $//')"
  echo "- inputs: make_manyvars.py, $FILES file(s) per N; command per N: \`forge plan R.yaml\`, \`forge run R.yaml\`, \`xr_convert.py OUT.zarr IN.nc\`"
  echo
} > "$md"

# timed NVARS PROGRAM REP OUT CMD: one timing, one JSON row.
timed() {
  local n="$1" program="$2" rep="$3" out="$4" cmd="$5"
  local load0; load0="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" sh -c "$cmd && sync -f '$work'" >"$work/stdout.txt" 2>"$work/stderr.txt"
  local rc=$?
  R_N="$n" R_PROGRAM="$program" R_REP="$rep" R_RC="$rc" R_TIME="$(tail -1 "$work/time.txt")" R_CMD="$cmd" R_LOAD0="$load0" \
  R_LOAD1="$(cut -d' ' -f1 /proc/loadavg)" R_UTC="$utc" R_FILES="$FILES" R_WORK="$work" R_INBYTES="$(du -sb --apparent-size "$work/in$n" | cut -f1)" \
  $PY - "$jsonl" <<'PYEOF'
import json, os, sys
e = os.environ
t = e["R_TIME"].split()
rc = int(e["R_RC"])
ok = rc == 0 and len(t) == 4
out = open(os.path.join(e["R_WORK"], "stdout.txt"), errors="replace").read()
peer = None
if e["R_PROGRAM"] == "xarray" and ok:
    try:
        peer = json.loads(out.strip().splitlines()[-1])
    except Exception:
        pass
row = {"utc": e["R_UTC"], "rep": int(e["R_REP"]), "nvars": int(e["R_N"]), "files": int(e["R_FILES"]), "input_bytes": int(e["R_INBYTES"]),
       "program": e["R_PROGRAM"], "rc": rc, "wall_s": float(t[0]) if ok else None, "user_s": float(t[1]) if ok else None,
       "sys_s": float(t[2]) if ok else None, "cpu_s": round(float(t[1]) + float(t[2]), 2) if ok else None,
       "peak_rss_mib": round(int(t[3]) / 1024, 1) if len(t) == 4 else None, "peer_phases": peer,
       "load_before": float(e["R_LOAD0"]), "load_after": float(e["R_LOAD1"]), "cmd": e["R_CMD"].replace(e["R_WORK"], "$WORK"),
       "stderr_tail": None if rc == 0 else open(os.path.join(e["R_WORK"], "stderr.txt"), errors="replace").read()[-600:]}
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(row) + "\n")
print(f"N={row['nvars']:5} {row['program']:10} rc={rc} wall={row['wall_s']} s cpu={row['cpu_s']} s rss={row['peak_rss_mib']} MiB load={row['load_before']}", file=sys.stderr)
PYEOF
}

# One file: xarray's peer is open_dataset, which keeps the time-invariant variables static, so Forge is asked for
# the same (data_vars: minimal). Several files: open_mfdataset's default data_vars="all", Forge's default too.
data_vars=all
[[ "$FILES" == 1 ]] && data_vars=minimal
for n in $NVARS; do
  $PY "$here/make_manyvars.py" "$work/in$n" "$n" "$FILES" || exit 1
  cat > "$work/r$n.yaml" <<YAML
forge: 1
id: manyvars-$n
inputs:
  url: "$work/in$n/manyvars_{time:03}.nc"
  concat: { dim: time, keys: { range: { start: 0, end: $((FILES - 1)) } }, data_vars: $data_vars }
  format: netcdf4
target:
  zarr_format: 2
  url: $work/forge$n.zarr
YAML
  for rep in $(seq 1 "$REPS"); do
    rm -rf "$work/forge$n.zarr" "$work/xr$n.zarr"
    timed "$n" forge-plan "$rep" "$work/forge$n.zarr" "'$FORGE' plan '$work/r$n.yaml' >/dev/null"
    timed "$n" forge-run "$rep" "$work/forge$n.zarr" "'$FORGE' run '$work/r$n.yaml' --progress none"
    timed "$n" xarray "$rep" "$work/xr$n.zarr" "$PY '$here/xr_convert.py' '$work/xr$n.zarr' $(ls "$work/in$n"/manyvars_*.nc | tr '\n' ' ')"
    verify="$($PY "$here/verify.py" "$work/forge$n.zarr" "$work/xr$n.zarr" 2>&1 | tail -1)"
    echo "{\"utc\": \"$utc\", \"rep\": $rep, \"nvars\": $n, \"program\": \"verify\", \"result\": $(echo "$verify" | $PY -c 'import json,sys; s=sys.stdin.read(); print(s if s.strip().startswith("{") else json.dumps({"ok": False, "error": s[-300:]}))')}" >> "$jsonl"
    echo "N=$n verify: $verify" >&2
  done
  rm -rf "$work/in$n" "$work/forge$n.zarr" "$work/xr$n.zarr"
done

$PY "$here/report.py" "$jsonl" >> "$md"
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$md"
cat "$md"
echo "results: $jsonl $md" >&2
