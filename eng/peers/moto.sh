#!/usr/bin/env bash
# Start, stop or query a moto_server (in-memory S3 emulator) on loopback for manual runs and benchmarks.
# Usage: eng/peers/moto.sh start|stop|status|reset [state-dir] [port]
#   state-dir  where moto.pid and moto.log live (default: $MOTO_DIR or ./.moto)
#   port       default: $MOTO_PORT or 5055
# Executable: $MOTO_SERVER, else $(pyenv root)/versions/3.11.7/bin/moto_server, else moto_server on PATH.
# Credentials: any (e.g. AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test), region us-east-1, path-style.
set -euo pipefail

cmd="${1:-}"
dir="${2:-${MOTO_DIR:-./.moto}}"
port="${3:-${MOTO_PORT:-5055}}"
pidfile="$dir/moto.pid"
logfile="$dir/moto.log"
url="http://127.0.0.1:$port"

find_moto() {
    if [[ -n "${MOTO_SERVER:-}" ]]; then echo "$MOTO_SERVER"; return; fi
    local root="${PYENV_ROOT:-}"
    if [[ -z "$root" ]] && command -v pyenv >/dev/null 2>&1; then root="$(pyenv root)"; fi
    root="${root:-$HOME/.pyenv}"
    if [[ -x "$root/versions/3.11.7/bin/moto_server" ]]; then echo "$root/versions/3.11.7/bin/moto_server"; return; fi
    if command -v moto_server >/dev/null 2>&1; then command -v moto_server; return; fi
    echo "moto_server not found (set MOTO_SERVER)" >&2
    return 1
}

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

ready() { curl -s -o /dev/null -f "$url/moto-api/"; }

case "$cmd" in
    start)
        if running; then echo "moto_server already running (pid $(cat "$pidfile"), $url)"; exit 0; fi
        mkdir -p "$dir"
        moto="$(find_moto)"
        "$moto" -H 127.0.0.1 -p "$port" >"$logfile" 2>&1 &
        echo $! >"$pidfile"
        for _ in $(seq 1 300); do
            if ready; then echo "moto_server ready on $url (pid $(cat "$pidfile"), log $logfile)"; exit 0; fi
            if ! running; then echo "moto_server exited; see $logfile" >&2; tail -n 20 "$logfile" >&2; rm -f "$pidfile"; exit 1; fi
            sleep 0.1
        done
        echo "moto_server not ready on $url after 30 s; see $logfile" >&2
        exit 1
        ;;
    stop)
        if running; then
            pid="$(cat "$pidfile")"
            kill "$pid"
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
            echo "moto_server stopped (pid $pid)"
        else
            echo "moto_server not running"
        fi
        rm -f "$pidfile"
        ;;
    status)
        if running && ready; then echo "running: pid $(cat "$pidfile"), $url"; exit 0; fi
        if running; then echo "starting or unresponsive: pid $(cat "$pidfile"), $url"; exit 1; fi
        echo "not running"
        exit 3
        ;;
    reset)
        curl -s -f -X POST "$url/moto-api/reset" >/dev/null && echo "moto_server state wiped ($url)"
        ;;
    *)
        echo "usage: $0 start|stop|status|reset [state-dir] [port]" >&2
        exit 2
        ;;
esac
