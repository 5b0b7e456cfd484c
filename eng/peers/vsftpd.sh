#!/usr/bin/env bash
# Starts/stops a loopback vsftpd for Forge tests (needs root and `apt-get install -y --no-install-recommends vsftpd`).
#   eng/peers/vsftpd.sh start DIR [PORT]   serves DIR/root (anonymous and the local user), prints the port
#   eng/peers/vsftpd.sh stop DIR           kills the vsftpd started for DIR (by its PID file)
# Env: FORGE_FTP_USER / FORGE_FTP_PASSWORD create or update that local user for authenticated logins.
#      FORGE_FTP_CHROOT=NO logs that user in without a chroot, so its login directory is DIR/root, not / (RFC 1738 tests).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmd="${1:?usage: vsftpd.sh start|stop DIR [PORT]}"
dir="$(realpath -m "${2:?usage: vsftpd.sh start|stop DIR [PORT]}")"

# One anonymous user per served DIR: vsftpd enters that user's home before anon_root, so a shared user whose home
# another instance re-points fails logins with "500 OOPS: cannot change directory" (two fixtures in parallel).
anon_user="fa$(printf '%s' "$dir" | sha1sum | cut -c1-12)"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case "$cmd" in
start)
  [ -x /usr/sbin/vsftpd ] || { echo "vsftpd is not installed: apt-get install -y --no-install-recommends vsftpd" >&2; exit 3; }
  [ "$(id -u)" = 0 ] || { echo "vsftpd.sh start needs root (local logins use PAM)" >&2; exit 3; }
  port="${3:-$(free_port)}"
  pasv_min=$(( 30000 + (RANDOM % 300) * 100 )); pasv_max=$(( pasv_min + 99 ))
  mkdir -p "$dir/root" "$dir/empty"
  # vsftpd enters the user's home before anon_root/local_root: point the homes at the served root.
  id "$anon_user" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin -d "$dir/root" "$anon_user"
  usermod -d "$dir/root" "$anon_user" >/dev/null 2>&1 || true   # left by a killed run: re-point it
  if [ -n "${FORGE_FTP_USER:-}" ]; then
    id "$FORGE_FTP_USER" >/dev/null 2>&1 || useradd -M -s /bin/sh "$FORGE_FTP_USER"   # pam_shells wants a real shell
    usermod -d "$dir/root" "$FORGE_FTP_USER"
    printf '%s:%s\n' "$FORGE_FTP_USER" "${FORGE_FTP_PASSWORD:?FORGE_FTP_PASSWORD must be set with FORGE_FTP_USER}" | chpasswd
  fi
  chmod -R a+rX "$dir" && chmod 555 "$dir/root"   # a chroot/anon root must not be writable
  sed -e "s#@DIR@#$dir#g" -e "s#@PORT@#$port#g" -e "s#@PASV_MIN@#$pasv_min#g" -e "s#@PASV_MAX@#$pasv_max#g" \
    -e "s#@CHROOT@#${FORGE_FTP_CHROOT:-YES}#g" -e "s#@ANON_USER@#$anon_user#g" \
    "$here/vsftpd.conf.in" > "$dir/vsftpd.conf"
  touch "$dir/vsftpd.log" "$dir/xferlog"
  /usr/sbin/vsftpd "$dir/vsftpd.conf" > "$dir/vsftpd.out" 2>&1 < /dev/null &
  echo $! > "$dir/vsftpd.pid"
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; exit 0; fi
    kill -0 "$(cat "$dir/vsftpd.pid")" 2>/dev/null || { echo "vsftpd exited: $(cat "$dir/vsftpd.out")" >&2; exit 4; }
    sleep 0.1
  done
  echo "vsftpd did not listen on $port" >&2; exit 4 ;;
stop)
  if [ -f "$dir/vsftpd.pid" ]; then kill "$(cat "$dir/vsftpd.pid")" 2>/dev/null || true; rm -f "$dir/vsftpd.pid"; fi
  if id "$anon_user" >/dev/null 2>&1; then userdel -f "$anon_user" 2>/dev/null || true; fi ;;
*) echo "usage: vsftpd.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
