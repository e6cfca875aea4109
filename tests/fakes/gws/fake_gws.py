#!/usr/bin/python3
"""fake_gws.py: a local Google OAuth 2.0 token endpoint and Admin SDK
Directory API for vigil's tests.

POST /token takes the service account JWT bearer grant (RFC 7523) and
VERIFIES the JWT: header alg RS256, the RS256 signature against the
service account's public key (python3-cryptography), iss, sub, aud (this
token URL), the exact scope set, iat/exp (exp - iat <= 3600, not expired,
not issued in the future). It answers {"access_token", "expires_in",
"token_type": "Bearer"} or 400 invalid_grant, as Google does.

GET /admin/directory/v1/users, customer/C/roles, customer/C/roleassignments,
users/KEY/tokens and users/KEY/asps, and the Reports API user usage report
GET /admin/reports/v1/usage/users/all/dates/DATE?parameters=accounts:...
answer in the real shapes from a built-in directory
whose times are relative to the fake's start (so a live audit's findings
are fixed), with paging forced to --page-size items. Every Admin SDK call
needs "Authorization: Bearer" with a token this fake issued (401 otherwise).

Usage:
  fake_gws.py --port-file F --pid-file P --public-key PUB.pem
              --client-email E --subject S [--customer-id ID]
              [--log REQLOG.jsonl] [--issued FILE] [--page-size N]
              [--scenario normal|ratelimit|forbidden|degraded|tokenloop|tokencycle]
              [--bulk-users N]

--bulk-users N (for bench/run) adds N generated users (bulkNNNNNN@example.com,
one in ten without 2-Step Verification, one in fifty never logged in)
after the ten above; lookups by user key then use an index and the usage
report of a date is built once.

Scenarios: ratelimit: the first attempt of users page 1 gets 403
userRateLimitExceeded, of roles page 1 429 rateLimitExceeded, of one
user's tokens 403 quotaExceeded; forbidden: every Admin SDK call gets 403
"Not Authorized to access this resource/api" (reason forbidden);
degraded: alice is the only super admin and the usage report has no
date with data (every date answers "not available").

The usage report follows Google's lag, on Pacific time (UTC-8): today and
later answer 400 "Data for dates later than D is not yet available",
yesterday 200 with the warning PARTIAL_DATA_AVAILABLE and no rows, older
dates the report of the users that existed then (paged like the lists,
intValue as a string, boolValue as a boolean).

It binds 127.0.0.1 on port 0, then writes the port and pid files. Each
request is logged as one JSON line without any secret; the access tokens
it issues and the assertions it receives go to --issued (so that a test
can check they appear nowhere else).
"""

import argparse
import base64
import datetime
import json
import os
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

API = "/admin/directory/v1/"
REPORTS = "/admin/reports/v1/"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SCOPES = {
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
    "https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
    "https://www.googleapis.com/auth/admin.directory.user.security",
    "https://www.googleapis.com/auth/admin.reports.usage.readonly",
}
USAGE_PARAMS = {
    "accounts:is_2sv_enrolled", "accounts:is_2sv_enforced",
    "accounts:is_2sv_protected", "accounts:num_security_keys",
    "accounts:num_passkeys_enrolled", "accounts:num_authorized_apps",
    "accounts:is_suspended", "accounts:is_archived",
    "accounts:timestamp_last_login", "accounts:timestamp_creation",
}
NEVER = "1970-01-01T00:00:00.000Z"
SUPER_ROLE = "9170000000000001"
HELPDESK_ROLE = "9170000000000002"
GROUPS_ROLE = "9170000000000003"


def gtime(days_ago, now):
    t = now - datetime.timedelta(days=days_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def directory(now, customer_id, degraded=False):
    """Users, roles, role assignments and tokens of example.com."""
    # name, id, super, delegated, enrolled, enforced, suspended,
    # last login (days ago or None: never), created (days ago), OU
    people = [
        ("alice", "1001", True, False, True, True, False, 1, 900, "/"),
        ("bob", "1002", True, False, False, False, False, 2, 800, "/IT"),
        ("carol", "1003", False, True, True, True, False, 3, 700, "/IT"),
        ("dave", "1004", False, False, False, False, False, 10, 600,
         "/Sales"),
        ("erin", "1005", False, False, True, False, False, 200, 500,
         "/Sales"),
        ("frank", "1006", False, False, True, True, False, None, 400,
         "/Sales"),
        ("grace", "1007", False, False, False, False, True, 300, 1000,
         "/Former"),
        ("heidi", "1008", True, False, True, True, False, 5, 365, "/"),
        ("ivan", "1009", False, False, True, True, False, None, 10,
         "/Sales"),
        ("judy", "1010", True, False, True, True, False, None, 1, "/"),
    ]
    if degraded:
        people = [p[:2] + (p[0] == "alice",) + p[3:] for p in people]
    users = []
    for (n, uid, sup, dlg, enr, enf, susp, login, created, ou) in people:
        users.append({
            "kind": "admin#directory#user",
            "id": uid,
            "etag": '"etag-%s"' % uid,
            "primaryEmail": "%s@example.com" % n,
            "name": {"givenName": n.capitalize(), "familyName": "Example",
                     "fullName": "%s Example" % n.capitalize()},
            "isAdmin": sup,
            "isDelegatedAdmin": dlg,
            "lastLoginTime": NEVER if login is None else gtime(login, now),
            "creationTime": gtime(created, now),
            "agreedToTerms": True,
            "suspended": susp,
            "archived": False,
            "changePasswordAtNextLogin": False,
            "ipWhitelisted": False,
            "emails": [{"address": "%s@example.com" % n, "primary": True}],
            "customerId": customer_id,
            "orgUnitPath": ou,
            "isMailboxSetup": True,
            "isEnrolledIn2Sv": enr,
            "isEnforcedIn2Sv": enf,
            "includeInGlobalAddressList": True,
        })
    roles = [
        {"kind": "admin#directory#role", "etag": '"r1"',
         "roleId": SUPER_ROLE, "roleName": "_SEED_ADMIN_ROLE",
         "roleDescription": "Google Apps Administrator Seed Role",
         "rolePrivileges": [{"privilegeName": "SUPER_ADMIN",
                             "serviceId": "01ci93xb3tmzyin"}],
         "isSystemRole": True, "isSuperAdminRole": True},
        {"kind": "admin#directory#role", "etag": '"r2"',
         "roleId": HELPDESK_ROLE, "roleName": "_HELP_DESK_ADMIN_ROLE",
         "roleDescription": "Help Desk Administrator",
         "rolePrivileges": [{"privilegeName": "USERS_RETRIEVE",
                             "serviceId": "00haapch16h1ysv"}],
         "isSystemRole": True},
        {"kind": "admin#directory#role", "etag": '"r3"',
         "roleId": GROUPS_ROLE, "roleName": "_GROUPS_ADMIN_ROLE",
         "roleDescription": "Groups Administrator",
         "rolePrivileges": [{"privilegeName": "GROUPS_ALL",
                             "serviceId": "00haapch16h1ysv"}],
         "isSystemRole": True},
    ]

    def ra(rid, role, to, kind="USER", scope="CUSTOMER"):
        return {"kind": "admin#directory#roleAssignment", "etag": '"a"',
                "roleAssignmentId": rid, "roleId": role, "assignedTo": to,
                "assigneeType": kind.lower(), "scopeType": scope}
    assignments = [
        ra("7001", SUPER_ROLE, "1001"),
        ra("7002", SUPER_ROLE, "1002"),
        ra("7003", SUPER_ROLE, "1008"),
        ra("7004", HELPDESK_ROLE, "1003"),
        ra("7005", GROUPS_ROLE, "03abcgroup0001", kind="GROUP"),
        ra("7006", SUPER_ROLE, "1010"),
    ]
    if degraded:
        assignments = [a for a in assignments
                       if a["roleId"] != SUPER_ROLE or
                       a["assignedTo"] == "1001"]

    def tok(cid, text, scopes):
        return {"kind": "admin#directory#token", "etag": '"t"',
                "clientId": cid, "displayText": text, "scopes": scopes,
                "anonymous": False, "nativeApp": False,
                "userKey": ""}
    slack = ("1234-slack.apps.googleusercontent.com", "Slack",
             ["openid", "https://www.googleapis.com/auth/userinfo.email",
              "https://www.googleapis.com/auth/userinfo.profile"])
    tokens = {
        "1001": [tok(*slack)],
        "1002": [tok(*slack)],
        "1003": [tok("777-calsync.apps.googleusercontent.com",
                     "Calendar Sync",
                     ["https://www.googleapis.com/auth/calendar"])],
        "1004": [tok("999-shady.apps.googleusercontent.com",
                     "Shady Mail Helper",
                     ["https://mail.google.com/", "openid"])],
        "1005": [tok("555-backup.apps.googleusercontent.com", "Backup Tool",
                     ["https://www.googleapis.com/auth/drive"])],
        "1008": [tok("444-admintool.apps.googleusercontent.com",
                     "Directory Helper",
                     ["https://www.googleapis.com/auth/admin.directory.user",
                      "openid"])],
    }

    def ms(days):
        return str(int((now - datetime.timedelta(days=days)).timestamp()
                       * 1000))
    # App-specific passwords: erin's is in use; grace is suspended.
    asps = {
        "1005": [{"kind": "admin#directory#asp", "etag": '"p1"',
                  "codeId": 11, "name": "Thunderbird on laptop",
                  "creationTime": ms(120), "lastTimeUsed": ms(1),
                  "userKey": "1005"}],
        "1007": [{"kind": "admin#directory#asp", "etag": '"p2"',
                  "codeId": 12, "name": "Old phone mail",
                  "creationTime": ms(900), "lastTimeUsed": "0",
                  "userKey": "1007"}],
    }
    # Security keys and passkeys per user (usage report).
    keys = {"1001": (2, 0), "1003": (0, 1), "1008": (1, 0)}
    return users, roles, assignments, tokens, asps, keys


def bulk_users(now, customer_id, n):
    """n generated users for bench/run (ids 2000000 and up)."""
    out = []
    for i in range(n):
        uid = str(2000000 + i)
        name = "bulk%06d" % i
        out.append({
            "kind": "admin#directory#user", "id": uid,
            "etag": '"etag-%s"' % uid,
            "primaryEmail": "%s@example.com" % name,
            "name": {"givenName": "Bulk", "familyName": "%06d" % i,
                     "fullName": "Bulk %06d" % i},
            "isAdmin": False, "isDelegatedAdmin": False,
            "lastLoginTime": NEVER if i % 50 == 0 else
            gtime(1 + i % 100, now),
            "creationTime": gtime(400 + i % 300, now),
            "agreedToTerms": True, "suspended": False, "archived": False,
            "changePasswordAtNextLogin": False, "ipWhitelisted": False,
            "emails": [{"address": "%s@example.com" % name,
                        "primary": True}],
            "customerId": customer_id, "orgUnitPath": "/Bulk",
            "isMailboxSetup": True,
            "isEnrolledIn2Sv": i % 10 != 0, "isEnforcedIn2Sv": i % 10 != 0,
            "includeInGlobalAddressList": True,
        })
    return out


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def google_error(code, reason, message, status=None):
    e = {"error": {"code": code, "message": message,
                   "errors": [{"message": message, "domain":
                               "usageLimits" if "Limit" in reason or
                               "quota" in reason else "global",
                               "reason": reason}]}}
    if status:
        e["error"]["status"] = status
    return code, e


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.now = datetime.datetime.now(datetime.timezone.utc)
        (self.users, self.roles, self.assignments, self.tokens,
         self.asps, self.keys) = directory(
             self.now, args.customer_id, args.scenario == "degraded")
        with open(args.public_key, "rb") as f:
            self.pub = serialization.load_pem_public_key(f.read())
        self.bykey = None
        self.usage_cache = None
        if args.bulk_users:
            self.users.extend(bulk_users(self.now, args.customer_id,
                                         args.bulk_users))
            self.bykey = {}
            for u in self.users:
                self.bykey[u["id"]] = u
                self.bykey[u["primaryEmail"]] = u
            self.usage_cache = {}
        self.issued = set()
        self.throttled = set()
        self.token_url = None
        self.log = open(args.log, "a") if args.log else None
        self.issued_f = open(args.issued, "a") if args.issued else None

    def find_user(self, key):
        if self.bykey is not None:
            return self.bykey.get(key)
        return next((x for x in self.users if key in
                     (x["id"], x["primaryEmail"])), None)

    def write_log(self, entry):
        if self.log is None:
            return
        with self.lock:
            self.log.write(json.dumps(entry, sort_keys=True) + "\n")
            self.log.flush()

    def note_issued(self, what):
        if self.issued_f is None:
            return
        with self.lock:
            self.issued_f.write(what + "\n")
            self.issued_f.flush()


def verify_jwt(st, jwt):
    """Returns (claims, None) or (None, why)."""
    parts = jwt.split(".")
    if len(parts) != 3:
        return None, "JWT must have three parts"
    try:
        hdr = json.loads(b64d(parts[0]))
        claims = json.loads(b64d(parts[1]))
        sig = b64d(parts[2])
    except Exception as e:  # noqa: BLE001 - any decoding error
        return None, "undecodable JWT: %s" % e
    if "=" in jwt:
        return None, "JWT parts must be base64url without padding"
    if hdr.get("alg") != "RS256" or hdr.get("typ", "JWT") != "JWT":
        return None, "bad JWT header %r" % hdr
    try:
        st.pub.verify(sig, (parts[0] + "." + parts[1]).encode(),
                      padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return None, "Invalid JWT Signature."
    now = time.time()
    if claims.get("iss") != st.args.client_email:
        return None, "bad iss %r" % claims.get("iss")
    if claims.get("sub") != st.args.subject:
        return None, "bad sub %r" % claims.get("sub")
    if claims.get("aud") != st.token_url:
        return None, "bad aud %r (want %s)" % (claims.get("aud"),
                                               st.token_url)
    if set(str(claims.get("scope", "")).split()) != SCOPES:
        return None, "bad scope %r" % claims.get("scope")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int):
        return None, "iat and exp must be integers"
    if exp - iat > 3600 or exp <= now or iat > now + 60:
        return None, "Invalid JWT: Token must be a short-lived token " \
            "(60 minutes) and in a reasonable timeframe."
    if hdr.get("kid") is not None and hdr["kid"] != st.args.key_id:
        return None, "bad kid %r" % hdr.get("kid")
    return claims, None


def page(items, query, maximum, size, kind_key):
    try:
        want = int(query.get("maxResults", [maximum])[0])
    except ValueError:
        want = maximum
    n = max(1, min(want, maximum, size or maximum))
    start = 0
    if "pageToken" in query:
        try:
            start = int(b64d(query["pageToken"][0]).decode().split(":")[1])
        except Exception:  # noqa: BLE001 - a bad token
            return None
    out = {kind_key: items[start:start + n]}
    if start + n < len(items):
        tokn = base64.urlsafe_b64encode(
            ("%s:%d:%s" % (kind_key, start + n, secrets.token_hex(4)))
            .encode()).decode().rstrip("=")
        out["nextPageToken"] = tokn
    return out


class Handler(BaseHTTPRequestHandler):
    st = None
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def reply(self, code, obj, entry):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        entry["status"] = code
        entry["time"] = time.time()
        self.st.write_log(entry)

    def do_POST(self):
        st = self.st
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode()
        entry = {"method": "POST", "path": self.path, "call": "token"}
        if urlsplit(self.path).path != "/token":
            return self.reply(404, {"error": "not_found"}, entry)
        form = parse_qs(body)
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            entry["jwt_valid"] = False
            return self.reply(400, {"error": "invalid_request",
                                    "error_description": "bad type"}, entry)
        if form.get("grant_type", [""])[0] != GRANT:
            entry["jwt_valid"] = False
            return self.reply(400, {"error": "unsupported_grant_type",
                                    "error_description": "Invalid grant_type"},
                              entry)
        jwt = form.get("assertion", [""])[0]
        st.note_issued(jwt)
        claims, why = verify_jwt(st, jwt)
        entry["jwt_valid"] = claims is not None
        if claims is None:
            entry["jwt_error"] = why
            return self.reply(400, {"error": "invalid_grant",
                                    "error_description": why}, entry)
        tok = "ya29.fake-" + secrets.token_urlsafe(32)
        with st.lock:
            st.issued.add(tok)
        st.note_issued(tok)
        entry["scopes"] = sorted(claims["scope"].split())
        return self.reply(200, {"access_token": tok, "expires_in": 3599,
                                "token_type": "Bearer"}, entry)

    def do_GET(self):
        st = self.st
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        entry = {"method": "GET", "path": u.path, "query": u.query}
        if u.path.startswith(REPORTS):
            rest = ["@reports"] + [unquote(p) for p in
                                   u.path[len(REPORTS):].split("/")]
        elif u.path.startswith(API):
            rest = [unquote(p) for p in u.path[len(API):].split("/")]
        else:
            entry["call"] = "unknown"
            return self.reply(404, google_error(404, "notFound",
                                                "Not Found")[1], entry)
        auth = self.headers.get("Authorization", "")
        entry["auth_ok"] = auth.startswith("Bearer ") and \
            auth[7:] in st.issued
        call = self.call_name(rest)
        entry["call"] = call
        if not entry["auth_ok"]:
            return self.reply(*google_error(
                401, "authError", "Request had invalid authentication "
                "credentials. Expected OAuth 2 access token, login cookie "
                "or other valid authentication credential.",
                "UNAUTHENTICATED"), entry)
        if st.args.scenario == "forbidden":
            return self.reply(*google_error(
                403, "forbidden",
                "Not Authorized to access this resource/api"), entry)
        if st.args.scenario == "ratelimit":
            r = self.throttle(call, q)
            if r is not None:
                entry["throttled"] = True
                entry["reason"] = r[1]["error"]["errors"][0]["reason"]
                return self.reply(r[0], r[1], entry)
        code, obj = self.answer(call, rest, q)
        return self.reply(code, obj, entry)

    @staticmethod
    def call_name(rest):
        if rest == ["users"]:
            return "users.list"
        if len(rest) == 6 and rest[:4] == ["@reports", "usage", "users",
                                           "all"] and rest[4] == "dates":
            return "userUsageReport.get"
        if len(rest) == 3 and rest[0] == "users" and rest[2] == "asps":
            return "asps.list"
        if len(rest) == 3 and rest[0] == "users" and rest[2] == "tokens":
            return "tokens.list"
        if len(rest) == 3 and rest[0] == "customer" and rest[2] == "roles":
            return "roles.list"
        if len(rest) == 3 and rest[0] == "customer" and \
                rest[2] == "roleassignments":
            return "roleAssignments.list"
        return "unknown"

    def throttle(self, call, q):
        st = self.st
        key = None
        if call == "users.list" and "pageToken" not in q:
            key, reply = call, google_error(
                403, "userRateLimitExceeded", "Quota exceeded for quota "
                "metric 'Queries' and limit 'Queries per minute per user'")
        elif call == "roles.list" and "pageToken" not in q:
            key, reply = call, google_error(
                429, "rateLimitExceeded", "Rate Limit Exceeded",
                "RESOURCE_EXHAUSTED")
        elif call == "tokens.list" and self.path.find("/1004/") > 0:
            key, reply = call, google_error(
                403, "quotaExceeded", "Quota exceeded")
        if key is None:
            return None
        with st.lock:
            if key in st.throttled:
                return None
            st.throttled.add(key)
        return reply

    def answer(self, call, rest, q):
        st = self.st
        size = st.args.page_size
        if call in ("roles.list", "roleAssignments.list"):
            if rest[1] not in ("my_customer", st.args.customer_id):
                return google_error(400, "badRequest", "Bad Request")
        if call == "users.list":
            cust = q.get("customer", [None])[0]
            if cust not in ("my_customer", st.args.customer_id):
                return google_error(400, "badRequest", "Bad Request")
            out = page(st.users, q, 500, size, "users")
            if out is None:
                return google_error(400, "invalid", "Invalid pageToken")
            if st.args.scenario == "tokenloop" and "pageToken" in q:
                out["nextPageToken"] = q["pageToken"][0]
            if st.args.scenario == "tokencycle" and "pageToken" in q:
                # The second followed page points back to the first.
                if getattr(st, "cycle_first", None) is None:
                    st.cycle_first = q["pageToken"][0]
                else:
                    out["nextPageToken"] = st.cycle_first
            out.update({"kind": "admin#directory#users", "etag": '"u"'})
            return 200, out
        if call == "roles.list":
            out = page(st.roles, q, 100, size, "items")
            if out is None:
                return google_error(400, "invalid", "Invalid pageToken")
            out.update({"kind": "admin#directory#roles", "etag": '"r"'})
            return 200, out
        if call == "roleAssignments.list":
            out = page(st.assignments, q, 200, size, "items")
            if out is None:
                return google_error(400, "invalid", "Invalid pageToken")
            out.update({"kind": "admin#directory#roleAssignments",
                        "etag": '"a"'})
            return 200, out
        if call == "userUsageReport.get":
            return self.usage(rest[5], q)
        if call == "asps.list":
            user = st.find_user(rest[1])
            if user is None:
                return google_error(404, "notFound",
                                    "Resource Not Found: userKey")
            out = {"kind": "admin#directory#asps", "etag": '"p"'}
            if st.asps.get(user["id"]):
                out["items"] = st.asps[user["id"]]
            return 200, out
        if call == "tokens.list":
            key = rest[1]
            user = st.find_user(key)
            if user is None:
                return google_error(404, "notFound",
                                    "Resource Not Found: userKey")
            items = []
            for t in st.tokens.get(user["id"], []):
                t = dict(t)
                t["userKey"] = user["id"]
                items.append(t)
            out = {"kind": "admin#directory#tokenList", "etag": '"t"'}
            if items:
                out["items"] = items
            return 200, out
        return google_error(404, "notFound", "Not Found")


def usage_method(self, date, q):
    """userUsageReport.get for userKey "all" (Reports API)."""
    st = self.st
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        return google_error(400, "invalid", "Invalid value '%s'" % date)
    pst = (datetime.datetime.now(datetime.timezone.utc) -
           datetime.timedelta(hours=8)).date()
    if st.args.scenario == "degraded":
        pst = day + datetime.timedelta(days=1)
    if day >= pst:
        return google_error(
            400, "invalid", "Data for dates later than %s is not yet "
            "available. Please check back later" %
            (pst - datetime.timedelta(days=1)).isoformat())
    want = q.get("parameters", [""])[0].split(",")
    for w in want:
        if w not in USAGE_PARAMS:
            return google_error(400, "invalid", "Invalid value '%s'. "
                                "Values must match the following regular "
                                "expression: '(accounts):[^,]+'" % w)
    out = {"kind": "admin#reports#usageReports", "etag": '"ur"'}
    if day == pst - datetime.timedelta(days=1):
        out["warnings"] = [{
            "code": "PARTIAL_DATA_AVAILABLE",
            "message": "Data for date %s for application \"accounts\" "
                       "is not available right now, please try again "
                       "after a few hours." % date,
            "data": [{"key": "application", "value": "accounts"}]}]
        return 200, out
    ckey = (date, ",".join(want))
    reports = None
    if st.usage_cache is not None:
        with st.lock:
            reports = st.usage_cache.get(ckey)
    if reports is not None:
        pg = page(reports, q, 1000, st.args.page_size, "usageReports")
        if pg is None:
            return google_error(400, "invalid", "Invalid pageToken")
        out.update(pg)
        return 200, out
    reports = []
    end = datetime.datetime.combine(day, datetime.time(23, 59),
                                    datetime.timezone.utc) + \
        datetime.timedelta(hours=8)
    for user in st.users:
        created = datetime.datetime.strptime(
            user["creationTime"], "%Y-%m-%dT%H:%M:%S.000Z").replace(
                tzinfo=datetime.timezone.utc)
        if created > end:
            continue
        nkeys, npass = st.keys.get(user["id"], (0, 0))
        vals = {
            "accounts:is_2sv_enrolled": user["isEnrolledIn2Sv"],
            "accounts:is_2sv_enforced": user["isEnforcedIn2Sv"],
            "accounts:is_2sv_protected": user["isEnrolledIn2Sv"],
            "accounts:num_security_keys": nkeys,
            "accounts:num_passkeys_enrolled": npass,
            "accounts:num_authorized_apps": len(st.tokens.get(
                user["id"], [])),
            "accounts:is_suspended": user["suspended"],
            "accounts:is_archived": user["archived"],
        }
        params = []
        for w in want:
            v = vals.get(w)
            if isinstance(v, bool):
                params.append({"name": w, "boolValue": v})
            elif isinstance(v, int):
                params.append({"name": w, "intValue": str(v)})
        reports.append({
            "kind": "admin#reports#usageReport", "date": date,
            "etag": '"u%s"' % user["id"],
            "entity": {"customerId": st.args.customer_id,
                       "userEmail": user["primaryEmail"],
                       "profileId": user["id"], "entityId": user["id"],
                       "type": "USER"},
            "parameters": params})
    if st.usage_cache is not None:
        with st.lock:
            st.usage_cache[ckey] = reports
    pg = page(reports, q, 1000, st.args.page_size, "usageReports")
    if pg is None:
        return google_error(400, "invalid", "Invalid pageToken")
    out.update(pg)
    return 200, out


Handler.usage = usage_method


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--public-key", required=True)
    ap.add_argument("--client-email", required=True)
    ap.add_argument("--subject", required=True)
    ap.add_argument("--key-id", default="fakekeyid0001")
    ap.add_argument("--customer-id", default="C01fake00")
    ap.add_argument("--log")
    ap.add_argument("--issued")
    ap.add_argument("--page-size", type=int, default=2)
    ap.add_argument("--bulk-users", type=int, default=0)
    ap.add_argument("--scenario", default="normal",
                    choices=["normal", "ratelimit", "forbidden",
                             "degraded", "tokenloop", "tokencycle"])
    args = ap.parse_args()
    st = State(args)
    Handler.st = st
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    st.token_url = "http://127.0.0.1:%d/token" % server.server_address[1]

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_atomic(args.pid_file, "%d\n" % os.getpid())
    write_atomic(args.port_file, "%d\n" % server.server_address[1])
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
