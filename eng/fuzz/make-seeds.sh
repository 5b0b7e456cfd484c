#!/usr/bin/env bash
# Regenerates the real-file seeds of the classic and grib fuzz targets (eng/fuzz/seeds/{classic,grib}/) with ncgen,
# cdo, grib_set and the ecCodes sample templates Debian ships. Small files on purpose (afl mutates every byte).
#   eng/fuzz/make-seeds.sh          needs: netcdf-bin, cdo, libeccodes-tools (eng/setup.sh installs them)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
classic="$here/eng/fuzz/seeds/classic"
grib="$here/eng/fuzz/seeds/grib"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CDO_PCTL_NTHREADS=1 OMP_NUM_THREADS=1
mkdir -p "$classic" "$grib"

# --- classic netCDF (CDF-1, CDF-2 = 64-bit offset, CDF-5) ---
cdl="$here/tests/data/netcdf"
for k in classic 64-bit-offset cdf5; do
  ncgen -k "$k" -o "$classic/edge_cases.$k.nc" "$cdl/edge_cases.cdl"
  ncgen -k "$k" -o "$classic/classic_types.$k.nc" "$cdl/classic_types.cdl"
done
ncgen -k cdf5 -o "$classic/extended_types.cdf5.nc" "$cdl/extended_types.cdl"

# Two record variables (records interleaved), one record variable (records packed), global attributes of every
# classic type, a scalar, a text variable, a fixed-size multi-dimensional variable.
cat >"$tmp/records.cdl" <<'CDL'
netcdf records {
dimensions:
	time = UNLIMITED ;
	lat = 2 ;
	lon = 3 ;
	nchar = 4 ;
variables:
	double time(time) ;
		time:units = "days since 1981-01-01" ;
		time:calendar = "standard" ;
	short sst(time, lat, lon) ;
		sst:scale_factor = 0.01f ;
		sst:add_offset = 0.f ;
		sst:_FillValue = -999s ;
	byte flag(time, lon) ;
	float lat(lat) ;
	float lon(lon) ;
	int scalar ;
	char name(lon, nchar) ;
	double grid(lat, lon) ;
// global attributes:
		:title = "fuzz seed" ;
		:b = 1b ;
		:s = 2s ;
		:i = 3 ;
		:f = 4.f ;
		:d = 5. ;
data:
 time = 0, 1 ;
 sst = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 ;
 flag = 1, 0, 1, 0, 1, 0 ;
 lat = -1, 1 ;
 lon = 0, 1, 2 ;
 scalar = 42 ;
 name = "ab", "cde", "fghi" ;
 grid = 1, 2, 3, 4, 5, 6 ;
}
CDL
cat >"$tmp/packed.cdl" <<'CDL'
netcdf packed {
dimensions:
	t = UNLIMITED ;
	x = 3 ;
variables:
	short v(t, x) ;
	int fixed(x) ;
data:
 v = 1, 2, 3, 4, 5, 6, 7, 8, 9 ;
 fixed = 7, 8, 9 ;
}
CDL
for k in classic 64-bit-offset cdf5; do
  ncgen -k "$k" -o "$classic/records.$k.nc" "$tmp/records.cdl"
  ncgen -k "$k" -o "$classic/packed.$k.nc" "$tmp/packed.cdl"
done
# netCDF's NC_STREAMING: numrecs 0xFFFFFFFF (a writer that did not know the record count).
python3 - "$classic/packed.classic.nc" "$classic/streaming.classic.nc" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[4:8] = b"\xff\xff\xff\xff"
open(sys.argv[2], "wb").write(b)
PY
# cdo's own writer: a record dimension time, lon/lat coordinates with attributes, history.
for f in nc nc2 nc5; do
  cdo -s -O -f "$f" -settaxis,2020-01-01,00:00:00,6hour -setname,tas -setunit,K -random,r4x2,7 -random,r4x2,8 "$tmp/x.$f" >/dev/null 2>&1 || \
  cdo -s -O -f "$f" -settaxis,2020-01-01,00:00:00,6hour -setname,tas -setunit,K -random,r4x2,7 "$tmp/x.$f" >/dev/null
  cdo -s -O -f "$f" mergetime "$tmp/x.$f" -shifttime,1day "$tmp/x.$f" "$classic/cdo.$f.nc" >/dev/null 2>&1 || cp "$tmp/x.$f" "$classic/cdo.$f.nc"
done

# --- GRIB (editions 1 and 2) ---
samples=$(codes_info -s 2>/dev/null || echo /usr/share/eccodes/samples)
for s in GRIB1 GRIB2 ccsds_grib2 clusters_grib1 polar_stereographic_pl_grib2 rotated_ll_sfc_grib1 rotated_ll_sfc_grib2 \
         reduced_gg_pl_32_grib1 reduced_gg_pl_32_grib2 regular_gg_sfc_grib2 lambert_bf_grib2; do
  [ -f "$samples/$s.tmpl" ] && cp "$samples/$s.tmpl" "$grib/sample.$s.grib"
done
# cdo: 2 steps on a 4x2 grid, GRIB1 and GRIB2, one with missing values (a bitmap section).
for f in grb grb2; do
  cdo -s -O -f "$f" -settaxis,2020-01-01,00:00:00,6hour -setname,t -random,r8x4,3 "$tmp/a.$f" >/dev/null
  cdo -s -O -f "$f" mergetime "$tmp/a.$f" -shifttime,6hour "$tmp/a.$f" "$grib/cdo.two-steps.$f.grib" >/dev/null
  cdo -s -O -f "$f" -setname,t -setrtomiss,0,0.5 -random,r8x4,4 "$grib/cdo.bitmap.$f.grib" >/dev/null
done
# Packings ecCodes writes: IEEE, second-order/complex (GRIB2), none of them needs data decoding to frame.
grib_set -r -s packingType=grid_ieee "$samples/GRIB2.tmpl" "$grib/ieee.grib2.grib" 2>/dev/null || true
grib_set -r -s packingType=grid_complex_spatial_differencing "$samples/regular_ll_sfc_grib2.tmpl" "$grib/complex.grib2.grib" 2>/dev/null || true
# Multi-field GRIB2 (sections 4-7 repeated), and its "previously defined bitmap" (254) form; junk between messages.
python3 "$here/tests/data/grib/make_multifield.py" "$grib/multifield.grib2.grib" "$grib/cdo.bitmap.grb2.grib" "$grib/cdo.bitmap.grb2.grib"
python3 - "$grib/multifield.grib2.grib" "$grib/multifield-bitmap254.grib2.grib" "$samples/GRIB1.tmpl" "$samples/GRIB2.tmpl" "$grib/junk-between.grib" <<'PY'
import struct, sys
msg = bytearray(open(sys.argv[1], "rb").read())
pos, sixes = 16, []
while msg[pos:pos + 4] != b"7777":
    length = struct.unpack(">I", msg[pos:pos + 4])[0]
    if msg[pos + 4] == 6: sixes.append(pos)
    pos += length
if len(sixes) > 1: msg[sixes[-1] + 5] = 254
open(sys.argv[2], "wb").write(msg)
g1, g2 = open(sys.argv[3], "rb").read(), open(sys.argv[4], "rb").read()
open(sys.argv[5], "wb").write(b"junk\nGRI" + g1 + b"\0\0GRIBGR" + g2 + b"tail")
PY
# The range-read classic header reader (target classic-range) starts from the same files.
mkdir -p "$here/eng/fuzz/seeds/classic-range"
cp "$classic"/*.nc "$here/eng/fuzz/seeds/classic-range/"
ls -la "$classic" "$grib" >&2
