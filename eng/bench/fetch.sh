#!/usr/bin/env bash
# Fetch figures: N loopback downloads by Forge's InputFetcher vs `curl --parallel`, and the warm-cache check overhead.
#   eng/bench/fetch.sh                      (N=200 SIZE_KIB=1024 CONC=4 by default)
# Server: nginx-light if installed (apt-get install -y --no-install-recommends nginx-light), else python3 http.server.
set -euo pipefail
N="${N:-200}"; SIZE_KIB="${SIZE_KIB:-1024}"; CONC="${CONC:-4}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"; server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/www" "$work/curl" "$work/temp"
for i in $(seq -w 1 "$N"); do head -c "$((SIZE_KIB * 1024))" /dev/urandom > "$work/www/input-$i.nc"; done
chmod -R a+rX "$work"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
if [ -x /usr/sbin/nginx ]; then
  cat > "$work/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $work/nginx.pid; error_log $work/error.log warn;
events { worker_connections 256; }
http { access_log off; sendfile on; client_body_temp_path $work/temp/b; proxy_temp_path $work/temp/p;
  fastcgi_temp_path $work/temp/f; uwsgi_temp_path $work/temp/u; scgi_temp_path $work/temp/s;
  types { application/x-netcdf nc; } server { listen 127.0.0.1:$port; root $work/www; } }
CONF
  /usr/sbin/nginx -c "$work/nginx.conf" & server_pid=$!; server="nginx $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2)"
else
  /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$port" >/dev/null 2>&1 & server_pid=$!; server="python3 http.server"
fi
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/input-$(printf "%0${#N}d" 1).nc" && break; sleep 0.1; done

: > "$work/urls.txt"; : > "$work/curl.cfg"
for f in "$work"/www/*.nc; do
  n="$(basename "$f")"; echo "http://127.0.0.1:$port/$n" >> "$work/urls.txt"
  printf 'url = "http://127.0.0.1:%s/%s"\noutput = "%s/curl/%s"\n' "$port" "$n" "$work" "$n" >> "$work/curl.cfg"
done

dotnet build -c Release "$root/eng/bench/fetch" -v q -nologo >/dev/null
echo "server: $server; $N files x $SIZE_KIB KiB; concurrency $CONC; $(nproc) cores"
REPS="${REPS:-3}"
curl_once() { rm -f "$work"/curl/*; curl -s --no-progress-meter --parallel --parallel-max "$CONC" -K "$work/curl.cfg" 2>/dev/null; }
curl_once   # warm-up
best=""
for _ in $(seq 1 "$REPS"); do
  t0=$(date +%s.%N); curl_once; t1=$(date +%s.%N)
  best="$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { s=b-a; if (m == "" || s < m) print s; else print m }')"
done
(cd "$work/www" && sha256sum ./*.nc) | (cd "$work/curl" && sha256sum -c --quiet)
awk -v n="$N" -v k="$SIZE_KIB" -v s="$best" -v c="$CONC" \
  'BEGIN { mib=n*k/1024; printf "curl  parallel-max %-2d %d inputs %8.1f MiB %7.3f s %8.1f MiB/s  (best of runs)\n", c, n, mib, s, mib/s }'
dotnet "$root/eng/bench/fetch/bin/Release/net10.0/FetchBench.dll" "$work/urls.txt" "$CONC" "$work/forge" "$REPS"
