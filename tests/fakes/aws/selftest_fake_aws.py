#!/usr/bin/python3
"""selftest_fake_aws.py: checks fake_aws.py with botocore's own clients.

It starts the fake twice: once with the normal scenario and --page-size 2,
once with --scenario throttle. Each time it waits for the port file, makes
signed calls through botocore clients pointed at http://127.0.0.1:PORT,
then stops the fake by its PID. The output is TAP.
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_aws.py")
FIXTURE = os.path.join(HERE, "aws_fixture_test.json")

n = 0
failed = 0


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, name))
    if not cond:
        failed += 1
        if diag is not None:
            for line in str(diag).splitlines():
                print("#   " + line)
    sys.stdout.flush()
    return cond


class Fake:
    def __init__(self, tmp, name, *extra):
        self.port_file = os.path.join(tmp, name + ".port")
        self.pid_file = os.path.join(tmp, name + ".pid")
        self.log = os.path.join(tmp, name + ".jsonl")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", FAKE, "--port-file", self.port_file,
             "--pid-file", self.pid_file, "--fixture", FIXTURE,
             "--log", self.log] + list(extra))
        deadline = time.time() + 10
        while not os.path.exists(self.port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fake_aws.py did not start")
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.port = int(f.read())
        with open(self.pid_file) as f:
            self.pid = int(f.read())
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self):
        os.kill(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            self.proc.wait()

    def entries(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f]


def client(fake, service, key, secret, region="us-east-1", token=None,
           retries=0):
    s = botocore.session.get_session()
    return s.create_client(
        service, endpoint_url=fake.url, region_name=region,
        aws_access_key_id=key, aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": retries, "mode": "standard"}))


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"], \
            e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, None


def normal(tmp, fx):
    cred = fx["credentials"][0]
    key, secret = cred["access_key_id"], cred["secret_access_key"]
    fake = Fake(tmp, "normal", "--page-size", "2")
    try:
        iam = client(fake, "iam", key, secret)
        r = iam.generate_credential_report()
        ok(r["State"] == "STARTED", "first GenerateCredentialReport: STARTED",
           r)
        r = iam.generate_credential_report()
        ok(r["State"] == "COMPLETE", "second GenerateCredentialReport: "
           "COMPLETE", r)
        r = iam.get_credential_report()
        ok(r["ReportFormat"] == "text/csv", "credential report is text/csv")
        rows = list(csv.DictReader(io.StringIO(r["Content"].decode())))
        ok(len(rows) == 1 + len(fx["users"]), "report has root plus every "
           "user", len(rows))
        root = rows[0]
        ok(root["user"] == "<root_account>" and root["mfa_active"] == "false"
           and root["access_key_1_active"] == "true",
           "root row: no MFA, active key", root)
        carol = [x for x in rows if x["user"] == "carol"][0]
        ok(carol["access_key_2_active"] == "true" and
           carol["access_key_2_last_used_date"] == "N/A" and
           carol["password_enabled"] == "false",
           "carol: second key active and never used", carol)

        pages = list(iam.get_paginator(
            "get_account_authorization_details").paginate())
        users = [u for p in pages for u in p["UserDetailList"]]
        roles = [x for p in pages for x in p["RoleDetailList"]]
        pols = [x for p in pages for x in p["Policies"]]
        ok(len(pages) > 3, "GAAD paginated by --page-size 2 (%d pages)" %
           len(pages))
        ok(sorted(u["UserName"] for u in users) ==
           sorted(u["name"] for u in fx["users"]), "GAAD: every user")
        ci = [x for x in roles if x["RoleName"] == "legacy-ci"][0]
        doc = ci["RolePolicyList"][0]["PolicyDocument"]
        ok(doc["Statement"]["Action"] == "*", "GAAD: inline role policy "
           "decoded by botocore", doc)
        wa = [p for p in pols if p["PolicyName"] == "wildcard-admin"][0]
        dflt = [v for v in wa["PolicyVersionList"] if v["IsDefaultVersion"]]
        ok(len(dflt) == 1 and dflt[0]["VersionId"] == "v2" and
           dflt[0]["Document"]["Statement"][0]["Action"] == "*:*",
           "GAAD: default version of wildcard-admin", dflt)

        s = iam.get_account_summary()["SummaryMap"]
        ok(s["AccountMFAEnabled"] == 0 and s["AccountAccessKeysPresent"] == 1,
           "GetAccountSummary: root MFA off, root keys present", s)
        pp = iam.get_account_password_policy()["PasswordPolicy"]
        ok(pp["MinimumPasswordLength"] == 8, "GetAccountPasswordPolicy", pp)
        keys = [k for p in iam.get_paginator("list_access_keys").paginate(
            UserName="carol") for k in p["AccessKeyMetadata"]]
        ok([k["AccessKeyId"] for k in keys] ==
           ["AKIAFAKECAROL0000001", "AKIAFAKECAROL0000002"],
           "ListAccessKeys carol", keys)
        ok(error_code(lambda: iam.list_access_keys(UserName="nobody")) ==
           ("NoSuchEntity", 404), "ListAccessKeys of unknown user: "
           "NoSuchEntity")

        vpages = list(iam.get_paginator("list_virtual_mfa_devices").paginate(
            AssignmentStatus="Any"))
        vmfa = [d for p in vpages for d in p["VirtualMFADevices"]]
        ok(len(vpages) == 2 and [d["SerialNumber"] for d in vmfa] ==
           ["arn:aws:iam::123456789012:mfa/alice",
            "arn:aws:iam::123456789012:mfa/dave",
            "arn:aws:iam::123456789012:mfa/old-phone"] and
           vmfa[0]["User"]["UserName"] == "alice" and
           "User" not in vmfa[2] and "EnableDate" in vmfa[0],
           "ListVirtualMFADevices: botocore pages Marker/IsTruncated, "
           "users and the unassigned device", vmfa)
        ok([d["SerialNumber"] for d in iam.list_virtual_mfa_devices(
            AssignmentStatus="Unassigned")["VirtualMFADevices"]] ==
           ["arn:aws:iam::123456789012:mfa/old-phone"],
           "ListVirtualMFADevices AssignmentStatus=Unassigned")

        sts = client(fake, "sts", key, secret)
        ident = sts.get_caller_identity()
        ok(ident["Account"] == "123456789012" and
           ident["Arn"].endswith(":user/vigil-auditor"), "GetCallerIdentity",
           ident)
        ar = sts.assume_role(
            RoleArn="arn:aws:iam::123456789012:role/BreakGlass",
            RoleSessionName="vigil-test")["Credentials"]
        sts2 = client(fake, "sts", ar["AccessKeyId"], ar["SecretAccessKey"],
                      token=ar["SessionToken"])
        ident = sts2.get_caller_identity()
        ok(ident["Arn"] == "arn:aws:sts::123456789012:assumed-role/"
           "BreakGlass/vigil-test", "AssumeRole credentials accepted", ident)
        iam3 = client(fake, "iam", ar["AccessKeyId"], ar["SecretAccessKey"])
        ok(error_code(iam3.get_account_summary)[0] == "InvalidClientTokenId",
           "temporary key without its token refused")

        r53 = client(fake, "route53", key, secret)
        zones = [z for p in r53.get_paginator("list_hosted_zones").paginate()
                 for z in p["HostedZones"]]
        ok([z["Name"] for z in zones] == ["example.com.",
                                          "internal.example.com."],
           "ListHostedZones", zones)
        recs = [x for p in r53.get_paginator(
            "list_resource_record_sets").paginate(
                HostedZoneId=zones[0]["Id"]) for x in p["ResourceRecordSets"]]
        want = fx["route53"]["hosted_zones"][0]["records"]
        ok(len(recs) == len(want), "ListResourceRecordSets paginated: %d "
           "records" % len(recs))
        ok(len({(x["Name"], x["Type"], x.get("SetIdentifier"))
                for x in recs}) == len(want), "no record twice across pages")
        ok(error_code(lambda: r53.list_resource_record_sets(
            HostedZoneId="ZNOPE")) == ("NoSuchHostedZone", 404),
           "unknown zone: NoSuchHostedZone")

        dom = client(fake, "route53domains", key, secret)
        doms = [d for p in dom.get_paginator("list_domains").paginate()
                for d in p["Domains"]]
        ok({d["DomainName"]: d["TransferLock"] for d in doms} ==
           {"example.com": False, "example.org": True}, "ListDomains", doms)
        det = dom.get_domain_detail(DomainName="example.org")
        ok("clientTransferProhibited" in det["StatusList"] and
           det["ExpirationDate"].year == 2026, "GetDomainDetail", det)

        ssm = client(fake, "ssm", key, secret)
        p = ssm.get_parameter(Name="/launch/wallet", WithDecryption=True)
        ok(p["Parameter"]["Value"].startswith("terra1"),
           "SSM GetParameter decrypted")
        ok(error_code(lambda: ssm.get_parameter(Name="/nope")) ==
           ("ParameterNotFound", 400), "SSM ParameterNotFound")

        bad = client(fake, "iam", key, secret[:-1] + "X")
        ok(error_code(bad.get_account_summary) ==
           ("SignatureDoesNotMatch", 403), "wrong secret: "
           "SignatureDoesNotMatch 403")
        badj = client(fake, "ssm", key, secret[:-1] + "X")
        ok(error_code(lambda: badj.get_parameter(Name="/launch/wallet"))[0] ==
           "InvalidSignatureException", "wrong secret on JSON 1.1: "
           "InvalidSignatureException")
        wrong = client(fake, "iam", key, secret, region="eu-west-1")
        ok(error_code(wrong.get_account_summary)[0] ==
           "SignatureDoesNotMatch", "IAM signed for eu-west-1 refused")
        unknown = client(fake, "iam", "AKIDUNKNOWN000000000", secret)
        ok(error_code(unknown.get_account_summary)[0] ==
           "InvalidClientTokenId", "unknown key: InvalidClientTokenId")
    finally:
        fake.stop()
    ents = fake.entries()
    refused = [e for e in ents if not e["signature_valid"]]
    ok(len(refused) == 5, "exactly the 5 bad requests failed the signature "
       "check", [(e.get("action"), e.get("error_code")) for e in refused])
    ok(all(e["signature_valid"] for e in ents
           if e.get("error_code") not in ("SignatureDoesNotMatch",
                                          "InvalidSignatureException",
                                          "InvalidClientTokenId")),
       "every other request was correctly signed")
    text = open(fake.log).read()
    ok(all(c["secret_access_key"] not in text for c in fx["credentials"]),
       "no secret key in the request log")


def throttle(tmp, fx):
    cred = fx["credentials"][0]
    fake = Fake(tmp, "throttle", "--scenario", "throttle",
                "--throttle-every", "2")
    try:
        iam = client(fake, "iam", cred["access_key_id"],
                     cred["secret_access_key"])
        iam.get_account_summary()
        ok(error_code(iam.get_account_summary) == ("Throttling", 400),
           "throttle: second IAM call answers Throttling 400")
        r53 = client(fake, "route53", cred["access_key_id"],
                     cred["secret_access_key"])
        r53.list_hosted_zones()
        ok(error_code(r53.list_hosted_zones) == ("Throttling", 400),
           "throttle: Route 53 Throttling 400")
        r53.list_hosted_zones()
        try:
            r53.list_hosted_zones()
            got = None
        except ClientError as e:
            got = (e.response["ResponseMetadata"]["HTTPStatusCode"],
                   e.response["ResponseMetadata"]["HTTPHeaders"].get(
                       "retry-after"))
        ok(got == (503, "1"), "throttle: Route 53 503 with Retry-After", got)
        retrying = client(fake, "iam", cred["access_key_id"],
                          cred["secret_access_key"], retries=3)
        ok(retrying.get_account_summary()["SummaryMap"]["Users"] ==
           len(fx["users"]), "throttle: a retrying client gets through")
    finally:
        fake.stop()


def malformed(tmp, fx):
    cred = fx["credentials"][0]
    fake = Fake(tmp, "malformed", "--scenario", "malformed")
    try:
        iam = client(fake, "iam", cred["access_key_id"],
                     cred["secret_access_key"])
        try:
            iam.get_account_authorization_details()
            got = "no error"
        except Exception as e:
            got = type(e).__name__
        ok(got != "no error", "malformed: GAAD reply does not parse (%s)" %
           got)
    finally:
        fake.stop()


def main():
    with open(FIXTURE) as f:
        fx = json.load(f)
    with tempfile.TemporaryDirectory(prefix="fake-aws-") as tmp:
        for fn in (normal, throttle, malformed):
            try:
                fn(tmp, fx)
            except Exception as e:
                ok(False, "%s: unexpected %s" % (fn.__name__, type(e).__name__),
                   e)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
