#!/usr/bin/env bash
# Installs the `forge` command: one self-contained linux-x64 executable (no .NET runtime needed to run it) plus the
# Debian runtime libraries it loads (netCDF-C, HDF5, ecCodes, blosc, zstd, libdeflate and ncdump; eng/setup.sh runtime).
#
#   bash eng/install.sh                    build with the .NET SDK (global.json), publish, install
#   bash eng/install.sh --binary PATH      install an already published forge executable (no SDK needed)
#   options: --prefix DIR (default /usr/local/bin as root, else ~/.local/bin), --no-libs (skip apt packages),
#            --no-ready-to-run (publish without ReadyToRun: a faster build, a slower start; used by the tests)
#
# Idempotent: rerunning replaces the installed binary. In GitHub Actions the install folder is added to $GITHUB_PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=""
binary=""
libs=1
publish_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --binary) binary=${2:?--binary needs the path of a published forge executable}; shift 2 ;;
    --no-libs) libs=0; shift ;;
    --no-ready-to-run) publish_args+=(-p:PublishReadyToRun=false); shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$prefix" ]; then
  if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local/bin; else prefix="$HOME/.local/bin"; fi
fi

[ "$libs" -eq 1 ] && bash "$here/eng/setup.sh" runtime

if [ -z "$binary" ]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "install: building needs the .NET SDK $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$here/global.json") on PATH; or pass --binary PATH with a published forge" >&2
    exit 1
  fi
  out="$here/artifacts/publish/linux-x64"
  echo "install: publishing src/Forge.Cli (self-contained linux-x64 single file) to ${out#$here/}" >&2
  # The publish settings (single file, self-contained, ReadyToRun) live in src/Forge.Cli/Forge.Cli.csproj.
  dotnet publish "$here/src/Forge.Cli" -c Release -r linux-x64 -o "$out" -v quiet -nologo -clp:ErrorsOnly "${publish_args[@]}"
  binary="$out/forge"
fi
[ -x "$binary" ] || { echo "install: '$binary' is not an executable file" >&2; exit 1; }

mkdir -p "$prefix"
# Copy then rename: a running forge keeps its old inode, and a reader never sees a half-copied binary.
cp "$binary" "$prefix/.forge.new.$$"
chmod 755 "$prefix/.forge.new.$$"
mv -f "$prefix/.forge.new.$$" "$prefix/forge"
echo "install: $prefix/forge ($("$prefix/forge" --version))" >&2
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$prefix" >> "$GITHUB_PATH"
elif ! command -v forge >/dev/null 2>&1 || [ "$(command -v forge)" != "$prefix/forge" ]; then
  echo "install: add $prefix to PATH to run 'forge' by name" >&2
fi
