#!/bin/sh
# report.sh: the HTML, CSV and OCSF reports, rendered from real runs
# against the fake RDAP server: self-contained and escaped HTML, RFC 4180
# CSV with the formula-injection guard, OCSF Compliance Finding lines.
. "$TEST_SRCDIR/tests/integration/lib.sh"
cd "$T" || exit 1
FIX=$TEST_SRCDIR/tests/fakes/rdap/fixtures

# Runs a Python check that prints "1 DESC" or "0 DESC" lines; each becomes
# one TAP result.  A crash of the checker is a failure of its own.
pycheck() {	# name, then the script on stdin, args after
	_n=$1
	shift
	"$PYTHON" - "$@" >"$T/$_n.res" 2>"$T/$_n.pyerr"
	_prc=$?
	while read -r _res _desc; do
		if [ "$_res" = 1 ]; then ok "$_desc"; else not_ok "$_desc"; fi
	done <"$T/$_n.res"
	if [ "$_prc" -ne 0 ]; then
		not_ok "$_n checker ran (exit $_prc)"
		show "$T/$_n.pyerr"
	fi
}

start_fake fake_rdap --fixtures "$FIX" || true
PORT=$FAKE_PORT
start_fake fake_rdap --fixtures "$FIX" --scenario malformed || true
BADPORT=$FAKE_PORT
NS='["ns1.examplelabs-dns.net","ns2.examplelabs-dns.net"]'
cat >pol.json <<JSON
{"organization": "Example <Labs> & Co", "state": {"db": "vigil.db"},
 "sources": [
  {"name": "registrar", "type": "rdap", "timeout_s": 3,
   "domains": ["xss.example", "hostile.example", "examplelabs.com",
               "examplelabs-launch.io"],
   "endpoint": "http://127.0.0.1:$PORT/"},
  {"name": "registrar-down", "type": "rdap", "timeout_s": 3,
   "domains": ["examplelabs.xyz"], "endpoint": "http://127.0.0.1:$BADPORT/"}],
 "parameters": {"domain_expiry_days": 30},
 "expect": {"nameservers": {"examplelabs.com": $NS, "xss.example": $NS}},
 "waivers": [{"rule": "registrar.expiring_soon", "resource": "xss.example",
   "reason": "=cmd|' /C calc'!A0", "approved_by": "@ops, \"sec\"",
   "expires": "2099-01-01"}]}
JSON

# ---- two audits: the second report has a trend of two runs --------------
vg a1 -p pol.json audit --report "$T/r1.html"
expect_rc 3 "audit with a failed source exits 3"
vg a2 -p pol.json audit --report "$T/r.html" --json "$T/a.json"
expect_rc 3 "the second audit too"
check "--report writes the HTML file" test -s "$T/r.html"
expect_mode "$T/r.html" 600 "the HTML report is 0600"
expect_contains "$T/r.html" '<meta http-equiv="Content-Security-Policy" content="default-src '"'none'" "it carries a CSP meta tag denying by default"
expect_lacks "$T/r.html" "<script src" "no external script"
expect_lacks "$T/r.html" "<link" "no linked stylesheet"
expect_contains "$T/r.html" "&lt;img src=x onerror=alert(1)&gt;" "the hostile RDAP status is escaped"
expect_lacks "$T/r.html" "<img src=x" "and never appears as markup"
expect_lacks "$T/r.html" "<script>alert" "no injected script"
if LC_ALL=C grep -q "$(printf '\033')" "$T/r.html"; then
	not_ok "no raw escape character in the HTML"
else
	ok "no raw escape character in the HTML"
fi
expect_contains "$T/r.html" "␛[2J" "control characters are shown as control pictures"

pycheck html "$T/r.html" "$T/a.json" <<'EOF'
import base64, hashlib, json, re, sys
from html.parser import HTMLParser

doc = json.load(open(sys.argv[2], encoding="utf-8"))
src = open(sys.argv[1], encoding="utf-8").read()

class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.tags, self.stack = {}, [], []
        self.rows, self.runs, self.scripts = [], [], []
        self.csp, self.text, self.cur = None, [], None
        self.failed_rows, self.filters_hidden = [], None
        self.sections = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids[a["id"]] = tag
        if tag == "section":
            self.cursec = a.get("id")
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content")
        if tag == "tbody":
            self.group = a
        if tag == "tbody" and "group" in (a.get("class") or "").split():
            self.ingroup = True
        elif tag in ("tbody", "thead", "table"):
            self.ingroup = False
        if tag == "tr" and getattr(self, "ingroup", False) and \
                a.get("class") != "rule-head":
            # A rule's rows share its tbody's rule, severity, provider;
            # a row without data-status is a fail finding.
            self.rows.append(dict(self.group, **dict({"data-status": "fail"}, **a)))
        if tag == "tr" and "failed" in (a.get("class") or "").split():
            self.failed_rows.append(a)
        if tag == "g" and "run" in (a.get("class") or "").split():
            self.runs.append(a.get("data-run"))
        if tag == "div" and a.get("id") == "filters":
            self.filters_hidden = "hidden" in a
        if tag == "script":
            self.scripts.append("")
        self.stack.append(tag)
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script":
            self.scripts[-1] += data
        else:
            self.text.append(data)
            s = getattr(self, "cursec", None)
            if s:
                self.sections[s] = self.sections.get(s, "") + data

p = P()
p.feed(src)
p.close()
text = "".join(p.text)

def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))

for sid in ("summary", "sources", "findings", "waived", "rules", "drift",
            "critical-values", "freeze", "trend", "evidence"):
    t(p.ids.get(sid) == "section", "section #%s exists" % sid)
F = doc["findings"]
t(len(p.rows) == len(F) and len(F) > 0,
  "one findings row per finding (%d rows, %d findings)" % (len(p.rows), len(F)))
t(sorted(r["data-rule"] for r in p.rows) == sorted(f["rule"] for f in F),
  "the rows carry each finding's rule")
t([r["data-severity"] for r in p.rows] == [f["severity"] for f in F] and
  [r["data-status"] for r in p.rows] == [f["status"] for f in F],
  "the rows carry severity and status, in the report's order")
t(p.runs == ["1", "2"], "the SVG trend has one bar per run (%r)" % p.runs)
t(p.ids.get("findings-table") == "table", "the findings table has its id")
bad = [tg for tg, a in p.tags if tg in ("img", "iframe", "object", "embed",
       "link", "base", "form") or (tg == "script" and "src" in a)]
t(not bad, "no fetching or hostile elements (%r)" % bad)
urls = [v for tg, a in p.tags for k, v in a.items()
        if k in ("src", "href", "action", "data", "xlink:href") and v and
        re.match(r"\s*(https?:|//|javascript:|data:)", v, re.I)]
t(not urls, "no attribute points outside the page (%r)" % urls)
t(not any(k.startswith("on") for tg, a in p.tags for k in a),
  "no event-handler attribute")
t("<img src=x onerror=alert(1)>" in text, "the hostile string reads as text")
t(len(p.scripts) == 1, "exactly one inline script")
h = "'sha256-%s'" % base64.b64encode(
    hashlib.sha256(p.scripts[0].encode("utf-8")).digest()).decode()
t(p.csp is not None and ("script-src " + h) in p.csp,
  "the CSP allows the inline script by its hash")
t(p.filters_hidden is True, "the filters are hidden until the script runs")
t(len(p.failed_rows) == 1 and "malformed RDAP JSON" in p.sections.get("sources", ""),
  "the failed source stands out with its error")
t("incomplete" in p.sections.get("sources", "").lower(),
  "the source section says the run is incomplete")
w = p.sections.get("waived", "")
t("=cmd|' /C calc'!A0" in w and '@ops, "sec"' in w and "2099-01-01" in w,
  "the waived section shows reason, approver and expiry")
r = p.sections.get("rules", "")
t("clientTransferProhibited" in r and "ICANN-TransferPolicy" in r,
  "remediation and framework references are shown")
t("No baseline accepted" in p.sections.get("drift", ""), "drift says there is no baseline")
t("None configured" in p.sections.get("critical-values", ""), "no critical values configured")
t("Not in use" in p.sections.get("freeze", ""), "freeze is not in use")
ev = p.sections.get("evidence", "")
e = doc["run"]["evidence"]
t(doc["run"]["chain_hash"] in ev and e["policy_sha256"] in ev and
  e["rules_sha256"] in ev and e["snapshot_sha256"] in ev and
  e["findings_sha256"] in ev, "the evidence block has the digests and chain hash")
s = p.sections.get("summary", "")
t("registrar" in s and str(doc["summary"]["high"]) in s, "the summary counts by severity and provider")
t("Example <Labs> & Co" in text and "Example &lt;Labs&gt; &amp; Co" in src,
  "the organization is escaped")
t("@media print" in src, "the page has print styles")
EOF

# ---- report renders the same run the same way ---------------------------
vg rh -p pol.json report --format html -o "$T/r2.html"
expect_rc 0 "report --format html exits 0"
expect_mode "$T/r2.html" 600 "report -o html is 0600"
check "report --format html equals audit --report for the same run" \
    cmp -s "$T/r.html" "$T/r2.html"
vg rh1 -p pol.json report --format html --run 1
expect_rc 0 "report --run 1 --format html"
expect_contains "$T/rh1.out" 'data-run="1"' "the trend of run 1 has run 1"
expect_lacks "$T/rh1.out" 'data-run="2"' "and no later run"

# ---- CSV ----------------------------------------------------------------
vg csv -p pol.json report --format csv -o "$T/r.csv"
expect_rc 0 "report --format csv exits 0"
expect_mode "$T/r.csv" 600 "the CSV file is 0600"
pycheck csv "$T/r.csv" "$T/a.json" <<'EOF'
import csv, json, sys
doc = json.load(open(sys.argv[2], encoding="utf-8"))
raw = open(sys.argv[1], "rb").read()
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
cols = ["run", "rule", "title", "severity", "provider", "source", "status",
        "resource", "detail", "new", "waiver_reason", "waiver_approved_by",
        "waiver_expires"]
t(rows and rows[0] == cols, "the CSV header names the columns")
t(raw.startswith((",".join(cols) + "\r\n").encode()), "lines end in CRLF")
body = rows[1:]
F = doc["findings"]
t(len(body) == len(F), "one CSV row per finding (%d, %d)" % (len(body), len(F)))
def guard(s):
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
ok = all(len(r) == len(cols) for r in body)
t(ok, "every row has every column")
same = ok and all(
    r[1] == f["rule"] and r[3] == f["severity"] and r[6] == f["status"] and
    r[7] == guard(f["resource"]) and r[8] == guard(f["detail"]) and
    r[0] == str(doc["run"]["id"]) and r[9] == ("true" if f["new"] else "false")
    for r, f in zip(body, F))
t(same, "fields round-trip (commas, quotes, newlines, control characters)")
hostile = [r for r in body if r[7] == "xss.example" and r[6] == "fail"]
t(any("<img src=x onerror=alert(1)>" in r[8] and '"quoted" status' in r[8]
      for r in hostile), "the hostile status with comma and quotes round-trips")
cr = [r for r in body if r[7] == "hostile.example" and r[6] == "fail"]
t(any("\r\n<img" in r[8] for r in cr), "an embedded CRLF round-trips")
w = [r for r in body if r[6] == "waived"]
t(len(w) == 1 and w[0][10] == "'=cmd|' /C calc'!A0",
  "a formula in the waiver reason gets the leading quote")
t(len(w) == 1 and w[0][11] == "'@ops, \"sec\"" and w[0][12] == "2099-01-01",
  "approver guarded and quoted, expiry kept")
t(all(r[10] == "" for r in body if r[6] != "waived"),
  "unwaived rows have empty waiver columns")
EOF

# ---- OCSF ---------------------------------------------------------------
vg ocsf -p pol.json report --format ocsf -o "$T/r.ocsf"
expect_rc 0 "report --format ocsf exits 0"
pycheck ocsf "$T/r.ocsf" "$T/a.json" <<'EOF'
import calendar, hashlib, json, sys, time
doc = json.load(open(sys.argv[2], encoding="utf-8"))
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
ev = []
for l in lines:
    try:
        ev.append(json.loads(l))
    except ValueError:
        ev.append(None)
F = doc["findings"]
t(None not in ev and len(ev) == len(F), "one JSON line per finding (%d, %d)" % (len(ev), len(F)))
ev = [e for e in ev if e]
t(all(e["class_uid"] == 2003 and e["category_uid"] == 2 and
      e["activity_id"] == 1 and e["type_uid"] == 200301 for e in ev),
  "every line is a Compliance Finding: Create event")
sev = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
t(all(e["severity_id"] == sev[f["severity"]] for e, f in zip(ev, F)), "severity_id mapping")
st = {"fail": 1, "waived": 3, "error": 99}
t(all(e["status_id"] == st[f["status"]] for e, f in zip(ev, F)), "status_id mapping")
ms = calendar.timegm(time.strptime(doc["run"]["collected_at"], "%Y-%m-%dT%H:%M:%SZ")) * 1000
t(all(e["time"] == ms for e in ev), "time is the collection time in ms")
t(all(e["finding_info"]["uid"] == hashlib.sha256(
      (f["rule"] + "\0" + f["resource"]).encode()).hexdigest() and
      e["finding_info"]["title"] == f["title"] and
      e["finding_info"]["desc"] == f["detail"] and
      e["compliance"]["control"] == f["rule"] and
      e["resources"][0]["uid"] == f["resource"] for e, f in zip(ev, F)),
  "finding_info, compliance control and resources match the findings")
t(any(e["compliance"]["standards"] == ["SEAL:DNS-REG-LOCK", "ICANN-TransferPolicy", "NIST-800-53:CM-5"]
      for e in ev), "frameworks become compliance standards")
t(all(e["metadata"]["product"]["name"] == "vigil" and e["metadata"]["version"] == "1.1.0"
      for e in ev), "metadata names the product and OCSF version")
t(any(e["unmapped"].get("waiver", {}).get("reason") == "=cmd|' /C calc'!A0" for e in ev),
  "the waiver travels unmapped, unaltered")
EOF

# ---- drift since an accepted baseline ------------------------------------
vg acc -p pol.json baseline accept --run 2 --note "before <launch>"
expect_rc 0 "baseline accept run 2"
sleep 1	# the fixtures' expiry dates are relative to the request time
vg a3 -p pol.json audit --report "$T/r3.html"
expect_contains "$T/r3.html" "Compared with the accepted baseline, run 2." "the drift section names the baseline"
expect_contains "$T/r3.html" "<td>modified</td>" "and lists the changes"
expect_lacks "$T/r3.html" "No baseline accepted" "instead of saying there are none"

# ---- bytes that are not UTF-8 in the store --------------------------------
cp vigil.db bad.db
"$PYTHON" - bad.db <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE findings SET detail = CAST(? AS TEXT) WHERE run = 3 AND "
           "resource = 'xss.example' AND status = 'fail'",
           (b"bad \xff\xfe <x> \xc3( \xed\xa0\x80 end",))
db.commit()
EOF
for fmt in html json csv ocsf text; do
	vg "bad-$fmt" -p pol.json --db bad.db report --format "$fmt" --run 3
	expect_rc 0 "invalid UTF-8 in the store: the $fmt report renders"
done
expect_contains "$T/bad-html.out" "bad �� &lt;x&gt; �( � end" "the HTML shows U+FFFD for each bad byte sequence"
expect_json "$T/bad-json.out" 'any(f["detail"] == "bad \ufffd\ufffd <x> \ufffd( \ufffd end" for f in d["findings"])' "so does the JSON"

# ---- an empty run ---------------------------------------------------------
"$PYTHON" - pol.json clean.json <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["state"]["db"] = "clean.db"
p["sources"] = p["sources"][:1]
p["sources"][0]["domains"] = ["examplelabs.com"]
p["waivers"] = []
json.dump(p, open(sys.argv[2], "w"))
EOF
vg clean -p clean.json audit --report "$T/clean.html"
expect_rc 0 "a clean audit exits 0"
expect_contains "$T/clean.html" "No findings" "the HTML report of a clean run says so"
vg clean-csv -p clean.json report --format csv
expect_eq "$(wc -l <"$T/clean-csv.out" | tr -d ' ')" 1 "a clean CSV has the header only"
vg clean-ocsf -p clean.json report --format ocsf
check "a clean OCSF report is empty" test ! -s "$T/clean-ocsf.out"
vg badfmt -p clean.json report --format xlsx
expect_rc 2 "an unknown format exits 2"
expect_contains "$T/badfmt.err" "html" "and lists the known formats"

finish
