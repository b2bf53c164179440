#!/usr/bin/python3
"""A Snap Store stand-in on 127.0.0.1 for the snap tests.

    snapstore.py DIR PORTFILE [--mode normal|badhash|truncated] [--log FILE]

DIR holds the .snap files and index.json (name -> file, revision, version, type) that
tests/fixtures/make-snaps.sh writes. Answers what wrappy asks the real store:

    GET /v2/snaps/info/NAME   (Snap-Device-Series: 16 required, as the store does)
        200 {"name", "snap-id", "channel-map": [{"channel": {architecture, name, risk,
        track, released-at}, "download": {url, size, sha3-384, deltas}, "revision",
        "version", "type", "created-at"}], "snap": {...}}; 404 with error-list
        code "snap-not-found" for unknown names
    GET /download/FILE        the file

--mode badhash announces a wrong sha3-384; --mode truncated sends half of each file
with the full Content-Length and closes. Exits by itself after --lifetime seconds.
"""
import argparse
import hashlib
import http.server
import json
import os
import sys
import threading
from urllib.parse import urlparse


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    mode = "normal"
    log_file = None

    def log_message(self, fmt, *args):
        if self.log_file:
            with open(self.log_file, "a") as f:
                f.write("%s %s\n" % (fmt % args, dict(self.headers)))

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def index(self):
        with open(os.path.join(self.root, "index.json")) as f:
            return json.load(f)

    def info(self, name):
        snaps = self.index()
        if self.headers.get("Snap-Device-Series") != "16":
            return self.send_json(400, {"error-list": [
                {"code": "missing-header", "message": "Snap-Device-Series header is required"}]})
        if name not in snaps:
            return self.send_json(404, {"error-list": [
                {"code": "snap-not-found", "message": "No snap named '%s' found" % name}]})
        s = snaps[name]
        path = os.path.join(self.root, s["file"])
        with open(path, "rb") as f:
            data = f.read()
        sha = hashlib.sha3_384(data).hexdigest()
        if self.mode == "badhash":
            sha = hashlib.sha3_384(data + b"tampered").hexdigest()
        host = self.headers.get("Host")
        arch = self.headers.get("Snap-Device-Architecture", "amd64")
        entries = []
        for risk in ("stable", "beta"):
            entries.append({
                "channel": {"architecture": arch, "name": risk, "risk": risk,
                            "track": "latest", "released-at": "2024-01-01T00:00:00.000000+00:00"},
                "created-at": "2024-01-01T00:00:00.000000+00:00",
                "download": {"deltas": [], "sha3-384": sha, "size": len(data),
                             "url": "http://%s/download/%s" % (host, s["file"])},
                "revision": s["revision"] + (0 if risk == "stable" else 100),
                "type": s["type"],
                "version": s["version"],
            })
        self.send_json(200, {"name": name, "snap-id": "id-" + name, "channel-map": entries,
                             "default-track": None,
                             "snap": {"name": name, "snap-id": "id-" + name,
                                      "publisher": {"username": "wrappy"}}})

    def download(self, fname):
        path = os.path.join(self.root, os.path.basename(fname))
        if not fname.endswith(".snap") or not os.path.isfile(path):
            return self.send_json(404, {"error-list": [{"code": "not-found", "message": fname}]})
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.mode == "truncated":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)

    def do_GET(self):
        path = urlparse(self.path).path
        if path.startswith("/v2/snaps/info/"):
            return self.info(path[len("/v2/snaps/info/"):])
        if path.startswith("/download/"):
            return self.download(path[len("/download/"):])
        self.send_json(404, {"error-list": [{"code": "not-found", "message": path}]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("portfile")
    ap.add_argument("--mode", default="normal", choices=["normal", "badhash", "truncated"])
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=1800.0)
    a = ap.parse_args()

    Handler.root, Handler.mode, Handler.log_file = a.root, a.mode, a.log
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
