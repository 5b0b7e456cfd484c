#!/usr/bin/env bash
# What a resume costs (docs/operations.md): the quickstart recipe with chunks { time: 10, lat: 2, lon: 3 } (21,603
# objects of ~100 bytes) on a local folder or an S3 target on moto_server, timed four ways per repetition:
#   full     the uninterrupted run (fresh target)
#   uptodate a rerun of the finished store (.forge/complete: "up to date")
#   publish  a rerun after kill -9 at publish (FORGE_DEBUG_STOP_AT=stage=publish:1: every object done, nothing published)
#   half     a rerun after kill -9 half-way (FORGE_DEBUG_STOP_AT=chunk:<objects / 2>: 10,801 for 21,603 objects)
#
#   eng/resume-bench.sh [--target local|s3] [--reps N] [--lon N] [--forge PATH]
#     --lon    the lon chunk length: 3 (default) = 21,603 objects, 6 = 10,803; the kill is after half the objects
#     --forge  the forge executable (default: publish the self-contained ReadyToRun binary of eng/install.sh)
#
# S3: starts moto_server on a free loopback port (through tests/Forge.Testing/Peers/moto_atomic.py, as the tests do),
# one bucket per store so a listing never pages through other runs' keys; the endpoint comes from AWS_ENDPOINT_URL.
# Prints one Markdown row per timing, then the medians and the load average before and after.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET=local; REPS=3; FORGE=""; LON=3
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="$2"; shift ;;
    --reps) REPS="$2"; shift ;;
    --forge) FORGE="$2"; shift ;;
    --lon) LON="$2"; shift ;;
    *) echo "resume-bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$TARGET" in local|s3) ;; *) echo "resume-bench.sh: --target local|s3" >&2; exit 2 ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/forge-resume.XXXXXX")"
moto_pid=""
cleanup() { [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [ -z "$FORGE" ]; then
  echo "resume-bench.sh: publishing Forge (Release, self-contained linux-x64, ReadyToRun)" >&2
  dotnet publish "$root/src/Forge.Cli" -c Release -r linux-x64 -o "$work/bin" -v quiet -nologo -clp:ErrorsOnly >/dev/null
  FORGE="$work/bin/forge"
fi

cat > "$work/r.yaml" <<YAML
forge: 1
id: resume-bench
inputs:
  url: "$root/recipes/quickstart/data/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
  concat:
    dim: time
    keys:
      range: { start: 1981-09-01, end: 1981-09-10, step: 1 day }
transforms:
  - squeeze: [zlev]
target:
  zarr_format: 3
  chunks: { time: 10, lat: 2, lon: $LON }
  codec: { zstd: { level: 1 } }
YAML

if [ "$TARGET" = s3 ]; then
  moto="${MOTO_SERVER:-$(command -v moto_server || true)}"
  [ -n "$moto" ] || { echo "resume-bench.sh: moto_server is missing (bash eng/setup.sh test)" >&2; exit 2; }
  python="$(head -1 "$(readlink -f "$moto")" | sed 's/^#!//')"
  case "$python" in *python*) ;; *) python="$(pyenv root 2>/dev/null)/versions/3.11.7/bin/python3" ;; esac
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$python" "$root/tests/Forge.Testing/Peers/moto_atomic.py" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null && break; sleep 0.5; done
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$port"
fi

n=0
# Sets $t to a new, empty target (not in a $(...) subshell: the counter must advance).
fresh_target() {
  n=$((n + 1))
  if [ "$TARGET" = s3 ]; then
    curl -sf -X PUT "$AWS_ENDPOINT_URL/resume-$n" >/dev/null
    t="s3://resume-$n/out.zarr"
  else
    t="$work/out-$n.zarr"
  fi
}

now() { date +%s.%N; }
# Times one forge run; prints the seconds.
timed() {
  local t0 t1
  t0=$(now)
  "$FORGE" run "$work/r.yaml" --target "$1" --progress none 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$(now)
  echo "$t1 - $t0" | bc
}

# Starts a run that stops itself at $2 (FORGE_DEBUG_STOP_AT), waits for the stop, kills it with SIGKILL.
killed_at() {
  # Not a child of this shell: a shell without job control continues a child that stops (SIGCONT).
  local pid state=""
  pid=$( (FORGE_DEBUG_STOP_AT="$2" "$FORGE" run "$work/r.yaml" --target "$1" --progress json >/dev/null 2>"$work/err" & echo $!) )
  while :; do
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)"
    [ "$state" = T ] && break
    [ "$state" = gone ] && { echo "resume-bench.sh: the run ended before $2" >&2; cat "$work/err" >&2; exit 1; }
    sleep 0.1
  done
  kill -9 "$pid"
  while [ -e "/proc/$pid" ]; do sleep 0.05; done
}

objects=$(( 2 * 90 * (360 / LON) + 3 ))  # sst and anom, 1 × 90 × 360/LON chunks each, and the three coordinates
half=$(( objects / 2 ))
echo "$objects objects; the half-way kill is after the ${half}th" >&2
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load before: $(load)" >&2
results="$work/results"
: > "$results"
echo "| target | rep | run | wall (s) |"
echo "|---|---|---|---|"
row() { printf "| %s | %d | %s | %.2f |\n" "$TARGET" "$1" "$2" "$3"; echo "$2 $3" >> "$results"; }
for rep in $(seq 1 "$REPS"); do
  fresh_target
  row "$rep" full "$(timed "$t")"
  row "$rep" uptodate "$(timed "$t")"
  fresh_target; killed_at "$t" stage=publish:1
  row "$rep" publish "$(timed "$t")"
  fresh_target; killed_at "$t" "chunk:$half"
  row "$rep" half "$(timed "$t")"
done
echo "load after: $(load)" >&2
echo
echo "medians ($TARGET, $REPS reps):"
for kind in full uptodate publish half; do
  printf "  %-9s %.2f s\n" "$kind" "$(awk -v k="$kind" '$1 == k {print $2}' "$results" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')"
done
