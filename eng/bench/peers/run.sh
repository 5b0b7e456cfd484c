#!/usr/bin/env bash
# The peer benchmark of docs/performance.md in one run: Forge vs Debian's xarray + zarr-python vs ncrcat + nccopy.
#
#   eng/bench/peers/run.sh            365 OISST-like days (720×1440 float32, deflate 1 + shuffle, one chunk per file);
#                                     cases S1 S2 S2m S2v3 × codecs none / blosc lz4 shuffle / zlib 1 (about 20-40 min)
#   eng/bench/peers/run.sh --quick    30 days, same cases (a few minutes; for development)
#   options: --days N  --reps N (default 1)  --cases "S1 S2 S2m S2v3"  --codecs "none blosc zlib1"
#            --programs "forge xarray nccopy"  --results DIR (default eng/bench/peers/results)
#            --forge-build publish|jit (default publish: the self-contained ReadyToRun binary of eng/install.sh)
#
# Every timing starts from a cold page cache (sync; echo 3 > /proc/sys/vm/drop_caches, when permitted) and has
# `sync -f` of the output inside it; peak RSS comes from GNU time (%M, the largest process of the command).
# Every output is read back by verify.py (zarr-python / an independent v3 reader) and compared with the inputs'
# NaN-canonicalised SHA-256 before its speed counts. Inputs are generated once by gen_inputs.py and cached under
# ${FORGE_BENCH_CACHE:-~/.cache/forge-bench} by a hash of the generator and its parameters.
# Output: RESULTS/<utc>.jsonl (one JSON object per run) and RESULTS/<utc>.md (machine facts + table).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
here="$root/eng/bench/peers"
PY=/usr/bin/python3
DAYS=365; REPS=1; CASES="S1 S2 S2m S2v3"; CODECS="none blosc zlib1"; PROGRAMS="forge xarray nccopy"
RESULTS="$here/results"; BUDGET=256MiB; FORGE_BUILD=publish
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) DAYS=30 ;;
    --days) DAYS="$2"; shift ;;
    --reps) REPS="$2"; shift ;;
    --cases) CASES="$2"; shift ;;
    --codecs) CODECS="$2"; shift ;;
    --programs) PROGRAMS="$2"; shift ;;
    --results) RESULTS="$2"; shift ;;
    --forge-build) FORGE_BUILD="$2"; shift; case "$FORGE_BUILD" in publish|jit) ;; *) echo "run.sh: --forge-build publish|jit" >&2; exit 2 ;; esac ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

for tool in /usr/bin/time ncrcat nccopy dotnet; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (bash eng/setup.sh test)" >&2; exit 2; }
done
$PY -c "import xarray, zarr, numcodecs, netCDF4, dask" 2>/dev/null || { echo "run.sh: Debian's python3-xarray/zarr/netcdf4/dask are missing (bash eng/setup.sh test)" >&2; exit 2; }

utc="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
jsonl="$RESULTS/$utc.jsonl"; md="$RESULTS/$utc.md"
work="$(mktemp -d "${TMPDIR:-/tmp}/forge-peers.XXXXXX")"
trap 'rm -rf "$work"' EXIT
free_kib=$(df -Pk "$work" | awk 'NR==2 {print $4}')
[ "$free_kib" -gt $((4 * 1024 * 1024)) ] || { echo "run.sh: less than 4 GiB free under $work" >&2; exit 2; }

# Inputs, cached by generator hash + parameters.
source "$here/inputs.sh"
peer_inputs "$DAYS" || exit 1
expected="$cache/expected.json"
mapfile -t inputs < <(ls "$cache"/oisst_*.nc | sort)
[ "${#inputs[@]}" -eq "$DAYS" ] || { echo "run.sh: $cache holds ${#inputs[@]} files, expected $DAYS" >&2; exit 1; }

# Forge: the binary users install (eng/install.sh: self-contained single file, ReadyToRun, so no JIT at start and
# less tiered recompilation during the run); --forge-build jit times a plain Release build instead.
if [ "$FORGE_BUILD" = publish ]; then
  echo "run.sh: publishing Forge (Release, self-contained linux-x64, ReadyToRun, as eng/install.sh)" >&2
  dotnet publish "$root/src/Forge.Cli" -c Release -r linux-x64 -o "$work/forge-bin" -v quiet -nologo -clp:ErrorsOnly >/dev/null || { echo "run.sh: Forge publish failed" >&2; exit 1; }
  forge_build="Release, self-contained ReadyToRun (eng/install.sh)"
else
  echo "run.sh: building Forge (Release)" >&2
  dotnet build "$root/src/Forge.Cli" -c Release -v quiet -nologo -clp:ErrorsOnly -o "$work/forge-bin" >/dev/null || { echo "run.sh: Forge build failed" >&2; exit 1; }
  forge_build="Release, JIT (dotnet build)"
fi
FORGE="$work/forge-bin/forge"
forge_commit="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+dirty')"

cold=false
drop_caches() { sync; if echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then cold=true; else cold=false; fi; }
drop_caches

# Machine facts and a disk-write probe (the roofline's disk term, measured in this run).
dd_out="$(dd if=/dev/zero of="$work/dd.bin" bs=4M count=256 conv=fdatasync 2>&1 | tail -1)"; rm -f "$work/dd.bin"
disk_mbps="$(echo "$dd_out" | awk '{for (i=1;i<=NF;i++) if ($i ~ /^[0-9.,]+$/ && $(i+1) ~ /B\/s/) {v=$i; u=$(i+1)}} END {gsub(",",".",v); if (u ~ /^GB/) v*=1000; print v+0}')"
{
  echo "# Forge peer benchmark $utc"
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -r)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; absolute times are noisy)"
  echo "- disk write (dd 1 GiB, fdatasync): ${disk_mbps} MB/s; cold page cache: $cold"
  echo "- Forge $forge_commit ($forge_build), $(dotnet --version) SDK; peers: $(dpkg-query -W -f='${Package} ${Version}, ' python3-xarray python3-zarr python3-numcodecs python3-dask python3-netcdf4 netcdf-bin nco 2>/dev/null | sed 's/, $//')"
  echo "- inputs: $DAYS files, $(du -sb --apparent-size "$cache" | cut -f1) bytes on disk, logical $($PY -c "import json; print(json.load(open('$expected'))['logical_bytes'])") bytes"
  echo
} > "$md"

codec_yaml() {
  case "$1" in
    none) echo "none" ;;
    blosc) echo "{ blosc: { cname: lz4, clevel: 5, shuffle: shuffle } }" ;;
    zlib1) echo "{ gzip: { level: 1 } }" ;;
  esac
}

# recipe CASE CODEC → path of a Forge recipe for that case.
recipe() {
  local case="$1" codec="$2" f="$work/recipe-$1-$2.yaml" chunks shards="" fmt=2 inner=$((DAYS / 5))
  case "$case" in
    S1) chunks="{ time: 1, lat: 720, lon: 1440 }" ;;
    S2|S2m) chunks="{ time: $DAYS, lat: 180, lon: 360 }" ;;
    S2v3) fmt=3; chunks="{ time: $inner, lat: 90, lon: 90 }"; shards="  shards: { time: $DAYS, lat: 180, lon: 360 }" ;;
  esac
  cat > "$f" <<YAML
forge: 1
id: bench-oisst-$(echo "$case" | tr "A-Z" "a-z")-$codec
$(peer_inputs_yaml)
target:
  zarr_format: $fmt
  chunks: $chunks
$shards
  codec: $(codec_yaml "$codec")
YAML
  echo "$f"
}

# chunks/shards expected per case (for verify.py)
expect_chunks() {
  case "$1" in
    S1) echo "1,720,1440" ;;
    S2|S2m) echo "$DAYS,180,360" ;;
    S2v3) echo "$((DAYS / 5)),90,90 $DAYS,180,360" ;;
    cat) echo "any" ;;
  esac
}

# timed CASE CODEC PROGRAM OUT CMD: cold cache, run CMD then sync -f OUT inside /usr/bin/time, verify, record.
timed() {
  local case="$1" codec="$2" program="$3" out="$4" cmd="$5" rep="$6"
  rm -rf "$out"
  drop_caches
  local load_before; load_before="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" sh -c "$cmd && sync -f '$(dirname "$out")'" >"$work/stdout.txt" 2>"$work/stderr.txt"
  local rc=$?
  local load_after; load_after="$(cut -d' ' -f1 /proc/loadavg)"
  local t; t="$(tail -1 "$work/time.txt")"
  local verify='{"ok": false, "error": "command failed", "objects": 0, "stored_bytes": 0}'
  if [ $rc -eq 0 ]; then
    # shellcheck disable=SC2046
    verify="$($PY "$here/verify.py" "$out" "$expected" $(expect_chunks "$case") 2>&1 | tail -1)"
  fi
  R_CASE="$case" R_CODEC="$codec" R_PROGRAM="$program" R_RC="$rc" R_TIME="$t" R_VERIFY="$verify" R_CMD="$cmd" \
  R_REP="$rep" R_COLD="$cold" R_LOAD0="$load_before" R_LOAD1="$load_after" R_WORK="$work" R_EXPECTED="$expected" \
  R_UTC="$utc" R_DAYS="$DAYS" R_CORES="$(nproc)" $PY - "$jsonl" <<'PYEOF'
import json, os, sys
import re
e = os.environ
t = e["R_TIME"].split()
rc = int(e["R_RC"])
try:
    verify = json.loads(e["R_VERIFY"])
except Exception:
    verify = {"ok": False, "error": e["R_VERIFY"][-500:], "objects": 0, "stored_bytes": 0}
summary = None
try:
    for line in open(os.path.join(e["R_WORK"], "stdout.txt"), errors="replace"):
        if line.startswith("{") and '"summary"' in line:
            summary = json.loads(line)
except Exception:
    pass
err = open(os.path.join(e["R_WORK"], "stderr.txt"), errors="replace").read()[-800:] if rc != 0 else None
wall = float(t[0]) if len(t) == 4 and rc == 0 else None
logical = json.load(open(e["R_EXPECTED"]))["logical_bytes"]
row = {"utc": e["R_UTC"], "rep": int(e["R_REP"]), "scenario": e["R_CASE"], "codec": e["R_CODEC"], "program": e["R_PROGRAM"],
       "rc": rc, "wall_s": wall, "user_s": float(t[1]) if wall else None, "sys_s": float(t[2]) if wall else None,
       "peak_rss_mib": round(int(t[3]) / 1024, 1) if len(t) == 4 else None,
       "cpu_util": round((float(t[1]) + float(t[2])) / wall / int(e["R_CORES"]), 3) if wall else None,
       "logical_mbps": round(logical / 1e6 / wall, 1) if wall and verify.get("ok") else None,
       "verified": bool(verify.get("ok")), "verify_error": verify.get("error"), "objects": verify.get("objects"),
       "stored_bytes": verify.get("stored_bytes"), "cold_cache": e["R_COLD"] == "true", "load_before": float(e["R_LOAD0"]),
       "load_after": float(e["R_LOAD1"]), "days": int(e["R_DAYS"]), "cmd": re.sub(r"(\S*/oisst_\d{8}\.nc\s*)+", "<inputs>/oisst_*.nc ", e["R_CMD"]), "forge_summary": summary, "stderr_tail": err}
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(row) + "\n")
print(f"{row['scenario']:5} {row['codec']:6} {row['program']:8} rc={rc} wall={row['wall_s']} s rss={row['peak_rss_mib']} MiB "
      f"load={row['load_before']} verified={row['verified']} {row['verify_error'] or ''}", file=sys.stderr)
PYEOF
  [ "${KEEP:-0}" = 1 ] || rm -rf "$out"
}

# nccopy needs one concatenated file: ncrcat is timed once per rep as its own row.
for rep in $(seq 1 "$REPS"); do
  for case in $CASES; do
    for codec in $CODECS; do
      for program in $PROGRAMS; do
        out="$work/out/$case-$codec-$program.zarr"; mkdir -p "$work/out"
        case "$program" in
          forge)
            r="$(recipe "$case" "$codec")"
            mem=""; [ "$case" = S2m ] && mem="--max-memory $BUDGET"
            timed "$case" "$codec" forge "$out" "'$FORGE' run '$r' --target 'file://$out' --progress json $mem" "$rep" ;;
          xarray)
            [ "$case" = S2v3 ] && continue   # bookworm's zarr 2.13 cannot write Zarr v3
            s="$(echo "$case" | tr 'A-Z' 'a-z')"
            timed "$case" "$codec" xarray "$out" "$PY '$here/xr_run.py' $s $codec '$out' ${inputs[*]}" "$rep" ;;
          nccopy)
            [ "$codec" = none ] && [ "$case" != S2v3 ] || continue   # Debian's NCZarr writes no compressor
            if [ ! -f "$work/cat.nc" ]; then
              KEEP=1 timed cat none ncrcat "$work/cat.nc" "ncrcat -O ${inputs[*]} '$work/cat.nc'" "$rep"
            fi
            [ -f "$work/cat.nc" ] || { echo "run.sh: ncrcat produced nothing" >&2; continue; }
            case "$case" in
              S1) c="time/1,lat/720,lon/1440"; m="-m 512M -h 2G" ;;
              S2) c="time/$DAYS,lat/180,lon/360"; m="-m 512M -h 2G" ;;
              S2m) c="time/$DAYS,lat/180,lon/360"; m="-m 64M -h 256M" ;;
            esac
            timed "$case" "$codec" nccopy "$out" "nccopy -u -c '$c' $m -e 101 '$work/cat.nc' 'file://$out#mode=nczarr,file'" "$rep" ;;
        esac
      done
    done
  done
  rm -f "$work/cat.nc"
done

$PY "$here/report.py" "$jsonl" >> "$md"
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$md"
cat "$md"
echo "results: $jsonl $md" >&2
