#!/usr/bin/python3
"""fault_proxy.py: a fault-injecting HTTP proxy that sits in front of any
fake (or any plain-HTTP server on loopback), for the fault matrix
(tests/integration/faults.sh).

    fault_proxy.py --port-file F --pid-file P --fault FAULT
                   [--upstream PORT] [--count N] [--latency S] [--log L]

Binds 127.0.0.1 on port 0 and writes the port and its pid to the files.
Requests are forwarded unchanged (method, path, headers including Host,
body) to 127.0.0.1:UPSTREAM, so a SigV4 signature made for the proxy's
address still verifies at the fake.  FAULT is one of:

  none       forward everything
  429        the first N requests answer 429 with Retry-After: 1 (and a
             Discord-style JSON body), then forward
  5xx-burst  the first N requests answer 503, then forward
  5xx        every request answers 500
  refused    the port is bound but never listens: connections are refused
  hang       read the request, never answer (until stopped); also for TCP
             protocols other than HTTP (LDAP): accept and stay silent
  truncated  forward, but send only half of the body, then close (the
             Content-Length announces the whole body)
  malformed  forward, but the body is cut at 40% and followed by garbage
             (neither JSON nor XML), with a matching Content-Length
  big        200 with a 10 MB body (JSON with one huge string)
  ctype      200 with a captive-portal HTML page (Content-Type text/html)
  empty      200 with an empty JSON object ({}): well-formed, but not the
             API's answer
  auth       401 with WWW-Authenticate and a JSON error body
  udp-hang   a UDP socket that reads and never answers (a hung DNS server)

--latency S delays every forwarded answer by S seconds.  Each request is
appended to the log (when given) as a JSON line {"method", "path",
"fault"}.  SIGTERM stops the proxy.

Rate limits (for bench/run): --rate-limit N --rate-window W lets at most N
requests through in each fixed window of W seconds (counted when a
request arrives); a request beyond that gets the provider's own throttle
reply, chosen by --rate-style, and is logged with "throttled": true:
  aws        400 <ErrorResponse> Throttling / Rate exceeded (Query XML)
  google     403 usageLimits userRateLimitExceeded (no Retry-After)
  atlassian  429 with Retry-After and X-RateLimit-Limit, -Remaining,
             -Reset (ISO 8601); X-RateLimit-* also on every answer
Without --rate-limit nothing is throttled.  --nodelay sets TCP_NODELAY
on the client connections (no 40 ms Nagle/delayed-ACK stall between an
answer's headers and body on a kept-alive connection).
"""
import argparse
import datetime
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stopping = threading.Event()
HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
       "te", "trailer", "upgrade", "content-length"}
BIG = 10 * 1024 * 1024


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


class State:
    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.Lock()
        self.n = 0
        self.win_start = 0.0
        self.win_used = 0

    def take(self):
        """(allowed, remaining, seconds to the window's end)."""
        o = self.opts
        with self.lock:
            now = time.monotonic()
            if now - self.win_start >= o.rate_window:
                self.win_start, self.win_used = now, 0
            left = max(0.0, o.rate_window - (now - self.win_start))
            if self.win_used >= o.rate_limit:
                return False, 0, left
            self.win_used += 1
            return True, o.rate_limit - self.win_used, left

    def next(self):
        with self.lock:
            self.n += 1
            return self.n


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        if self.server.st.opts.nodelay:
            self.connection.setsockopt(socket.IPPROTO_TCP,
                                       socket.TCP_NODELAY, 1)

    def send(self, status, body, ctype="application/json", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def upstream(self, body):
        o = self.server.st.opts
        c = http.client.HTTPConnection("127.0.0.1", o.upstream, timeout=30)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() not in HOP}
        if body:
            hdrs["Content-Length"] = str(len(body))
        c.request(self.command, self.path, body=body or None, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        rh = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP]
        c.close()
        return r.status, rh, data

    def handle_any(self):
        st = self.server.st
        o = st.opts
        n = st.next()
        ln = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(ln) if ln > 0 else b""
        rl = []
        allowed = True
        if o.rate_limit > 0:
            allowed, remaining, left = st.take()
            if o.rate_style == "atlassian":
                reset = datetime.datetime.now(datetime.timezone.utc) + \
                    datetime.timedelta(seconds=left)
                rl = [("X-RateLimit-Limit", str(o.rate_limit)),
                      ("X-RateLimit-Remaining", str(remaining)),
                      ("X-RateLimit-Reset",
                       reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))]
        if o.log:
            entry = {"method": self.command, "path": self.path, "n": n,
                     "fault": o.fault}
            if not allowed:
                entry["throttled"] = True
            with st.lock:
                with open(o.log, "a") as f:
                    f.write(json.dumps(entry) + "\n")
        if not allowed:
            return self.throttle(rl, left)
        f = o.fault
        if f == "hang":
            while not stopping.wait(0.2):
                pass
            self.close_connection = True
            return
        if f == "5xx":
            return self.send(500, '{"error": {"code": 500, "message": '
                             '"Internal Server Error (fault_proxy)"}}')
        if f == "5xx-burst" and n <= o.count:
            return self.send(503, '{"message": "Service Unavailable '
                             '(fault_proxy)"}')
        if f == "429" and n <= o.count:
            return self.send(429, '{"message": "You are being rate limited.",'
                             ' "retry_after": 1.0, "global": false}',
                             extra=[("Retry-After", "1")])
        if f == "auth":
            return self.send(401, '{"message": "401: Unauthorized", '
                             '"code": 0, "error": "invalid_token"}',
                             extra=[("WWW-Authenticate",
                                     'Bearer error="invalid_token"')])
        if f == "ctype":
            return self.send(200, "<!DOCTYPE html><html><head><title>Sign in"
                             "</title></head><body><form action=/login>Hotel"
                             " Wi-Fi: please sign in</form></body></html>",
                             ctype="text/html; charset=utf-8")
        if f == "empty":
            return self.send(200, "{}")
        if f == "big":
            pad = b'{"pad": "' + b"A" * (BIG - 12) + b'"}'
            return self.send(200, pad)
        try:
            status, rh, data = self.upstream(body)
            rh = rh + rl
        except OSError as e:
            return self.send(502, '{"message": "upstream: %s"}' % e)
        if o.latency > 0:
            time.sleep(o.latency)
        if f == "malformed":
            data = data[:len(data) * 2 // 5] + b"\x00<<,,}}]]>fault"
        self.send_response(status)
        for k, v in rh:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        if f == "truncated":
            self.send_header("Connection", "close")
        self.end_headers()
        if f == "truncated":
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(data)

    def throttle(self, rl, left):
        style = self.server.st.opts.rate_style
        if style == "aws":
            return self.send(
                400, '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/'
                '2010-05-08/"><Error><Type>Sender</Type><Code>Throttling'
                '</Code><Message>Rate exceeded</Message></Error><RequestId>'
                'fault-proxy-throttle</RequestId></ErrorResponse>',
                ctype="text/xml")
        if style == "google":
            return self.send(403, json.dumps({"error": {
                "code": 403, "message": "Quota exceeded for quota metric "
                "'Queries' and limit 'Queries per minute per user'",
                "errors": [{"domain": "usageLimits", "reason":
                            "userRateLimitExceeded", "message":
                            "Quota exceeded"}]}}))
        return self.send(429, '{"code": 429, "message": "Rate limit '
                         'exceeded"}', extra=rl + [("Retry-After",
                                                    str(int(left) + 1))])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


class RawHang(threading.Thread):
    """hang for non-HTTP TCP (LDAP): accept, read and never answer."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock = sock

    def run(self):
        self.sock.settimeout(0.2)
        conns = []
        while not stopping.is_set():
            try:
                c, _ = self.sock.accept()
                c.setblocking(False)
                conns.append(c)
            except socket.timeout:
                pass
            for c in conns:
                try:
                    c.recv(65536)
                except OSError:
                    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--fault", required=True,
                    choices=["none", "429", "5xx-burst", "5xx", "refused",
                             "hang", "truncated", "malformed", "big",
                             "ctype", "empty", "auth", "udp-hang", "tcp-hang"])
    ap.add_argument("--upstream", type=int, default=0)
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--log")
    ap.add_argument("--rate-limit", type=int, default=0)
    ap.add_argument("--rate-window", type=float, default=1.0)
    ap.add_argument("--rate-style", default="atlassian",
                    choices=["aws", "google", "atlassian"])
    ap.add_argument("--nodelay", action="store_true")
    o = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *a: stopping.set())
    signal.signal(signal.SIGINT, lambda *a: stopping.set())
    keep = None
    server = None
    if o.fault == "refused":
        # Bound, never listening: a connect is refused, and no other
        # process can take the port while the proxy runs.
        keep = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        keep.bind(("127.0.0.1", 0))
        port = keep.getsockname()[1]
    elif o.fault == "udp-hang":
        keep = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        keep.bind(("127.0.0.1", 0))
        keep.settimeout(0.2)
        port = keep.getsockname()[1]
    elif o.fault == "tcp-hang":
        keep = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        keep.bind(("127.0.0.1", 0))
        keep.listen(16)
        port = keep.getsockname()[1]
        RawHang(keep).start()
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.st = State(o)
        port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
    write_atomic(o.pid_file, "%d\n" % os.getpid())
    write_atomic(o.port_file, "%d\n" % port)
    while not stopping.is_set():
        if o.fault == "udp-hang":
            try:
                keep.recvfrom(65536)
            except socket.timeout:
                pass
        else:
            stopping.wait(0.5)
    if server is not None:
        server.shutdown()
    if keep is not None:
        keep.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
