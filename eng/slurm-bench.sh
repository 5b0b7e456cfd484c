#!/usr/bin/env bash
# Wall time of a 4-shard Slurm job array (+ dependent finalize) against one `forge run` process, on single-node Slurm
# (eng/setup.sh test installs it and writes /etc/slurm/slurm.conf). Starts munged/slurmctld/slurmd if they are not
# running and stops what it started. The machine is shared: timings are noisy; CPU time is printed too.
#   eng/slurm-bench.sh [DAYS] [NLAT] [NLON]      (default 64 days of 360×720; FORGE="dotnet path/forge.dll" to choose a build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
days=${1:-64}; nlat=${2:-360}; nlon=${3:-720}
if [ -z "${FORGE:-}" ]; then
  dll=$here/src/Forge.Cli/bin/Release/net10.0/forge.dll
  [ -f "$dll" ] || dll=$here/src/Forge.Cli/bin/Debug/net10.0/forge.dll
  FORGE="dotnet $dll"
fi
work=$(mktemp -d /tmp/forge-slurm-bench-XXXXXX)
started=()
cleanup() {
  for pidfile in "${started[@]}"; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

/usr/bin/python3 "$here/eng/data/make_inputs.py" daily "$work/in" --start 1981-09-01 --days "$days" --nlat "$nlat" --nlon "$nlon" >/dev/null
end=$(date -u -d "1981-09-01 + $((days - 1)) days" +%F)
cat > "$work/bench.yaml" <<YAML
forge: 1
id: slurm-bench
inputs:
  url: "$work/in/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
  concat:
    dim: time
    keys:
      range: { start: 1981-09-01, end: $end, step: 1 day }
transforms:
  - squeeze: [zlev]
target:
  zarr_format: 3
  chunks: { time: 8, lat: 180, lon: 360 }
YAML

t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$work/single.cpu" $FORGE run "$work/bench.yaml" --target "$work/single.zarr" --progress none 2>/dev/null
t1=$(date +%s.%N)
single=$(echo "$t1 - $t0" | bc)

# Daemons (the /etc/slurm/slurm.conf of eng/setup.sh).
if ! (munge -n | unmunge) >/dev/null 2>&1; then runuser -u munge -- /usr/sbin/munged; started+=(/run/munge/munged.pid); fi
if ! scontrol ping 2>/dev/null | grep -q UP; then slurmctld; started=(/run/slurm/slurmctld.pid "${started[@]}"); fi
if ! pgrep -x slurmd >/dev/null; then slurmd; started=(/run/slurm/slurmd.pid "${started[@]}"); fi
for _ in $(seq 1 120); do [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break; sleep 0.5; done
[ "$(sinfo -h -o %t)" = idle ] || { echo "slurm node not idle: $(sinfo)" >&2; exit 1; }

cat > "$work/shards.sh" <<SH
#!/bin/bash
#SBATCH --output=$work/shard_%A_%a.txt
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
exec /usr/bin/time -f "%U %S" -a -o $work/shards.cpu $FORGE run $work/bench.yaml --target $work/sharded.zarr --shard \$SLURM_ARRAY_TASK_ID/4 --workers 1 --progress none
SH
cat > "$work/finalize.sh" <<SH
#!/bin/bash
#SBATCH --output=$work/finalize_%j.txt
#SBATCH --ntasks=1
exec /usr/bin/time -f "%U %S" -a -o $work/shards.cpu $FORGE finalize $work/bench.yaml --target $work/sharded.zarr --progress none
SH
t0=$(date +%s.%N)
array=$(sbatch --parsable --array=0-3 "$work/shards.sh")
last=$(sbatch --parsable --dependency=afterok:"$array" "$work/finalize.sh")
while :; do
  state=$(scontrol show job -o "$last" | grep -o 'JobState=[A-Z]*' | cut -d= -f2)
  case $state in
    COMPLETED) break ;;
    PENDING|RUNNING|CONFIGURING|COMPLETING) sleep 0.2 ;;
    *) echo "finalize job $last: $state"; cat "$work"/*.txt; exit 1 ;;
  esac
done
t1=$(date +%s.%N)
sharded=$(echo "$t1 - $t0" | bc)

diff -r -x .forge "$work/single.zarr" "$work/sharded.zarr" >/dev/null && same="byte-identical" || same="DIFFERENT"
cpu1=$(awk '{s+=$1+$2} END {printf "%.1f", s}' "$work/single.cpu")
cpu4=$(awk '{s+=$1+$2} END {printf "%.1f", s}' "$work/shards.cpu")
objects=$(find "$work/single.zarr" -path '*/c/*' -type f | wc -l)
echo "inputs: $days daily files ${nlat}x${nlon} ($(du -sh "$work/in" | cut -f1)), $objects objects; cores: $(nproc); load: $(cut -d' ' -f1 /proc/loadavg)"
printf "one process:                     %6.1f s wall, %s s CPU\n" "$single" "$cpu1"
printf "4-shard Slurm array + finalize:  %6.1f s wall, %s s CPU (submission to finalize done), stores %s\n" "$sharded" "$cpu4" "$same"
printf "ratio (Slurm / one process):     %6.2f\n" "$(echo "$sharded / $single" | bc -l)"
