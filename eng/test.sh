#!/usr/bin/env bash
# Runs the whole test suite: installs the test peers, builds, runs every test project, prints one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash eng/setup.sh test || exit 1
dotnet build Forge.sln -c Debug -v quiet -nologo -clp:ErrorsOnly || exit 1
log=$(mktemp)
dotnet test Forge.sln --no-build -c Debug -nologo -v quiet --logger "console;verbosity=minimal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$passed" -gt 0 ] || { echo "no test ran" >&2; exit 1; }
exit "$rc"
