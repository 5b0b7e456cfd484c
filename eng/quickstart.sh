#!/usr/bin/env bash
# Runs the quickstart recipe end to end, offline, into ./output/quickstart-oisst.zarr, then inspects the store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/setup.sh runtime
dotnet build src/Forge.Cli -c Release -v quiet -nologo -clp:ErrorsOnly
forge=(dotnet src/Forge.Cli/bin/Release/net10.0/forge.dll)
"${forge[@]}" validate recipes/quickstart
"${forge[@]}" run recipes/quickstart --offline --overwrite "$@"
"${forge[@]}" inspect output/quickstart-oisst.zarr
