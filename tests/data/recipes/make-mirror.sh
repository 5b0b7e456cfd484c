#!/usr/bin/env bash
# Makes a small local mirror of a real recipe's inputs, with the same file names, folder layout, variables, types,
# packing and attributes as the public files but a tiny grid, using ncgen (netCDF) and cdo (GRIB).
#   make-mirror.sh RECIPE OUTDIR     RECIPE: noaa-oisst | gpcp-daily | terraclimate | era5-grib | gfs-grib2
# Prints the mirror's files (relative to OUTDIR), one per line, in concat-key order (merge keys inner).
# Deterministic: values come from fixed formulas and cdo's seeded random fields.
set -euo pipefail
recipe=${1:?usage: make-mirror.sh RECIPE OUTDIR}
out=${2:?usage: make-mirror.sh RECIPE OUTDIR}
mkdir -p "$out"
cd "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CDO_PCTL_NTHREADS=1 OMP_NUM_THREADS=1

days_since() { echo $(( ($(date -ud "$1" +%s) - $(date -ud "$2" +%s)) / 86400 )); }
# values N SEED SCALE OFFSET [FILL_EVERY FILL]: N comma-separated numbers from a fixed formula
values() {
  awk -v n="$1" -v s="$2" -v scale="$3" -v off="$4" -v every="${5:-0}" -v fill="${6:-0}" 'BEGIN {
    for (i = 0; i < n; i++) {
      v = (every > 0 && (i + s) % every == 0) ? fill : int(off + scale * sin(i * 0.37 + s) + (i % 7))
      printf "%s%s", v, (i < n - 1 ? ", " : "")
    }
  }'
}

case "$recipe" in
noaa-oisst)
  # NOAA OISST v2.1: NetCDF-4, deflate 4 + shuffle, packed int16 (scale 0.01, _FillValue -999), zlev of length 1.
  for day in 1981-09-01 1981-09-02 1981-09-03; do
    ymd=${day//-/}; dir=${ymd:0:6}; mkdir -p "$dir"
    n=$((1 * 1 * 4 * 8)); seed=${ymd:6:2}
    cat > "$tmp/o.cdl" <<CDL
netcdf oisst {
dimensions:
  time = UNLIMITED ; zlev = 1 ; lat = 4 ; lon = 8 ;
variables:
  float time(time) ; time:long_name = "Center time of the day" ; time:units = "days since 1978-01-01 12:00:00" ;
  float zlev(zlev) ; zlev:long_name = "Sea surface height" ; zlev:units = "meters" ; zlev:positive = "down" ;
  float lat(lat) ; lat:long_name = "Latitude" ; lat:units = "degrees_north" ;
  float lon(lon) ; lon:long_name = "Longitude" ; lon:units = "degrees_east" ;
  short sst(time, zlev, lat, lon) ; sst:long_name = "Daily sea surface temperature" ; sst:units = "Celsius" ;
    sst:_FillValue = -999s ; sst:add_offset = 0.f ; sst:scale_factor = 0.01f ; sst:valid_min = -300s ; sst:valid_max = 4500s ;
    sst:_Storage = "chunked" ; sst:_ChunkSizes = 1, 1, 4, 8 ; sst:_DeflateLevel = 4 ; sst:_Shuffle = "true" ;
  short anom(time, zlev, lat, lon) ; anom:long_name = "Daily sea surface temperature anomalies" ; anom:units = "Celsius" ;
    anom:_FillValue = -999s ; anom:add_offset = 0.f ; anom:scale_factor = 0.01f ;
    anom:_Storage = "chunked" ; anom:_ChunkSizes = 1, 1, 4, 8 ; anom:_DeflateLevel = 4 ; anom:_Shuffle = "true" ;
  short err(time, zlev, lat, lon) ; err:long_name = "Estimated error standard deviation of analysed_sst" ; err:units = "Celsius" ;
    err:_FillValue = -999s ; err:add_offset = 0.f ; err:scale_factor = 0.01f ;
    err:_Storage = "chunked" ; err:_ChunkSizes = 1, 1, 4, 8 ; err:_DeflateLevel = 4 ; err:_Shuffle = "true" ;
  short ice(time, zlev, lat, lon) ; ice:long_name = "Sea ice concentration" ; ice:units = "%" ;
    ice:_FillValue = -999s ; ice:add_offset = 0.f ; ice:scale_factor = 0.01f ;
    ice:_Storage = "chunked" ; ice:_ChunkSizes = 1, 1, 4, 8 ; ice:_DeflateLevel = 4 ; ice:_Shuffle = "true" ;
  :Conventions = "CF-1.6, ACDD-1.3" ; :title = "NOAA/NCEI 1/4 Degree Daily Optimum Interpolation Sea Surface Temperature (OISST) Analysis, Version 2.1 - Final" ;
data:
  time = $(days_since "$day" 1978-01-01) ;
  zlev = 0 ;
  lat = -67.5, -22.5, 22.5, 67.5 ;
  lon = 22.5, 67.5, 112.5, 157.5, 202.5, 247.5, 292.5, 337.5 ;
  sst = $(values $n "$seed" 900 1500 5 -999) ;
  anom = $(values $n $((seed + 1)) 150 0 5 -999) ;
  err = $(values $n $((seed + 2)) 20 30 5 -999) ;
  ice = $(values $n $((seed + 3)) 40 50 3 -999) ;
}
CDL
    ncgen -k nc4 -o "$dir/oisst-avhrr-v02r01.$ymd.nc" "$tmp/o.cdl"
    echo "$dir/oisst-avhrr-v02r01.$ymd.nc"
  done ;;
gpcp-daily)
  # GPCP daily v1.3: netCDF-4 classic model; precip float32 with _FillValue; CF bounds for latitude, longitude, time.
  for day in 1996-10-01 1996-10-02 1996-10-03; do
    ymd=${day//-/}; dir=${ymd:0:4}; mkdir -p "$dir"
    t=$(days_since "$day" 1970-01-01)
    cat > "$tmp/g.cdl" <<CDL
netcdf gpcp {
dimensions:
  nv = 2 ; latitude = 6 ; longitude = 12 ; time = UNLIMITED ;
variables:
  float latitude(latitude) ; latitude:long_name = "Latitude" ; latitude:standard_name = "latitude" ; latitude:units = "degrees_north" ; latitude:bounds = "lat_bounds" ;
  float longitude(longitude) ; longitude:long_name = "Longitude" ; longitude:standard_name = "longitude" ; longitude:units = "degrees_east" ; longitude:bounds = "lon_bounds" ;
  double time(time) ; time:long_name = "time" ; time:standard_name = "time" ; time:units = "days since 1970-01-01 00:00:00 0:00" ; time:bounds = "time_bounds" ;
  float lat_bounds(latitude, nv) ; lat_bounds:units = "degrees_north" ; lat_bounds:comment = "latitude values at the north and south bounds of each pixel." ;
  float lon_bounds(longitude, nv) ; lon_bounds:units = "degrees_east" ; lon_bounds:comment = "longitude values at the west and east bounds of each pixel." ;
  double time_bounds(time, nv) ; time_bounds:units = "days since 1970-01-01 00:00:00 0:00" ; time_bounds:comment = "time bounds for each time value" ;
  float precip(time, latitude, longitude) ; precip:long_name = "NOAA Climate Data Record (CDR) of Daily GPCP Satellite-Gauge Combined Precipitation" ;
    precip:standard_name = "lwe_precipitation_rate" ; precip:units = "mm/day" ; precip:valid_range = 0.f, 100.f ; precip:_FillValue = -99999.f ;
  :Conventions = "CF-1.6, ACDD 1.3" ; :title = "Global Precipitation Climatatology Project (GPCP) Climate Data Record (CDR), Daily V1.3" ;
data:
  latitude = -75, -45, -15, 15, 45, 75 ;
  longitude = 15, 45, 75, 105, 135, 165, 195, 225, 255, 285, 315, 345 ;
  time = $t ;
  lat_bounds = -90, -60, -60, -30, -30, 0, 0, 30, 30, 60, 60, 90 ;
  lon_bounds = 0, 30, 30, 60, 60, 90, 90, 120, 120, 150, 150, 180, 180, 210, 210, 240, 240, 270, 270, 300, 300, 330, 330, 360 ;
  time_bounds = $t, $((t + 1)) ;
  precip = $(values 72 "${ymd:6:2}" 3 4 11 -99999) ;
}
CDL
    ncgen -k nc7 -o "$dir/gpcp_v01r03_daily_d${ymd}_c20170530.nc" "$tmp/g.cdl"
    echo "$dir/gpcp_v01r03_daily_d${ymd}_c20170530.nc"
  done ;;
terraclimate)
  # TerraClimate: one variable per file, 12 months, packed int16 with its own scale, a scalar crs variable.
  for year in 1958 1959 1960; do
    for var in tmax tmin ppt; do
      case $var in tmax) scale=0.01 units=degC off=1500 ;; tmin) scale=0.01 units=degC off=200 ;; ppt) scale=0.1 units=mm off=600 ;; esac
      times=$(for m in 01 02 03 04 05 06 07 08 09 10 11 12; do printf '%s, ' "$(days_since "$year-$m-01" 1900-01-01)"; done)
      cat > "$tmp/t.cdl" <<CDL
netcdf terraclimate {
dimensions:
  time = 12 ; lat = 3 ; lon = 4 ;
variables:
  double time(time) ; time:units = "days since 1900-01-01 00:00:00" ; time:calendar = "gregorian" ;
  double lat(lat) ; lat:units = "degrees_north" ; lat:standard_name = "latitude" ;
  double lon(lon) ; lon:units = "degrees_east" ; lon:standard_name = "longitude" ;
  short crs ; crs:grid_mapping_name = "latitude_longitude" ; crs:longitude_of_prime_meridian = 0. ; crs:semi_major_axis = 6378137. ;
  short $var(time, lat, lon) ; $var:units = "$units" ; $var:scale_factor = $scale ; $var:add_offset = 0. ; $var:_FillValue = -32768s ; $var:grid_mapping = "crs" ;
    $var:_Storage = "chunked" ; $var:_ChunkSizes = 1, 3, 4 ; $var:_DeflateLevel = 5 ;
  :title = "TerraClimate: monthly climate and climatic water balance for global land surfaces" ;
data:
  time = ${times%, } ;
  lat = 45.0, 30.0, 15.0 ;
  lon = -120.0, -105.0, -90.0, -75.0 ;
  crs = 1 ;
  $var = $(values 144 "$((year % 100))" 800 "$off" 13 -32768) ;
}
CDL
      ncgen -k nc4 -o "TerraClimate_${var}_${year}.nc" "$tmp/t.cdl"
      echo "TerraClimate_${var}_${year}.nc"
    done
  done ;;
era5-grib)
  # ERA5 on NCAR RDA ds630.0: GRIB1, one file per day; here 4 analyses (00/06/12/18 UTC) x 3 pressure levels of t
  # (130.128), plus one u (131.128) field the recipe's filter must drop.
  seed=1
  for day in 2017-01-01 2017-01-02 2017-01-03; do
    ymd=${day//-/}; dir=e5.oper.an.pl/${ymd:0:6}; mkdir -p "$dir"
    file="$dir/e5.oper.an.pl.128_130_t.ll025sc.${ymd}00_${ymd}23.grb"
    : > "$file"
    # One analysis per message (dataTime HH00, step 0), as ERA5 writes them.
    for hour in 00 06 12 18; do
      for level in 1000 850 500; do
        cdo -s -f grb -b P16 -setparam,130.128 -setltype,100 -setlevel,$level -settaxis,"$day",$hour:00:00 -addc,$((200 + seed)) \
          -random,r36x18,$seed "$tmp/l.grb" >/dev/null 2>&1
        cat "$tmp/l.grb" >> "$file"; seed=$((seed + 1))
      done
    done
    cdo -s -f grb -b P16 -setparam,131.128 -setltype,100 -setlevel,850 -settaxis,"$day",00:00:00 -random,r36x18,$((seed + 50)) "$tmp/u.grb" >/dev/null 2>&1
    cat "$tmp/u.grb" >> "$file"
    echo "$file"
  done ;;
gfs-grib2)
  # GFS pgrb2 f000: GRIB2 with many parameters; here 2 m temperature (heightAboveGround 2), t at 850 hPa and surface
  # pressure, so the recipe's filter has something to skip.
  seed=1
  for day in 2021-03-01 2021-03-02 2021-03-03; do
    ymd=${day//-/}; dir=gfs.$ymd/00/atmos; mkdir -p "$dir"
    file="$dir/gfs.t00z.pgrb2.1p00.f000"
    : > "$file"
    cdo -s -f grb2 -b P16 -setparam,0.0.0 -setltype,100 -setlevel,85000 -settaxis,"$day",00:00:00 -addc,250 -random,r36x18,$seed "$tmp/a.grb2" >/dev/null 2>&1
    cdo -s -f grb2 -b P16 -setparam,0.0.0 -setltype,103 -setlevel,2 -settaxis,"$day",00:00:00 -addc,280 -random,r36x18,$((seed + 1)) "$tmp/b.grb2" >/dev/null 2>&1
    cdo -s -f grb2 -b P16 -setparam,0.3.0 -setltype,1 -setlevel,0 -settaxis,"$day",00:00:00 -addc,100000 -random,r36x18,$((seed + 2)) "$tmp/c.grb2" >/dev/null 2>&1
    cat "$tmp/a.grb2" "$tmp/b.grb2" "$tmp/c.grb2" > "$file"
    seed=$((seed + 3))
    echo "$file"
  done ;;
*) echo "make-mirror: unknown recipe '$recipe'" >&2; exit 2 ;;
esac
