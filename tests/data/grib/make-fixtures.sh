#!/usr/bin/env bash
# Generates the GRIB test fixtures into $1 with cdo, grib_set/grib_copy and the ecCodes sample templates.
# Needs: cdo, libeccodes-tools (Debian). Deterministic: fixed random seeds.
set -euo pipefail
out=${1:?usage: make-fixtures.sh OUTDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
cd "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
samples=$(codes_info -s 2>/dev/null || echo /usr/share/eccodes/samples)
export CDO_PCTL_NTHREADS=1 OMP_NUM_THREADS=1

# cdo_field EDITION(grb|grb2) PARAM LTYPE LEVEL SEED EXTRA... -> 3 steps (0, 6, 12 h) of one param/level on r36x18
cdo_field() {
  local fmt=$1 param=$2 ltype=$3 level=$4 seed=$5; shift 5
  cdo -s -f "$fmt" "$@" -setparam,"$param" -setltype,"$ltype" -setlevel,"$level" \
    -settaxis,2020-01-01,00:00:00,6hour -addc,"$seed" \
    -cat [ -random,r36x18,"$seed" -random,r36x18,$((seed + 100)) -random,r36x18,$((seed + 200)) ] \
    "$tmp/f.$fmt" >/dev/null 2>&1
  cat "$tmp/f.$fmt"
}

# cdo_multi EDITION FILE EXTRA...: t and u on 1000/850/500 hPa plus surface pressure, 3 steps each
cdo_multi() {
  local fmt=$1 file=$2; shift 2
  local t u sp
  if [ "$fmt" = grb2 ]; then t=0.0.0 u=2.2.0 sp=0.3.0; else t=130.128 u=131.128 sp=134.128; fi
  : >"$file"
  local seed=1
  for p in "$t" "$u"; do
    for lev in 100000 85000 50000; do
      # cdo takes isobaric levels in Pa for GRIB2 and in hPa for GRIB1
      cdo_field "$fmt" "$p" 100 "$([ "$fmt" = grb2 ] && echo "$lev" || echo $((lev / 100)))" "$seed" "$@" >>"$file"
      seed=$((seed + 1))
    done
  done
  cdo_field "$fmt" "$sp" 1 0 "$seed" "$@" >>"$file"
}

cdo_multi grb2 cdo_grib2_simple.grib2 -b P12
cdo_multi grb cdo_grib1_simple.grib -b P16
cdo_multi grb2 cdo_grib2_ccsds.grib2 -b P16 -z aec
cdo_multi grb2 cdo_grib2_jpeg.grib2 -b P16 -z jpeg
# Bitmaps: points in (0.2, 0.4) become missing, i.e. NaN.
cdo -s -f grb2 -b P16 -z jpeg -setparam,0.0.0 -setltype,100 -setlevel,85000 -setrtomiss,0.2,0.4 -random,r36x18,5 cdo_grib2_jpeg_missing.grib2 >/dev/null 2>&1
cdo -s -f grb -b P8 -setparam,130.128 -setltype,100 -setlevel,850 -setrtomiss,0.2,0.4 -random,r36x18,6 cdo_grib1_p8_missing.grib >/dev/null 2>&1

# ecCodes repacking of the cdo file: GRIB2 complex packing (with spatial differencing) and GRIB1 second order.
grib_set -r -s packingType=grid_complex_spatial_differencing cdo_grib2_simple.grib2 eccodes_grib2_complex.grib2
grib_set -r -s packingType=grid_ccsds cdo_grib2_simple.grib2 eccodes_grib2_ccsds.grib2
grib_set -r -s packingType=grid_second_order cdo_grib1_simple.grib eccodes_grib1_second_order.grib
grib_copy -w count=1 eccodes_grib2_complex.grib2 eccodes_grib2_complex_one.grib2

# Ensemble: members 0..2 of t at 850 hPa, steps 0/6/12 (GRIB2 template 4.1).
: >eccodes_grib2_ensemble.grib2
for member in 0 1 2; do
  cdo_field grb2 0.0.0 100 85000 $((40 + member)) -b P16 >"$tmp/m.grib2"
  grib_set -s productDefinitionTemplateNumber=1,typeOfEnsembleForecast=3,perturbationNumber=$member,numberOfForecastsInEnsemble=3 \
    "$tmp/m.grib2" "$tmp/e.grib2"
  cat "$tmp/e.grib2" >>eccodes_grib2_ensemble.grib2
done

# Several reference times (time dimension) with one step, GRIB1.
: >eccodes_grib1_times.grib
for day in 01 02 03; do
  grib_set -s dataDate=202001$day,dataTime=1200,step=0 cdo_grib1_p8_missing.grib "$tmp/d.grib"
  cat "$tmp/d.grib" >>eccodes_grib1_times.grib
done

# ecCodes sample templates: regular/reduced/rotated grids, model levels, GRIB1 and GRIB2.
for s in GRIB1 GRIB2 regular_ll_pl_grib2 regular_ll_sfc_grib1 regular_gg_sfc_grib1 regular_gg_pl_grib2 \
         reduced_gg_pl_32_grib2 reduced_gg_pl_48_grib1 reduced_gg_ml_grib2 rotated_ll_sfc_grib2 \
         ccsds_grib2 reduced_rotated_gg_sfc_jpeg_grib2 polar_stereographic_sfc_grib2 gg_sfc_grib2; do
  cp "$samples/$s.tmpl" "sample_$s.grib"
done

# Steps in minutes (GRIB2 template 4.8, indicatorOfUnitOfTimeRange=0): a 30-60 minute accumulation that ecCodes
# 2.28 can express in hours, and a 0-30 minute one that it cannot (cfgrib then drops the step; Forge says 0.5 h).
grib_set -s productDefinitionTemplateNumber=8 "$samples/GRIB2.tmpl" "$tmp/pdt8.grib2"
grib_set -s shortName=tp,indicatorOfUnitOfTimeRange=0,forecastTime=30,indicatorOfUnitForTimeRange=0,lengthOfTimeRange=30 \
  "$tmp/pdt8.grib2" eccodes_grib2_minutes.grib2
grib_set -s shortName=tp,indicatorOfUnitOfTimeRange=0,forecastTime=0,indicatorOfUnitForTimeRange=0,lengthOfTimeRange=30 \
  "$tmp/pdt8.grib2" minutes_0_30.grib2
cat minutes_0_30.grib2 eccodes_grib2_minutes.grib2 >minutes_two_steps.grib2
# Instantaneous steps coded in sub-hour units (cfgrib reads each as its own file): 30 minutes (template 4.0,
# ecCodes reads endStep 30 with stepUnits 1 on a fresh handle), 90 seconds, GRIB1's 15-minute unit (code 13,
# ecCodes' stepUnits 14) and GRIB2's non-WMO 15-minute code 14 (ecCodes 2.28 converts it to seconds wrongly).
grib_set -s indicatorOfUnitOfTimeRange=0,forecastTime=30 "$samples/GRIB2.tmpl" steps_30min.grib2
grib_set -s indicatorOfUnitOfTimeRange=13,forecastTime=90 "$samples/GRIB2.tmpl" steps_90s.grib2
grib_set -s indicatorOfUnitOfTimeRange=13,P1=3 "$samples/GRIB1.tmpl" steps_15min_grib1.grib
grib_set -s indicatorOfUnitOfTimeRange=14,forecastTime=3 "$samples/GRIB2.tmpl" steps_15min_code14.grib2
# Sub-hourly output (as HRRR's wrfsubh files): 15, 30, 45 and 60 minutes in one file. cfgrib refuses it
# ("multiple values for key 'stepUnits'": 0 for the first three, 1 for the last); Forge reads one step dimension.
: >steps_subhourly.grib2
for m in 15 30 45 60; do
  grib_set -s indicatorOfUnitOfTimeRange=0,forecastTime=$m "$samples/GRIB2.tmpl" "$tmp/m$m.grib2"
  cat "$tmp/m$m.grib2" >>steps_subhourly.grib2
done

# No forecast step: product template 4.31 (satellite imagery); no time range keys at all.
grib_set -s productDefinitionTemplateNumber=31 "$samples/GRIB2.tmpl" eccodes_grib2_pdt31.grib2

# A grid ecCodes decodes but cannot locate (NCEP's template 3.32769): values only, no latitude/longitude.
grib_set -s centre=kwbc "$samples/GRIB2.tmpl" "$tmp/kwbc.grib2"
grib_set -s gridDefinitionTemplateNumber=32769 "$tmp/kwbc.grib2" eccodes_grib2_ncep32769.grib2
# Unstructured grid (template 3.101) on 'values' and Albers (3.31) on (y, x): no latitudes/longitudes from ecCodes.
grib_set -s gridDefinitionTemplateNumber=101 "$samples/GRIB2.tmpl" eccodes_grib2_unstructured.grib2
grib_set -s gridDefinitionTemplateNumber=31 "$samples/GRIB2.tmpl" eccodes_grib2_albers.grib2
# Bad input: a space-view grid (3.90) whose geometry ecCodes cannot compute ("Problem with calculation of
# geographic attributes"; cfgrib fails too).
grib_set -s gridDefinitionTemplateNumber=90 "$samples/GRIB2.tmpl" bad_space_view.grib2

# Multi-field message (NCEP style: sections 4-7 repeated after one grid section): t and u at 850 hPa, step 0,
# from the cdo file (random values, 12 bits), in one message.
grib_copy -w shortName=t,level=850,step=0 cdo_grib2_simple.grib2 "$tmp/t.grib2"
grib_copy -w shortName=u,level=850,step=0 cdo_grib2_simple.grib2 "$tmp/u.grib2"
/usr/bin/python3 "$here/make_multifield.py" eccodes_grib2_multifield.grib2 "$tmp/t.grib2" "$tmp/u.grib2"
# NCEP's other forms: a bitmap given once and referred to by later fields (section 6 indicator 254, 6 bytes), and
# the grid section repeated inside the message (sections 3-7 again, for sp).
for p in 0.0.0/100/85000/11 2.2.0/100/85000/11 0.3.0/1/0/12; do
  IFS=/ read -r param ltype level seed <<<"$p"
  cdo -s -f grb2 -b P12 -setparam,"$param" -setltype,"$ltype" -setlevel,"$level" -settaxis,2020-01-01,06:00:00 \
    -setrtomiss,0.2,0.4 -random,r36x18,"$seed" "$tmp/nc.$param.grib2" >/dev/null 2>&1
done
/usr/bin/python3 "$here/make_multifield.py" --reuse-bitmap --grid-again eccodes_grib2_multifield_ncep.grib2 "$tmp/nc.0.0.0.grib2" "$tmp/nc.2.2.0.grib2" "$tmp/nc.0.3.0.grib2"

# A WMO bulletin header before the first message (first message at byte 6148), as in GTS feeds.
{ printf '%06148d' 0 | tr 0 ' '; cat cdo_grib2_simple.grib2; } >bulletin_grib2.grib2
# A WMO abbreviated heading (SOH, sequence number, TTAAii CCCC YYGGgg) padded to 12000 bytes before a GRIB1 file.
{ printf '\001\r\r\n123\r\r\nHTXA50 KWBC 010000\r\r\n'; printf '%011969d' 0 | tr 0 ' '; cat cdo_grib1_simple.grib; } >bulletin_12000_grib1.grib

# Bad input: one variable on two different grids (t at 850 hPa on 10 degrees, at 500 hPa on 5 degrees).
cdo -s -f grb2 -setparam,0.0.0 -setltype,100 -setlevel,85000 -random,r36x18,7 "$tmp/g1.grib2" >/dev/null 2>&1
cdo -s -f grb2 -setparam,0.0.0 -setltype,100 -setlevel,50000 -random,r72x36,8 "$tmp/g2.grib2" >/dev/null 2>&1
cat "$tmp/g1.grib2" "$tmp/g2.grib2" >bad_different_grids.grib2

# Bad input: t on isobaric levels plus t at the surface (cfgrib: "multiple values for key typeOfLevel").
grib_copy -w shortName=t,level=850 cdo_grib2_simple.grib2 "$tmp/t850.grib2"
grib_set -s typeOfLevel=surface,level=0 "$tmp/t850.grib2" "$tmp/tsfc.grib2"
cat cdo_grib2_simple.grib2 "$tmp/tsfc.grib2" >bad_two_level_types.grib2

# Mixed editions: GRIB1 t (from the cdo file) followed by GRIB2 surface pressure.
grib_copy -w shortName=t cdo_grib1_simple.grib "$tmp/t1.grib"
grib_copy -w shortName=sp cdo_grib2_simple.grib2 "$tmp/sp2.grib2"
cat "$tmp/t1.grib" "$tmp/sp2.grib2" >mixed_editions.grib

ls
