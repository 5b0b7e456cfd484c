# The peer benchmark's inputs, shared by eng/bench/peers/run.sh and eng/fsync-bench.sh (source this file).
#
#   peer_inputs DAYS    sets $cache (DAYS OISST-like daily files oisst_YYYYMMDD.nc from 1981-09-01, made once by
#                       gen_inputs.py and kept under ${FORGE_BENCH_CACHE:-~/.cache/forge-bench} by a hash of the
#                       generator and DAYS) and $end_day (the last day); returns 1 if generating fails
#   peer_inputs_yaml    prints the `inputs:` block of a Forge recipe over them
peer_inputs() {
  local days="$1" gen key
  gen="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/gen_inputs.py"
  key="$(sha256sum < "$gen" | cut -c1-12)-d$days"
  cache="${FORGE_BENCH_CACHE:-$HOME/.cache/forge-bench}/inputs-$key"
  end_day="$(date -u -d "1981-09-01 + $((days - 1)) days" +%Y-%m-%d)"
  [ -f "$cache/expected.json" ] && return 0
  echo "$(basename "$0"): generating $days input files in $cache" >&2
  rm -rf "$cache.tmp" && mkdir -p "$(dirname "$cache")"
  /usr/bin/python3 "$gen" "$cache.tmp" --days "$days" || return 1
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
}

peer_inputs_yaml() {
  cat <<YAML
inputs:
  url: "$cache/oisst_{time:%Y%m%d}.nc"
  concat:
    dim: time
    keys:
      range: { start: 1981-09-01, end: $end_day, step: 1 day }
  format: netcdf4
YAML
}
