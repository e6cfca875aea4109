#!/bin/sh
# html.sh: the HTML report a reviewer signs off, checked in a real
# headless Chromium (Debian's chromium, scripts/install-deps --test):
# the rules section (JSON and HTML) with every rule's result, the change
# since the previous run and the resolved findings, drift grouped by
# table, the trend with its axes and partial runs; the DOM Chromium built
# has no element injected by a hostile provider string, and the script ran
# under the CSP; screenshots at desktop and phone width are not blank;
# printed to PDF, the first page is not half blank.
. "$TEST_SRCDIR/tests/integration/lib.sh"
cd "$T" || exit 1
FIX=$TEST_SRCDIR/tests/fakes/rdap/fixtures

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
# policy FILE DOMAINS [EXTRA-SOURCE]
policy() {
	cat >"$1" <<JSON
{"organization": "<b>Org</b> & Co", "state": {"db": "vigil.db"},
 "sources": [
  {"name": "registrar", "type": "rdap", "timeout_s": 3, "domains": $2,
   "endpoint": "http://127.0.0.1:$PORT/"}${3:-}],
 "parameters": {"domain_expiry_days": 30}}
JSON
}
DOWN=', {"name": "registrar-down", "type": "rdap", "timeout_s": 3,
   "domains": ["examplelabs.xyz"], "endpoint": "http://127.0.0.1:'$BADPORT'/"}'

# Run 1: three domains.  Run 2: examplelabs-launch.io is gone (its
# findings are resolved).  Run 3: a second source fails (partial run).
policy p1.json '["xss.example", "hostile.example", "examplelabs-launch.io"]'
policy p2.json '["xss.example", "hostile.example"]'
policy p3.json '["xss.example", "hostile.example"]' "$DOWN"
vg a1 -p p1.json audit
expect_rc 1 "run 1 has findings"
vg a2 -p p2.json audit --report "$T/r2.html" --json "$T/r2.json"
expect_rc 1 "run 2 has findings"
vg acc -p p2.json baseline accept --run 2 --note "before"
expect_rc 0 "baseline accept run 2"
sleep 1	# the fixtures' expiry dates move with the request time: drift
vg a3 -p p3.json audit --report "$T/r3.html" --json "$T/r3.json"
expect_rc 3 "run 3 with a failed source exits 3"
vg rules -p p3.json rules list
expect_rc 0 "rules list"

# ---- the JSON: rules, previous, resolved ---------------------------------
pycheck json "$T/r2.json" "$T/r3.json" "$T/rules.out" <<'EOF'
import json, sys
r2 = json.load(open(sys.argv[1], encoding="utf-8"))
r3 = json.load(open(sys.argv[2], encoding="utf-8"))
listed = open(sys.argv[3], encoding="utf-8").read()
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
R = {r["id"]: r for r in r2["rules"]}
ids = [r["id"] for r in r2["rules"]]
t(len(ids) == len(set(ids)) and len(ids) > 50,
  "rules: one entry per rule (%d)" % len(ids))
t(all(i in listed for i in ids), "every rule of the report is in 'rules list'")
t(all(r["result"] in ("passed", "failed", "waived", "error", "not_evaluated")
      for r in r2["rules"]), "every rule has a known result")
F = r2["findings"]
failing = {f["rule"] for f in F if f["status"] == "fail"}
t(failing and all(R[x]["result"] == "failed" for x in failing),
  "a rule with a failing finding is failed")
t(all(R[x]["fail"] == sum(1 for f in F if f["rule"] == x and f["status"] == "fail")
      for x in R), "fail counts match the findings")
t(all(r["result"] == "not_evaluated" for r in r2["rules"]
      if r["provider"] in ("aws", "discord", "gws", "ldap", "atlassian")),
  "rules of providers without a source are not evaluated")
t(all(r["result"] == "passed" for r in r2["rules"]
      if r["provider"] == "registrar" and r["id"] not in failing),
  "registrar rules without findings passed")
t(R["registrar.transfer_lock_missing"]["frameworks"] ==
  ["SEAL:DNS-REG-LOCK", "ICANN-TransferPolicy", "NIST-800-53:CM-5"],
  "frameworks is an array of controls")
t("remediation" in R["registrar.transfer_lock_missing"], "a rule carries its remediation")
t(r2["previous"]["run"] == 1 and r2["previous"]["summary"]["high"] >= r2["summary"]["high"],
  "previous: run 1 with its summary")
res = r2["resolved"]
t(res and all(x["resource"] == "examplelabs-launch.io" for x in res),
  "resolved: the findings of the domain that is gone (%d)" % len(res))
t(not any(f["resource"] == "examplelabs-launch.io" for f in F),
  "and they are not findings of run 2")
R3 = {r["id"]: r for r in r3["rules"]}
t(any(r["error"] > 0 for r in r3["rules"]) and
  all(R3[x["rule"]]["error"] == 0 for x in r3["resolved"]),
  "run 3: a rule that errored resolves nothing")
t(r3["previous"]["run"] == 2, "run 3's previous run is run 2")
t(r3["schema"] == "vigil.report/1", "the schema is still vigil.report/1")
t(any(c["table"] == "domains" for c in r3["changes"]), "run 3 has drift in domains")
EOF

# ---- the HTML, parsed ----------------------------------------------------
pycheck html "$T/r3.html" "$T/r3.json" <<'EOF'
import json, sys
from html.parser import HTMLParser
doc = json.load(open(sys.argv[2], encoding="utf-8"))
src = open(sys.argv[1], encoding="utf-8").read()
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.sec, self.text = [], None, {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a, self.sec))
        if tag == "section":
            self.sec = a.get("id")
    def handle_data(self, d):
        self.text[self.sec] = self.text.get(self.sec, "") + d
p = P()
p.feed(src)
def cls(a):
    return (a.get("class") or "").split()
tiles = [a for tg, a, s in p.tags if "tile" in cls(a)]
t(len(tiles) == 9, "nine summary tiles (%d)" % len(tiles))
s = p.text.get("summary", "")
t("since run 2" in s, "tiles show the change since run 2")
t("\u25b2 +" in s, "an increase is marked (errors went up)")
rows = [a for tg, a, s in p.tags if tg == "tr" and "rule" in cls(a)]
t(len(rows) == len(doc["rules"]) and
  [r["data-result"] for r in rows] != [] and
  sorted(r["id"] for r in rows) == sorted("rule-" + r["id"] for r in doc["rules"]),
  "one row per rule, with its anchor (%d)" % len(rows))
t({r["id"][5:]: r["data-result"] for r in rows} ==
  {r["id"]: r["result"] for r in doc["rules"]}, "each rule row has its result")
ctl = [a for tg, a, s in p.tags if tg == "tr" and "control" in cls(a)]
fw = {c for r in doc["rules"] for c in r["frameworks"]}
t(len(ctl) == len(fw) and "ICANN-TransferPolicy" in p.text.get("controls", ""),
  "one row per framework control (%d)" % len(ctl))
t(any(a.get("data-result") == "failed" for a in ctl), "a control of a failing rule is failed")
drift = [a for tg, a, s in p.tags if tg == "table" and "drift" in cls(a)]
t([a.get("data-table") for a in drift] == sorted({c["table"] for c in doc["changes"]}),
  "drift has one table per changed table")
t(any(tg == "del" for tg, a, s in p.tags if s == "drift") and
  any(tg == "ins" for tg, a, s in p.tags if s == "drift"),
  "a modified value reads old \u2192 new")
runs = [a for tg, a, s in p.tags if tg == "g" and "run" in cls(a)]
t([a["data-run"] for a in runs] == ["1", "2", "3"], "the trend has runs 1, 2, 3")
t(["partial" in cls(a) for a in runs] == [False, False, True],
  "only run 3 is marked partial")
tr = p.text.get("trend", "")
t("Failing findings" in tr and "Run (number" in tr, "the trend's axes are labelled")
t("resolved" in [tid for tg, a, s in p.tags for tid in [a.get("id")]],
  "a resolved section")
t(p.text.get("resolved", "").count("examplelabs-launch.io") == 0,
  "run 3 resolves nothing of run 2 (its rules errored on the failed source)")
EOF
pycheck html2 "$T/r2.html" "$T/r2.json" <<'EOF'
import json, sys, re
doc = json.load(open(sys.argv[2], encoding="utf-8"))
src = open(sys.argv[1], encoding="utf-8").read()
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
sec = re.search(r'<section id="resolved">(.*?)</section>', src, re.S)
rows = re.findall(r'<tr class="resolved">', sec.group(1)) if sec else []
t(len(rows) == len(doc["resolved"]) and rows, "run 2 lists its resolved findings (%d)" % len(rows))
t(sec and "examplelabs-launch.io" in sec.group(1), "by resource")
EOF

# ---- a real browser ------------------------------------------------------
# Chromium as root needs --no-sandbox; its profile stays in $T.
CHROMIUM=${CHROMIUM:-chromium}
chrome() {
	HOME=$T/home timeout 120 "$CHROMIUM" --headless --no-sandbox \
	    --disable-gpu --no-first-run --user-data-dir="$T/profile" "$@"
}
mkdir -p "$T/home"
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	not_ok "chromium is installed (scripts/install-deps --test)"
else
	ok "chromium is installed"
fi
chrome --dump-dom "file://$T/r3.html" >"$T/dom.html" 2>"$T/dom.err"
check "chromium dumps the DOM" test -s "$T/dom.html"
pycheck dom "$T/dom.html" "$T/r3.json" <<'EOF'
import json, sys
from html.parser import HTMLParser
doc = json.load(open(sys.argv[2], encoding="utf-8"))
src = open(sys.argv[1], encoding="utf-8").read()
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.stack = [], [], []
        self.shown = ""
        self.rows, self.group = 0, False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self.stack.append(a.get("id"))
        if tag in ("tbody", "thead", "table"):
            self.group = "group" in (a.get("class") or "").split()
        if tag == "tr" and self.group and a.get("class") != "rule-head":
            self.rows += 1
    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()
    def handle_data(self, d):
        self.text.append(d)
        if self.stack and self.stack[-1] == "filter-shown":
            self.shown += d
p = P()
p.feed(src)
text = "".join(p.text)
bad = [tg for tg, a in p.tags if tg in ("img", "iframe", "object", "embed",
       "link", "base", "form", "b")]
t(not bad, "the DOM Chromium built has no injected element (%r)" % bad)
t(not any(k.startswith("on") for tg, a in p.tags for k in a),
  "no event-handler attribute in the DOM")
t("<img src=x onerror=alert(1)>" in text, "the hostile RDAP status is text in the DOM")
t("<b>Org</b> & Co" in text, "the organization is text in the DOM")
scripts = [a for tg, a in p.tags if tg == "script"]
t(len(scripts) == 1 and "src" not in scripts[0], "one inline script, no other")
rows = p.rows
t(p.shown.strip() == "%d of %d shown" % (rows, rows) and rows == len(doc["findings"]),
  "the script ran under the CSP (filters say %r)" % p.shown)
filt = [a for tg, a in p.tags if a.get("id") == "filters"]
t(filt and "hidden" not in filt[0], "and showed the filters")
EOF

# Screenshots at desktop and phone width: a PNG of that width, not
# trivially small, and not blank (many distinct colours, ink in every
# third of the page).
for w in 1280 420; do
	chrome --screenshot="$T/shot-$w.png" --window-size=$w,2000 \
	    --hide-scrollbars "file://$T/r3.html" >"$T/shot-$w.log" 2>&1
done
pycheck png "$T/shot-1280.png" "$T/shot-420.png" <<'EOF'
import struct, sys, zlib
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
def png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and interlace == 0 and ctype in (2, 6), hdr
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows
for path, want in ((sys.argv[1], 1280), (sys.argv[2], 420)):
    try:
        w, h, bpp, rows = png(path)
    except Exception as e:
        t(False, "%dpx: the screenshot is a readable PNG (%s)" % (want, e))
        continue
    import os
    t(w == want and h == 2000, "%dpx: the screenshot is %dx2000 (%dx%d)" % (want, want, w, h))
    t(os.path.getsize(path) > 20000, "%dpx: it is not trivially small (%d bytes)" % (want, os.path.getsize(path)))
    colours, ink = set(), [0, 0, 0]
    for y in range(0, h, 4):
        r = rows[y]
        for x in range(0, w, 4):
            px = r[x * bpp:x * bpp + 3]
            colours.add(px)
            if px[0] < 128 and px[1] < 128 and px[2] < 128:
                ink[y * 3 // h] += 1
    t(len(colours) > 50, "%dpx: it is not blank (%d colours)" % (want, len(colours)))
    t(all(n > 50 for n in ink), "%dpx: there is text in each third of it (%r)" % (want, ink))
    # The page fits the window: the right-most columns are background
    # or content, never a cut-off wide table (checked: the body's
    # scroll boxes keep wide tables inside).
    edge = sum(1 for y in range(0, h, 4) for x in (w - 3,) if rows[y][x * bpp:x * bpp + 3] != b"\xff\xff\xff")
    t(edge < h // 4 // 3, "%dpx: nothing runs off the right edge (%d)" % (want, edge))
EOF


# Print: Chromium's own PDF of the report (no header or footer).  The
# PDF's page content streams place text in the document's CSS pixels
# ("1 0 0 -1 X Y Tm"); the first page is not half blank when its lowest
# text line lies in the bottom fifth of the page.
chrome --no-pdf-header-footer --print-to-pdf="$T/print.pdf" \
    "file://$T/r3.html" >"$T/print.log" 2>&1
check "chromium prints the report to PDF" test -s "$T/print.pdf"
pycheck pdf "$T/print.pdf" <<'EOF'
import re, sys, zlib
def t(cond, desc):
    print("%d %s" % (1 if cond else 0, desc))
d = open(sys.argv[1], "rb").read()
objs = {int(n): b for n, b in re.findall(rb"(\d+) 0 obj(.*?)endobj", d, re.S)}
def kids(n):
    b = objs[n]
    if re.search(rb"/Type\s*/Pages", b):
        out = []
        for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[(.*?)\]", b, re.S).group(1)):
            out += kids(int(k))
        return out
    return [n]
root = [n for n, b in objs.items() if re.search(rb"/Type\s*/Pages", b) and b"/Parent" not in b]
pages = kids(root[0]) if root else []
def content(p):
    c = objs[int(re.search(rb"/Contents\s+(\d+)", objs[p]).group(1))]
    s = c[c.index(b"stream") + 6:]
    s = s[:s.rindex(b"endstream")]
    return zlib.decompress(s.lstrip(b"\r\n")).decode("latin1")
t(len(pages) >= 2, "print: the report prints on %d pages" % len(pages))
if pages:
    c = content(pages[0])
    m = re.search(r"\n0 0 ([\d.]+) ([\d.]+) re\n", c)
    h = float(m.group(2)) if m else 0
    ys = [float(y) for y in re.findall(r"-?[\d.]+ (-?[\d.]+) Tm", c)]
    low = max(ys) if ys else 0
    t(h > 0 and low > h * 0.8,
      "print: the first page is not half blank: text reaches %.0f of its %.0f px" % (low, h))
EOF

finish
