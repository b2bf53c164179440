#!/usr/bin/python3
"""A Snap Store stand-in on 127.0.0.1 for the snap tests.

    snapstore.py DIR PORTFILE [--mode MODE] [--hang SECONDS] [--log FILE]

DIR holds the .snap files and index.json (name -> file, revision, version, type, and
optionally title, summary, description) that tests/fixtures/make-snaps.sh writes; a test
may write its own index.json (find needs no .snap files). Answers what wrappy asks the
real store:

    GET /v2/snaps/info/NAME   (Snap-Device-Series: 16 required, as the store does)
        200 {"name", "snap-id", "channel-map": [{"channel": {architecture, name, risk,
        track, released-at}, "download": {url, size, sha3-384, deltas}, "revision",
        "version", "type", "created-at"}], "snap": {...}}; 404 with error-list
        code "snap-not-found" for unknown names
    GET /v2/snaps/find?q=Q&fields=…   (Snap-Device-Series: 16 required)
        200 {"results": [{"name", "snap-id", "snap": {title, summary, description,
        publisher}, "revision": {version, revision, type, confinement, channel,
        download: {size}}}]} for the snaps whose name, title or summary holds every word
        of Q (case-insensitive), only the fields asked for, as the real store does
    GET /download/FILE        the file

--mode badhash announces a wrong sha3-384; --mode truncated sends half of each file
with the full Content-Length and closes. Modes that break only find: find-malformed
(cut-off JSON), find-nonutf8 (a Latin-1 summary), find-hang (sleeps --hang seconds,
default 60, before answering), find-error (HTTP 500 with an error-list), find-many
(1000 results). Exits by itself after --lifetime seconds.
"""
import argparse
import hashlib
import http.server
import json
import os
import sys
import threading
import time
from urllib.parse import parse_qs, urlparse

FIND_MODES = ["find-malformed", "find-nonutf8", "find-hang", "find-error", "find-many"]
SNAP_FIELDS = ("title", "summary", "description", "publisher")


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    mode = "normal"
    hang = 60.0
    log_file = None

    def log_message(self, fmt, *args):
        if self.log_file:
            with open(self.log_file, "a") as f:
                f.write("%s %s\n" % (fmt % args, dict(self.headers)))

    def send_json(self, code, obj):
        self.send_body(code, json.dumps(obj).encode())

    def send_body(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def index(self):
        with open(os.path.join(self.root, "index.json")) as f:
            return json.load(f)

    def missing_series(self):
        if self.headers.get("Snap-Device-Series") == "16":
            return False
        self.send_json(400, {"error-list": [
            {"code": "missing-header", "message": "Snap-Device-Series header is required"}]})
        return True

    def info(self, name):
        snaps = self.index()
        if self.missing_series():
            return
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

    def find_result(self, name, s, fields):
        path = os.path.join(self.root, s.get("file", ""))
        size = os.path.getsize(path) if os.path.isfile(path) else 0
        snap = {"title": s.get("title", name), "summary": s.get("summary", ""),
                "description": s.get("description", ""),
                "publisher": {"id": "pub", "username": "wrappy", "display-name": "Wrappy"}}
        rev = {"version": s.get("version"), "revision": s.get("revision"),
               "type": s.get("type", "app"), "confinement": "strict",
               "download": {"size": size}}
        return {"name": name, "snap-id": "id-" + name,
                "snap": {k: v for k, v in snap.items() if k in fields},
                "revision": dict({k: v for k, v in rev.items() if k in fields},
                                 channel="stable")}

    def find(self, query):
        if self.missing_series():
            return
        if self.mode == "find-hang":
            time.sleep(self.hang)
        if self.mode == "find-error":
            return self.send_json(500, {"error-list": [
                {"code": "internal-error", "message": "the search service is down"}]})
        if self.mode == "find-malformed":
            return self.send_body(200, b'{"results": [{"name": "hello-snap", "snap": {"ti')
        if self.mode == "find-nonutf8":
            return self.send_body(200, b'{"results": [{"name": "hello-snap", '
                                       b'"snap": {"summary": "caf\xe9 au lait"}}]}')
        q = query.get("q", [""])[0].lower().split()
        fields = ",".join(query.get("fields", [""])).split(",")
        snaps = self.index()
        if self.mode == "find-many":
            snaps = {"many-%d" % i: {"summary": "many %s" % " ".join(q), "version": "1"}
                     for i in range(1000)}
        results = []
        for name, s in sorted(snaps.items()):
            text = " ".join([name, s.get("title", ""), s.get("summary", "")]).lower()
            if all(w in text for w in q):
                results.append(self.find_result(name, s, fields))
        self.send_json(200, {"results": results})

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
        url = urlparse(self.path)
        path = url.path
        if path == "/v2/snaps/find":
            return self.find(parse_qs(url.query))
        if path.startswith("/v2/snaps/info/"):
            return self.info(path[len("/v2/snaps/info/"):])
        if path.startswith("/download/"):
            return self.download(path[len("/download/"):])
        self.send_json(404, {"error-list": [{"code": "not-found", "message": path}]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("portfile")
    ap.add_argument("--mode", default="normal",
                    choices=["normal", "badhash", "truncated"] + FIND_MODES)
    ap.add_argument("--hang", type=float, default=60.0)
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=1800.0)
    a = ap.parse_args()

    Handler.root, Handler.mode, Handler.hang, Handler.log_file = a.root, a.mode, a.hang, a.log
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
