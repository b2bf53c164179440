#!/usr/bin/python3
"""Loopback HTTP server for the integration tests and the demo.

    httpd.py ROOT PORTFILE [--delay SECONDS] [--rate BYTES_PER_SECOND] [--log FILE]

Serves ROOT on 127.0.0.1 at a free port, writes the port to PORTFILE once it listens,
and exits by itself after --lifetime seconds (default 1800) so that a test that dies
never leaves it behind. Answers "Range: bytes=START-" with 206 (resumed downloads). --delay sleeps before every response and --rate throttles
bodies, which lets tests kill a client in the middle of a download.
"""
import argparse
import functools
import http.server
import os
import sys
import threading
import time


class Handler(http.server.SimpleHTTPRequestHandler):
    delay = 0.0
    rate = 0
    log_file = None
    ranges_served = 0

    def log_message(self, fmt, *args):
        if self.log_file:
            with open(self.log_file, "a") as f:
                f.write("%s\n" % (fmt % args))

    def copyfile(self, source, outputfile):
        if not self.rate:
            return super().copyfile(source, outputfile)
        chunk = max(512, self.rate // 20)
        while True:
            buf = source.read(chunk)
            if not buf:
                break
            outputfile.write(buf)
            outputfile.flush()
            time.sleep(len(buf) / self.rate)

    def send_head(self):
        if self.delay:
            time.sleep(self.delay)
        rng = self.headers.get("Range", "")
        path = self.translate_path(self.path)
        if not rng.startswith("bytes=") or not os.path.isfile(path):
            return super().send_head()
        # "bytes=START-" only: what resuming clients send.
        start_s, _, end_s = rng[6:].partition("-")
        size = os.path.getsize(path)
        try:
            start = int(start_s)
        except ValueError:
            return super().send_head()
        if end_s or start >= size:
            self.send_response(416)
            self.send_header("Content-Range", "bytes */%d" % size)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        f = open(path, "rb")
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        self.send_header("Content-Length", str(size - start))
        self.end_headers()
        Handler.ranges_served += 1
        if self.log_file:
            with open(self.log_file, "a") as lf:
                lf.write("range %s %d\n" % (self.path, start))
        return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("portfile")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--rate", type=int, default=0)
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=1800.0)
    a = ap.parse_args()

    Handler.delay, Handler.rate, Handler.log_file = a.delay, a.rate, a.log
    handler = functools.partial(Handler, directory=a.root)
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    tmp = a.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % httpd.server_address[1])
    os.rename(tmp, a.portfile)
    threading.Timer(a.lifetime, lambda: os._exit(0)).start()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
