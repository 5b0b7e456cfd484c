#!/usr/bin/env bash
# Wall time of a 4-shard Slurm job array (+ dependent finalize) against one `forge run` process, on single-node Slurm
# (eng/setup.sh test installs it and writes /etc/slurm/slurm.conf). Starts munged/slurmctld/slurmd if they are not
# running and stops what it started. The machine is shared: timings are noisy; CPU time is printed too.
#   eng/slurm-bench.sh [--spill] [DAYS] [NLAT] [NLON]   (default 64 days of 360×720; FORGE="dotnet path/forge.dll" to choose a build)
# --spill: chunks spanning every day and a budget that forces the spill strategy (SPILL_MEMORY, default 48MiB); the
# 4-task array then runs unstaged (every task reads every input) and staged (--stage 1 array → --stage 2 array →
# finalize), and the inputs' bytes decoded by all tasks (bytes_decoded of the JSON summaries) are summed per form.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
spill=0
if [ "${1:-}" = "--spill" ]; then spill=1; shift; fi
days=${1:-64}; nlat=${2:-360}; nlon=${3:-720}
if [ $spill = 1 ]; then
  chunks="{ time: $days, lat: 180, lon: 360 }"; extra="--strategy spill --max-memory ${SPILL_MEMORY:-48MiB}"
else
  chunks="{ time: 8, lat: 180, lon: 360 }"; extra=""
fi
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
  chunks: $chunks
YAML
decoded() { /usr/bin/python3 -c 'import json,sys; print(sum(json.loads(l).get("bytes_decoded") or 0 for f in sys.argv[1:] for l in open(f) if "\"event\":\"summary\"" in l))' "$@"; }

t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$work/single.cpu" $FORGE run "$work/bench.yaml" --target "$work/single.zarr" $extra --progress json > "$work/single.json" 2>/dev/null
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
exec /usr/bin/time -f "%U %S" -a -o $work/shards.cpu $FORGE run $work/bench.yaml --target $work/sharded.zarr --shard \$SLURM_ARRAY_TASK_ID/4 --workers 1 $extra --progress json > $work/shard_\$SLURM_ARRAY_TASK_ID.json
SH
cat > "$work/stage.sh" <<SH
#!/bin/bash
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
exec /usr/bin/time -f "%U %S" -a -o $work/staged.cpu $FORGE run $work/bench.yaml --target $work/staged.zarr --shard \$SLURM_ARRAY_TASK_ID/4 --stage \$1 --workers 1 $extra --progress json > $work/stage\${1}_\$SLURM_ARRAY_TASK_ID.json
SH
cat > "$work/staged-finalize.sh" <<SH
#!/bin/bash
#SBATCH --output=$work/staged-finalize_%j.txt
#SBATCH --ntasks=1
exec /usr/bin/time -f "%U %S" -a -o $work/staged.cpu $FORGE finalize $work/bench.yaml --target $work/staged.zarr --progress none
SH
cat > "$work/finalize.sh" <<SH
#!/bin/bash
#SBATCH --output=$work/finalize_%j.txt
#SBATCH --ntasks=1
exec /usr/bin/time -f "%U %S" -a -o $work/shards.cpu $FORGE finalize $work/bench.yaml --target $work/sharded.zarr --progress none
SH
wait_job() {
  while :; do
    state=$(scontrol show job -o "$1" | grep -o 'JobState=[A-Z]*' | cut -d= -f2)
    case $state in
      COMPLETED) break ;;
      PENDING|RUNNING|CONFIGURING|COMPLETING) sleep 0.2 ;;
      *) echo "job $1: $state"; cat "$work"/*.txt; exit 1 ;;
    esac
  done
}
t0=$(date +%s.%N)
array=$(sbatch --parsable --array=0-3 "$work/shards.sh")
last=$(sbatch --parsable --dependency=afterok:"$array" "$work/finalize.sh")
wait_job "$last"
t1=$(date +%s.%N)
sharded=$(echo "$t1 - $t0" | bc)
if [ $spill = 1 ]; then
  t0=$(date +%s.%N)
  one=$(sbatch --parsable --array=0-3 --output="$work/stage1_%A_%a.txt" "$work/stage.sh" 1)
  two=$(sbatch --parsable --array=0-3 --output="$work/stage2_%A_%a.txt" --dependency=afterok:"$one" "$work/stage.sh" 2)
  last=$(sbatch --parsable --dependency=afterok:"$two" "$work/staged-finalize.sh")
  wait_job "$last"
  t1=$(date +%s.%N)
  staged=$(echo "$t1 - $t0" | bc)
fi

diff -r -x .forge "$work/single.zarr" "$work/sharded.zarr" >/dev/null && same="byte-identical" || same="DIFFERENT"
cpu1=$(awk '{s+=$1+$2} END {printf "%.1f", s}' "$work/single.cpu")
cpu4=$(awk '{s+=$1+$2} END {printf "%.1f", s}' "$work/shards.cpu")
objects=$(find "$work/single.zarr" -path '*/c/*' -type f | wc -l)
echo "inputs: $days daily files ${nlat}x${nlon} ($(du -sh "$work/in" | cut -f1)), $objects objects; cores: $(nproc); load: $(cut -d' ' -f1 /proc/loadavg)"
printf "one process:                     %6.1f s wall, %s s CPU\n" "$single" "$cpu1"
printf "4-shard Slurm array + finalize:  %6.1f s wall, %s s CPU (submission to finalize done), stores %s\n" "$sharded" "$cpu4" "$same"
printf "ratio (Slurm / one process):     %6.2f\n" "$(echo "$sharded / $single" | bc -l)"
if [ $spill = 1 ]; then
  diff -r -x .forge "$work/single.zarr" "$work/staged.zarr" >/dev/null && same2="byte-identical" || same2="DIFFERENT"
  cpu8=$(awk '{s+=$1+$2} END {printf "%.1f", s}' "$work/staged.cpu")
  printf "4-shard staged (2 arrays) + finalize: %6.1f s wall, %s s CPU, stores %s\n" "$staged" "$cpu8" "$same2"
  printf "ratio (staged / one process):    %6.2f\n" "$(echo "$staged / $single" | bc -l)"
  echo "bytes decoded from the inputs: one process $(decoded "$work/single.json"), unstaged shards $(decoded "$work"/shard_*.json), staged shards $(decoded "$work"/stage1_*.json "$work"/stage2_*.json) (stage 1: $(decoded "$work"/stage1_*.json))"
fi
