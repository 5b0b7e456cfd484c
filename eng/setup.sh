#!/usr/bin/env bash
# Installs what Forge needs on a Debian 12 machine, idempotently.
#   eng/setup.sh runtime   native libraries the forge binary loads (netCDF-C, HDF5, ecCodes, blosc, zstd; ncdump for
#                          header checks; CA certificates for HTTPS inputs; DejaVu Sans for --plot PNG labels)
#   eng/setup.sh test      runtime + the test peers (netCDF tools, cdo, xarray/zarr/cfgrib, vsftpd, zarrita)
#   eng/setup.sh fuzz      runtime + afl++ for eng/fuzz.sh (never needed by CI)
set -euo pipefail
mode=${1:-runtime}
here=$(cd "$(dirname "$0")/.." && pwd)

runtime_pkgs=(libnetcdf19 libhdf5-103-1 libeccodes0 libblosc1 libzstd1 netcdf-bin ca-certificates fonts-dejavu-core)
test_pkgs=(libnetcdf-dev netcdf-bin libhdf5-dev hdf5-tools libeccodes-dev libeccodes-tools libblosc-dev libzstd-dev
  cdo nco python3-xarray python3-zarr python3-numcodecs python3-netcdf4 python3-h5netcdf python3-dask
  python3-cfgrib python3-eccodes python3-fsspec python3-boto3 python3-h5py python3-jsonschema python3-yaml vsftpd curl jq git tmux)

pkgs=("${runtime_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")
[ "$mode" = fuzz ] && pkgs+=(afl++)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  # zarrita (Zarr v3 reader) for the interop tests, pinned by package-lock.json.
  for dir in "$here"/tests/interop/*/; do
    if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
      echo "setup: npm ci in ${dir#$here/}" >&2
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
fi
