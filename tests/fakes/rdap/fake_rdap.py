#!/usr/bin/python3
"""fake_rdap.py: a local RDAP server (RFC 7480/9082/9083) for vigil's tests.

    fake_rdap.py --port-file F --pid-file P --fixtures DIR
                 [--log REQLOG.jsonl] [--scenario NAME[:DOMAIN]] ...

Binds 127.0.0.1 on port 0 and writes the port and its pid to the files.
GET [/BASE]/domain/NAME answers the fixture DIR/NAME.json (NAME compared
case-insensitively, trailing dot stripped) as application/rdap+json, or a
404 RFC 9083 error object for a name it does not know.

A fixture is an RFC 9083 domain object.  Two additions are removed before
it is served:
  - "_fake": {"scenario": NAME} gives that domain a scenario;
  - a string value "{{now+Nd}}" (or now-Nd) becomes an ISO-8601 UTC time N
    days from the moment of the request, so expiry fixtures stay relative.

Scenarios (--scenario NAME applies to every domain, NAME:DOMAIN to one):
  ratelimit  the first request for each domain gets 429, Retry-After: 1
  error500   always 500 with an RFC 9083 error object
  malformed  200 with a truncated JSON body
  hang       accept, read the request, never answer until the client goes
  redirect   302 to /redirected/domain/NAME on this server (served plainly)

Each request is logged to --log as one JSON line: time (ISO, ms), t (epoch
seconds), method, path, status served (0 when nothing was), scenario,
accept header.  SIGTERM or SIGINT stops the server at once, even with
hanging clients.
"""

import argparse
import datetime
import json
import os
import re
import select
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCENARIOS = ("ratelimit", "error500", "malformed", "hang", "redirect")
DOMAIN_PATH = re.compile(r"^(/redirected)?(?:/[^?#]*)?/domain/([^/?#]+)/?(?:\?.*)?$")
TEMPLATE = re.compile(r"^\{\{now([+-])(\d+)d\}\}$")

stopping = threading.Event()


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def expand(obj, now):
    """Replaces {{now+Nd}} strings and drops the "_fake" key."""
    if isinstance(obj, dict):
        return {k: expand(v, now) for k, v in obj.items() if k != "_fake"}
    if isinstance(obj, list):
        return [expand(v, now) for v in obj]
    if isinstance(obj, str):
        m = TEMPLATE.match(obj)
        if m:
            days = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
            return iso(now + datetime.timedelta(days=days))
    return obj


def load_fixtures(path):
    fixtures = {}
    names = sorted(os.listdir(path)) if os.path.isdir(path) else []
    for fn in names:
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(path, fn), encoding="utf-8") as f:
            obj = json.load(f)
        name = obj.get("ldhName") or fn[:-len(".json")]
        fixtures[name.lower().rstrip(".")] = obj
    return fixtures


def error_object(code, title, description):
    return {"errorCode": code, "title": title, "description": description,
            "rdapConformance": ["rdap_level_0"]}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, addr, handler, opts):
        super().__init__(addr, handler)
        self.fixtures = load_fixtures(opts.fixtures)
        self.global_scenario = None
        self.domain_scenario = {}
        for s in opts.scenario or []:
            name, _, dom = s.partition(":")
            if name not in SCENARIOS:
                raise SystemExit("fake_rdap: unknown scenario %r" % name)
            if dom:
                self.domain_scenario[dom.lower().rstrip(".")] = name
            else:
                self.global_scenario = name
        self.logf = open(opts.log, "a", encoding="utf-8") if opts.log else None
        self.lock = threading.Lock()
        self.seen = {}

    def scenario_for(self, domain):
        if domain in self.domain_scenario:
            return self.domain_scenario[domain]
        fx = self.fixtures.get(domain)
        if isinstance(fx, dict) and isinstance(fx.get("_fake"), dict):
            return fx["_fake"].get("scenario")
        return self.global_scenario

    def count(self, domain):
        with self.lock:
            n = self.seen.get(domain, 0)
            self.seen[domain] = n + 1
            return n

    def log(self, rec):
        if self.logf is None:
            return
        with self.lock:
            self.logf.write(json.dumps(rec, sort_keys=True) + "\n")
            self.logf.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-rdap/1.0"

    def log_message(self, fmt, *args):
        pass

    def record(self, status, scenario):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.server.log({
            "time": now.strftime("%Y-%m-%dT%H:%M:%S.") +
            "%03dZ" % (now.microsecond // 1000),
            "t": now.timestamp(),
            "method": self.command,
            "path": self.path,
            "status": status,
            "scenario": scenario,
            "accept": self.headers.get("Accept"),
        })

    def send(self, status, body, ctype="application/rdap+json", extra=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, indent=2).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self.wfile.flush()

    def hang(self):
        """Holds the connection open until the client closes it."""
        conn = self.connection
        while not stopping.is_set():
            r, _, _ = select.select([conn], [], [], 0.2)
            if not r:
                continue
            try:
                data = conn.recv(4096, socket.MSG_PEEK)
            except OSError:
                break
            if not data:
                break
            try:
                conn.recv(4096)	# discard anything further it sends
            except OSError:
                break
        self.close_connection = True

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        m = DOMAIN_PATH.match(self.path)
        if not m:
            self.send(400, error_object(400, "Bad Request",
                                        ["Unsupported query: %s" % self.path]))
            self.record(400, None)
            return
        redirected = m.group(1) is not None
        domain = m.group(2).lower().rstrip(".")
        scenario = None if redirected else self.server.scenario_for(domain)
        fx = self.server.fixtures.get(domain)

        if scenario == "hang":
            self.hang()
            self.record(0, scenario)
            return
        if scenario == "error500":
            self.send(500, error_object(500, "Internal Server Error",
                                        ["The server encountered an internal error."]))
            self.record(500, scenario)
            return
        if scenario == "ratelimit" and self.server.count(domain) == 0:
            self.send(429, error_object(429, "Too Many Requests",
                                        ["Query rate limit exceeded; retry later."]),
                      extra={"Retry-After": "1"})
            self.record(429, scenario)
            return
        if scenario == "redirect":
            host, port = self.server.server_address[:2]
            loc = "http://%s:%d/redirected/domain/%s" % (host, port, domain)
            self.send(302, b"", ctype="text/plain", extra={"Location": loc})
            self.record(302, scenario)
            return
        if fx is None:
            self.send(404, error_object(404, "Not Found",
                                        ["The domain %s was not found in this registry." % domain]))
            self.record(404, scenario)
            return
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        obj = expand(fx, now)
        if scenario == "malformed":
            body = json.dumps(obj, indent=2).encode("utf-8")
            self.send(200, body[:len(body) // 2])
            self.record(200, scenario)
            return
        self.send(200, obj)
        self.record(200, scenario)

    def do_POST(self):
        self.send(405, error_object(405, "Method Not Allowed",
                                    ["RDAP is read-only."]), extra={"Allow": "GET, HEAD"})
        self.record(405, None)


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="fake RDAP server for tests")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--log")
    ap.add_argument("--scenario", action="append",
                    help="NAME or NAME:DOMAIN; repeatable")
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
        stopping.set()
        srv.socket.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
