#!/usr/bin/python3
"""fake_aws.py: a local AWS endpoint for vigil's tests.

One process serves IAM and STS (Query protocol), Route 53 (REST-XML) and
Route 53 Domains and SSM (JSON 1.1). It answers in the real wire formats
(member names from the botocore service models) from a JSON fixture. Each
request's SigV4 signature is checked with botocore's own SigV4Auth, and
the credential scope must name the right service and region for the API
called. A bad signature gets the service's real error.

Usage:
  fake_aws.py --port-file F --pid-file P --fixture FIXTURE.json
              [--log REQLOG.jsonl] [--page-size N] [--scenario NAME]
              [--throttle-every N] [--report-delay S]
              [--fail-action ACTION[+SKIP][:TIMES] ...] [--fail-times N]

GET /_state (tests only) returns the state the freeze changes as JSON;
GET /_state?full=1 the complete fixture as it is now (before/after);
GET /_state?org=1 that of every account of the organisation.
It binds 127.0.0.1 on port 0, then writes the port and pid files. Each
request is logged as one JSON line. The log never holds a secret key,
a session token or a signature.

Scenarios: throttle, malformed, report-slow, iam-unavailable (see
README-aws.md).

Organisations: --org-accounts N makes the fixture's account the
management account of an organisation of N member accounts besides it
(Organizations ListAccounts, 20 a page; STS AssumeRole into each member's
--org-role, with --org-external-id when given). Each member's IAM state
is generated from a small template (member_fixture(): --org-users users,
and per account index a console user without MFA, an administrator, an
old access key), so the accounts differ. Members 000000000 +
--org-missing-role have no role (AssumeRole AccessDenied); --org-suspended
accounts are SUSPENDED. --latency-ms delays every answer.
"""

import argparse
import base64
import copy
import datetime
import hmac
import json
import os
import secrets
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote
from xml.sax.saxutils import escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
R53_NS = "https://route53.amazonaws.com/doc/2013-04-01/"
IAM_VERSION = "2010-05-08"
STS_VERSION = "2011-06-15"
R53_PREFIX = "/2013-04-01/"
DOMAINS_TARGET = "Route53Domains_v20140515"
ORG_TARGET = "AWSOrganizationsV20161128"
SSM_TARGET = "AmazonSSM"
MAX_SKEW = 15 * 60

CREDENTIAL_REPORT_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled",
    "password_last_used", "password_last_changed", "password_next_rotation",
    "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated",
    "access_key_1_last_used_date", "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated",
    "access_key_2_last_used_date", "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active",
    "cert_2_last_rotated",
]


class AwsError(Exception):
    """An error reply: HTTP status, AWS error code, message."""

    def __init__(self, status, code, message, sender=True, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.sender = sender
        self.headers = headers or {}


# ---------------------------------------------------------------- helpers

def parse_time(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


def iso(s):
    """Fixture time to IAM/Route 53 XML time."""
    return s


def report_time(s):
    """Fixture time to credential report form: 2026-01-05T12:00:00+00:00."""
    return parse_time(s).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def epoch(s):
    return int(parse_time(s).timestamp())


def x(name, value):
    """One XML element with escaped text; None gives nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return "<%s>%s</%s>" % (name, escape(str(value)), name)


def members(name, items, fn, item="member"):
    return "<%s>%s</%s>" % (
        name, "".join("<%s>%s</%s>" % (item, fn(i), item) for i in items),
        name)


def policy_doc(doc):
    """IAM returns policy documents as RFC 3986-encoded JSON."""
    return quote(json.dumps(doc, indent=4), safe="")


def make_marker(kind, offset):
    return base64.b64encode(("%s:%d" % (kind, offset)).encode()).decode()


def read_marker(kind, marker):
    if not marker:
        return 0
    try:
        k, _, n = base64.b64decode(marker).decode().rpartition(":")
        if k != kind:
            raise ValueError
        return int(n)
    except Exception:
        raise AwsError(400, "InvalidInput", "Invalid Marker: %s" % marker)


def request_id():
    return str(uuid.uuid4())


# ---------------------------------------------------------------- state

class State:
    def __init__(self, fixture, args):
        self.fx = fixture
        self.args = args
        self.lock = threading.Lock()
        self.account = fixture["account_id"]
        self.region = fixture.get("region", "us-east-1")
        self.keys = {}          # access key id -> (secret, token, identity)
        for c in fixture.get("credentials", []):
            self.keys[c["access_key_id"]] = {
                "secret": c["secret_access_key"], "token": None,
                "arn": "arn:aws:iam::%s:user/%s" % (self.account, c["user"]),
                "user_id": self.user_id(c["user"]), "user": c["user"]}
        self.counts = {}
        self.inflight = {}      # action (None: all) -> requests in progress
        self.fail_actions = {}  # action -> (skip, times)
        for spec in getattr(args, "fail_action", None) or []:
            name, _, times = spec.partition(":")
            name, _, skip = name.partition("+")
            self.fail_actions[name] = (int(skip or 0),
                                       int(times or args.fail_times))
        self.report_first = None
        self.operations = {}
        self.log = open(args.log, "a", encoding="utf-8") if args.log else None
        self.root = self
        self.members = {}       # account id -> State (organisation)
        self.org = []           # ListAccounts entries, management first
        if getattr(args, "org_accounts", 0):
            self.make_org()

    def make_org(self):
        a = self.args
        self.org.append(org_entry(self.account, "management", "ACTIVE", 0))
        for i in range(1, a.org_accounts + 1):
            acct = member_id(i)
            m = copy.copy(self)
            m.fx = member_fixture(i, acct, a.org_users, self.region,
                                  a.org_role, a.org_external_id,
                                  self.account,
                                  missing_role=i in a.org_missing_role)
            m.account = acct
            m.report_first = None
            m.operations = {}
            m.members = {}
            self.members[acct] = m
            self.org.append(org_entry(
                acct, "member-%03d" % i,
                "SUSPENDED" if i in a.org_suspended else "ACTIVE", i))

    def user_id(self, name):
        for u in self.fx.get("users", []):
            if u["name"] == name:
                return u["id"]
        return "AIDAFAKE" + name.upper().replace("-", "")[:12].ljust(12, "0")

    def page_size(self, requested, default, maximum):
        n = default if requested in (None, "") else requested
        try:
            n = int(n)
        except ValueError:
            raise AwsError(400, "InvalidInput", "MaxItems must be a number")
        if n < 1 or n > maximum:
            raise AwsError(400, "InvalidInput",
                           "MaxItems must be between 1 and %d" % maximum)
        if self.args.page_size:
            n = min(n, self.args.page_size)
        return n

    def count(self, family):
        with self.lock:
            self.counts[family] = self.counts.get(family, 0) + 1
            return self.counts[family]

    def write_log(self, entry):
        if self.log is None:
            return
        with self.lock:
            self.log.write(json.dumps(entry, sort_keys=True) + "\n")
            self.log.flush()


def member_id(i):
    return "9%011d" % i


def org_entry(acct, name, status, i):
    return {"Id": acct, "Arn": "arn:aws:organizations::%s:account/"
            "o-fakeorg0001/%s" % (acct, acct),
            "Email": "aws+%s@example.org" % name, "Name": name,
            "Status": status, "JoinedMethod": "CREATED" if i else "INVITED",
            "JoinedTimestamp": 1735689600 + i * 86400}


ADMIN_POLICY = {
    "name": "AdministratorAccess", "id": "ANPAIWMBCKSKIEE64ZLYK",
    "arn": "arn:aws:iam::aws:policy/AdministratorAccess", "path": "/",
    "created": "2015-02-06T18:39:46Z", "updated": "2015-02-06T18:39:46Z",
    "default_version": "v1", "versions": {"v1": {
        "created": "2015-02-06T18:39:46Z", "document": {
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}}


def member_fixture(i, acct, nusers, region, role, external_id, mgmt,
                   missing_role=False):
    """A member account's IAM state from a small template. Every user
    has a console password and MFA except: user000 has no MFA when i % 3
    == 1 (aws.iam.user_console_without_mfa), a user admin-NNN with
    AdministratorAccess exists when i % 4 == 2 (admin rules), and user001
    has an access key from 2024 when i % 5 == 3 (aws.iam.access_key_too_old)."""
    users = []
    for j in range(nusers):
        name = "user%03d" % j
        users.append({
            "name": name, "id": "AIDA%s%05d" % (acct[-7:], j),
            "created": "2025-01-01T00:00:00Z",
            "password": {"enabled": True,
                         "last_used": "2026-02-28T09:00:00Z",
                         "last_changed": "2026-01-01T00:00:00Z"},
            "mfa_devices": [] if (j == 0 and i % 3 == 1) else [{
                "serial": "arn:aws:iam::%s:mfa/%s" % (acct, name),
                "enable_date": "2025-01-01T00:05:00Z"}],
            "groups": [], "attached_policies": [], "inline_policies": {},
            "access_keys": []})
    if i % 5 == 3 and nusers > 1:
        users[1]["access_keys"].append({
            "id": "AKIA%s%05d" % (acct[-7:], 1), "status": "Active",
            "created": "2024-01-01T00:00:00Z",
            "last_used_date": "2026-02-27T00:00:00Z",
            "last_used_region": region, "last_used_service": "iam"})
    if i % 4 == 2:
        users.append({
            "name": "admin-%03d" % i, "id": "AIDA%sADMIN" % acct[-7:],
            "created": "2025-01-01T00:00:00Z",
            "password": {"enabled": False}, "mfa_devices": [],
            "groups": [], "inline_policies": {}, "access_keys": [],
            "attached_policies": [ADMIN_POLICY["arn"]]})
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % mgmt},
        "Action": "sts:AssumeRole"}]}
    if external_id:
        trust["Statement"][0]["Condition"] = {
            "StringEquals": {"sts:ExternalId": external_id}}
    roles = [] if missing_role else [{
        "name": role, "id": "AROA%sAUDIT" % acct[-7:], "path": "/",
        "created": "2025-01-01T00:00:00Z", "assume_role_policy": trust,
        "attached_policies": ["arn:aws:iam::aws:policy/SecurityAudit"],
        "inline_policies": {}, "max_session_duration": 3600,
        "external_id": external_id}]
    return {
        "account_id": acct, "region": region, "now": "2026-03-01T00:00:00Z",
        "credentials": [],
        "root": {"created": "2020-01-01T00:00:00Z", "mfa_active": True,
                 "access_keys": []},
        "users": users, "groups": [], "roles": roles,
        "policies": [copy.deepcopy(ADMIN_POLICY), {
            "name": "SecurityAudit", "id": "ANPAFAKESECAUDIT0001",
            "arn": "arn:aws:iam::aws:policy/SecurityAudit", "path": "/",
            "created": "2015-02-06T18:41:01Z",
            "updated": "2025-10-01T18:00:00Z", "default_version": "v45",
            "versions": {"v45": {"created": "2025-10-01T18:00:00Z",
                                 "document": {"Version": "2012-10-17",
                                              "Statement": [{
                                                  "Effect": "Allow",
                                                  "Action": ["iam:Get*"],
                                                  "Resource": "*"}]}}}}],
        "password_policy": {
            "MinimumPasswordLength": 14, "RequireSymbols": True,
            "RequireNumbers": True, "RequireUppercaseCharacters": True,
            "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True, "ExpirePasswords": False,
            "PasswordReusePrevention": 24, "HardExpiry": False},
        "route53": {"hosted_zones": []},
        "route53domains": {"domains": []},
        "ssm": {"parameters": []}}


class Organizations:
    def __init__(self, st, acct):
        self.st = st
        self.acct = acct

    def ListAccounts(self, q):
        if not self.st.org:
            raise AwsError(400, "AWSOrganizationsNotInUseException",
                           "Your account is not a member of an "
                           "organization.")
        if self.acct is not self.st:
            raise AwsError(400, "AccessDeniedException",
                           "You don't have permissions to access this "
                           "resource.")
        n = q.get("MaxResults", 20)
        if not isinstance(n, int) or n < 1 or n > 20:
            raise AwsError(400, "InvalidInputException",
                           "MaxResults must be between 1 and 20")
        if self.st.args.page_size:
            n = min(n, self.st.args.page_size)
        off = 0
        if q.get("NextToken"):
            try:
                off = read_marker("org", q["NextToken"])
            except AwsError:
                raise AwsError(400, "InvalidInputException",
                               "Invalid NextToken")
        page = self.st.org[off:off + n]
        out = {"Accounts": page}
        if off + n < len(self.st.org):
            out["NextToken"] = make_marker("org", off + n)
        return out


# ---------------------------------------------------------------- signing

def parse_authorization(value):
    if not value or not value.startswith("AWS4-HMAC-SHA256 "):
        return None
    fields = {}
    for part in value[len("AWS4-HMAC-SHA256 "):].split(","):
        k, _, v = part.strip().partition("=")
        fields[k] = v
    try:
        akid, date, region, service, term = fields["Credential"].split("/")
    except (KeyError, ValueError):
        return None
    if term != "aws4_request" or "SignedHeaders" not in fields \
            or "Signature" not in fields:
        return None
    return {"access_key_id": akid, "date": date, "region": region,
            "service": service, "signed": fields["SignedHeaders"].split(";"),
            "signature": fields["Signature"]}


def expected_signature(method, raw_path, headers, body, auth, secret, token,
                       amz_date):
    """The signature botocore computes for this request."""
    path, _, query = raw_path.partition("?")
    params = []
    for pair in query.split("&") if query else []:
        if pair == "":
            continue
        k, _, v = pair.partition("=")
        params.append((unquote(k), unquote(v)))
    req = AWSRequest(method=method, url="http://fake-aws" + path, data=body,
                     params=params)
    signed = set(auth["signed"])
    for name, value in headers:
        if name.lower() in signed:
            req.headers[name] = value   # HTTPHeaders appends repeats
    req.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(auth["access_key_id"], secret, token),
                       auth["service"], auth["region"])
    canonical = signer.canonical_request(req)
    sts = signer.string_to_sign(req, canonical)
    return signer.signature(sts, req)


# ---------------------------------------------------------------- IAM

class Iam:
    def __init__(self, st, ident):
        self.st = st
        self.fx = st.fx
        self.ident = ident

    def arn(self, kind, name, path="/"):
        return "arn:aws:iam::%s:%s%s%s" % (self.st.account, kind, path, name)

    def policy_by_arn(self, arn):
        for p in self.fx.get("policies", []):
            if p["arn"] == arn:
                return p
        return None

    def user(self, name):
        for u in self.fx.get("users", []):
            if u["name"] == name:
                return u
        raise AwsError(404, "NoSuchEntity",
                       "The user with name %s cannot be found." % name)

    def attached(self, arns):
        out = []
        for a in arns:
            p = self.policy_by_arn(a)
            name = p["name"] if p else a.rsplit("/", 1)[-1]
            out.append(x("PolicyName", name) + x("PolicyArn", a))
        return out

    def attachment_count(self, arn):
        n = 0
        for kind in ("users", "groups", "roles"):
            for e in self.fx.get(kind, []):
                n += arn in e.get("attached_policies", [])
        return n

    def inline(self, policies):
        return [x("PolicyName", k) + x("PolicyDocument", policy_doc(v))
                for k, v in sorted(policies.items())]

    # -- GetAccountAuthorizationDetails
    def entities(self, filters):
        want = set(filters) if filters else {
            "User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"}
        out = []
        if "User" in want:
            out += [("User", u) for u in self.fx.get("users", [])]
        if "Group" in want:
            out += [("Group", g) for g in self.fx.get("groups", [])]
        if "Role" in want:
            out += [("Role", r) for r in self.fx.get("roles", [])]
        for p in self.fx.get("policies", []):
            aws = p["arn"].startswith("arn:aws:iam::aws:")
            if aws and "AWSManagedPolicy" in want and \
                    self.attachment_count(p["arn"]) > 0:
                out.append(("Policy", p))
            elif not aws and "LocalManagedPolicy" in want:
                out.append(("Policy", p))
        return out

    def user_detail(self, u):
        path = u.get("path", "/")
        return (x("Path", path) + x("UserName", u["name"]) +
                x("UserId", u["id"]) +
                x("Arn", self.arn("user", u["name"], path)) +
                x("CreateDate", iso(u["created"])) +
                members("UserPolicyList",
                        self.inline(u.get("inline_policies", {})), str) +
                members("GroupList", u.get("groups", []), escape) +
                members("AttachedManagedPolicies",
                        self.attached(u.get("attached_policies", [])), str) +
                members("Tags", [], str))

    def group_detail(self, g):
        path = g.get("path", "/")
        return (x("Path", path) + x("GroupName", g["name"]) +
                x("GroupId", g["id"]) +
                x("Arn", self.arn("group", g["name"], path)) +
                x("CreateDate", iso(g["created"])) +
                members("GroupPolicyList",
                        self.inline(g.get("inline_policies", {})), str) +
                members("AttachedManagedPolicies",
                        self.attached(g.get("attached_policies", [])), str))

    def role_last_used(self, r):
        lu = r.get("last_used")
        if not lu:
            return "<RoleLastUsed/>"
        return "<RoleLastUsed>%s%s</RoleLastUsed>" % (
            x("LastUsedDate", iso(lu["date"])), x("Region", lu["region"]))

    def role_detail(self, r):
        path = r.get("path", "/")
        return (x("Path", path) + x("RoleName", r["name"]) +
                x("RoleId", r["id"]) +
                x("Arn", self.arn("role", r["name"], path)) +
                x("CreateDate", iso(r["created"])) +
                x("AssumeRolePolicyDocument",
                  policy_doc(r["assume_role_policy"])) +
                members("InstanceProfileList", [], str) +
                members("RolePolicyList",
                        self.inline(r.get("inline_policies", {})), str) +
                members("AttachedManagedPolicies",
                        self.attached(r.get("attached_policies", [])), str) +
                members("Tags", [], str) + self.role_last_used(r))

    def policy_detail(self, p):
        versions = []
        for vid, v in sorted(p["versions"].items(),
                             key=lambda kv: kv[1]["created"], reverse=True):
            versions.append(x("Document", policy_doc(v["document"])) +
                            x("VersionId", vid) +
                            x("IsDefaultVersion", vid == p["default_version"]) +
                            x("CreateDate", iso(v["created"])))
        return (x("PolicyName", p["name"]) + x("PolicyId", p["id"]) +
                x("Arn", p["arn"]) + x("Path", p.get("path", "/")) +
                x("DefaultVersionId", p["default_version"]) +
                x("AttachmentCount", self.attachment_count(p["arn"])) +
                x("PermissionsBoundaryUsageCount", 0) +
                x("IsAttachable", True) +
                x("Description", p.get("description")) +
                x("CreateDate", iso(p["created"])) +
                x("UpdateDate", iso(p["updated"])) +
                members("PolicyVersionList", versions, str))

    def GetAccountAuthorizationDetails(self, q):
        filters = list_param(q, "Filter")
        for f in filters:
            if f not in ("User", "Role", "Group", "LocalManagedPolicy",
                         "AWSManagedPolicy"):
                raise AwsError(400, "ValidationError",
                               "1 validation error detected: Value '%s' at "
                               "'filter' failed to satisfy constraint" % f)
        ents = self.entities(filters)
        start = read_marker("gaad", q.get("Marker"))
        n = self.st.page_size(q.get("MaxItems"), 100, 1000)
        page = ents[start:start + n]
        more = start + n < len(ents)
        users = [self.user_detail(e) for k, e in page if k == "User"]
        groups = [self.group_detail(e) for k, e in page if k == "Group"]
        roles = [self.role_detail(e) for k, e in page if k == "Role"]
        pols = [self.policy_detail(e) for k, e in page if k == "Policy"]
        body = (members("UserDetailList", users, str) +
                members("GroupDetailList", groups, str) +
                members("RoleDetailList", roles, str) +
                members("Policies", pols, str) + x("IsTruncated", more))
        if more:
            body += x("Marker", make_marker("gaad", start + n))
        return body

    # -- credential report
    def GenerateCredentialReport(self, q):
        with self.st.lock:
            if self.st.report_first is None:
                self.st.report_first = time.time()
                return (x("State", "STARTED") + x(
                    "Description", "No report exists. Starting a new report "
                    "generation task"))
            ready = time.time() - self.st.report_first >= \
                self.st.args.report_delay
        return x("State", "COMPLETE" if ready else "INPROGRESS")

    def report_rows(self):
        fx = self.fx

        rows = []
        root = fx.get("root", {})
        rk = root.get("access_keys", [])
        row = {
            "user": "<root_account>",
            "arn": "arn:aws:iam::%s:root" % self.st.account,
            "user_creation_time": report_time(root["created"]),
            "password_enabled": "not_supported",
            "password_last_used": report_time(root["password_last_used"])
            if root.get("password_last_used") else "no_information",
            "password_last_changed": "not_supported",
            "password_next_rotation": "not_supported",
            "mfa_active": "true" if root.get("mfa_active") else "false",
        }
        row.update(self.key_columns(rk))
        rows.append(row)
        for u in fx.get("users", []):
            pw = u.get("password", {})
            row = {
                "user": u["name"],
                "arn": self.arn("user", u["name"], u.get("path", "/")),
                "user_creation_time": report_time(u["created"]),
                "password_enabled": "true" if pw.get("enabled") else "false",
                "mfa_active": "true" if u.get("mfa_devices") else "false",
            }
            if pw.get("enabled"):
                row["password_last_used"] = report_time(pw["last_used"]) \
                    if pw.get("last_used") else "no_information"
                row["password_last_changed"] = report_time(
                    pw.get("last_changed", u["created"]))
                pp = fx.get("password_policy") or {}
                if pp.get("ExpirePasswords") and pp.get("MaxPasswordAge"):
                    nxt = parse_time(pw.get("last_changed", u["created"])) + \
                        datetime.timedelta(days=pp["MaxPasswordAge"])
                    row["password_next_rotation"] = nxt.strftime(
                        "%Y-%m-%dT%H:%M:%S+00:00")
                else:
                    row["password_next_rotation"] = "N/A"
            else:
                row["password_last_used"] = "N/A"
                row["password_last_changed"] = "N/A"
                row["password_next_rotation"] = "N/A"
            row.update(self.key_columns(u.get("access_keys", [])))
            rows.append(row)

        return rows

    @staticmethod
    def key_columns(keys):
        out = {}
        for i in (1, 2):
            p = "access_key_%d_" % i
            if i <= len(keys):
                k = keys[i - 1]
                out[p + "active"] = "true" if k["status"] == "Active" \
                    else "false"
                out[p + "last_rotated"] = report_time(k["created"])
                if k.get("last_used_date"):
                    out[p + "last_used_date"] = report_time(
                        k["last_used_date"])
                    out[p + "last_used_region"] = k.get(
                        "last_used_region", "N/A")
                    out[p + "last_used_service"] = k.get(
                        "last_used_service", "N/A")
                else:
                    out[p + "last_used_date"] = "N/A"
                    out[p + "last_used_region"] = "N/A"
                    out[p + "last_used_service"] = "N/A"
            else:
                out[p + "active"] = "false"
                for c in ("last_rotated", "last_used_date",
                          "last_used_region", "last_used_service"):
                    out[p + c] = "N/A"
        for i in (1, 2):
            out["cert_%d_active" % i] = "false"
            out["cert_%d_last_rotated" % i] = "N/A"
        return out

    def GetCredentialReport(self, q):
        with self.st.lock:
            first = self.st.report_first
        if first is None:
            raise AwsError(410, "ReportNotPresent",
                           "Credential report not present.")
        if time.time() - first < self.st.args.report_delay:
            raise AwsError(404, "ReportInProgress",
                           "Credential report is being generated.")
        lines = [",".join(CREDENTIAL_REPORT_COLUMNS)]
        for row in self.report_rows():
            lines.append(",".join(row[c] for c in CREDENTIAL_REPORT_COLUMNS))
        content = base64.b64encode("\n".join(lines).encode()).decode()
        return (x("Content", content) + x("ReportFormat", "text/csv") +
                x("GeneratedTime", self.fx.get("now", "2026-03-01T00:00:00Z")))

    # -- account
    def GetAccountSummary(self, q):
        fx = self.fx
        root = fx.get("root", {})
        users = fx.get("users", [])
        mfa = sum(len(u.get("mfa_devices", [])) for u in users)
        local = [p for p in fx.get("policies", [])
                 if not p["arn"].startswith("arn:aws:iam::aws:")]
        summary = [
            ("Users", len(users)), ("UsersQuota", 5000),
            ("Groups", len(fx.get("groups", []))), ("GroupsQuota", 300),
            ("Roles", len(fx.get("roles", []))), ("RolesQuota", 1000),
            ("Policies", len(local)), ("PoliciesQuota", 1500),
            ("PolicySizeQuota", 6144), ("PolicyVersionsInUse",
                                         sum(len(p["versions"]) for p in local)),
            ("PolicyVersionsInUseQuota", 10000), ("VersionsPerPolicyQuota", 5),
            ("MFADevices", mfa + (1 if root.get("mfa_active") else 0)),
            ("MFADevicesInUse", mfa + (1 if root.get("mfa_active") else 0)),
            ("AccountMFAEnabled", 1 if root.get("mfa_active") else 0),
            ("AccountAccessKeysPresent",
             1 if any(k["status"] == "Active"
                      for k in root.get("access_keys", [])) else 0),
            ("AccountPasswordPresent", 1),
            ("AccountSigningCertificatesPresent", 0),
            ("AccessKeysPerUserQuota", 2), ("GroupsPerUserQuota", 10),
            ("AttachedPoliciesPerUserQuota", 10),
            ("AttachedPoliciesPerGroupQuota", 10),
            ("AttachedPoliciesPerRoleQuota", 10),
            ("ServerCertificates", 0), ("ServerCertificatesQuota", 20),
            ("SigningCertificatesPerUserQuota", 2),
            ("UserPolicySizeQuota", 2048), ("GroupPolicySizeQuota", 5120),
            ("GlobalEndpointTokenVersion", 1),
        ]
        return members("SummaryMap", summary,
                       lambda kv: x("key", kv[0]) + x("value", kv[1]),
                       item="entry")

    def GetAccountPasswordPolicy(self, q):
        pp = self.fx.get("password_policy")
        if not pp:
            raise AwsError(404, "NoSuchEntity",
                           "The Password Policy with domain name %s cannot "
                           "be found." % self.st.account)
        order = ["MinimumPasswordLength", "RequireSymbols", "RequireNumbers",
                 "RequireUppercaseCharacters", "RequireLowercaseCharacters",
                 "AllowUsersToChangePassword", "ExpirePasswords",
                 "MaxPasswordAge", "PasswordReusePrevention", "HardExpiry"]
        return "<PasswordPolicy>%s</PasswordPolicy>" % "".join(
            x(k, pp.get(k)) for k in order)

    # -- users and keys
    def ListUsers(self, q):
        prefix = q.get("PathPrefix", "/")
        users = [u for u in self.fx.get("users", [])
                 if u.get("path", "/").startswith(prefix)]
        start = read_marker("users", q.get("Marker"))
        n = self.st.page_size(q.get("MaxItems"), 100, 1000)
        page = users[start:start + n]
        more = start + n < len(users)

        def one(u):
            pw = u.get("password", {})
            return (x("Path", u.get("path", "/")) + x("UserName", u["name"]) +
                    x("UserId", u["id"]) +
                    x("Arn", self.arn("user", u["name"], u.get("path", "/"))) +
                    x("CreateDate", iso(u["created"])) +
                    x("PasswordLastUsed", iso(pw["last_used"])
                      if pw.get("enabled") and pw.get("last_used") else None))
        body = members("Users", page, one) + x("IsTruncated", more)
        if more:
            body += x("Marker", make_marker("users", start + n))
        return body

    def virtual_mfa_devices(self):
        """Virtual devices: a serial of the form arn:...:mfa/NAME (hardware
        tokens have a vendor serial, FIDO keys arn:...:u2f/...)."""
        out = []
        root = self.fx.get("root", {})
        if root.get("mfa_active") and root.get("mfa_virtual"):
            out.append({
                "serial": "arn:aws:iam::%s:mfa/root-account-mfa-device" %
                self.st.account, "root": True,
                "enable_date": root.get("mfa_enable_date", root["created"])})
        for u in self.fx.get("users", []):
            for d in u.get("mfa_devices", []):
                if ":mfa/" in d["serial"]:
                    out.append({"serial": d["serial"], "user": u,
                                "enable_date": d["enable_date"]})
        for serial in self.fx.get("unassigned_virtual_mfa", []):
            out.append({"serial": serial})
        return sorted(out, key=lambda d: d["serial"])

    def ListVirtualMFADevices(self, q):
        status = q.get("AssignmentStatus", "Any")
        if status not in ("Assigned", "Unassigned", "Any"):
            raise AwsError(400, "ValidationError",
                           "1 validation error detected: Value '%s' at "
                           "'assignmentStatus' failed to satisfy constraint"
                           % status)
        devs = [d for d in self.virtual_mfa_devices()
                if status == "Any" or
                (status == "Assigned") == ("user" in d or "root" in d)]
        start = read_marker("vmfa", q.get("Marker"))
        n = self.st.page_size(q.get("MaxItems"), 100, 1000)
        page = devs[start:start + n]
        more = start + n < len(devs)

        def one(d):
            out = x("SerialNumber", d["serial"])
            if d.get("root"):
                out += "<User>%s</User>" % (
                    x("Path", "/") + x("UserId", self.st.account) +
                    x("Arn", "arn:aws:iam::%s:root" % self.st.account) +
                    x("CreateDate", iso(self.fx["root"]["created"])))
            elif d.get("user"):
                u = d["user"]
                out += "<User>%s</User>" % (
                    x("Path", u.get("path", "/")) + x("UserName", u["name"]) +
                    x("UserId", u["id"]) +
                    x("Arn", self.arn("user", u["name"], u.get("path", "/"))) +
                    x("CreateDate", iso(u["created"])))
            if d.get("enable_date"):
                out += x("EnableDate", iso(d["enable_date"]))
            return out
        body = members("VirtualMFADevices", page, one) + x("IsTruncated", more)
        if more:
            body += x("Marker", make_marker("vmfa", start + n))
        return body

    def ListAccessKeys(self, q):
        name = q.get("UserName") or self.ident.get("user") or ""
        u = self.user(name)
        keys = u.get("access_keys", [])
        start = read_marker("keys:" + name, q.get("Marker"))
        n = self.st.page_size(q.get("MaxItems"), 100, 1000)
        page = keys[start:start + n]
        more = start + n < len(keys)
        body = members("AccessKeyMetadata", page, lambda k: (
            x("UserName", name) + x("AccessKeyId", k["id"]) +
            x("Status", k["status"]) + x("CreateDate", iso(k["created"]))))
        body += x("IsTruncated", more)
        if more and self.st.args.scenario != "keys-no-marker":
            body += x("Marker", make_marker("keys:" + name, start + n))
        return body

    def ListMFADevices(self, q):
        # Used by bench/run's AWS CLI loop (aws iam list-mfa-devices).
        name = q.get("UserName") or self.ident.get("user") or ""
        u = self.user(name)
        devs = u.get("mfa_devices", [])
        start = read_marker("mfa:" + name, q.get("Marker"))
        n = self.st.page_size(q.get("MaxItems"), 100, 1000)
        page = devs[start:start + n]
        more = start + n < len(devs)
        body = members("MFADevices", page, lambda d: (
            x("UserName", name) + x("SerialNumber", d["serial"]) +
            x("EnableDate", iso(d["enable_date"]))))
        body += x("IsTruncated", more)
        if more:
            body += x("Marker", make_marker("mfa:" + name, start + n))
        return body

    def GetAccessKeyLastUsed(self, q):
        kid = q.get("AccessKeyId", "")
        for u in self.fx.get("users", []):
            for k in u.get("access_keys", []):
                if k["id"] == kid:
                    lu = x("LastUsedDate", iso(k["last_used_date"])
                           if k.get("last_used_date") else None)
                    lu += x("ServiceName", k.get("last_used_service", "N/A"))
                    lu += x("Region", k.get("last_used_region", "N/A"))
                    return x("UserName", u["name"]) + \
                        "<AccessKeyLastUsed>%s</AccessKeyLastUsed>" % lu
        raise AwsError(403, "AccessDenied", "Access key %s is not in this "
                       "account." % kid)

    # -- writes used by the reversible freeze
    def _entity(self, kind, name):
        for e in self.fx.get(kind, []):
            if e["name"] == name:
                return e
        raise AwsError(404, "NoSuchEntity", "The %s with name %s cannot be "
                       "found." % (kind[:-1], name))

    def CreatePolicy(self, q):
        name = q.get("PolicyName", "")
        path = q.get("Path", "/")
        arn = "arn:aws:iam::%s:policy%s%s" % (self.st.account, path, name)
        try:
            doc = json.loads(q.get("PolicyDocument", ""))
        except ValueError:
            raise AwsError(400, "MalformedPolicyDocument",
                           "Syntax errors in policy.")
        with self.st.lock:
            if self.policy_by_arn(arn):
                raise AwsError(409, "EntityAlreadyExists",
                               "A policy called %s already exists. Duplicate "
                               "names are not allowed." % name)
            now = self.fx.get("now", "2026-03-01T00:00:00Z")
            p = {"name": name, "id": "ANPA" + secrets.token_hex(8).upper(),
                 "arn": arn, "path": path, "created": now, "updated": now,
                 "default_version": "v1", "description": q.get("Description"),
                 "versions": {"v1": {"created": now, "document": doc}}}
            self.fx.setdefault("policies", []).append(p)
        return "<Policy>%s%s%s%s%s%s</Policy>" % (
            x("PolicyName", name), x("PolicyId", p["id"]), x("Arn", arn),
            x("Path", path), x("DefaultVersionId", "v1"),
            x("AttachmentCount", 0))

    def _attach(self, kind, key, q, attach):
        e = self._entity(kind, q.get(key, ""))
        arn = q.get("PolicyArn", "")
        if not self.policy_by_arn(arn):
            raise AwsError(404, "NoSuchEntity", "Policy %s does not exist or "
                           "is not attachable." % arn)
        with self.st.lock:
            lst = e.setdefault("attached_policies", [])
            if attach and arn not in lst:
                if len(lst) >= 10:
                    raise AwsError(409, "LimitExceeded", "Cannot exceed quota "
                                   "for PoliciesPerEntity: 10")
                lst.append(arn)
            elif not attach:
                if arn not in lst:
                    raise AwsError(404, "NoSuchEntity", "Policy %s was not "
                                   "found." % arn)
                lst.remove(arn)
        return None

    def AttachUserPolicy(self, q):
        return self._attach("users", "UserName", q, True)

    def AttachGroupPolicy(self, q):
        return self._attach("groups", "GroupName", q, True)

    def AttachRolePolicy(self, q):
        return self._attach("roles", "RoleName", q, True)

    def DetachUserPolicy(self, q):
        return self._attach("users", "UserName", q, False)

    def DetachGroupPolicy(self, q):
        return self._attach("groups", "GroupName", q, False)

    def DetachRolePolicy(self, q):
        return self._attach("roles", "RoleName", q, False)

    def UpdateAccessKey(self, q):
        status = q.get("Status")
        if status not in ("Active", "Inactive"):
            raise AwsError(400, "ValidationError", "Invalid Status")
        kid = q.get("AccessKeyId", "")
        users = [self.user(q["UserName"])] if q.get("UserName") \
            else self.fx.get("users", [])
        with self.st.lock:
            for u in users:
                for k in u.get("access_keys", []):
                    if k["id"] == kid:
                        k["status"] = status
                        return None
        raise AwsError(404, "NoSuchEntity", "The Access Key with id %s cannot "
                       "be found." % kid)

    def DeletePolicy(self, q):
        arn = q.get("PolicyArn", "")
        with self.st.lock:
            p = self.policy_by_arn(arn)
            if not p:
                raise AwsError(404, "NoSuchEntity", "Policy %s was not "
                               "found." % arn)
            for kind in ("users", "groups", "roles"):
                for e in self.fx.get(kind, []):
                    if arn in e.get("attached_policies", []):
                        raise AwsError(409, "DeleteConflict", "Cannot delete "
                                       "a policy attached to entities.")
            self.fx["policies"].remove(p)
        return None


def list_param(q, name):
    out = []
    i = 1
    while ("%s.member.%d" % (name, i)) in q:
        out.append(q["%s.member.%d" % (name, i)])
        i += 1
    return out


# ---------------------------------------------------------------- STS

class Sts:
    def __init__(self, st, ident):
        self.st = st
        self.ident = ident

    def GetCallerIdentity(self, q):
        ident = self.ident
        return (x("UserId", ident["user_id"]) + x("Account", self.st.account) +
                x("Arn", ident["arn"]))

    def AssumeRole(self, q):
        arn = q.get("RoleArn", "")
        session = q.get("RoleSessionName", "")
        if not 2 <= len(session) <= 64:
            raise AwsError(400, "ValidationError",
                           "RoleSessionName must be 2 to 64 characters")
        role = None
        target = self.st
        parts = arn.split(":")
        if len(parts) > 4 and parts[4] in self.st.root.members:
            target = self.st.root.members[parts[4]]
        for r in target.fx.get("roles", []):
            if arn == "arn:aws:iam::%s:role%s%s" % (
                    target.account, r.get("path", "/"), r["name"]):
                role = r
        if role is not None and role.get("external_id") and \
                q.get("ExternalId") != role["external_id"]:
            role = None
        if role is None:
            raise AwsError(403, "AccessDenied",
                           "User: %s is not authorized to perform: "
                           "sts:AssumeRole on resource: %s" %
                           (self.ident["arn"], arn))
        duration = int(q.get("DurationSeconds") or 3600)
        if duration < 900 or duration > role.get("max_session_duration", 3600):
            raise AwsError(400, "ValidationError",
                           "The requested DurationSeconds exceeds the "
                           "MaxSessionDuration set for this role.")
        akid = "ASIAFAKE" + secrets.token_hex(6).upper()
        secret = secrets.token_urlsafe(30)[:40]
        token = "FwoGZXIvYXdzEFAKE" + secrets.token_urlsafe(96)
        exp = (datetime.datetime.now(datetime.timezone.utc) +
               datetime.timedelta(seconds=duration))
        assumed = "arn:aws:sts::%s:assumed-role/%s/%s" % (
            target.account, role["name"], session)
        with self.st.lock:
            self.st.keys[akid] = {
                "secret": secret, "token": token, "arn": assumed,
                "user_id": "%s:%s" % (role["id"], session),
                "user": None, "expires": exp.timestamp(),
                "state": target}
        return ("<Credentials>%s%s%s%s</Credentials>" % (
            x("AccessKeyId", akid), x("SecretAccessKey", secret),
            x("SessionToken", token),
            x("Expiration", exp.strftime("%Y-%m-%dT%H:%M:%SZ"))) +
            "<AssumedRoleUser>%s%s</AssumedRoleUser>" % (
                x("AssumedRoleId", "%s:%s" % (role["id"], session)),
                x("Arn", assumed)))


# ---------------------------------------------------------------- Route 53

def r53_sort_key(rec):
    name = rec["name"].lower().rstrip(".")
    return (list(reversed(name.split("."))), rec["type"],
            rec.get("set_identifier", ""))


def r53_name(name):
    if not name.endswith("."):
        name += "."
    return name.replace("*", "\\052")


class Route53:
    def __init__(self, st):
        self.st = st

    def zone(self, zid):
        zid = zid.rsplit("/", 1)[-1]
        for z in self.st.fx.get("route53", {}).get("hosted_zones", []):
            if z["id"] == zid:
                return z
        raise AwsError(404, "NoSuchHostedZone",
                       "No hosted zone found with ID: %s" % zid)

    def zone_xml(self, z):
        return ("<HostedZone>%s%s%s<Config>%s%s</Config>%s</HostedZone>" % (
            x("Id", "/hostedzone/" + z["id"]), x("Name", z["name"]),
            x("CallerReference", z.get("caller_reference", z["id"])),
            x("Comment", z.get("comment")), x("PrivateZone", z["private"]),
            x("ResourceRecordSetCount", len(z.get("records", [])))))

    def route(self, method, path, params):
        rest = path[len(R53_PREFIX):].strip("/").split("/")
        if method == "GET" and rest == ["hostedzone"]:
            return "ListHostedZones", self.list_zones(params)
        if method == "GET" and len(rest) == 3 and rest[0] == "hostedzone" \
                and rest[2] == "rrset":
            return "ListResourceRecordSets", self.list_rrsets(rest[1], params)
        if method == "GET" and len(rest) == 2 and rest[0] == "hostedzone":
            return "GetHostedZone", self.get_zone(rest[1])
        raise AwsError(404, "UnknownOperationException",
                       "No operation at %s %s" % (method, path))

    def list_zones(self, params):
        zones = self.st.fx.get("route53", {}).get("hosted_zones", [])
        n = self.st.page_size(params.get("maxitems"), 100, 100)
        start = 0
        if params.get("marker"):
            ids = [z["id"] for z in zones]
            if params["marker"] not in ids:
                raise AwsError(400, "InvalidInput", "Invalid marker")
            start = ids.index(params["marker"])
        page = zones[start:start + n]
        more = start + n < len(zones)
        stuck = params.get("marker") and \
            self.st.args.scenario == "repeat-marker"
        body = "<HostedZones>%s</HostedZones>" % "".join(
            self.zone_xml(z) for z in page)
        body += x("Marker", params.get("marker"))
        body += x("IsTruncated", more or bool(stuck))
        if stuck:
            body += x("NextMarker", params["marker"])
        elif more:
            body += x("NextMarker", zones[start + n]["id"])
        body += x("MaxItems", params.get("maxitems") or "100")
        return "<ListHostedZonesResponse xmlns=\"%s\">%s" \
            "</ListHostedZonesResponse>" % (R53_NS, body)

    def rrset_xml(self, r):
        out = x("Name", r53_name(r["name"])) + x("Type", r["type"])
        out += x("SetIdentifier", r.get("set_identifier"))
        out += x("Weight", r.get("weight"))
        if "alias" in r:
            a = r["alias"]
            out += "<AliasTarget>%s%s%s</AliasTarget>" % (
                x("HostedZoneId", a["hosted_zone_id"]),
                x("DNSName", a["dns_name"]),
                x("EvaluateTargetHealth", a.get("evaluate_target_health",
                                                False)))
        else:
            out += x("TTL", r["ttl"])
            out += "<ResourceRecords>%s</ResourceRecords>" % "".join(
                "<ResourceRecord>%s</ResourceRecord>" % x("Value", v)
                for v in r["values"])
        return "<ResourceRecordSet>%s</ResourceRecordSet>" % out

    def list_rrsets(self, zid, params):
        z = self.zone(zid)
        recs = sorted(z.get("records", []), key=r53_sort_key)
        n = self.st.page_size(params.get("maxitems"), 300, 300)
        start = 0
        if params.get("type") and not params.get("name"):
            raise AwsError(400, "InvalidInput",
                           "The input is not valid: type requires name")
        if params.get("name"):
            key = r53_sort_key({
                "name": params["name"].replace("\\052", "*"),
                "type": params.get("type", ""),
                "set_identifier": params.get("identifier", "")})
            while start < len(recs) and r53_sort_key(
                    dict(recs[start],
                         name=recs[start]["name"].replace("\\052", "*"))) < key:
                start += 1
        page = recs[start:start + n]
        more = start + n < len(recs)
        body = "<ResourceRecordSets>%s</ResourceRecordSets>" % "".join(
            self.rrset_xml(r) for r in page)
        body += x("IsTruncated", more)
        if more:
            nxt = recs[start + n]
            body += x("NextRecordName", r53_name(nxt["name"]))
            body += x("NextRecordType", nxt["type"])
            body += x("NextRecordIdentifier", nxt.get("set_identifier"))
        body += x("MaxItems", params.get("maxitems") or "300")
        return "<ListResourceRecordSetsResponse xmlns=\"%s\">%s" \
            "</ListResourceRecordSetsResponse>" % (R53_NS, body)

    def get_zone(self, zid):
        z = self.zone(zid)
        ns = ""
        if not z["private"]:
            ns = "<DelegationSet><NameServers>%s</NameServers>" \
                "</DelegationSet>" % "".join(
                    x("NameServer", s) for s in z.get("name_servers", []))
        return "<GetHostedZoneResponse xmlns=\"%s\">%s%s" \
            "</GetHostedZoneResponse>" % (R53_NS, self.zone_xml(z), ns)


# ---------------------------------------------------------------- JSON 1.1

class Domains:
    def __init__(self, st):
        self.st = st

    def domains(self):
        return self.st.fx.get("route53domains", {}).get("domains", [])

    def domain(self, name):
        for d in self.domains():
            if d["name"] == name:
                return d
        raise AwsError(400, "InvalidInput",
                       "Domain %s not found in account %s" %
                       (name, self.st.account))

    def ListDomains(self, q):
        doms = sorted(self.domains(), key=lambda d: d["name"])
        n = q.get("MaxItems", 20)
        if not isinstance(n, int) or n < 1 or n > 100:
            raise AwsError(400, "InvalidInput", "MaxItems must be 1 to 100")
        if self.st.args.page_size:
            n = min(n, self.st.args.page_size)
        start = read_marker("domains", q.get("Marker"))
        page = doms[start:start + n]
        out = {"Domains": [{"DomainName": d["name"],
                            "AutoRenew": d["auto_renew"],
                            "TransferLock": d["transfer_lock"],
                            "Expiry": epoch(d["expires"])} for d in page]}
        if start + n < len(doms):
            out["NextPageMarker"] = make_marker("domains", start + n)
        return out

    def GetDomainDetail(self, q):
        d = self.domain(q.get("DomainName", ""))
        contact = {"FirstName": "Domain", "LastName": "Admin",
                   "ContactType": "COMPANY", "OrganizationName": "Example Org",
                   "AddressLine1": "1 Example Way", "City": "Seattle",
                   "State": "WA", "CountryCode": "US", "ZipCode": "98101",
                   "PhoneNumber": "+1.2065550100",
                   "Email": "hostmaster@" + d["name"]}
        status = list(d.get("status_list", []))
        return {
            "DomainName": d["name"],
            "Nameservers": [{"Name": n, "GlueIps": []}
                            for n in d.get("nameservers", [])],
            "AutoRenew": d["auto_renew"],
            "AdminContact": contact, "RegistrantContact": contact,
            "TechContact": contact, "AdminPrivacy": True,
            "RegistrantPrivacy": True, "TechPrivacy": True,
            "RegistrarName": "Amazon Registrar, Inc.",
            "WhoIsServer": "whois.registrar.amazon",
            "RegistrarUrl": "https://registrar.amazon.com",
            "AbuseContactEmail": "abuse@amazonaws.com",
            "AbuseContactPhone": "+1.2024422253",
            "CreationDate": epoch(d["created"]),
            "UpdatedDate": epoch(d.get("updated", d["created"])),
            "ExpirationDate": epoch(d["expires"]),
            "DnsSec": d.get("dnssec", "DISABLED"),
            "StatusList": status,
        }

    def _lock(self, q, on):
        d = self.domain(q.get("DomainName", ""))
        with self.st.lock:
            d["transfer_lock"] = on
            sl = d.setdefault("status_list", [])
            if on and "clientTransferProhibited" not in sl:
                sl.insert(0, "clientTransferProhibited")
            if not on and "clientTransferProhibited" in sl:
                sl.remove("clientTransferProhibited")
            op = str(uuid.uuid4())
            self.st.operations[op] = {
                "DomainName": d["name"],
                "Type": "DOMAIN_LOCK" if on else "DISABLE_DOMAIN_TRANSFER_LOCK",
                "polls": 0}
        return {"OperationId": op}

    def EnableDomainTransferLock(self, q):
        return self._lock(q, True)

    def DisableDomainTransferLock(self, q):
        return self._lock(q, False)

    def GetOperationDetail(self, q):
        op = self.st.operations.get(q.get("OperationId", ""))
        if op is None:
            raise AwsError(400, "InvalidInput", "Unknown OperationId")
        with self.st.lock:
            op["polls"] += 1
            status = "IN_PROGRESS" if op["polls"] < 2 else "SUCCESSFUL"
        return {"OperationId": q["OperationId"], "Status": status,
                "DomainName": op["DomainName"], "Type": op["Type"],
                "SubmittedDate": time.time()}


class Ssm:
    def __init__(self, st):
        self.st = st

    def GetParameter(self, q):
        name = q.get("Name", "")
        if name.startswith("arn:"):
            name = "/" + name.split(":parameter/", 1)[-1]
        for p in self.st.fx.get("ssm", {}).get("parameters", []):
            if p["name"] == name:
                value = p["value"]
                if p["type"] == "SecureString" and not q.get("WithDecryption"):
                    value = base64.b64encode(
                        b"\x01\x02\x02\x00fake-kms-ciphertext:" +
                        value.encode()).decode()
                return {"Parameter": {
                    "Name": p["name"], "Type": p["type"], "Value": value,
                    "Version": p.get("version", 1),
                    "LastModifiedDate": epoch(p["last_modified"]),
                    "ARN": "arn:aws:ssm:%s:%s:parameter%s" % (
                        self.st.region, self.st.account, p["name"]),
                    "DataType": "text"}}
        raise AwsError(400, "ParameterNotFound", "")


# ---------------------------------------------------------------- server

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-aws/1"
    st = None   # set in main()

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        if self.path == "/_state":
            return self.debug_state()
        if self.path == "/_state?full=1":
            return self.debug_state(full=True)
        if self.path == "/_state?org=1":
            return self.debug_state(org=True)
        self.handle_one()

    def debug_state(self, full=False, org=False):
        """GET /_state (tests only, not logged, no auth): the mutable
        state the freeze changes: users' keys and attached policies,
        roles' and groups' attached policies, policies, domain locks.
        GET /_state?full=1: the complete fixture as it is now.
        GET /_state?org=1: account id -> the complete fixture, for the
        management account and every member."""
        st = self.st
        if org:
            with st.lock:
                out = {st.account: copy.deepcopy(st.fx)}
                for acct, m in st.members.items():
                    out[acct] = copy.deepcopy(m.fx)
            data = json.dumps(out, sort_keys=True).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        with st.lock:
            fx = st.fx
            out = copy.deepcopy(fx) if full else {
                "users": {u["name"]: {
                    "keys": {k["id"]: k["status"]
                             for k in u.get("access_keys", [])},
                    "attached": list(u.get("attached_policies", []))}
                    for u in fx.get("users", [])},
                "roles": {r["name"]: list(r.get("attached_policies", []))
                          for r in fx.get("roles", [])},
                "groups": {g["name"]: list(g.get("attached_policies", []))
                           for g in fx.get("groups", [])},
                "policies": sorted(p["arn"] for p in fx.get("policies", [])),
                "domains": {d["name"]: d["transfer_lock"] for d in
                            fx.get("route53domains", {}).get("domains", [])},
            }
        data = json.dumps(out, sort_keys=True).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.handle_one()

    def handle_one(self):
        st = self.st
        body = self.read_body()
        path, _, query = self.path.partition("?")
        entry = {"method": self.command, "path": path,
                 "query": query, "time": time.time()}
        proto, service, action = self.classify(path, query, body)
        entry.update({"protocol": proto, "service": service,
                      "action": action})
        # Requests in progress when this one arrived (itself included),
        # in all and of its action: tests check concurrency caps.
        with st.lock:
            st.inflight[None] = st.inflight.get(None, 0) + 1
            st.inflight[action] = st.inflight.get(action, 0) + 1
            entry["inflight"] = st.inflight[None]
            entry["inflight_action"] = st.inflight[action]
        self.left = False
        try:
            self.handle_rest(st, entry, proto, service, action, path,
                             query, body)
        finally:
            self.leave(st, action)

    def leave(self, st, action):
        # Before the answer is written: the client cannot have sent its
        # next request yet, so the count never exceeds its concurrency.
        if not self.left:
            self.left = True
            with st.lock:
                st.inflight[None] -= 1
                st.inflight[action] -= 1

    def handle_rest(self, st, entry, proto, service, action, path, query,
                    body):
        if st.args.latency_ms:
            time.sleep(st.args.latency_ms / 1000.0)
        try:
            self.authenticate(service, entry, body)
            self.scenario(service, action, entry)
            status, ctype, payload = self.dispatch(proto, service, action,
                                                   path, query, body)
            entry["status"] = status
        except AwsError as e:
            entry["status"] = e.status
            entry["error_code"] = e.code
            status, ctype, payload = self.error_body(proto, service, e)
            for k, v in e.headers.items():
                entry.setdefault("response_headers", {})[k] = v
        headers = {}
        if "response_headers" in entry:
            headers.update(entry["response_headers"])
        st.write_log(entry)
        data = payload.encode() if isinstance(payload, str) else payload
        self.leave(st, action)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", request_id())
        if proto == "json" and status >= 400 and "error_code" in entry:
            self.send_header("x-amzn-ErrorType", entry["error_code"] + ":")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def classify(self, path, query, body):
        """(protocol, service, action) from the request's shape."""
        target = self.headers.get("X-Amz-Target", "")
        if path.startswith(R53_PREFIX):
            rest = path[len(R53_PREFIX):].strip("/").split("/")
            op = {1: "ListHostedZones", 2: "GetHostedZone",
                  3: "ListResourceRecordSets"}.get(len(rest))
            return "rest-xml", "route53", op
        if self.command == "POST" and target:
            prefix, _, op = target.partition(".")
            if prefix == DOMAINS_TARGET:
                return "json", "route53domains", op
            if prefix == SSM_TARGET:
                return "json", "ssm", op
            if prefix == ORG_TARGET:
                return "json", "organizations", op
            return "json", "unknown", op
        params = dict(parse_qsl(body.decode("utf-8", "replace")
                                if self.command == "POST" else query,
                                keep_blank_values=True))
        self.query_params = params
        auth = parse_authorization(self.headers.get("Authorization"))
        service = auth["service"] if auth and auth["service"] in (
            "iam", "sts") else "iam"
        return "query", service, params.get("Action")

    def authenticate(self, service, entry, body):
        st = self.st
        entry["signature_valid"] = False
        entry["scope_valid"] = False
        raw = self.headers.get("Authorization")
        if not raw:
            code = "MissingAuthenticationTokenException" \
                if service in ("route53domains", "ssm") \
                else "MissingAuthenticationToken"
            raise AwsError(403, code, "Request is missing Authentication "
                           "Token")
        auth = parse_authorization(raw)
        if auth is None:
            raise AwsError(400, "IncompleteSignature",
                           "Authorization header requires 'Credential', "
                           "'Signature' and 'SignedHeaders' parameters")
        entry["region"] = auth["region"]
        entry["scope_service"] = auth["service"]
        entry["access_key_id"] = auth["access_key_id"]
        entry["signed_headers"] = auth["signed"]
        sig_error = "InvalidSignatureException" \
            if service in ("route53domains", "ssm") else "SignatureDoesNotMatch"
        sig_status = 400 if sig_error == "InvalidSignatureException" else 403
        want = {"iam": ["us-east-1"], "route53": ["us-east-1"],
                "organizations": ["us-east-1"],
                "route53domains": ["us-east-1"],
                "sts": sorted({st.region, "us-east-1"}),
                "ssm": [st.region]}.get(service, [])
        if auth["service"] != service:
            raise AwsError(sig_status, sig_error,
                           "Credential should be scoped to correct service: "
                           "'%s'." % service)
        if auth["region"] not in want:
            raise AwsError(sig_status, sig_error,
                           "Credential should be scoped to a valid region.")
        entry["scope_valid"] = True
        amz_date = self.headers.get("X-Amz-Date", "")
        if len(amz_date) != 16 or amz_date[:8] != auth["date"]:
            raise AwsError(sig_status, sig_error,
                           "Date in Credential scope does not match YYYYMMDD "
                           "from ISO-8601 version of date from HTTP")
        if "host" not in auth["signed"] or \
                "x-amz-date" not in auth["signed"]:
            raise AwsError(sig_status, sig_error,
                           "'Host' and 'X-Amz-Date' must be signed")
        for h in auth["signed"]:
            if self.headers.get(h) is None:
                raise AwsError(sig_status, sig_error,
                               "Signed header %s is not in the request" % h)
        with st.lock:
            key = st.keys.get(auth["access_key_id"])
        if key is None or (key.get("expires") and
                           key["expires"] < time.time()):
            code = "UnrecognizedClientException" \
                if service in ("route53domains", "ssm") \
                else "InvalidClientTokenId"
            raise AwsError(403 if code == "InvalidClientTokenId" else 400,
                           code, "The security token included in the "
                           "request is invalid.")
        token = self.headers.get("X-Amz-Security-Token")
        if key["token"] is not None and token != key["token"]:
            code = "UnrecognizedClientException" \
                if service in ("route53domains", "ssm") \
                else "InvalidClientTokenId"
            raise AwsError(403 if code == "InvalidClientTokenId" else 400,
                           code, "The security token included in the "
                           "request is invalid.")
        if token is not None and "x-amz-security-token" not in auth["signed"]:
            entry["token_signed"] = False
        try:
            t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            raise AwsError(sig_status, sig_error, "Invalid X-Amz-Date")
        expected = expected_signature(
            self.command, self.path, list(self.headers.items()), body, auth,
            key["secret"], key["token"], amz_date)
        if not hmac.compare_digest(expected, auth["signature"]):
            raise AwsError(sig_status, sig_error,
                           "The request signature we calculated does not "
                           "match the signature you provided. Check your AWS "
                           "Secret Access Key and signing method. Consult the "
                           "service documentation for details.")
        if abs(time.time() - t) > MAX_SKEW:
            raise AwsError(sig_status, sig_error,
                           "Signature expired: %s is now earlier than the "
                           "allowed skew." % amz_date)
        entry["signature_valid"] = True
        self.ident = key
        self.acct = key.get("state") or st
        entry["account"] = self.acct.account

    def scenario(self, service, action, entry):
        st = self.st
        sc = st.args.scenario
        family = {"iam": "iam", "sts": "iam", "route53": "route53"}.get(
            service, "json")
        n = st.count(family)
        fail = st.fail_actions.get(action) if action else None
        if fail is not None:
            skip, times = fail
            n = st.count("fail:" + action)
            if skip < n <= skip + times:
                entry["injected"] = "fail-action"
                raise AwsError(403, "AccessDenied", "User is not authorized "
                               "to perform: %s (injected by --fail-action)"
                               % action)
        if sc == "iam-unavailable" and service == "iam":
            entry["injected"] = "unavailable"
            raise AwsError(503, "ServiceUnavailable", "Service is unavailable",
                           sender=False)
        if sc != "throttle" or n % st.args.throttle_every != 0:
            return
        entry["throttled"] = True
        if family == "iam":
            raise AwsError(400, "Throttling", "Rate exceeded")
        if family == "route53":
            if (n // st.args.throttle_every) % 2 == 1:
                raise AwsError(400, "Throttling", "Rate exceeded")
            raise AwsError(503, "ServiceUnavailable", "Service unavailable",
                           sender=False, headers={"Retry-After": "1"})
        raise AwsError(400, "ThrottlingException", "Rate exceeded")

    def dispatch(self, proto, service, action, path, query, body):
        st = self.acct
        if proto == "query":
            params = self.query_params
            ns = IAM_NS if service == "iam" else STS_NS
            version = IAM_VERSION if service == "iam" else STS_VERSION
            impl = Iam(st, self.ident) if service == "iam" \
                else Sts(st, self.ident)
            if params.get("Version") != version or not action or \
                    not action[0].isupper() or \
                    not hasattr(impl, action):
                raise AwsError(400, "InvalidAction",
                               "Could not find operation %s for version %s" %
                               (action, params.get("Version")))
            result = getattr(impl, action)(params)
            if st.args.scenario == "malformed" and \
                    action == "GetAccountAuthorizationDetails":
                doc = query_response(ns, action, result)
                return 200, "text/xml", doc[:len(doc) * 2 // 3]
            return 200, "text/xml", query_response(ns, action, result)
        if proto == "rest-xml":
            params = dict((unquote(k), unquote(v)) for k, _, v in (
                p.partition("=") for p in query.split("&") if p))
            op, doc = Route53(st).route(self.command, path, params)
            return 200, "text/xml", '<?xml version="1.0"?>\n' + doc
        # JSON 1.1
        if service == "unknown" or path != "/":
            raise AwsError(400, "UnknownOperationException", "")
        try:
            q = json.loads(body or b"{}")
        except ValueError:
            raise AwsError(400, "SerializationException",
                           "Start of structure or map found where not "
                           "expected.")
        impl = Domains(st) if service == "route53domains" else \
            Organizations(self.st, st) if service == "organizations" \
            else Ssm(st)
        if not action or not action[0].isupper() or not hasattr(impl, action):
            raise AwsError(400, "UnknownOperationException", "")
        return 200, "application/x-amz-json-1.1", json.dumps(
            getattr(impl, action)(q))

    def error_body(self, proto, service, e):
        rid = request_id()
        if proto == "json":
            return e.status, "application/x-amz-json-1.1", json.dumps(
                {"__type": e.code, "message": e.message})
        ns = {"iam": IAM_NS, "sts": STS_NS, "route53": R53_NS}.get(
            service, IAM_NS)
        return e.status, "text/xml", (
            '<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error>'
            '<Type>%s</Type>%s%s</Error>%s</ErrorResponse>' % (
                ns, "Sender" if e.sender else "Receiver", x("Code", e.code),
                x("Message", e.message), x("RequestId", rid)))


def query_response(ns, action, result):
    res = "" if result is None else "<%sResult>%s</%sResult>" % (
        action, result, action)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<%sResponse xmlns="%s">'
            '%s<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>'
            '</%sResponse>' % (action, ns, res, request_id(), action))


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--log")
    ap.add_argument("--page-size", type=int, default=0)
    ap.add_argument("--scenario", default="normal",
                    choices=["normal", "throttle", "malformed", "report-slow",
                             "iam-unavailable", "keys-no-marker",
                             "repeat-marker"])
    ap.add_argument("--throttle-every", type=int, default=3)
    ap.add_argument("--report-delay", type=float, default=None,
                    help="seconds before a started report is ready "
                    "(default 0; 3 with --scenario report-slow)")
    ap.add_argument("--fail-action", action="append", default=[],
                    help="ACTION[+SKIP][:TIMES]: answer this action (e.g. "
                    "UpdateAccessKey) with 403 AccessDenied TIMES times "
                    "(default --fail-times) after its first SKIP calls "
                    "(default 0) succeeded; may be given more than once")
    ap.add_argument("--fail-times", type=int, default=1)
    ap.add_argument("--org-accounts", type=int, default=0,
                    help="serve an organisation of N member accounts")
    ap.add_argument("--org-users", type=int, default=3,
                    help="users in each member account")
    ap.add_argument("--org-role", default="VigilAudit")
    ap.add_argument("--org-external-id", default=None)
    ap.add_argument("--org-missing-role", type=int, action="append",
                    default=None, help="member index without the role "
                    "(default 7; 0: none)")
    ap.add_argument("--org-suspended", type=int, action="append",
                    default=[], help="member index that is SUSPENDED")
    ap.add_argument("--latency-ms", type=float, default=0,
                    help="delay every answer by this many milliseconds")
    args = ap.parse_args()
    if args.report_delay is None:
        args.report_delay = 3.0 if args.scenario == "report-slow" else 0.0
    if args.org_missing_role is None:
        args.org_missing_role = [7]
    if args.throttle_every < 1:
        ap.error("--throttle-every must be at least 1")
    with open(args.fixture, encoding="utf-8") as f:
        fixture = json.load(f)
    st = State(copy.deepcopy(fixture), args)
    Handler.st = st
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_atomic(args.pid_file, "%d\n" % os.getpid())
    write_atomic(args.port_file, "%d\n" % server.server_address[1])
    server.serve_forever()
    server.server_close()
    if st.log:
        st.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
