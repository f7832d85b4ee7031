#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 for the tests of `ghsearch fetch`.

    fetch_server.py ROOT [LIFETIME_SECONDS]

Binds 127.0.0.1 on a free port, prints the port on the first line of stdout,
then serves the files of ROOT until killed (or LIFETIME_SECONDS, default 300,
have passed: it never outlives a test run). It can act out what real servers
do to a downloader:

  GET /NAME           ROOT/NAME with Content-Type by extension, ETag,
                      Last-Modified, Accept-Ranges; "Range: bytes=N-" gives
                      206 (or 200 when If-Range no longer matches, 416 past
                      the end); a missing file gives 404
  GET /redirect/NAME  302 to /NAME
  GET /loop           302 to /loop, for ever
  ROOT/.cut/NAME      holds "K" or "K once": send the full Content-Length
                      but only K bytes, then close the connection ("once":
                      only the next response, then the file is removed)
  ROOT/.slow/NAME     holds S: wait S seconds before sending the body

Every request is appended to ROOT/.requests.log as "GET PATH RANGE" (RANGE
is the Range header or "-"), so tests can check what was asked.
"""
import email.utils
import http.server
import os
import sys
import threading
import time

TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".png": "image/png",
    ".bin": "application/octet-stream",
}


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."

    def log_message(self, fmt, *args):  # quiet: the log file is what tests read
        pass

    def _log(self):
        with open(os.path.join(self.root, ".requests.log"), "a") as f:
            f.write("GET %s %s\n" % (self.path, self.headers.get("Range", "-")))

    def _control(self, kind, name):
        p = os.path.join(self.root, kind, name)
        try:
            with open(p) as f:
                words = f.read().split()
        except OSError:
            return None
        if len(words) > 1 and words[1] == "once":
            os.unlink(p)
        return words[0] if words else None

    def do_GET(self):
        self._log()
        path = self.path.split("?", 1)[0]
        if path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "/" + path[len("/redirect/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        name = os.path.basename(path)
        full = os.path.join(self.root, name)
        if not name or name.startswith(".") or not os.path.isfile(full):
            body = b"<html><body>not found</body></html>"
            self.send_response(404, "Not Found")
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        with open(full, "rb") as f:
            data = f.read()
        st = os.stat(full)
        etag = '"%d-%d"' % (st.st_size, st.st_mtime_ns)
        ctype = TYPES.get(os.path.splitext(name)[1].lower(), "text/plain")
        start = 0
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-") and \
                (if_range is None or if_range == etag):
            start = int(rng[6:-1])
            if start >= len(data):
                self.send_response(416, "Range Not Satisfiable")
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206, "Partial Content")
            self.send_header("Content-Range",
                             "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        slow = self._control(".slow", name)
        if slow:
            time.sleep(float(slow))
        cut = self._control(".cut", name)
        body = data[start:]
        if cut is not None:
            self.wfile.write(body[:int(cut)])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


def main():
    Handler.root = sys.argv[1]
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 300.0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
