#!/usr/bin/env python3
"""Measures the whole-run ETA of `forge run --progress json` against a throttled loopback server (a fixed total
bytes/s shared by all connections, like a slow archive). Not CI: timings are real, so the figure depends on the
machine's load (say so when quoting it).

  eng/bench/eta/measure.py [BYTES_PER_SECOND] [DAYS]      (defaults: 100000, 40)

Makes DAYS OISST-like daily files (eng/data/make_inputs.py, 36x72), serves them throttled, runs the built forge
(src/Forge.Cli/bin/Debug/net10.0/forge.dll) and prints, at 10, 25, 50 and 75 % of the run's wall time, the last
`eta_seconds` reported by then against the time the run really had left, and the error.
"""
import datetime, http.server, json, os, subprocess, sys, tempfile, threading, time

rate = float(sys.argv[1]) if len(sys.argv) > 1 else 100_000
days = int(sys.argv[2]) if len(sys.argv) > 2 else 40
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.abspath(os.path.join(here, "..", "..", ".."))
work = tempfile.mkdtemp(prefix="forge-eta-")
data = os.path.join(work, "daily")
subprocess.run(["/usr/bin/python3", os.path.join(repo, "eng", "data", "make_inputs.py"), "daily", data, "--start", "1981-09-01",
                "--days", str(days), "--nlat", "36", "--nlon", "72"], check=True)

lock = threading.Lock()
next_free = [time.monotonic()]


def pace(n):
    # One shared budget: every block waits for its slot at the fixed rate.
    with lock:
        start = max(next_free[0], time.monotonic())
        next_free[0] = start + n / rate
    delay = start + n / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = os.path.join(data, self.path.lstrip("/").split("?")[0])
        if not os.path.isfile(path):
            self.send_error(404)
            return
        body = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for at in range(0, len(body), 4096):
            pace(len(body[at:at + 4096]))
            self.wfile.write(body[at:at + 4096])
        self.close_connection = True


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
end = (datetime.date(1981, 9, 1) + datetime.timedelta(days=days - 1)).isoformat()
recipe = os.path.join(work, "eta.yaml")
open(recipe, "w").write(f"""forge: 1
id: eta
inputs:
  url: "http://127.0.0.1:{server.server_address[1]}/oisst-avhrr-v02r01.{{time:%Y%m%d}}.nc"
  concat:
    dim: time
    keys:
      range: {{ start: 1981-09-01, end: {end}, step: 1 day }}
  fetch: {{ retries: 0, timeout: 60s }}
transforms:
  - squeeze: [zlev]
target:
  zarr_format: 3
  chunks: {{ time: 4, lat: 18, lon: 36 }}
""")
forge = os.path.join(repo, "src", "Forge.Cli", "bin", "Debug", "net10.0", "forge.dll")
t0 = time.time()
out = subprocess.run(["dotnet", forge, "run", recipe, "--target", os.path.join(work, "eta.zarr"), "--progress", "json"],
                     capture_output=True, text=True)
t1 = time.time()
server.shutdown()
if out.returncode != 0:
    sys.exit(f"forge failed ({out.returncode}):\n{out.stderr}")


def when(e):
    return datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()


events = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
start, finish = t0, when(events[-1])  # process start (wall) to the summary event
total = finish - start
inputs = sum(1 for e in events if e["event"] == "input")
input_bytes = sum(e["bytes"] for e in events if e["event"] == "input")
write_start = next(when(e) for e in events if e["event"] == "stage" and e.get("phase") == "write")
print(f"{days} inputs, {input_bytes} bytes at {rate:.0f} B/s; run {total:.1f} s (fetch {write_start - start:.1f} s, "
      f"write+publish {finish - write_start:.1f} s)")
for share in (0.10, 0.25, 0.50, 0.75):
    at = start + share * total
    known = [e for e in events if "eta_seconds" in e and when(e) <= at]
    if not known:
        print(f"{share:4.0%}: no ETA yet")
        continue
    e = known[-1]
    left = finish - when(e)
    print(f"{share:4.0%}: ETA {e['eta_seconds']:.1f} s at {when(e) - start:.1f} s, run had {left:.1f} s left: "
          f"{abs(e['eta_seconds'] - left) / left:.0%} off")
