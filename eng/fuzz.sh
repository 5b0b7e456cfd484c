#!/usr/bin/env bash
# Fuzzes Forge's parsers with afl++ (Debian) and SharpFuzz 2.3.0, for a fixed budget per target. Not run by CI.
#   eng/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     targets: recipe classic grib zarr (default: all, 600 s each)
# Findings go to artifacts/fuzz/<target>/ (afl's queue, crashes/, hangs/, fuzzer_stats); a summary line per target
# (execs, edges/coverage, crashes, hangs) is printed at the end. Every crash found is replayed with
#   dotnet artifacts/fuzz/bin/Forge.Fuzz.dll TARGET FILE
# and, once fixed, copied to tests/data/fuzz/TARGET/ where FuzzRegressionTests replays it in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
budget=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(recipe classic grib zarr)

bash "$here/eng/setup.sh" fuzz
out="$here/artifacts/fuzz"
tools="$out/tools"
mkdir -p "$out"
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

# A Release build of the harness, then SharpFuzz rewrites the parser assemblies with afl coverage probes.
rm -rf "$out/bin"   # sharpfuzz refuses an already instrumented assembly, and publish may skip unchanged files
dotnet publish "$here/tests/Forge.Fuzz/Forge.Fuzz.csproj" -c Release -o "$out/bin" -v quiet -nologo >/dev/null
for dll in Forge.Core.dll Forge.Recipes.dll Forge.Formats.dll YamlDotNet.dll; do
  "$tools/sharpfuzz" "$out/bin/$dll" >/dev/null
done

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
summary=()
for t in "${targets[@]}"; do
  dir="$out/$t"
  rm -rf "$dir"
  echo "fuzz: $t for ${budget}s" >&2
  # -t: a single input may take 5 s (the .NET runtime is slow to warm up); -m none: the CLR maps a lot of address space.
  afl-fuzz -V "$budget" -t 5000 -m none -i "$here/eng/fuzz/seeds/$t" -o "$dir" -- dotnet "$out/bin/Forge.Fuzz.dll" "$t" >"$dir.log" 2>&1 || true
  stats="$dir/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
    summary+=("$t: execs $(get execs_done), edges $(get edges_found), coverage $(get bitmap_cvg), corpus $(get corpus_count), crashes $(get saved_crashes), hangs $(get saved_hangs), $(get run_time)s")
  else
    summary+=("$t: afl-fuzz did not start (see $dir.log)")
  fi
done
printf '%s\n' "${summary[@]}"
