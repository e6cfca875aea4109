#!/usr/bin/python3
"""fake_webhook.py: a local Slack/Discord incoming-webhook server.

    fake_webhook.py --port-file F --pid-file P --log REQLOG.jsonl

Binds 127.0.0.1 on port 0 and writes the port and its pid to the files.
Every POST is answered by the scenario named by the first path segment
(the rest of the path stands for the webhook's secret token):

  /slack/...          200 "ok"
  /discord/...        200 with a message object (as ?wait=true answers)
  /slack429/...       the first request 429 "rate_limited" with
                      Retry-After: 1; a retry sooner than that is
                      answered 429 again and logged with "early": true
  /discord429/...     the first request 429 with the JSON body
                      {"message": ..., "retry_after": 0.5, "global": false}
                      and no Retry-After header; early retries as above
  /fail/...           always 500
  /limited/...        always 429 "rate_limited" with Retry-After: 1
                      (a webhook that never lets up)
  /slow/...           waits 1 s, then answers 503 (a slow, failing one)

Each request is logged to --log as one JSON line: t (epoch seconds),
path, query, content_type, status served, early, and body (the parsed
JSON, or the raw text when it does not parse).  SIGTERM stops the server.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype, headers=None):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        path, _, query = self.path.partition("?")
        kind = path.strip("/").split("/")[0]
        now = time.time()
        srv = self.server
        early = False
        with lock:
            first = srv.not_before.get(path)
            if kind in ("slack429", "discord429"):
                if first is None:
                    status = 429
                    srv.not_before[path] = now + (1.0 if kind ==
                                                  "slack429" else 0.5)
                elif now < first:
                    status = 429
                    early = True
                else:
                    status = 200
            elif kind == "fail":
                status = 500
            elif kind == "limited":
                status = 429
            elif kind == "slow":
                status = 503
            elif kind in ("slack", "discord"):
                status = 200
            else:
                status = 404
            with open(srv.log, "a", encoding="utf-8") as f:
                f.write(json.dumps({
                    "t": now, "path": path, "query": query,
                    "content_type": self.headers.get("Content-Type"),
                    "status": status, "early": early, "body": body}) + "\n")
        if kind == "slow":
            time.sleep(1.0)
            self.send(503, "slow and unavailable", "text/plain")
        elif status == 429 and kind in ("slack429", "limited"):
            self.send(429, "rate_limited", "text/plain", {"Retry-After": "1"})
        elif status == 429:
            self.send(429, json.dumps({"message": "You are being rate "
                                       "limited.", "retry_after": 0.5,
                                       "global": False}),
                      "application/json")
        elif status == 500:
            self.send(500, "rollup_error", "text/plain")
        elif status == 404:
            self.send(404, "no_service", "text/plain")
        elif kind.startswith("discord"):
            self.send(200, json.dumps({"id": "1", "type": 0,
                                       "content": "ok"}),
                      "application/json")
        else:
            self.send(200, "ok", "text/plain")


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--log", required=True)
    opts = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.log = opts.log
    srv.not_before = {}
    open(opts.log, "a").close()

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_file(opts.pid_file, "%d\n" % os.getpid())
    write_file(opts.port_file, "%d\n" % srv.server_address[1])
    srv.serve_forever()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
