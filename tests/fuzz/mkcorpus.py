#!/usr/bin/env python3
"""mkcorpus.py: (re)writes the seed inputs of tests/fuzz/corpus/ from the
project's own fixtures: policies, rules, the demo recording, the fakes'
fixtures and the recordings kept in tests/fuzz/base/.  Seeds are named
seed-*; inputs kept because they once crashed a parser are named crash-*
and are never touched here.  Run from the source tree: tests/fuzz/mkcorpus.py
"""
import base64
import glob
import hashlib
import json
import os
import re
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests/fuzz/corpus")

# The collector targets: name -> (policy, recording, source, field);
# keep in step with tests/fuzz/targets.
COLLECT = {
    "collect-aws": ("policies/demo.json", "policies/demo-recording", "aws-prod", "body"),
    "collect-rdap": ("policies/demo.json", "policies/demo-recording", "registrar", "body"),
    "collect-gws": ("tests/fuzz/base/gws/policy.json", "tests/fuzz/base/gws/rec", "workspace", "body"),
    "collect-atlassian": ("tests/fuzz/base/atlassian/policy.json", "tests/fuzz/base/atlassian/rec", "atl", "body"),
    "collect-discord": ("tests/fuzz/base/discord/policy.json", "tests/fuzz/base/discord/rec", "community", "body"),
    "collect-dns": ("tests/fuzz/base/dns/policy.json", "tests/fuzz/base/dns/rec", "dns", "answer_base64"),
    "collect-ldap": ("tests/fuzz/base/ldap/policy.json", "tests/fuzz/base/ldap/rec", "dir", "entries"),
}


def rel(p):
    return os.path.join(ROOT, p)


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:60]
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def clear_seeds():
    for f in glob.glob(os.path.join(CORPUS, "*", "seed-*")):
        os.remove(f)


def exchanges(recording, source):
    files = sorted(f for f in glob.glob(rel(f"{recording}/{source}/*.json"))
                   if not f.endswith("meta.json"))
    return [(os.path.basename(f), json.load(open(f))) for f in files]


def body_of(o):
    if isinstance(o.get("body"), str):
        return o["body"].encode()
    if isinstance(o.get("body_base64"), str):
        return base64.b64decode(o["body_base64"])
    return b""


def collect_seeds():
    for target, (policy, recording, source, field) in COLLECT.items():
        if not os.path.exists(rel(policy)):
            continue
        for i, (name, o) in enumerate(exchanges(recording, source)):
            if field == "body":
                data = body_of(o)
            elif field == "answer_base64":
                data = base64.b64decode(o.get("answer_base64") or "")
            else:
                data = json.dumps(o.get(field)).encode()
            put(target, f"{i:03d}-{name}", bytes([i]) + data)


def policy_seeds():
    files = ["policies/demo.json", "data/examples/vigil.json"]
    files += sorted(os.path.relpath(f, ROOT) for f in glob.glob(rel("tests/cases/*/*.json")) +
                    glob.glob(rel("tests/cases/*/policy.json.in")) +
                    glob.glob(rel("tests/fuzz/base/*/policy.json")))
    for f in files:
        if "fixture" in f:
            continue
        put("policy", f, open(rel(f), "rb").read())


def rule_seeds():
    files = sorted(glob.glob(rel("rules/**/*.sql"), recursive=True))
    for f in files[::6] + sorted(glob.glob(rel("tests/rules/**/*.sql"), recursive=True))[:8]:
        put("rule", os.path.relpath(f, ROOT), open(f, "rb").read())


def aws_seeds():
    for name, o in exchanges("policies/demo-recording", "aws-prod"):
        b = body_of(o)
        m = re.search(rb"<Content>([^<]*)</Content>", b)
        if m:
            put("aws-reply", "credential-report.csv", base64.b64decode(m.group(1)))
    put("aws-reply", "error-query.xml",
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
        "<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>")
    put("aws-reply", "error-rest.xml", "<Error><Code>NoSuchHostedZone</Code><Message>No zone</Message></Error>")
    put("aws-reply", "error-json11.json",
        '{"__type":"com.amazon.coral.service#AccessDeniedException:http://internal","message":"denied"}')
    put("aws-reply", "ssm.json", '{"Parameter":{"Name":"/p","Type":"SecureString","Value":"v","Version":1}}')
    put("aws-reply", "time", "2026-11-20T02:00:00+00:00")


def iam_seeds():
    docs = []
    for f in sorted(glob.glob(rel("tests/fakes/aws/aws_fixture_*.json")) + [rel("tests/cases/aws/demo_fixture.json")]):
        d = json.load(open(f))

        def walk(v):
            if isinstance(v, dict):
                if "Statement" in v:
                    docs.append(v)
                    return
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(d)
    seen = set()
    for doc in docs:
        s = json.dumps(doc, sort_keys=True)
        h = hashlib.sha1(s.encode()).hexdigest()[:10]
        if h in seen:
            continue
        seen.add(h)
        put("iam-policy", "doc-" + h, s)
    if docs:
        put("iam-policy", "urlencoded", urllib.parse.quote(json.dumps(docs[0])))
    put("iam-policy", "match", "iam:Put*Pol?cy\niam:PutUserPolicy")


def record_seeds():
    for f in sorted(glob.glob(rel("policies/demo-recording/*/0*.json")))[::3]:
        put("record", os.path.relpath(f, ROOT), open(f, "rb").read())


if __name__ == "__main__":
    clear_seeds()
    collect_seeds()
    policy_seeds()
    rule_seeds()
    aws_seeds()
    iam_seeds()
    record_seeds()
