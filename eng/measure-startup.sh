#!/usr/bin/env bash
# Start-up time of published forge binaries: median wall time of N runs of `forge --version` and
# `forge validate recipes/quickstart`, runs of the binaries interleaved so machine load affects them alike.
#   bash eng/measure-startup.sh [N] BINARY...
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-15}; shift
declare -A times
for ((i = 0; i < n; i++)); do
  for bin in "$@"; do
    for verb in version validate; do
      args=(--version); [ "$verb" = validate ] && args=(validate recipes/quickstart)
      s=$(date +%s%N); "$bin" "${args[@]}" >/dev/null 2>&1; e=$(date +%s%N)
      times["$bin|$verb"]+="$(( (e - s) / 1000000 )) "
    done
  done
done
printf '%-40s %-10s %s\n' binary command "median ms (min-max) of $n runs"
for bin in "$@"; do
  for verb in version validate; do
    sorted=$(tr ' ' '\n' <<< "${times["$bin|$verb"]}" | grep . | sort -n)
    printf '%-40s %-10s %s (%s-%s)\n' "$bin" "$verb" "$(sed -n "$(( (n + 1) / 2 ))p" <<< "$sorted")" "$(head -1 <<< "$sorted")" "$(tail -1 <<< "$sorted")"
  done
done
