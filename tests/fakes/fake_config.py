#!/usr/bin/python3
"""fake_config.py: a fake application config API and frontend bundle
server, for critical values (tests/integration/critical.sh).

    fake_config.py --port-file F --pid-file P --state STATE.json [--log L]

Binds 127.0.0.1 on port 0 and writes the port and its pid to the files.
Every request re-reads STATE.json, so a test changes what is served by
rewriting that file (write a temporary file and rename it):

    {"config": {...},          served as JSON at GET /api/config
     "body": "...",            served as text at GET /app.js
     "rdap": {...},            served at GET /rdap/domain/NAME (any NAME)
     "down": false}            true: every request answers 503

GET /error always answers 500.  Anything else is 404.  Each request is
appended to the log file (when given) as a JSON line {"method", "path"}.
"""
import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stopping = threading.Event()


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        opts = self.server.opts
        if opts.log:
            with open(opts.log, "a") as f:
                f.write(json.dumps({"method": "GET", "path": self.path}) +
                        "\n")
        try:
            with open(opts.state) as f:
                state = json.load(f)
        except (OSError, ValueError) as e:
            self.reply(500, json.dumps({"error": "state: %s" % e}))
            return
        if state.get("down"):
            self.reply(503, json.dumps({"error": "down for maintenance"}))
            return
        path = self.path.split("?", 1)[0]
        if path == "/api/config":
            self.reply(200, json.dumps(state.get("config", {})))
        elif path == "/app.js":
            self.reply(200, state.get("body", ""), "application/javascript")
        elif path.startswith("/rdap/domain/") and "rdap" in state:
            obj = dict(state["rdap"])
            obj.setdefault("ldhName", path[len("/rdap/domain/"):])
            self.reply(200, json.dumps(obj), "application/rdap+json")
        elif path == "/error":
            self.reply(500, json.dumps({"error": "internal error"}))
        else:
            self.reply(404, json.dumps({"error": "not found"}))


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, handler, opts):
        super().__init__(addr, handler)
        self.opts = opts


def main():
    ap = argparse.ArgumentParser(description="fake config server for tests")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--log")
    opts = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler, opts)

    def stop(signum, frame):
        stopping.set()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_atomic(opts.pid_file, str(os.getpid()))
    write_atomic(opts.port_file, str(srv.server_address[1]))
    try:
        srv.serve_forever(poll_interval=0.1)
    except SystemExit:
        pass
    finally:
        srv.socket.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
