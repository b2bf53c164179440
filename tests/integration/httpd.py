#!/usr/bin/python3
"""Loopback HTTP server for the integration tests and the demo.

    httpd.py ROOT PORTFILE [--delay SECONDS] [--rate BYTES_PER_SECOND] [--log FILE]

Serves ROOT on 127.0.0.1 at a free port, writes the port to PORTFILE once it listens,
and exits by itself after --lifetime seconds (default 1800) so that a test that dies
never leaves it behind. --delay sleeps before every response and --rate throttles
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
        return super().send_head()


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
