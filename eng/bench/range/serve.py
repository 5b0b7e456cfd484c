#!/usr/bin/env python3
"""A loopback HTTP server with single Range support that logs every request's body bytes, for the header-read
figures in docs/cli.md and docs/engine.md: serve.py DIR PORT [--no-ranges]. Answers carry an ETag and Last-Modified
from the file's modification time. Each request prints
"<path> <range or -> <bytes sent> total=<bytes so far>" on stderr."""
import http.server, os, re, sys

root, port = sys.argv[1], int(sys.argv[2])
ranges = "--no-ranges" not in sys.argv
total = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.serve(body=False)

    def do_GET(self):
        self.serve(body=True)

    def serve(self, body):
        global total
        path = os.path.join(root, self.path.lstrip("/").split("?")[0])
        if not os.path.isfile(path):
            self.send_error(404)
            return
        size = os.path.getsize(path)
        start, end, status = 0, size - 1, 200
        header = self.headers.get("Range")
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", header or "") if ranges else None
        if m:
            start = int(m.group(1))
            end = min(size - 1, int(m.group(2))) if m.group(2) else size - 1
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        self.send_response(status)
        if ranges:
            self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        # Validators, as static file servers send them: forge run reads a header by range only when it can check
        # later that the download is the same object.
        st = os.stat(path)
        self.send_header("ETag", f'"{st.st_mtime_ns:x}-{size:x}"')
        self.send_header("Last-Modified", self.date_time_string(int(st.st_mtime)))
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        if not body:
            return
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(end - start + 1)
        self.wfile.write(data)
        total += len(data)
        print(f"{self.path} {header or '-'} {len(data)} total={total}", file=sys.stderr, flush=True)


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
