#!/usr/bin/env bash
# Installs what Forge needs on a Debian 12 machine, idempotently.
#   eng/setup.sh runtime   native libraries the forge binary loads (netCDF-C, HDF5, ecCodes, blosc, zstd; ncdump for
#                          header checks; CA certificates for HTTPS inputs; DejaVu Sans for --plot PNG labels)
#   eng/setup.sh test      runtime + the test peers (netCDF tools, cdo, xarray/zarr/cfgrib, vsftpd, zarrita, single-node
#                          Slurm: slurm-wlm + munge with a loopback /etc/slurm/slurm.conf; daemons are not started here;
#                          strace, which shows the fsync order of a run)
#   eng/setup.sh fuzz      runtime + afl++ for eng/fuzz.sh (never needed by CI)
set -euo pipefail
mode=${1:-runtime}
here=$(cd "$(dirname "$0")/.." && pwd)

runtime_pkgs=(libnetcdf19 libhdf5-103-1 libeccodes0 libblosc1 libzstd1 libdeflate0 netcdf-bin ca-certificates fonts-dejavu-core)
test_pkgs=(libnetcdf-dev netcdf-bin libhdf5-dev hdf5-tools libeccodes-dev libeccodes-tools libblosc-dev libzstd-dev
  cdo nco python3-xarray python3-zarr python3-numcodecs python3-netcdf4 python3-h5netcdf python3-dask
  python3-cfgrib python3-eccodes python3-fsspec python3-boto3 python3-h5py python3-jsonschema python3-yaml vsftpd curl jq git tmux
  slurm-wlm munge strace)

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

if [ "$mode" = test ]; then
  # Single-node Slurm on loopback (docs/operations.md; ../shared/reference/dependencies.md §6.5). The tests write their
  # own configuration in a temp folder (SLURM_CONF); this one is for eng/slurm-bench.sh and trying job arrays by hand.
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm /etc/slurm
  $SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
  $SUDO chmod 755 /run/munge
  if [ ! -f /etc/slurm/slurm.conf ] || grep -q '^# written by forge eng/setup.sh' /etc/slurm/slurm.conf; then
    host=$(hostname -s)
    cpus=$(nproc)
    mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
    conf=$(mktemp)
    cat > "$conf" <<CONF
# written by forge eng/setup.sh (rewritten by it; remove this line to keep your own edits)
ClusterName=forge
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    if ! cmp -s "$conf" /etc/slurm/slurm.conf 2>/dev/null; then $SUDO cp "$conf" /etc/slurm/slurm.conf; fi
    rm -f "$conf"
  fi
fi
