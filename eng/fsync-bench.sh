#!/usr/bin/env bash
# The cost of local durability (run.fsync, --no-fsync): the same recipe written with and without fsync, interleaved,
# on the 365 OISST-like days of eng/bench/peers (720×1440 float32, one file per day).
#
#   eng/fsync-bench.sh [--reps N] [--days N] [--cases "S1 S1s"]
#     S1   chunks (1, 720, 1440), blosc lz4: 365 sst objects of 4 MiB (the peer benchmark's S1)
#     S1s  chunks (1, 180, 360),  blosc lz4: 5,840 sst objects of 253 KiB (many small objects: the per-object cost)
#
# Each timing starts after `sync` (so neither mode pays for the other's dirty pages). "wall" is `forge run` alone;
# "wall+sync" adds `sync -f` of the store, which is what --no-fsync leaves to the kernel. Prints a Markdown table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS=2; DAYS=365; CASES="S1 S1s"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift ;;
    --days) DAYS="$2"; shift ;;
    --cases) CASES="$2"; shift ;;
    *) echo "fsync-bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

forge="$root/src/Forge.Cli/bin/Release/net10.0/forge.dll"
[ -f "$forge" ] || forge="$root/src/Forge.Cli/bin/Debug/net10.0/forge.dll"
[ -f "$forge" ] || { echo "fsync-bench.sh: build Forge.Cli first (dotnet build src/Forge.Cli -c Release)" >&2; exit 2; }
source "$root/eng/bench/peers/inputs.sh"
peer_inputs "$DAYS"
work="$(mktemp -d "${TMPDIR:-/tmp}/forge-fsync.XXXXXX")"
trap 'rm -rf "$work"' EXIT

recipe() {
  local chunks
  case "$1" in
    S1) chunks="{ time: 1, lat: 720, lon: 1440 }" ;;
    S1s) chunks="{ time: 1, lat: 180, lon: 360 }" ;;
    *) echo "fsync-bench.sh: unknown case $1" >&2; exit 2 ;;
  esac
  cat > "$work/$1.yaml" <<YAML
forge: 1
id: fsync-$(echo "$1" | tr "A-Z" "a-z")
$(peer_inputs_yaml)
target:
  zarr_format: 2
  chunks: $chunks
  codec: { blosc: { cname: lz4, clevel: 5, shuffle: shuffle } }
YAML
  echo "$work/$1.yaml"
}

now() { date +%s.%N; }
echo "| case | fsync | rep | objects | wall (s) | wall+sync (s) |"
echo "|---|---|---|---|---|---|"
for case in $CASES; do
  r="$(recipe "$case")"
  for rep in $(seq 1 "$REPS"); do
    for mode in on off; do
      out="$work/out-$case-$mode.zarr"
      rm -rf "$out"; sync
      flag=(); [ "$mode" = off ] && flag=(--no-fsync)
      t0=$(now)
      dotnet "$forge" run "$r" --target "$out" --progress none --max-memory 1GiB "${flag[@]}" 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
      t1=$(now)
      sync -f "$out"
      t2=$(now)
      objects=$(find "$out" -path "$out/.forge" -prune -o -type f ! -name '.z*' -print | wc -l)
      printf "| %s | %s | %d | %d | %.2f | %.2f |\n" "$case" "$mode" "$rep" "$objects" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t0" | bc)"
    done
  done
done
