#!/bin/sh
# notify.sh: notifications (SPEC sections 3 and 9) against a real SMTP
# server (tests/fakes/smtp_sink.py, aiosmtpd) and fake Slack/Discord
# webhooks (tests/fakes/fake_webhook.py), with runs made from the RDAP
# fake: audit --notify, the email's structure, subject and attachment,
# "when" (findings, changes), 429 handling (Retry-After, Discord's
# retry_after), webhook URLs never shown, a failing webhook (exit 4) and
# notify --dry-run.

. "$(dirname "$0")/lib.sh"

FIX=$TEST_SRCDIR/tests/fakes/rdap/fixtures
SLACK_TOKEN=SlackT0kenSECRETxyz42
DISCORD_TOKEN=DiscordT0kenSECRETabc77
FAIL_TOKEN=FailT0kenSECRETqq11

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

start_fake fake_rdap --fixtures "$FIX" || not_ok "fake_rdap starts"
RDAP_PORT=$FAKE_PORT
start_fake smtp_sink --out "$T/mail" || not_ok "smtp_sink starts"
SMTP_PORT=$FAKE_PORT
start_fake fake_webhook --log "$T/hooks.jsonl" || not_ok "fake_webhook starts"
HOOK_PORT=$FAKE_PORT
HOOK=http://127.0.0.1:$HOOK_PORT

# mkpolicy DIR DOMAINS EMAIL_WHEN TO WEBHOOKS_JSON: DIR/policy.json.
mkpolicy() {
	mkdir -p "$1"
	"$PYTHON" - "$1/policy.json" "$RDAP_PORT" "$2" "$3" "$4" \
	    "$SMTP_PORT" "$5" <<'EOF'
import json, sys
path, port, domains, when, to, smtp, hooks = sys.argv[1:]
ns = ["ns1.examplelabs-dns.net", "ns2.examplelabs-dns.net"]
d = {
    "organization": "Example Labs",
    "state": {"db": "vigil.db"},
    "sources": [{"name": "registrar", "type": "rdap",
                 "domains": domains.split(","),
                 "endpoint": "http://127.0.0.1:%s/" % port, "timeout_s": 5}],
    "rules": {"enable": ["registrar.*"]},
    "parameters": {"domain_expiry_days": 30},
    "expect": {"nameservers": {n: ns for n in domains.split(",")}},
    "notify": {"email": {"smtp_url": "smtp://127.0.0.1:%s" % smtp,
                         "from": "vigil@example.org",
                         "to": to.split(","), "when": when},
               "webhooks": json.loads(hooks)},
}
with open(path, "w") as f:
    json.dump(d, f, indent=2)
EOF
}

# mails_to ADDR: how many messages the sink accepted for ADDR.
mails_to() {
	"$PYTHON" - "$T/mail" "$1" <<'EOF'
import glob, json, sys
n = 0
for p in glob.glob(sys.argv[1] + "/*.json"):
    with open(p) as f:
        if sys.argv[2] in json.load(f)["rcpt_tos"]:
            n += 1
print(n)
EOF
}

# hook_posts PATHPART: how many POSTs the webhook fake logged for it.
hook_posts() {
	grep -c -F "$1" "$T/hooks.jsonl" 2>/dev/null || true
}

# ---- audit --notify: email and both webhooks, with 429s first ----------

HOOKS_A='[{"type": "slack", "url_env": "VG_SLACK_URL"},
 {"type": "discord", "url_file": "discord.url"}]'
mkpolicy "$T/a" examplelabs.com,examplelabs-launch.io,examplelabs.xyz \
    findings sec@example.org,ops@example.org "$HOOKS_A"
cd "$T/a" || exit 99
printf '%s\n' "$HOOK/discord429/1234/$DISCORD_TOKEN" >discord.url
chmod 600 discord.url
VG_SLACK_URL=$HOOK/slack429/T01/$SLACK_TOKEN
export VG_SLACK_URL

vg a-validate -p policy.json validate
expect_rc 0 "validate accepts notify.email and notify.webhooks"
vg a-audit -p policy.json -vv audit --notify --json report.json \
    --report report.html
expect_rc 1 "audit --notify with high findings exits 1 when sent"

# The email: envelope, headers, structure, attachment.
expect_eq "$(mails_to sec@example.org) $(mails_to ops@example.org)" "1 1" \
    "one email reached each recipient"
"$PYTHON" - "$T/mail" "$T/a/report.json" >"$T/email-check.out" \
    2>&1 <<'EOF'
import email, email.policy, glob, json, re, sys
with open(sys.argv[2]) as f:
    doc = json.load(f)
s = doc["summary"]
want = "[vigil] Example Labs: %d critical, %d high, %d new (run %d)" % (
    s["critical"], s["high"], s["new"], doc["run"]["id"])
paths = [p for p in glob.glob(sys.argv[1] + "/*.json")
         if "sec@example.org" in json.load(open(p))["rcpt_tos"]]
env = json.load(open(paths[0]))
msg = email.message_from_bytes(open(paths[0][:-5] + ".eml", "rb").read(),
                               policy=email.policy.default)
def check(cond, what):
    print(("ok " if cond else "FAIL ") + what)
check(msg["Subject"] == want, "subject is %r (got %r)" % (want, msg["Subject"]))
check(env["mail_from"] == "vigil@example.org", "envelope from")
check(sorted(env["rcpt_tos"]) == ["ops@example.org", "sec@example.org"],
      "envelope recipients")
check("sec@example.org" in msg["To"] and "ops@example.org" in msg["To"],
      "To header lists both")
check(msg["From"] == "vigil@example.org", "From header")
check(msg["Date"] is not None and msg["Message-ID"] is not None,
      "Date and Message-ID headers")
check(msg.get_content_type() == "multipart/mixed", "top is multipart/mixed")
alt = [p for p in msg.walk() if p.get_content_type() == "multipart/alternative"]
check(len(alt) == 1, "one multipart/alternative part")
kinds = [p.get_content_type() for p in alt[0].iter_parts()] if alt else []
check(kinds == ["text/plain", "text/html"], "alternative: text then html")
if kinds == ["text/plain", "text/html"]:
    text = list(alt[0].iter_parts())[0].get_content()
    html = list(alt[0].iter_parts())[1].get_content()
    check("Top findings:" in text and "registrar.nameservers_mismatch" in text,
          "text part lists the top findings")
    check("<h2>Top findings</h2>" in html, "html part has the summary")
    # Each finding says what is wrong (its detail), not its title, which
    # states the desired state and would read as the opposite.
    fails = [f for f in doc["findings"] if f["status"] == "fail"][:15]
    check(fails and all(f["detail"] in text for f in fails),
          "text part shows each top finding's detail")
    check(fails and not any(f["title"] in text for f in fails),
          "text part shows no finding's desired-state title")
att = [p for p in msg.walk() if p.get_filename()]
check(len(att) == 1 and att[0].get_filename() == "vigil-report-run-%d.html"
      % doc["run"]["id"], "the HTML report is attached")
if att:
    body = att[0].get_content()
    check(att[0].get_content_type() == "text/html" and
          "examplelabs-launch.io" in body and "<html" in body.lower(),
          "the attachment is the full HTML report")
EOF
if grep -q '^FAIL' "$T/email-check.out" || ! grep -q '^ok' \
    "$T/email-check.out"; then
	not_ok "email: subject, headers, multipart/alternative, attachment"
	show "$T/email-check.out" 40
else
	ok "email: subject, headers, multipart/alternative, attachment"
fi

# Slack: 429 with Retry-After 1, then sent, not early.
expect_eq "$(hook_posts "/slack429/")" 2 "slack: one 429, one retry"
"$PYTHON" - "$T/hooks.jsonl" "$T/a/report.json" >"$T/hooks-check.out" 2>&1 <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def check(cond, what):
    print(("ok " if cond else "FAIL ") + what)
sl = [r for r in rows if r["path"].startswith("/slack429/")]
dc = [r for r in rows if r["path"].startswith("/discord429/")]
check(len(sl) == 2 and [r["status"] for r in sl] == [429, 200],
      "slack: 429 then 200")
check(not any(r["early"] for r in rows), "no retry came before the wait")
check(len(sl) == 2 and sl[1]["t"] - sl[0]["t"] >= 0.95,
      "slack: waited Retry-After (1 s)")
b = sl[-1]["body"] if sl else {}
check(isinstance(b.get("text"), str) and b["text"].startswith("[vigil] "),
      "slack: text fallback is the subject")
blocks = b.get("blocks", [])
check(0 < len(blocks) <= 50 and all(x["type"] in ("section", "context")
      for x in blocks), "slack: blocks (at most 50)")
check(any("registrar.nameservers_mismatch" in x.get("text", {}).get("text", "")
      for x in blocks), "slack: top findings in the blocks")
check(len(dc) == 2 and [r["status"] for r in dc] == [429, 200],
      "discord: 429 then 200")
check(len(dc) == 2 and dc[1]["t"] - dc[0]["t"] >= 0.45,
      "discord: waited the body's retry_after (0.5 s)")
check(all(r["query"] == "wait=true" for r in dc), "discord: ?wait=true")
d = dc[-1]["body"] if dc else {}
check(isinstance(d.get("content"), str) and 0 < len(d["content"]) <= 2000,
      "discord: content within 2000 characters")
check(d.get("allowed_mentions") == {"parse": []}, "discord: no mentions")
e = d.get("embeds", [])
check(0 < len(e) <= 10 and all(len(x.get("description", "")) <= 4096 and
      len(x.get("title", "")) <= 256 for x in e), "discord: embeds in limits")
check(any("registrar" in x.get("description", "") for x in e),
      "discord: top findings in the embed")
doc = json.load(open(sys.argv[2]))
fails = [f for f in doc["findings"] if f["status"] == "fail"][:15]
stext = "\n".join(x.get("text", {}).get("text", "") for x in blocks)
check(fails and all(f["detail"].replace("&", "&amp;").replace("<", "&lt;")
      .replace(">", "&gt;") in stext for f in fails) and
      not any(f["title"] in stext for f in fails),
      "slack: findings show their detail, not their title")
dtext = "".join(x.get("description", "") for x in e).replace("\\", "")
check(fails and all(f["detail"] in dtext for f in fails[:5]) and
      not any(f["title"] in dtext for f in fails),
      "discord: findings show their detail, not their title")
check(all(r["content_type"] == "application/json" for r in rows),
      "webhooks: application/json")
EOF
if grep -q '^FAIL' "$T/hooks-check.out" || ! grep -q '^ok' \
    "$T/hooks-check.out"; then
	not_ok "webhooks: payload shapes and 429 handling"
	show "$T/hooks-check.out" 40
else
	ok "webhooks: payload shapes and 429 handling"
fi

# Secrets: never in output, logs (-vv), the store or the reports.
leak=
for f in "$T/a-audit.out" "$T/a-audit.err" vigil.db report.json \
    report.html; do
	for s in "$SLACK_TOKEN" "$DISCORD_TOKEN"; do
		grep -a -q -F "$s" "$f" 2>/dev/null && leak="$leak $f:$s"
	done
done
expect_eq "$leak" "" "webhook URLs appear in no output, log, store or report"
expect_contains "$T/a-audit.err" "webhook 2 (discord): sent" \
    "the log names the webhook by number and type"
expect_contains "$T/a-audit.out" "sent email to sec@example.org, ops@example.org: [vigil] Example Labs: " \
    "audit --notify prints the email it sent: recipients and subject"
expect_contains "$T/a-audit.out" "sent webhook 1 (slack): [vigil] Example Labs: " \
    "audit --notify prints the slack webhook it sent, by number and type"
expect_contains "$T/a-audit.out" "sent webhook 2 (discord): [vigil] Example Labs: " \
    "audit --notify prints the discord webhook it sent"

# ---- notify --dry-run: the plan, nothing sent ---------------------------

nmail=$(ls "$T/mail" | wc -l)
nhook=$(wc -l <"$T/hooks.jsonl")
vg a-dry -p policy.json notify --dry-run
expect_rc 0 "notify --dry-run exits 0"
expect_contains "$T/a-dry.out" "to: sec@example.org, ops@example.org" \
    "dry run lists the recipients"
expect_contains "$T/a-dry.out" "subject: [vigil] Example Labs:" \
    "dry run shows the subject"
expect_contains "$T/a-dry.out" "webhook 1 (slack): would send" \
    "dry run lists the slack webhook"
expect_contains "$T/a-dry.out" "webhook 2 (discord): would send" \
    "dry run lists the discord webhook"
expect_contains "$T/a-dry.out" "Top findings:" "dry run shows the text body"
expect_eq "$(ls "$T/mail" | wc -l) $(wc -l <"$T/hooks.jsonl")" \
    "$nmail $nhook" "dry run sends nothing"
leak=
for s in "$SLACK_TOKEN" "$DISCORD_TOKEN" "$HOOK_PORT/"; do
	grep -q -F "$s" "$T/a-dry.out" "$T/a-dry.err" && leak="$leak $s"
done
expect_eq "$leak" "" "dry run reveals no webhook URL"

# ---- when: findings -- nothing on a clean run ---------------------------

mkpolicy "$T/clean" examplelabs.com findings clean@example.org \
    "[{\"type\": \"slack\", \"url_env\": \"VG_CLEAN_URL\"}]"
cd "$T/clean" || exit 99
VG_CLEAN_URL=$HOOK/slack/CLEAN/$SLACK_TOKEN
export VG_CLEAN_URL
vg clean-audit -p policy.json audit --notify
expect_rc 0 "clean audit --notify exits 0"
expect_eq "$(mails_to clean@example.org) $(hook_posts /slack/CLEAN/)" "0 0" \
    "when findings: a clean run sends no email and no webhook"

# ---- when: changes -- the first run (all new), not an unchanged one -----

mkpolicy "$T/chg" examplelabs.com,examplelabs-launch.io changes \
    changes@example.org '[]'
cd "$T/chg" || exit 99
vg chg-1 -p policy.json audit --notify
expect_rc 1 "changes: first audit exits 1"
expect_eq "$(mails_to changes@example.org)" 1 \
    "when changes: the first run (all new) is sent"
vg chg-2 -p policy.json audit --notify
expect_rc 1 "changes: second audit exits 1"
expect_eq "$(mails_to changes@example.org)" 1 \
    "when changes: an unchanged second run is not sent"
# Changes since the previous run, not since the baseline: drift that
# persists from one run to the next is not a change.  (Domains whose
# RDAP answers do not move with the clock.)
mkpolicy "$T/chgb" examplelabs.com,examplelabs.xyz changes \
    chgb@example.org '[]'
cd "$T/chgb" || exit 99
vg chgb-1 -p policy.json audit --notify
vg chgb-base -p policy.json baseline accept --run 1 --note "launch"
expect_rc 0 "changes: baseline accepted"
n1=$(mails_to chgb@example.org)
mkpolicy "$T/chgb" examplelabs.com changes chgb@example.org '[]'
vg chgb-2 -p policy.json audit --notify
expect_eq "$(mails_to chgb@example.org)" $((n1 + 1)) \
    "when changes: drift and resolved findings since the previous run are sent"
vg chgb-3 -p policy.json audit --notify
expect_eq "$(mails_to chgb@example.org)" $((n1 + 1)) \
    "when changes: drift from the baseline unchanged since the previous run is not sent"
vg chgb-3n -p policy.json -v notify
expect_contains "$T/chgb-3n.err" "email: not due" \
    "when changes: notify of the unchanged run says the email is not due"
mkpolicy "$T/chgb" examplelabs.com,examplelabs.xyz changes \
    chgb@example.org '[]'
vg chgb-4 -p policy.json audit --notify
expect_eq "$(mails_to chgb@example.org)" $((n1 + 2)) \
    "when changes: findings back since the previous run are sent"

# ---- a failed source: one line with the rules it blinded ---------------

DEADPORT=$("$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
mkpolicy "$T/dead" examplelabs.com findings dead@example.org \
    "[{\"type\": \"slack\", \"url_env\": \"VG_DEAD_URL\"}, {\"type\": \"discord\", \"url_env\": \"VG_DEAD_DURL\"}]"
cd "$T/dead" || exit 99
"$PYTHON" - policy.json "$DEADPORT" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
d["sources"][0]["endpoint"] = "http://127.0.0.1:%s/" % sys.argv[2]
d["sources"][0]["timeout_s"] = 1
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF2
VG_DEAD_URL=$HOOK/slack/DEAD/$SLACK_TOKEN
VG_DEAD_DURL=$HOOK/discord/DEADD/$DISCORD_TOKEN
export VG_DEAD_URL VG_DEAD_DURL
vg dead-audit -p policy.json audit --notify --json report.json
expect_rc 3 "a failed source: audit --notify exits 3"
"$PYTHON" - "$T/mail" "$T/hooks.jsonl" report.json >"$T/dead-check.out" 2>&1 <<'EOF2'
import email, email.policy, glob, json, re, sys
def check(cond, what):
    print(("ok " if cond else "FAIL ") + what)
doc = json.load(open(sys.argv[3]))
n = len({f["rule"] for f in doc["findings"] if f["status"] == "error"})
want = "(%d rules not checked)" % n
paths = [p for p in glob.glob(sys.argv[1] + "/*.json")
         if "dead@example.org" in json.load(open(p))["rcpt_tos"]]
check(len(paths) == 1, "one email for the failed source")
msg = email.message_from_bytes(open(paths[0][:-5] + ".eml", "rb").read(),
                               policy=email.policy.default)
text = msg.get_body(("plain",)).get_content()
html = msg.get_body(("html",)).get_content()
check(n > 1, "the run has %d error rules" % n)
check(text.count("registrar: ") == 1 and want in text,
      "email text: one line for the source with %s" % want)
check(want in html, "email html: the line says how many rules it blinded")
errs = [f for f in doc["findings"] if f["status"] == "error"]
check(not any(f["rule"] in text for f in errs),
      "email text: no error finding listed per rule")
rows = [json.loads(l) for l in open(sys.argv[2])]
sl = [r["body"] for r in rows if "/slack/DEAD/" in r["path"]]
dc = [r["body"] for r in rows if "/discord/DEADD/" in r["path"]]
stext = json.dumps(sl)
check(len(sl) == 1 and want in stext and
      not any(f["rule"] in stext for f in errs),
      "slack: one line for the failed source, no error findings")
dtext = json.dumps(dc)
check(len(dc) == 1 and want in dtext and
      not any(f["rule"].replace("_", "\\\\_") in dtext or f["rule"] in dtext
              for f in errs),
      "discord: one line for the failed source, no error findings")
EOF2
if grep -q '^FAIL' "$T/dead-check.out" || ! grep -q '^ok' "$T/dead-check.out"
then
	not_ok "a failed source is one line in the email and the webhooks"
	show "$T/dead-check.out" 20
else
	ok "a failed source is one line in the email and the webhooks"
fi

# ---- a failing webhook: exit 4, a clear error, no URL ------------------

mkpolicy "$T/fail" examplelabs.com,examplelabs-launch.io always \
    fail@example.org "[{\"type\": \"slack\", \"url_env\": \"VG_FAIL_URL\"}]"
cd "$T/fail" || exit 99
VG_FAIL_URL=$HOOK/fail/T9/$FAIL_TOKEN
export VG_FAIL_URL
vg fail-audit -p policy.json audit --notify
expect_rc 4 "audit --notify: a failed send exits 4 (over 1)"
expect_contains "$T/fail-audit.err" "webhook 1 (slack): HTTP 500 after 5 attempts" \
    "the failed webhook is named with its status"
expect_eq "$(mails_to fail@example.org)" 1 \
    "the email is still sent when a webhook fails"
vg fail-notify -p policy.json notify
expect_rc 4 "notify: a failed send exits 4"
leak=
for f in "$T/fail-audit.out" "$T/fail-audit.err" "$T/fail-notify.err"; do
	grep -q -F "$FAIL_TOKEN" "$f" && leak="$leak $f"
done
expect_eq "$leak" "" "the failing webhook's URL is not shown"

# ---- each webhook has its own deadline (issue 6, item 9) ---------------
# Webhook 1 is rate limited for ever (429, Retry-After: 1) and webhook 2
# is slow and failing; each may use its whole deadline (3 s here).
# Webhook 3 must still be delivered, and no webhook may wait past its own
# deadline.

mkpolicy "$T/dl" examplelabs.com,examplelabs-launch.io findings \
    dl@example.org '[{"type": "slack", "url_env": "VG_DL1", "deadline_s": 3},
 {"type": "slack", "url_env": "VG_DL2", "deadline_s": 3},
 {"type": "discord", "url_env": "VG_DL3", "deadline_s": 3}]'
cd "$T/dl" || exit 99
VG_DL1=$HOOK/limited/DL1/$SLACK_TOKEN
VG_DL2=$HOOK/slow/DL2/$SLACK_TOKEN
VG_DL3=$HOOK/discord/DL3/$DISCORD_TOKEN
export VG_DL1 VG_DL2 VG_DL3
vg dl-validate -p policy.json validate
expect_rc 0 "deadline: validate accepts webhooks[].deadline_s"
vg dl-audit -p policy.json -v audit --notify
expect_rc 4 "deadline: a webhook that never gets through exits 4"
expect_contains "$T/dl-audit.err" "webhook 1 (slack): deadline of 3 s reached" \
    "deadline: webhook 1 gives up at its own deadline"
expect_contains "$T/dl-audit.err" "webhook 3 (discord): sent" \
    "deadline: webhook 3 is sent after slow ones"
"$PYTHON" - "$T/hooks.jsonl" >"$T/dl-check.out" 2>&1 <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def check(cond, what):
    print(("ok " if cond else "FAIL ") + what)
def of(p):
    return [r for r in rows if p in r["path"]]
d1, d2, d3 = of("/limited/DL1/"), of("/slow/DL2/"), of("/discord/DL3/")
check(len(d1) >= 2, "webhook 1 was retried (%d posts)" % len(d1))
check(len(d2) >= 1, "webhook 2 was tried (%d posts)" % len(d2))
check(len(d3) == 1 and d3[0]["status"] == 200, "webhook 3 delivered once")
# Each webhook stops within its own 3 s (plus 1 s of slack): the
# next one starts no later, never after a wait past the deadline.
if d1 and d2:
    check(d2[0]["t"] - d1[0]["t"] < 4.0,
          "webhook 1 stopped within its 3 s deadline (%.2f s)" %
          (d2[0]["t"] - d1[0]["t"]))
if d2 and d3:
    check(d3[0]["t"] - d2[0]["t"] < 4.0,
          "webhook 2 stopped within its 3 s deadline (%.2f s)" %
          (d3[0]["t"] - d2[0]["t"]))
EOF
if grep -q '^FAIL' "$T/dl-check.out" || ! grep -q '^ok' "$T/dl-check.out"
then
	not_ok "deadline: each webhook is bounded by its own deadline"
	show "$T/dl-check.out" 20
else
	ok "deadline: each webhook is bounded by its own deadline"
fi

# ---- STARTTLS: optional only to a loopback relay (issue 6, item 8) ------
# A sink that offers AUTH without TLS and logs every password it gets.
# libcurl resolves *.localhost to loopback itself (no DNS), so the names
# below reach the sink; they are names, not loopback addresses, so vigil
# must require STARTTLS (which the sink does not offer) and send nothing.

start_fake smtp_sink --out "$T/mail-auth" --auth-log "$T/auth.jsonl" ||
    not_ok "smtp_sink --auth-log starts"
AUTH_PORT=$FAKE_PORT
SMTP_PASS=SmtpPassw0rdSECRETzz9
VG_SMTP_USER=vigil-mailer
VG_SMTP_PASS=$SMTP_PASS
export VG_SMTP_USER VG_SMTP_PASS
mkpolicy "$T/tls" examplelabs.com,examplelabs-launch.io always \
    tls@example.org '[]'
cd "$T/tls" || exit 99
vg tls-audit -p policy.json audit
expect_rc 1 "starttls: a run to notify about"

# smtp_policy URL: points policy.json's email at URL, with credentials.
smtp_policy() {
	"$PYTHON" - policy.json "$1" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
d["notify"]["email"].update({"smtp_url": sys.argv[2],
                             "username_env": "VG_SMTP_USER",
                             "password_env": "VG_SMTP_PASS"})
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF2
}

for host in 127.mail.localhost mail.localhost; do
	smtp_policy "smtp://$host:$AUTH_PORT"
	vg "tls-$host" -p policy.json notify
	expect_rc 4 "starttls: $host without STARTTLS is refused (exit 4)"
	expect_eq "$(wc -l <"$T/auth.jsonl" | tr -d ' ')" 0 \
	    "starttls: no password was sent to $host"
	expect_contains "$T/tls-$host.err" "does not offer STARTTLS" \
	    "starttls: the error says why ($host)"
	expect_lacks "$T/tls-$host.err" "$SMTP_PASS" \
	    "starttls: the password is not in the log ($host)"
done
expect_eq "$(ls "$T/mail-auth" | wc -l | tr -d ' ')" 0 \
    "starttls: no mail was sent to a non-loopback server without TLS"

# Control: to 127.0.0.1 (loopback) the same sink gets the login, which
# shows that the checks above would see a password sent in clear.
smtp_policy "smtp://127.0.0.1:$AUTH_PORT"
vg tls-loopback -p policy.json notify
expect_rc 0 "starttls: a loopback relay without STARTTLS is used"
expect_eq "$(grep -c -F "$SMTP_PASS" "$T/auth.jsonl")" 1 \
    "starttls: the loopback relay received the login"

# ---- STARTTLS to a non-loopback name, trusted through ca_file ----------
# (issue 6, items 8 and 10c) A sink offering STARTTLS with a certificate
# for mail.localhost from a test CA: without ca_file the certificate is
# refused and nothing is sent; with notify.email.ca_file (added to the
# default trust store) the mail and the login go over TLS.

mkdir -p "$T/pki"
(
	cd "$T/pki" || exit 1
	printf 'subjectAltName=DNS:mail.localhost,IP:127.0.0.1\n' >srv.ext
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout ca.key -out ca.pem -days 2 \
	    -subj "/CN=vigil notify test CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout srv.key -out srv.csr -subj "/CN=mail.localhost" &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out srv.pem -days 2 -extfile srv.ext
) >"$T/pki.log" 2>&1 || { not_ok "test CA created"; show "$T/pki.log"; }
start_fake smtp_sink --out "$T/mail-tls" --auth-log "$T/auth-tls.jsonl" \
    --tls-cert "$T/pki/srv.pem" --tls-key "$T/pki/srv.key" ||
    not_ok "smtp_sink with STARTTLS starts"
TLS_PORT=$FAKE_PORT
cd "$T/tls" || exit 99
smtp_policy "smtp://mail.localhost:$TLS_PORT"
vg tls-untrusted -p policy.json notify
expect_rc 4 "starttls: a certificate from an unknown CA is refused"
expect_eq "$(wc -l <"$T/auth-tls.jsonl" | tr -d ' ')" 0 \
    "starttls: no password sent when the certificate is not trusted"
"$PYTHON" - policy.json "$T/pki/ca.pem" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["notify"]["email"]["ca_file"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF
vg tls-ca-validate -p policy.json validate
expect_rc 0 "starttls: validate accepts notify.email.ca_file"
vg tls-ca -p policy.json notify
expect_rc 0 "starttls: with ca_file, mail.localhost is trusted and used"
expect_eq "$(ls "$T/mail-tls" | grep -c '\.json$')" 1 \
    "starttls: the mail arrived over STARTTLS"
expect_json "$T/auth-tls.jsonl" 'd["tls"] is True and d["login"] == "vigil-mailer"' \
    "starttls: the login was sent inside TLS only"

finish
