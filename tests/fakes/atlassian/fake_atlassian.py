#!/usr/bin/python3
"""fake_atlassian.py: a local Atlassian Cloud (org admin API and a Jira
site) for vigil's tests.

    fake_atlassian.py --port-file F --pid-file P --fixture FILE
                      --admin-key KEY --email EMAIL --api-token TOKEN
                      [--log REQLOG.jsonl] [--scenario NAME] ...

Binds 127.0.0.1 on port 0 and writes the port and its pid to the files.
One server answers both APIs (point endpoints.admin and endpoints.site at
it), with the shapes of apis.md section 3 and deliberately small pages:

  GET /admin/v1/orgs/ORG/users[?cursor=C]     Bearer KEY; data[] (v1,
      snake_case), 2 per page, links.next a full URL with ?cursor=
  GET /admin/v2/orgs/ORG/directories/-/users?limit=N[&roleIds=R][&cursor=C]
      Bearer KEY; data[] (v2, camelCase) filtered by roleIds (platformRoles),
      min(N, 2) per page, links.next a bare cursor
  GET /admin/api-access/v1/orgs/ORG/api-tokens[?cursor=C]
      Bearer KEY; data[] {id, label, status, createdAt, expiresAt,
      lastActiveAt, user {id, orgId, name, email}}, 2 per page,
      links.next a full URL with ?cursor=
  GET /rest/api/3/group/bulk?startAt=S&maxResults=M
      Basic EMAIL:TOKEN; values[] {name, groupId}, isLast, min(M, 2)/page
  GET /rest/api/3/group/member?groupId=G&startAt=S&maxResults=M
      [&includeInactiveUsers=true]   Basic; values[] users, isLast, total

For bench/run: --page-size N makes every page N long (default 2; the v2
and site pages still at most the limit/maxResults asked), and the
fixture's templates are then expanded once, when the first request
comes (a bench run is minutes long; the templates count days).

A wrong or missing credential gets 401 (Atlassian's error shape); an
unknown org 404.  Strings "{{now-Nd}}" in the fixture become ISO-8601 UTC
times N days before the request.

Scenarios (--scenario NAME, repeatable):
  ratelimit  the first v1 users request and the first group/member request
             get 429 with Retry-After: 1 and X-RateLimit-* headers
  nearlimit  the first v1 users page says X-RateLimit-Remaining: 0 with
             X-RateLimit-Reset 2 s later (an ISO-8601 time)
  forbidden  group/member answers 403 (no Administer Jira)
  stuck      group/member pages after the first are empty with isLast
             false (a page that cannot be followed)
  notokens   api-tokens answers 403 (an API key without read:tokens:admin)
  tokenloop  api-tokens pages after the first give the same cursor again
             in links.next (a list that cannot be followed)

Each request is logged to --log as one JSON line: time, t, method, path,
status, auth ("bearer", "basic", "none" or "bad": never the credential).
SIGTERM or SIGINT stops the server.
"""

import argparse
import base64
import datetime
import json
import os
import re
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCENARIOS = ("ratelimit", "nearlimit", "forbidden", "stuck", "notokens",
             "tokenloop")
TEMPLATE = re.compile(r"^\{\{now([+-])(\d+)d\}\}$")
V1_PAGE = 2
V2_PAGE = 2
SITE_PAGE = 2


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def expand(obj, now):
    if isinstance(obj, dict):
        return {k: expand(v, now) for k, v in obj.items()}
    if isinstance(obj, list):
        return [expand(v, now) for v in obj]
    if isinstance(obj, str):
        m = TEMPLATE.match(obj)
        if m:
            days = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
            return iso(now + datetime.timedelta(days=days))
    return obj


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, addr, handler, opts):
        super().__init__(addr, handler)
        with open(opts.fixture, encoding="utf-8") as f:
            self.fx = json.load(f)
        self.opts = opts
        self.scenarios = set(opts.scenario or [])
        for s in self.scenarios:
            if s not in SCENARIOS:
                raise SystemExit("fake_atlassian: unknown scenario %r" % s)
        self.basic = "Basic " + base64.b64encode(
            ("%s:%s" % (opts.email, opts.api_token)).encode()).decode()
        self.bearer = "Bearer " + opts.admin_key
        self.logf = open(opts.log, "a", encoding="utf-8") if opts.log else None
        self.lock = threading.Lock()
        self.seen = {}
        self.cache = (None, None)

    def fixture(self, now):
        """The fixture with its templates expanded at now; with
        --page-size expanded once (and the users by account id)."""
        if not self.opts.page_size:
            return expand(self.fx, now)
        with self.lock:
            if self.cache[0] is None:
                fx = expand(self.fx, now)
                self.cache = (fx, {x["account_id"]: x for x in fx["users"]})
            return self.cache[0]

    def users_by_id(self, fx):
        if self.opts.page_size:
            return self.cache[1]
        return {x["account_id"]: x for x in fx["users"]}

    def first(self, what):
        with self.lock:
            n = self.seen.get(what, 0)
            self.seen[what] = n + 1
            return n == 0

    def log(self, rec):
        if self.logf is None:
            return
        with self.lock:
            self.logf.write(json.dumps(rec, sort_keys=True) + "\n")
            self.logf.flush()


def page_of(items, start, size):
    return items[start:start + size], start + size >= len(items)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-atlassian/1.0"

    def log_message(self, fmt, *args):
        pass

    def auth_kind(self):
        a = self.headers.get("Authorization")
        if a is None:
            return "none"
        if a == self.server.bearer:
            return "bearer"
        if a == self.server.basic:
            return "basic"
        return "bad"

    def record(self, status):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.server.log({
            "time": now.strftime("%Y-%m-%dT%H:%M:%S.") +
            "%03dZ" % (now.microsecond // 1000),
            "t": now.timestamp(),
            "method": self.command,
            "path": self.path,
            "status": status,
            "auth": self.auth_kind(),
        })

    def send(self, status, body, extra=None):
        data = json.dumps(body, indent=1).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.record(status)

    def unauthorized(self, site):
        if site:
            body = {"errorMessages": ["Client must be authenticated to "
                                      "access this resource."], "errors": {}}
        else:
            body = {"code": 401, "message": "Unauthorized; scope does not "
                    "match"}
        self.send(401, body, {"WWW-Authenticate": 'Bearer realm="atlassian"'
                              if not site else 'Basic realm="protected-area"'})

    def ratelimited(self):
        reset = datetime.datetime.now(datetime.timezone.utc) + \
            datetime.timedelta(seconds=1)
        self.send(429, {"code": 429, "message": "Rate limit exceeded"}, {
            "Retry-After": "1", "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "RateLimit-Reason": "jira-burst-based"})

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(u.query).items()}
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        fx = self.server.fixture(now)
        org = fx["org_id"]
        sc = self.server.scenarios
        if u.path.startswith("/admin/"):
            if self.auth_kind() != "bearer":
                return self.unauthorized(False)
            m = re.match(r"^/admin/v1/orgs/([^/]+)/users$", u.path)
            if m:
                if m.group(1) != org:
                    return self.send(404, {"code": 404, "message": "Not Found"})
                if "ratelimit" in sc and self.server.first("v1users"):
                    return self.ratelimited()
                start = int(q.get("cursor", "0").replace("c-", "") or 0)
                items, last = page_of(fx["users"], start, V1_PAGE)
                body = {"data": items, "links": {}}
                if not last:
                    host, port = self.server.server_address[:2]
                    body["links"]["next"] = (
                        "http://%s:%d/admin/v1/orgs/%s/users?cursor=c-%d" %
                        (host, port, org, start + V1_PAGE))
                extra = None
                if "nearlimit" in sc and self.server.first("nearlimit"):
                    reset = now + datetime.timedelta(seconds=2)
                    extra = {"X-RateLimit-Limit": "100",
                             "X-RateLimit-Remaining": "0",
                             "X-RateLimit-Reset":
                             reset.strftime("%Y-%m-%dT%H:%M:%SZ")}
                return self.send(200, body, extra)
            m = re.match(r"^/admin/api-access/v1/orgs/([^/]+)/api-tokens$",
                         u.path)
            if m:
                if m.group(1) != org:
                    return self.send(404, {"code": 404, "message": "Not Found"})
                if "notokens" in sc:
                    return self.send(403, {
                        "code": 403, "message": "The API key does not have "
                        "the required scope: read:tokens:admin"})
                start = int(q.get("cursor", "0").replace("t-", "") or 0)
                items, last = page_of(fx["api_tokens"], start, V1_PAGE)
                body = {"data": items, "links": {"self": self.path}}
                nxt = start + V1_PAGE
                if "tokenloop" in sc and start > 0:
                    last, nxt = False, start
                if not last:
                    host, port = self.server.server_address[:2]
                    body["links"]["next"] = (
                        "http://%s:%d/admin/api-access/v1/orgs/%s/"
                        "api-tokens?cursor=t-%d" %
                        (host, port, org, nxt))
                return self.send(200, body)
            m = re.match(r"^/admin/v2/orgs/([^/]+)/directories/([^/]+)/users$",
                         u.path)
            if m:
                if m.group(1) != org or m.group(2) != "-":
                    return self.send(404, {"code": 404, "message": "Not Found"})
                users = fx["directory_users"]
                if "roleIds" in q:
                    users = [x for x in users
                             if q["roleIds"] in x.get("platformRoles", [])]
                size = min(int(q.get("limit", "100")), V2_PAGE)
                start = int(q.get("cursor", "0") or 0)
                items, last = page_of(users, start, size)
                body = {"data": items, "links": {"self": self.path}}
                if not last:
                    body["links"]["next"] = str(start + size)
                return self.send(200, body)
            return self.send(404, {"code": 404, "message": "Not Found"})
        if u.path.startswith("/rest/api/3/"):
            if self.auth_kind() != "basic":
                return self.unauthorized(True)
            start = int(q.get("startAt", "0"))
            size = min(int(q.get("maxResults", "50")), SITE_PAGE)
            if u.path == "/rest/api/3/group/bulk":
                groups = [{"name": g["name"], "groupId": g["groupId"]}
                          for g in fx["groups"]]
                items, last = page_of(groups, start, size)
                return self.send(200, {
                    "self": self.path, "maxResults": size, "startAt": start,
                    "total": len(groups), "isLast": last, "values": items})
            if u.path == "/rest/api/3/group/member":
                if "forbidden" in sc:
                    return self.send(403, {"errorMessages": [
                        "You do not have the permission to see the "
                        "specified group."], "errors": {}})
                if "ratelimit" in sc and self.server.first("members"):
                    return self.ratelimited()
                g = [x for x in fx["groups"] if x["groupId"] == q.get("groupId")]
                if not g:
                    return self.send(404, {"errorMessages": [
                        "Specified group does not exist."], "errors": {}})
                byid = self.server.users_by_id(fx)
                members = []
                for aid in g[0]["members"]:
                    x = byid[aid]
                    active = x["account_status"] == "active"
                    if not active and q.get("includeInactiveUsers") != "true":
                        continue
                    members.append({
                        "self": "/rest/api/3/user?accountId=" + aid,
                        "accountId": aid, "accountType": x["account_type"],
                        "displayName": x["name"], "active": active,
                        "timeZone": "Europe/Berlin"})
                items, last = page_of(members, start, size)
                if "stuck" in sc and start > 0:
                    items, last = [], False
                return self.send(200, {
                    "self": self.path, "maxResults": size, "startAt": start,
                    "total": len(members), "isLast": last, "values": items})
        return self.send(404, {"errorMessages": ["Not found"], "errors": {}})


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="fake Atlassian Cloud for tests")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--admin-key", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--api-token", required=True)
    ap.add_argument("--log")
    ap.add_argument("--scenario", action="append")
    ap.add_argument("--page-size", type=int, default=0)
    opts = ap.parse_args()
    if opts.page_size:
        global V1_PAGE, V2_PAGE, SITE_PAGE
        V1_PAGE = V2_PAGE = SITE_PAGE = opts.page_size

    srv = Server(("127.0.0.1", 0), Handler, opts)

    def stop(signum, frame):
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
