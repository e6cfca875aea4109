/*
 * report-html.c: the self-contained HTML report (docs/report-html.md).
 *
 * The document is built with libxml2's tree API, never printed as text:
 * every provider string becomes a text node or an attribute value, so the
 * serializer escapes it by construction.  Strings are first made valid
 * UTF-8 (bad bytes become U+FFFD) with control characters shown as their
 * Unicode control pictures.  The stylesheet and the script are constants
 * of this file; the script is allowed by its SHA-256 in the
 * Content-Security-Policy, and only filters rows that are already there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include "report.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const char report_css[] =
":root{--critical:#8b0000;--high:#c0392b;--medium:#b9770e;--low:#2e86c1;"
"--info:#6c757d;--ok:#1e8449;--line:#d5d8dc;--bg2:#f4f6f7}\n"
"*{box-sizing:border-box}\n"
"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
"color:#1b1b1b;background:#fff;margin:0}\n"
"header,main,footer{max-width:1800px;margin:0 auto;"
"padding:0 clamp(.5rem,2vw,2rem)}\n"
"header{border-bottom:3px solid #1b1b1b;padding-top:1rem}\n"
"h1{font-size:1.5rem;margin:0 0 .25rem;overflow-wrap:anywhere}"
"h2{font-size:1.2rem;margin:1.5rem 0 "
".5rem;border-bottom:1px solid var(--line)}h3{font-size:1rem;"
"margin:1rem 0 .25rem}\n"
"nav{margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}\n"
"section{margin-bottom:1.5rem;min-width:0}\n"
".scroll{overflow-x:auto;max-width:100%}\n"
"table{border-collapse:collapse;width:100%;margin:.5rem 0}\n"
"th,td{border:1px solid var(--line);padding:.25rem .4rem;text-align:left;"
"vertical-align:top;overflow-wrap:break-word}\n"
"th{background:var(--bg2)}thead th{overflow-wrap:normal}"
"td.n,th.n{text-align:right;"
"font-variant-numeric:tabular-nums}\n"
"code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
"monospace;font-size:.9em}\n"
".sev{display:inline-block;min-width:4.5em;white-space:nowrap;"
"padding:0 .3em;border-radius:3px;"
"color:#fff;font-weight:600;text-align:center}\n"
".sev-critical{background:var(--critical)}.sev-high{background:var(--high)}"
".sev-medium{background:var(--medium)}.sev-low{background:var(--low)}"
".sev-info{background:var(--info)}\n"
".badge{display:inline-block;padding:0 .3em;border:1px solid currentColor;"
"border-radius:3px;font-size:.85em;margin-left:.3em}\n"
".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(7.5rem,"
"1fr));gap:.5rem;margin:.5rem 0}\n"
".tile{border:1px solid var(--line);border-top:6px solid var(--info);"
"border-radius:4px;padding:.4rem .6rem;background:#fff}\n"
".tile .label{display:block;font-size:.8em;text-transform:uppercase;"
"letter-spacing:.04em;color:#444}\n"
".tile .count{display:block;font-size:1.9rem;font-weight:700;"
"line-height:1.1;font-variant-numeric:tabular-nums}\n"
".tile .delta{display:block;font-size:.8em;color:#444}\n"
".tile .delta.up{color:var(--critical);font-weight:600}"
".tile .delta.down{color:var(--ok);font-weight:600}\n"
".tile-critical{border-top-color:var(--critical)}"
".tile-high{border-top-color:var(--high)}"
".tile-medium{border-top-color:var(--medium)}"
".tile-low{border-top-color:var(--low)}"
".tile-resolved{border-top-color:var(--ok)}\n"
".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,"
"34rem),1fr));gap:0 2rem}\n"
".res{display:inline-block;min-width:6.5em;padding:0 .3em;"
"border-radius:3px;font-weight:600;text-align:center;white-space:nowrap;"
"border:1px solid currentColor}\n"
".res-passed{color:var(--ok)}.res-failed{color:#fff;background:var(--high);"
"border-color:var(--high)}.res-waived{color:#555}"
".res-error{color:#fff;background:var(--medium);border-color:var(--medium)}"
".res-not_evaluated{color:#555;border-style:dashed}\n"
"tr[data-status=waived] td{color:#555;background:#fafafa}"
"tr[data-status=error] td{background:#fdf2e9}\n"
"tr.rule-head th{background:#eef1f3;font-weight:600;padding-top:.4rem}\n"
"tbody.group>tr td:nth-child(2){font-family:ui-monospace,SFMono-Regular,"
"Menlo,Consolas,monospace;font-size:.9em}"
"tbody.group>tr td:first-child{white-space:nowrap;width:6em}"
"tbody.group>tr td:nth-child(4){width:10em}\n"
"tr.failed td{background:#fdedec;font-weight:600}"
"tr.failed td.err{color:var(--critical)}\n"
"del.old{background:#fdedec;text-decoration:line-through;"
"text-decoration-color:#a33}ins.new{background:#e9f7ef;"
"text-decoration:none}.arrow{color:#555;padding:0 .3em}\n"
".alert{border:2px solid var(--critical);background:#fdedec;padding:.5rem;"
"font-weight:600}\n"
".none{color:#555;font-style:italic}\n"
".filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;"
"margin:.5rem 0}.filters label{display:flex;flex-direction:column;"
"font-size:.85em}.filters select,.filters input{max-width:100%}\n"
".rule-title{display:block;color:#333}\n"
"table.rules{table-layout:fixed;min-width:40rem}table.rules th:nth-child(1){width:40%}"
"table.rules th:nth-child(2),table.rules th:nth-child(3){width:7.5em}"
"table.rules th:nth-child(n+4):nth-child(-n+6){width:5em}\n"
"details{margin:.4rem 0}summary{cursor:pointer}"
".partial-cov{font-size:.85em;color:#555}\n"

"dl.evidence{display:grid;grid-template-columns:max-content 1fr;"
"gap:.2rem 1rem}dl.evidence dd{margin:0;font-family:ui-monospace,Menlo,"
"Consolas,monospace;overflow-wrap:anywhere;min-width:0}\n"
"svg.trend{width:100%;max-width:1100px;height:auto;"
"border:1px solid var(--line)}\n"
"svg.trend text{font-size:11px;fill:#333}"
"svg.trend text.axis{font-size:12px;font-weight:600}\n"
".legend span{margin-right:.75rem}\n"
"footer{color:#555;font-size:.85em;border-top:1px solid var(--line);"
"padding:.5rem 1rem 2rem}\n"
"@media (max-width:600px){body{font-size:13px}"
"#findings-table thead,#resolved thead{display:none}"
"#findings-table tbody.group>tr,#resolved tr{display:grid;grid-template-columns:"
"auto 1fr;gap:.1rem .5rem;border:1px solid var(--line);"
"margin:.3rem 0;padding:.3rem}"
"#findings-table tbody.group>tr td,#resolved td{border:0;padding:0;min-width:0;"
"width:auto}"
"#findings-table tbody.group>tr td:nth-child(n+3),#resolved td:nth-child(n+2)"
"{grid-column:1/-1}#findings-table tbody.group>tr.rule-head,"
"#findings-table tr.rule-head th{display:block}"
"#findings-table td:nth-child(4):not(:empty)::before{content:\"Source: \";"
"color:#555}#resolved td:nth-child(4)::before{content:\"Resource: \";"
"color:#555}#findings-table tbody.group>tr[hidden],"
"#findings-table tbody[hidden]{display:none}"
"dl.evidence{grid-template-columns:1fr}dl.evidence dd{margin-bottom:.3rem}"
".tile .count{font-size:1.5rem}}\n"
"@media print{nav,.filters{display:none!important}body{font-size:9pt}"
"header,main,footer{max-width:none;padding:0}section{break-inside:auto}"
"h2,h3{break-after:avoid}.tiles,svg.trend{break-inside:avoid}"
".scroll{overflow:visible}"
"tr{break-inside:avoid}.sev,.res,th,.tile,tr.failed td{"
"-webkit-print-color-adjust:exact;"
"print-color-adjust:exact}a{color:inherit;text-decoration:none}}\n";

static const char report_js[] =
"(function () {\n"
"\t'use strict';\n"
"\tvar table = document.getElementById('findings-table');\n"
"\tvar box = document.getElementById('filters');\n"
"\tif (!table || !box || !table.tBodies.length) return;\n"
"\tvar groups = Array.prototype.slice.call(table.tBodies);\n"
"\tvar rows = Array.prototype.slice.call(\n"
"\t    table.querySelectorAll('tbody.group tr:not(.rule-head)'));\n"
"\tfunction get(r, k) {\n"
"\t\tif (k === 'status')\n"
"\t\t\treturn r.getAttribute('data-status') || 'fail';\n"
"\t\tif (k === 'account')\n"
"\t\t\treturn r.getAttribute('data-account') || '';\n"
"\t\treturn r.parentNode.getAttribute('data-' + k);\n"
"\t}\n"
"\tvar sel = {};\n"
"\t['severity', 'status', 'provider', 'rule', 'account']\n"
"\t    .forEach(function (k) {\n"
"\t\tvar e = document.getElementById('filter-' + k);\n"
"\t\tif (e) sel[k] = e;\n"
"\t});\n"
"\tvar q = document.getElementById('filter-search');\n"
"\tvar shown = document.getElementById('filter-shown');\n"
"\tfunction apply() {\n"
"\t\tvar text = q.value.toLowerCase(), n = 0;\n"
"\t\trows.forEach(function (r) {\n"
"\t\t\tvar show = Object.keys(sel).every(function (k) {\n"
"\t\t\t\treturn !sel[k].value || get(r, k) === sel[k].value;\n"
"\t\t\t}) && (!text || (r.textContent + ' ' +\n"
"\t\t\t    r.parentNode.rows[0].textContent).toLowerCase()\n"
"\t\t\t    .indexOf(text) !== -1);\n"
"\t\t\tr.hidden = !show;\n"
"\t\t\tif (show) n++;\n"
"\t\t});\n"
"\t\tgroups.forEach(function (g) {\n"
"\t\t\tg.hidden = !g.querySelector('tr:not(.rule-head):not([hidden])');\n"
"\t\t});\n"
"\t\tshown.textContent = n + ' of ' + rows.length + ' shown';\n"
"\t}\n"
"\tObject.keys(sel).forEach(function (k) {\n"
"\t\tsel[k].addEventListener('change', apply);\n"
"\t});\n"
"\tq.addEventListener('input', apply);\n"
"\tbox.hidden = false;\n"
"\tapply();\n"
"})();\n";

static const char *const sev_colors[SEV_COUNT] = {
	"#6c757d", "#2e86c1", "#b9770e", "#c0392b", "#8b0000"
};

/* A valid UTF-8 copy of s for libxml2, control characters visible. */
static xmlChar *
clean(const char *s)
{
	return (xmlChar *)report_utf8(s, 1);
}

static const char *
str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/*
 * A member as display text: a string itself (not copied, never cut),
 * numbers and booleans formatted into out, "" for null or absent.
 */
static const char *
val(json_t *v, char *out, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(out, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, len, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(out, len, "%s", json_is_true(v) ? "true" : "false");
	else
		out[0] = '\0';
	return out;
}

static void
text(xmlNodePtr n, const char *s)
{
	xmlChar	*c = clean(s);

	xmlAddChild(n, xmlNewText(c));
	free(c);
}

static void
attr(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar	*c = clean(value);

	xmlNewProp(n, (const xmlChar *)name, c);
	free(c);
}

/* A child element, with text when s is not NULL. */
static xmlNodePtr
el(xmlNodePtr parent, const char *name, const char *s)
{
	xmlNodePtr	 n;

	n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
	if (s != NULL)
		text(n, s);
	return n;
}

static xmlNodePtr
el_class(xmlNodePtr parent, const char *name, const char *cls,
    const char *s)
{
	xmlNodePtr	 n = el(parent, name, s);

	attr(n, "class", cls);
	return n;
}

static xmlNodePtr
el_int(xmlNodePtr parent, const char *name, long long v)
{
	char	 b[32];

	snprintf(b, sizeof(b), "%lld", v);
	return el(parent, name, b);
}

static xmlNodePtr
td_num(xmlNodePtr tr, long long v)
{
	xmlNodePtr	 n = el_int(tr, "td", v);

	attr(n, "class", "n");
	return n;
}

static xmlNodePtr
section(xmlNodePtr main, const char *id, const char *title)
{
	xmlNodePtr	 s = el(main, "section", NULL);

	attr(s, "id", id);
	el(s, "h2", title);
	return s;
}

static void
none(xmlNodePtr parent, const char *s)
{
	el_class(parent, "p", "none", s);
}

static xmlNodePtr
table_head(xmlNodePtr parent, const char *const *cols)
{
	xmlNodePtr	 t, tr, th;
	size_t		 i;

	t = el(el_class(parent, "div", "scroll", NULL), "table", NULL);
	tr = el(el(t, "thead", NULL), "tr", NULL);
	for (i = 0; cols[i] != NULL; i++) {
		/* A leading '#' marks a numeric column. */
		th = el(tr, "th", cols[i] + (cols[i][0] == '#'));
		if (cols[i][0] == '#')
			attr(th, "class", "n");
		attr(th, "scope", "col");
	}
	return el(t, "tbody", NULL);
}

static void
sev_badge(xmlNodePtr parent, const char *sev)
{
	char	 cls[64];

	snprintf(cls, sizeof(cls), "sev sev-%s",
	    severity_parse(sev) >= 0 ? sev : "info");
	el_class(parent, "span", cls, sev);
}

/* Compares with runs of digits as numbers: "1.4" before "1.10". */
static int
cmp_str(const void *a, const void *b)
{
	const unsigned char *p = *(const unsigned char *const *)a;
	const unsigned char *q = *(const unsigned char *const *)b;
	size_t		 lp, lq;
	int		 c;

	while (*p != '\0' && *q != '\0') {
		if (*p >= '0' && *p <= '9' && *q >= '0' && *q <= '9') {
			while (*p == '0' && p[1] >= '0' && p[1] <= '9')
				p++;
			while (*q == '0' && q[1] >= '0' && q[1] <= '9')
				q++;
			for (lp = 0; p[lp] >= '0' && p[lp] <= '9'; lp++)
				;
			for (lq = 0; q[lq] >= '0' && q[lq] <= '9'; lq++)
				;
			if (lp != lq)
				return lp < lq ? -1 : 1;
			if ((c = memcmp(p, q, lp)) != 0)
				return c;
			p += lp;
			q += lq;
			continue;
		}
		if (*p != *q)
			return *p < *q ? -1 : 1;
		p++;
		q++;
	}
	return (*p != '\0') - (*q != '\0');
}

/* The keys of a JSON object, sorted; the array is freed by the caller. */
static const char **
sorted_keys(json_t *o, size_t *np)
{
	const char	**keys;
	const char	*k;
	json_t		*v;
	size_t		 n = 0;

	keys = xcalloc(json_object_size(o) + 1, sizeof(*keys));
	json_object_foreach(o, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	*np = n;
	return keys;
}

/* Adds 1 to set[key][sub] (set[key] a counting object). */
static void
count(json_t *set, const char *key, const char *sub)
{
	json_t	*o = json_object_get(set, key);

	if (o == NULL) {
		o = json_object();
		json_object_set_new(set, key, o);
	}
	json_object_set_new(o, sub, json_integer(json_integer_value(
	    json_object_get(o, sub)) + 1));
}

static long long
num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/*
 * One summary tile: label, count, and the change since the previous run
 * (prev < 0: no previous run).  up_bad: an increase is bad news.
 */
static void
tile(xmlNodePtr box, const char *cls, const char *label, long long v,
    long long prev, int up_bad, const char *prevrun, const char *note)
{
	xmlNodePtr	 t;
	char		 b[128];

	t = el_class(box, "div", cls, NULL);
	el_class(t, "span", "label", label);
	snprintf(b, sizeof(b), "%lld", v);
	el_class(t, "span", "count", b);
	if (prev < 0) {
		el_class(t, "span", "delta", note);
		return;
	}
	if (v == prev)
		snprintf(b, sizeof(b), "= unchanged since run %s", prevrun);
	else
		snprintf(b, sizeof(b), "%s%lld since run %s",
		    v > prev ? "\u25b2 +" : "\u25bc \u2212", v > prev ?
		    v - prev : prev - v, prevrun);
	el_class(t, "span", v == prev ? "delta" : (v > prev) == up_bad ?
	    "delta up" : "delta down", b);
}

static void
html_summary(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Provider", "#critical", "#high",
	    "#medium", "#low", "#info", "#waived", "#errors", NULL };
	static const char *const results[] = { "failed", "error", "waived",
	    "passed", "not_evaluated" };
	static const char *const rlabels[] = { "failed", "error", "waived",
	    "passed", "not evaluated (source absent)" };
	xmlNodePtr	 s, tb, tr, box, p;
	json_t		*sum, *psum, *prev, *byprov, *f, *c, *r, *rcount;
	const char	**keys;
	const char	*st;
	size_t		 i, n;
	long long	 pv;
	int		 sev;
	char		 b[160], cls[64], prun[32];

	s = section(main, "summary", "Summary");
	sum = json_object_get(doc, "summary");
	prev = json_object_get(doc, "previous");
	psum = json_object_get(prev, "summary");
	snprintf(prun, sizeof(prun), "%lld", num(prev, "run"));
	p = el(s, "p", "Unwaived failing findings by severity; waived "
	    "findings and findings that could not be evaluated (errors) are "
	    "counted apart. ");
	if (json_is_object(prev)) {
		snprintf(b, sizeof(b), "Changes are since the previous run, "
		    "run %s", prun);
		text(p, b);
		if (json_is_string(json_object_get(prev, "collected_at"))) {
			text(p, " (");
			text(p, str(prev, "collected_at"));
			text(p, ")");
		}
		text(p, ".");
	} else
		text(p, "There is no previous run to compare with.");
	box = el_class(s, "div", "tiles", NULL);
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
		snprintf(cls, sizeof(cls), "tile tile-%s", severity_name(sev));
		pv = psum != NULL ? num(psum, severity_name(sev)) : -1;
		tile(box, cls, severity_name(sev), num(sum, severity_name(sev)),
		    pv, 1, prun, "no previous run");
	}
	tile(box, "tile tile-waived", "waived", num(sum, "waived"),
	    psum != NULL ? num(psum, "waived") : -1, 1, prun,
	    "no previous run");
	tile(box, "tile tile-errors", "errors", num(sum, "errors"),
	    psum != NULL ? num(psum, "errors") : -1, 1, prun,
	    "no previous run");
	tile(box, "tile tile-new", "new", num(sum, "new"), -1, 1, prun,
	    "failing, not in the previous run");
	snprintf(b, sizeof(b), "%zu", json_array_size(json_object_get(doc,
	    "resolved")));
	tr = el_class(box, "a", "tile tile-resolved", NULL);
	attr(tr, "href", "#resolved");
	el_class(tr, "span", "label", "resolved");
	el_class(tr, "span", "count", b);
	el_class(tr, "span", "delta", json_is_object(prev) ?
	    "fixed since the previous run" : "no previous run");

	/* Rule coverage: how many rules ran, and with what result. */
	rcount = json_object();
	json_array_foreach(json_object_get(doc, "rules"), i, r)
		count(rcount, "all", str(r, "result"));
	c = json_object_get(rcount, "all");
	snprintf(b, sizeof(b), "Rules: %zu in the catalog. ",
	    json_array_size(json_object_get(doc, "rules")));
	p = el(s, "p", b);
	for (i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		snprintf(b, sizeof(b), "%lld", num(c, results[i]));
		snprintf(cls, sizeof(cls), "res res-%s", results[i]);
		el_class(p, "span", cls, b);
		text(p, " ");
		text(p, rlabels[i]);
		text(p, i + 1 < sizeof(results) / sizeof(results[0]) ? "; " :
		    ". ");
	}
	attr(el(p, "a", "Coverage by rule"), "href", "#rules");
	json_decref(rcount);

	byprov = json_object();
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		st = str(f, "status");
		if (strcmp(st, "fail") == 0)
			count(byprov, str(f, "provider"), str(f, "severity"));
		else
			count(byprov, str(f, "provider"),
			    strcmp(st, "waived") == 0 ? "waived" : "errors");
	}
	el(s, "h3", "By provider");
	if (json_object_size(byprov) == 0)
		none(s, "No findings.");
	else {
		tb = table_head(s, cols);
		keys = sorted_keys(byprov, &n);
		for (i = 0; i < n; i++) {
			c = json_object_get(byprov, keys[i]);
			tr = el(tb, "tr", NULL);
			el(tr, "th", keys[i][0] != '\0' ? keys[i] : "-");
			for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
				td_num(tr, num(c, severity_name(sev)));
			td_num(tr, num(c, "waived"));
			td_num(tr, num(c, "errors"));
		}
		free(keys);
	}
	json_decref(byprov);
}

/* The unwaived failures of the previous run that are gone. */
static void
html_resolved(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Severity", "Rule", "Provider",
	    "Resource", NULL };
	xmlNodePtr	 s, tb, tr, td, a;
	json_t		*f, *res, *prev;
	size_t		 i;
	char		 b[512];

	s = section(main, "resolved", "Resolved since the previous run");
	prev = json_object_get(doc, "previous");
	res = json_object_get(doc, "resolved");
	if (!json_is_object(prev)) {
		none(s, "No previous run to compare with.");
		return;
	}
	snprintf(b, sizeof(b), "Unwaived failing findings of run %lld that "
	    "this run no longer has, although their rule ran (a rule that "
	    "errored or whose source is absent resolves nothing).",
	    num(prev, "run"));
	el(s, "p", b);
	if (json_array_size(res) == 0) {
		none(s, "Nothing was resolved.");
		return;
	}
	tb = table_head(s, cols);
	json_array_foreach(res, i, f) {
		tr = el(tb, "tr", NULL);
		attr(tr, "class", "resolved");
		sev_badge(el(tr, "td", NULL), str(f, "severity"));
		td = el(tr, "td", NULL);
		a = el_class(td, "a", "mono", str(f, "rule"));
		snprintf(b, sizeof(b), "#rule-%s", str(f, "rule"));
		attr(a, "href", b);
		el_class(td, "span", "rule-title", str(f, "title"));
		el(tr, "td", str(f, "provider"));
		el_class(tr, "td", "mono", str(f, "resource"));
	}
}

static void
html_sources(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Source", "Type", "Status",
	    "#Resources", "#Requests", "#Time (ms)", "Error", NULL };
	xmlNodePtr	 s, tb, tr;
	json_t		*v, *srcs;
	size_t		 i, failed = 0;
	char		 b[160];

	s = section(main, "sources", "Source status");
	srcs = json_object_get(doc, "sources");
	json_array_foreach(srcs, i, v) {
		if (strcmp(str(v, "status"), "ok") != 0)
			failed++;
	}
	if (failed > 0) {
		snprintf(b, sizeof(b), "Incomplete: %zu source%s could not be "
		    "collected; %s rules are reported as errors, never as "
		    "passing.", failed, failed == 1 ? "" : "s",
		    failed == 1 ? "its" : "their");
		el_class(s, "p", "alert", b);
	}
	if (json_array_size(srcs) == 0) {
		none(s, "No sources in this run.");
		return;
	}
	tb = table_head(s, cols);
	json_array_foreach(srcs, i, v) {
		tr = el(tb, "tr", NULL);
		if (strcmp(str(v, "status"), "ok") != 0)
			attr(tr, "class", "failed");
		el(tr, "th", str(v, "name"));
		el(tr, "td", str(v, "type"));
		el(tr, "td", str(v, "status"));
		td_num(tr, num(v, "resources"));
		td_num(tr, num(v, "requests"));
		td_num(tr, num(v, "duration_ms"));
		el_class(tr, "td", "err", str(v, "error"));
	}
}

/*
 * AWS organisations (issue 11): per account, its name and state (from the
 * document's "accounts") and the counts of its unwaived fail findings by
 * severity and of its error findings.  An object account id -> {name,
 * state, error, SEVERITY..., errors}, or NULL unless the accounts and
 * findings span more than one account.
 */
static json_t *
account_table(json_t *doc)
{
	json_t		*acc = json_object(), *v, *c;
	const char	*id, *st, *e;
	size_t		 i;
	int		 sev;
	char		 b[1024];

	json_array_foreach(json_object_get(doc, "accounts"), i, v) {
		if ((id = json_string_value(json_object_get(v,
		    "account_id"))) == NULL)
			continue;
		c = json_object();
		json_object_set(c, "name", json_object_get(v, "name"));
		e = json_string_value(json_object_get(v, "error"));
		if (e != NULL)
			snprintf(b, sizeof(b), "not audited: %s", e);
		else if (!json_is_true(json_object_get(v, "audited")))
			snprintf(b, sizeof(b), "not audited (outside "
			    "include/exclude)");
		else
			snprintf(b, sizeof(b), "audited%s",
			    json_is_true(json_object_get(v, "management")) ?
			    " (management account)" : "");
		json_object_set_new(c, "state", json_string(b));
		json_object_set_new(c, "error", json_boolean(e != NULL));
		json_object_set_new(acc, id, c);
	}
	json_array_foreach(json_object_get(doc, "findings"), i, v) {
		id = json_string_value(json_object_get(v, "account_id"));
		st = str(v, "status");
		if (id == NULL)
			continue;
		if ((c = json_object_get(acc, id)) == NULL) {
			c = json_object();
			json_object_set_new(acc, id, c);
		}
		if (strcmp(st, "fail") == 0 &&
		    (sev = severity_parse(str(v, "severity"))) >= 0)
			count(acc, id, severity_name(sev));
		else if (strcmp(st, "error") == 0)
			count(acc, id, "errors");
	}
	if (json_object_size(acc) < 2) {
		json_decref(acc);
		return NULL;
	}
	return acc;
}

/* The account of a finding as shown: "ID (name)" or "ID". */
static void
account_text(xmlNodePtr parent, json_t *acc, const char *id)
{
	const char	*name;

	name = json_string_value(json_object_get(json_object_get(acc, id),
	    "name"));
	el_class(parent, "span", "mono", id);
	if (name != NULL) {
		text(parent, " (");
		text(parent, name);
		text(parent, ")");
	}
}

static void
html_accounts(xmlNodePtr main, json_t *doc, json_t *acc)
{
	static const char *const cols[] = { "Account", "Name", "#Critical",
	    "#High", "#Medium", "#Low", "#Info", "#Errors", "State", NULL };
	xmlNodePtr	 s, tb, tr;
	json_t		*c;
	const char	**keys;
	size_t		 i, n;
	int		 sev;

	s = section(main, "accounts", "Accounts");
	el(s, "p", "Findings by account: unwaived failing findings by "
	    "severity, and error findings (an account that could not be "
	    "audited is an error, never a pass).");
	if (num(doc, "findings_omitted") > 0)
		el_class(s, "p", "alert", "The counts cover the listed "
		    "findings only.");
	tb = table_head(s, cols);
	keys = sorted_keys(acc, &n);
	for (i = 0; i < n; i++) {
		c = json_object_get(acc, keys[i]);
		tr = el(tb, "tr", NULL);
		attr(tr, "class", json_is_true(json_object_get(c, "error")) ||
		    num(c, "errors") > 0 ? "account failed" : "account");
		attr(tr, "data-account", keys[i]);
		el_class(tr, "th", "mono", keys[i]);
		el(tr, "td", str(c, "name"));
		for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
			td_num(tr, num(c, severity_name(sev)));
		td_num(tr, num(c, "errors"));
		el_class(tr, "td", json_is_true(json_object_get(c, "error")) ?
		    "err" : "state", str(c, "state"));
	}
	free(keys);
}

/* A filter <select> with an "all" option and one option per value. */
static void
filter_select(xmlNodePtr box, const char *key, const char *label,
    const char *const *values, size_t n)
{
	xmlNodePtr	 l, sel, o;
	char		 id[64];
	size_t		 i;

	l = el(box, "label", label);
	snprintf(id, sizeof(id), "filter-%s", key);
	sel = el(l, "select", NULL);
	attr(sel, "id", id);
	o = el(sel, "option", "all");
	attr(o, "value", "");
	for (i = 0; i < n; i++) {
		o = el(sel, "option", values[i]);
		attr(o, "value", values[i]);
	}
}

static void
html_findings(xmlNodePtr main, json_t *doc, json_t *acc)
{
	static const char *const cols[] = { "Status", "Resource", "Detail",
	    "Source", NULL };
	static const char *const acols[] = { "Status", "Resource", "Detail",
	    "Source", "Account", NULL };
	static const char *const statuses[] = { "fail", "waived", "error" };
	const char	*sevs[SEV_COUNT], *rule = "";
	xmlNodePtr	 s, box, tb, tr, td, a, in, tbl, th;
	json_t		*f, *provs, *rules, *findings;
	const char	**keys;
	size_t		 i, n;
	int		 sev;
	char		 b[512];

	s = section(main, "findings", "Findings");
	findings = json_object_get(doc, "findings");
	if (json_array_size(findings) == 0) {
		none(s, "No findings: every rule passed.");
		return;
	}
	if (num(doc, "findings_omitted") > 0) {
		snprintf(b, sizeof(b), "%lld findings are not listed here.",
		    num(doc, "findings_omitted"));
		el_class(s, "p", "alert", b);
	}
	provs = json_object();
	rules = json_object();
	json_array_foreach(findings, i, f) {
		json_object_set_new(provs, str(f, "provider"), json_true());
		json_object_set_new(rules, str(f, "rule"), json_true());
	}

	/* Shown by the script: without it, every finding is listed. */
	box = el_class(s, "div", "filters", NULL);
	attr(box, "id", "filters");
	attr(box, "hidden", "hidden");
	for (sev = SEV_CRITICAL, n = 0; sev >= SEV_INFO; sev--)
		sevs[n++] = severity_name(sev);
	filter_select(box, "severity", "Severity", sevs, n);
	filter_select(box, "status", "Status", statuses, 3);
	keys = sorted_keys(provs, &n);
	filter_select(box, "provider", "Provider", keys, n);
	free(keys);
	keys = sorted_keys(rules, &n);
	filter_select(box, "rule", "Rule", keys, n);
	free(keys);
	if (acc != NULL) {
		keys = sorted_keys(acc, &n);
		filter_select(box, "account", "Account", keys, n);
		free(keys);
	}
	in = el(el(box, "label", "Search"), "input", NULL);
	attr(in, "id", "filter-search");
	attr(in, "type", "search");
	attr(in, "placeholder", "resource, detail, rule...");
	el(box, "span", NULL);
	attr(box->last, "id", "filter-shown");
	json_decref(provs);
	json_decref(rules);

	/*
	 * Findings come ordered by severity, then rule: one tbody per run of
	 * a rule carries the rule's severity, provider, link and title once
	 * (data-rule, data-severity, data-provider); its rows carry status
	 * (data-status, absent for fail), resource, detail and source, so
	 * that a large run stays small.
	 */
	tb = table_head(s, acc != NULL ? acols : cols);
	xmlUnlinkNode(tb);
	xmlFreeNode(tb);
	tb = NULL;
	tbl = s->last->last;
	attr(tbl, "id", "findings-table");
	json_array_foreach(findings, i, f) {
		if (tb == NULL || strcmp(str(f, "rule"), rule) != 0) {
			rule = str(f, "rule");
			tb = el(tbl, "tbody", NULL);
			attr(tb, "class", "group");
			attr(tb, "data-rule", rule);
			attr(tb, "data-severity", str(f, "severity"));
			attr(tb, "data-provider", str(f, "provider"));
			th = el(el(tb, "tr", NULL), "th", NULL);
			attr(th->parent, "class", "rule-head");
			attr(th, "colspan", acc != NULL ? "5" : "4");
			sev_badge(th, str(f, "severity"));
			text(th, " ");
			a = el_class(th, "a", "mono", rule);
			snprintf(b, sizeof(b), "#rule-%s", rule);
			attr(a, "href", b);
			text(th, " ");
			text(th, str(f, "title"));
			text(th, " \u2014 ");
			text(th, str(f, "provider"));
		}
		/* A row without data-status is a fail finding. */
		tr = el(tb, "tr", NULL);
		if (strcmp(str(f, "status"), "fail") != 0)
			attr(tr, "data-status", str(f, "status"));
		td = el(tr, "td", str(f, "status"));
		if (json_is_true(json_object_get(f, "new")))
			el_class(td, "span", "badge", "new");
		el(tr, "td", str(f, "resource"));
		el(tr, "td", str(f, "detail"));
		el(tr, "td", json_is_string(json_object_get(f, "source")) ?
		    str(f, "source") : "");
		/* Several accounts: each finding names its own. */
		if (acc != NULL) {
			td = el(tr, "td", NULL);
			if (json_is_string(json_object_get(f, "account_id"))) {
				attr(tr, "data-account", str(f, "account_id"));
				account_text(td, acc, str(f, "account_id"));
			}
		}
	}
}

static void
html_waived(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Rule", "Resource", "Reason",
	    "Approved by", "Expires", NULL };
	xmlNodePtr	 s, tb = NULL, tr;
	json_t		*f, *w;
	size_t		 i;
	const char	*e;
	char		 b[80];

	s = section(main, "waived", "Waived findings");
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (strcmp(str(f, "status"), "waived") != 0)
			continue;
		if (tb == NULL)
			tb = table_head(s, cols);
		w = json_object_get(f, "waiver");
		tr = el(tb, "tr", NULL);
		el_class(tr, "td", "mono", str(f, "rule"));
		el_class(tr, "td", "mono", str(f, "resource"));
		el(tr, "td", str(w, "reason"));
		el(tr, "td", str(w, "approved_by"));
		e = val(json_object_get(w, "expires"), b, sizeof(b));
		el(tr, "td", e[0] != '\0' ? e : "never");
	}
	if (tb == NULL)
		none(s, "No waived findings.");
}

static void
res_badge(xmlNodePtr parent, const char *res)
{
	char	 cls[64];

	snprintf(cls, sizeof(cls), "res res-%s", strcmp(res, "passed") == 0 ||
	    strcmp(res, "failed") == 0 || strcmp(res, "waived") == 0 ||
	    strcmp(res, "error") == 0 ? res : "not_evaluated");
	el_class(parent, "span", cls, strcmp(res, "not_evaluated") == 0 ?
	    "not evaluated" : res);
}

/* "a, b, c" of a JSON array of strings into the element's text. */
static void
join_text(xmlNodePtr n, json_t *arr)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(arr, i, v) {
		if (i > 0)
			text(n, ", ");
		text(n, json_string_value(v));
	}
}

/*
 * Every rule that ran with its result, grouped by provider, so that
 * coverage is visible; remediation under each rule that has findings.
 */
static void
html_rules(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Rule", "Severity", "Result",
	    "#Failing", "#Waived", "#Errors", "Framework controls", NULL };
	xmlNodePtr	 s, tb, tr, td, h, box;
	json_t		*r, *rules, *byprov, *list;
	const char	**keys;
	const char	*res;
	size_t		 i, j, n, ne;
	char		 id[512];

	s = section(main, "rules", "Rules: coverage and remediation");
	rules = json_object_get(doc, "rules");
	if (json_array_size(rules) == 0) {
		none(s, "No rules in the catalog.");
		return;
	}
	el(s, "p", "Every rule of the catalog with its result in this run: "
	    "passed, failed, waived (only waived findings), error (it could "
	    "not be evaluated honestly), or not evaluated (the policy "
	    "collects no source of its provider).");
	byprov = json_object();
	json_array_foreach(rules, i, r) {
		if ((list = json_object_get(byprov, str(r, "provider"))) ==
		    NULL) {
			list = json_array();
			json_object_set_new(byprov, str(r, "provider"), list);
		}
		json_array_append(list, r);
	}
	keys = sorted_keys(byprov, &n);
	for (i = 0; i < n; i++) {
		list = json_object_get(byprov, keys[i]);
		for (ne = 0, j = 0; j < json_array_size(list); j++) {
			if (strcmp(str(json_array_get(list, j), "result"),
			    "not_evaluated") == 0)
				ne++;
		}
		box = s;
		if (ne == json_array_size(list)) {
			/* Folded, but counted in the heading. */
			box = el(s, "details", NULL);
			h = el(box, "summary", NULL);
			el(h, "strong", keys[i][0] != '\0' ?
			    keys[i] : "-");
			snprintf(id, sizeof(id), ": %zu rule%s, none evaluated "
			    "(the run has no source of this provider)", ne,
			    ne == 1 ? "" : "s");
			text(h, id);
		} else {
			h = el(s, "h3", keys[i][0] != '\0' ? keys[i] : "-");
			snprintf(id, sizeof(id), ": %zu rule%s", json_array_size(
			    list), json_array_size(list) == 1 ? "" : "s");
			text(h, id);
			if (ne > 0) {
				snprintf(id, sizeof(id), ", %zu not evaluated",
				    ne);
				text(h, id);
			}
		}
		snprintf(id, sizeof(id), "rules-%s", keys[i]);
		attr(h, "id", id);
		tb = table_head(box, cols);
		attr(tb->parent, "class", "rules");
		json_array_foreach(list, j, r) {
			res = str(r, "result");
			tr = el(tb, "tr", NULL);
			snprintf(id, sizeof(id), "rule-%s", str(r, "id"));
			attr(tr, "id", id);
			attr(tr, "class", "rule");
			attr(tr, "data-result", res);
			td = el(tr, "td", NULL);
			el_class(td, "code", "mono", str(r, "id"));
			el_class(td, "span", "rule-title", str(r, "title"));
			if ((strcmp(res, "failed") == 0 ||
			    strcmp(res, "waived") == 0 ||
			    strcmp(res, "error") == 0)) {
				td = el(td, "p", "Remediation: ");
				text(td, json_is_string(json_object_get(r,
				    "remediation")) ? str(r, "remediation") :
				    "no remediation text in the rule catalog.");
			}
			sev_badge(el(tr, "td", NULL), str(r, "severity"));
			res_badge(el(tr, "td", NULL), res);
			td_num(tr, num(r, "fail"));
			td_num(tr, num(r, "waived"));
			td_num(tr, num(r, "error"));
			join_text(el_class(tr, "td", "mono", NULL),
			    json_object_get(r, "frameworks"));
		}
	}
	free(keys);
	json_decref(byprov);
}

/* The worse of two rule results, for a control's combined result. */
static int
res_rank(const char *res)
{
	static const char *const order[] = { "failed", "error", "waived",
	    "passed", "not_evaluated" };
	int	 i;

	for (i = 0; i < 5; i++) {
		if (strcmp(res, order[i]) == 0)
			return i;
	}
	return 4;
}

/*
 * Framework controls (the rules' `frameworks:` header): each control with
 * the combined result of its rules (the worst) and the rules themselves.
 */
static void
html_controls(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Control", "Result", "Rules",
	    NULL };
	static const char *const names[] = { "failed", "error", "waived",
	    "passed", "not_evaluated" };
	xmlNodePtr	 s, tb, tr, td, a;
	json_t		*r, *f, *ctl, *list, *fw;
	const char	**keys;
	size_t		 i, j, n;
	int		 worst, k;
	char		 b[512];

	s = section(main, "controls", "By framework control");
	ctl = json_object();
	json_array_foreach(json_object_get(doc, "rules"), i, r) {
		json_array_foreach(json_object_get(r, "frameworks"), j, fw) {
			if ((list = json_object_get(ctl,
			    json_string_value(fw))) == NULL) {
				list = json_array();
				json_object_set_new(ctl,
				    json_string_value(fw), list);
			}
			json_array_append(list, r);
		}
	}
	if (json_object_size(ctl) == 0) {
		none(s, "No rule names a framework control.");
		json_decref(ctl);
		return;
	}
	el(s, "p", "Each control named by a rule's frameworks header, with "
	    "the worst result of its rules.");
	tb = table_head(s, cols);
	keys = sorted_keys(ctl, &n);
	for (i = 0; i < n; i++) {
		list = json_object_get(ctl, keys[i]);
		worst = 4;
		json_array_foreach(list, j, r) {
			if ((k = res_rank(str(r, "result"))) < worst)
				worst = k;
		}
		/* Not evaluated only when none of its rules ran. */
		tr = el(tb, "tr", NULL);
		attr(tr, "class", "control");
		attr(tr, "data-result", names[worst]);
		el_class(tr, "th", "mono", keys[i]);
		td = el(tr, "td", NULL);
		res_badge(td, names[worst]);
		for (k = 0, j = 0; j < json_array_size(list); j++) {
			if (strcmp(str(json_array_get(list, j), "result"),
			    "not_evaluated") == 0)
				k++;
		}
		if (k > 0 && worst != 4) {
			snprintf(b, sizeof(b), " %d of %zu rules not "
			    "evaluated", k, json_array_size(list));
			el_class(td, "span", "partial-cov", b);
		}
		td = el(tr, "td", NULL);
		json_array_foreach(list, j, f) {
			if (j > 0)
				text(td, " ");
			snprintf(b, sizeof(b), "#rule-%s", str(f, "id"));
			a = el_class(td, "a", "mono", str(f, "id"));
			attr(a, "href", b);
			snprintf(b, sizeof(b), " (%s)", strcmp(str(f, "result"),
			    "not_evaluated") == 0 ? "not evaluated" :
			    str(f, "result"));
			text(td, b);
		}
	}
	free(keys);
	json_decref(ctl);
}

/* Drift grouped by table: each change as key, column, old -> new. */
static void
html_drift(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Key", "Source", "Change",
	    "Column", "Old \u2192 new", NULL };
	xmlNodePtr	 s, tb = NULL, tr, p, td;
	json_t		*c, *changes, *o, *nw;
	size_t		 i, cnt;
	const char	*e, *table = NULL, *ch;
	char		 b[80], h[512];

	s = section(main, "drift", "Drift since the baseline");
	changes = json_object_get(doc, "changes");
	if (json_array_size(changes) == 0) {
		none(s, "No baseline accepted, or no changes since it.");
		return;
	}
	e = val(json_object_get(json_array_get(changes, 0), "baseline_run"),
	    b, sizeof(b));
	if (e[0] != '\0') {
		p = el(s, "p", "Compared with the accepted baseline, run ");
		text(p, e);
		text(p, ".");
	}
	/* Changes come ordered by table. */
	json_array_foreach(changes, i, c) {
		if (table == NULL || strcmp(table, str(c, "table")) != 0) {
			table = str(c, "table");
			for (cnt = 0; i + cnt < json_array_size(changes) &&
			    strcmp(str(json_array_get(changes, i + cnt),
			    "table"), table) == 0; cnt++)
				;
			snprintf(h, sizeof(h), " (%zu change%s)", cnt,
			    cnt == 1 ? "" : "s");
			p = el(s, "h3", NULL);
			el_class(p, "code", "mono", table);
			text(p, h);
			tb = table_head(s, cols);
			attr(tb->parent, "class", "drift");
			attr(tb->parent, "data-table", table);
		}
		ch = str(c, "change");
		tr = el(tb, "tr", NULL);
		attr(tr, "class", "change");
		attr(tr, "data-change", ch);
		el_class(tr, "td", "mono", val(json_object_get(c, "key"), b,
		    sizeof(b)));
		el(tr, "td", val(json_object_get(c, "source"), b, sizeof(b)));
		el(tr, "td", ch);
		el_class(tr, "td", "mono", str(c, "column"));
		td = el_class(tr, "td", "mono", NULL);
		o = json_object_get(c, "old");
		nw = json_object_get(c, "new");
		if (strcmp(ch, "added") != 0) {
			el_class(td, "del", "old", json_is_null(o) ? "null" :
			    val(o, b, sizeof(b)));
		}
		if (strcmp(ch, "modified") == 0)
			el_class(td, "span", "arrow", "\u2192");
		if (strcmp(ch, "removed") != 0) {
			el_class(td, "ins", "new", json_is_null(nw) ? "null" :
			    val(nw, b, sizeof(b)));
		}
	}
}

static void
html_critical(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Name", "Source", "Status",
	    "Expected (SHA-256)", "Observed", NULL };
	xmlNodePtr	 s, tb, tr, td;
	json_t		*c, *cv, *ob, *ex, *oh;
	size_t		 i;
	char		 b[80];

	s = section(main, "critical-values", "Critical values (pins)");
	cv = json_object_get(doc, "critical_values");
	if (json_array_size(cv) == 0) {
		none(s, "None configured.");
		return;
	}
	el(s, "p", "Each pinned value of the policy: the digest the policy "
	    "expects and what this run observed (the value itself only for a "
	    "public pin, otherwise its SHA-256).");
	tb = table_head(s, cols);
	json_array_foreach(cv, i, c) {
		tr = el(tb, "tr", NULL);
		attr(tr, "class", strcmp(str(c, "status"), "ok") != 0 ?
		    "pin failed" : "pin");
		el(tr, "th", str(c, "name"));
		el(tr, "td", val(json_object_get(c, "source"), b, sizeof(b)));
		el(tr, "td", str(c, "status"));
		ex = json_object_get(c, "expected_sha256");
		el_class(tr, "td", "mono", json_is_string(ex) ?
		    json_string_value(ex) : "-");
		td = el_class(tr, "td", "mono", NULL);
		ob = json_object_get(c, "observed");
		oh = json_object_get(c, "observed_sha256");
		if (ob != NULL) {
			text(td, val(ob, b, sizeof(b)));
			if (json_is_string(oh)) {
				el(td, "br", NULL);
				text(td, "SHA-256 ");
				text(td, json_string_value(oh));
			}
		} else if (json_is_string(oh)) {
			text(td, "SHA-256 ");
			text(td, json_string_value(oh));
		} else
			text(td, "unreadable");
		if (json_is_string(json_object_get(c, "error"))) {
			el(td, "br", NULL);
			text(td, str(c, "error"));
		}
	}
}

static void
html_freeze(xmlNodePtr main, json_t *doc)
{
	xmlNodePtr	 s;
	json_t		*fz;

	static const char *const cols[] = {
		"Step", "Source", "Action", "State", "Held in this run", NULL
	};
	xmlNodePtr	 tb, tr;
	json_t		*st, *h;
	size_t		 i;

	s = section(main, "freeze", "Freeze");
	fz = json_object_get(doc, "freeze");
	if (!json_is_true(json_object_get(fz, "active"))) {
		none(s, "Not in use.");
		return;
	}
	if (json_is_false(json_object_get(fz, "held")))
		el_class(s, "p", "failed", str(fz, "status"));
	else
		el(s, "p", str(fz, "status"));
	tb = table_head(s, cols);
	json_array_foreach(json_object_get(fz, "steps"), i, st) {
		h = json_object_get(st, "held");
		tr = el(tb, "tr", NULL);
		if (json_is_false(h))
			attr(tr, "class", "failed");
		el(tr, "td", str(st, "text"));
		el(tr, "td", str(st, "source"));
		el(tr, "td", str(st, "action"));
		el(tr, "td", str(st, "state"));
		el(tr, "td", json_is_true(h) ? "held" : json_is_false(h) ?
		    "BROKEN" : "unknown (not collected in this run)");
	}
}

static void
svg_line(xmlNodePtr svg, double x1, double y1, double x2, double y2,
    const char *stroke, const char *dash)
{
	xmlNodePtr	 n;
	char		 b[32];

	n = el(svg, "line", NULL);
	snprintf(b, sizeof(b), "%.1f", x1);
	attr(n, "x1", b);
	snprintf(b, sizeof(b), "%.1f", y1);
	attr(n, "y1", b);
	snprintf(b, sizeof(b), "%.1f", x2);
	attr(n, "x2", b);
	snprintf(b, sizeof(b), "%.1f", y2);
	attr(n, "y2", b);
	attr(n, "stroke", stroke);
	if (dash != NULL)
		attr(n, "stroke-dasharray", dash);
}

static xmlNodePtr
svg_text(xmlNodePtr svg, double x, double y, const char *anchor,
    const char *s)
{
	xmlNodePtr	 n;
	char		 b[32];

	n = el(svg, "text", s);
	snprintf(b, sizeof(b), "%.1f", x);
	attr(n, "x", b);
	snprintf(b, sizeof(b), "%.1f", y);
	attr(n, "y", b);
	if (anchor != NULL)
		attr(n, "text-anchor", anchor);
	return n;
}

/*
 * A stacked bar per run: unwaived failing findings by severity, with
 * labelled axes; a partial run (a source failed) has a dashed outline
 * and "partial" under its number, since its counts are not comparable.
 */
static void
html_trend(xmlNodePtr main, json_t *doc)
{
	const double	 w = 900, h = 276, left = 64, right = 12, top = 16,
			 bottom = 76;
	xmlNodePtr	 s, svg, g, n, legend;
	json_t		*runs, *r;
	size_t		 i, nr, partial = 0;
	long long	 max = 1, tot, v, tick, step;
	double		 slot, bw, x, y, bh, ph = h - bottom - top;
	int		 sev, ispart;
	char		 b[512], c[64];

	s = section(main, "trend", "Trend of past runs");
	runs = json_object_get(doc, "history");
	if ((nr = json_array_size(runs)) == 0) {
		none(s, "No past runs.");
		return;
	}
	json_array_foreach(runs, i, r) {
		for (tot = 0, sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
			tot += num(r, severity_name(sev));
		if (tot > max)
			max = tot;
		if (strcmp(str(r, "status"), "complete") != 0)
			partial++;
	}
	snprintf(b, sizeof(b), "Unwaived failing findings by severity, for "
	    "the last %zu run%s (oldest first). %zu partial run%s (a source "
	    "failed: counts are incomplete) %s a dashed outline.", nr,
	    nr == 1 ? "" : "s", partial, partial == 1 ? "" : "s",
	    partial == 1 ? "has" : "have");
	el(s, "p", b);
	svg = el(s, "svg", NULL);
	attr(svg, "class", "trend");
	snprintf(b, sizeof(b), "0 0 %.0f %.0f", w, h);
	attr(svg, "viewBox", b);
	snprintf(b, sizeof(b), "%.0f", w);
	attr(svg, "width", b);
	snprintf(b, sizeof(b), "%.0f", h);
	attr(svg, "height", b);
	attr(svg, "role", "img");
	attr(svg, "aria-label", "Trend of unwaived failing findings by run");

	/* Y axis: a round step (1, 2 or 5 times a power of ten), at most
	 * five ticks; the axis ends at a whole step. */
	for (step = 1;; step *= 10) {
		if (max <= step * 5) {
			break;
		} else if (max <= step * 10) {
			step *= 2;
			break;
		} else if (max <= step * 25) {
			step *= 5;
			break;
		}
	}
	max = (max + step - 1) / step * step;
	for (tick = 0; tick <= max; tick += step) {
		y = h - bottom - ph * (double)tick / (double)max;
		if (tick > 0)
			svg_line(svg, left, y, w - right, y, "#e5e8e8", NULL);
		snprintf(c, sizeof(c), "%lld", tick);
		svg_text(svg, left - 6, y + 4, "end", c);
	}
	svg_line(svg, left, top, left, h - bottom, "#333", NULL);
	svg_line(svg, left, h - bottom, w - right, h - bottom, "#333", NULL);
	n = svg_text(svg, 0, 0, "middle", "Failing findings");
	attr(n, "class", "axis");
	snprintf(b, sizeof(b), "translate(16 %.1f) rotate(-90)",
	    top + ph / 2);
	attr(n, "transform", b);
	n = svg_text(svg, left + (w - left - right) / 2, h - 6, "middle",
	    "Run (number; date collected)");
	attr(n, "class", "axis");

	slot = (w - left - right) / (double)nr;
	bw = slot * 0.7 > 48 ? 48 : slot * 0.7;
	json_array_foreach(runs, i, r) {
		ispart = strcmp(str(r, "status"), "complete") != 0;
		g = el(svg, "g", NULL);
		attr(g, "class", ispart ? "run partial" : "run");
		snprintf(c, sizeof(c), "%lld", num(r, "id"));
		attr(g, "data-run", c);
		attr(g, "data-status", str(r, "status"));
		snprintf(b, sizeof(b), "run %s (%s, %s): %lld critical, %lld "
		    "high, %lld medium, %lld low, %lld info, %lld errors", c,
		    str(r, "collected_at"), str(r, "status"),
		    num(r, "critical"), num(r, "high"), num(r, "medium"),
		    num(r, "low"), num(r, "info"), num(r, "errors"));
		el(g, "title", b);
		x = left + slot * (double)i + (slot - bw) / 2;
		y = h - bottom;
		for (tot = 0, sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
			if ((v = num(r, severity_name(sev))) == 0)
				continue;
			tot += v;
			bh = ph * (double)v / (double)max;
			y -= bh;
			n = el(g, "rect", NULL);
			snprintf(b, sizeof(b), "%.1f", x);
			attr(n, "x", b);
			snprintf(b, sizeof(b), "%.1f", y);
			attr(n, "y", b);
			snprintf(b, sizeof(b), "%.1f", bw);
			attr(n, "width", b);
			snprintf(b, sizeof(b), "%.1f", bh);
			attr(n, "height", b);
			attr(n, "fill", sev_colors[sev]);
			if (ispart)
				attr(n, "fill-opacity", "0.45");
		}
		if (ispart) {
			/* The dashed outline of a partial run's bar. */
			n = el(g, "rect", NULL);
			snprintf(b, sizeof(b), "%.1f", x - 2);
			attr(n, "x", b);
			snprintf(b, sizeof(b), "%.1f", y - 2 < top ? top :
			    y - 2);
			attr(n, "y", b);
			snprintf(b, sizeof(b), "%.1f", bw + 4);
			attr(n, "width", b);
			snprintf(b, sizeof(b), "%.1f", h - bottom - (y - 2 <
			    top ? top : y - 2));
			attr(n, "height", b);
			attr(n, "fill", "none");
			attr(n, "stroke", "#333");
			attr(n, "stroke-dasharray", "4 3");
		}
		snprintf(b, sizeof(b), "%lld", tot);
		if (slot >= 22)
			svg_text(g, x + bw / 2, y - 3, "middle", b);
		svg_text(g, x + bw / 2, h - bottom + 14, "middle", c);
		if (slot >= 60) {
			snprintf(b, sizeof(b), "%.10s", str(r,
			    "collected_at"));
			svg_text(g, x + bw / 2, h - bottom + 27, "middle", b);
		}
		if (ispart)
			svg_text(g, x + bw / 2, h - bottom + (slot >= 60 ? 40 :
			    27), "middle", "partial");
	}
	legend = el_class(s, "p", "legend", NULL);
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
		snprintf(c, sizeof(c), "sev sev-%s", severity_name(sev));
		el_class(legend, "span", c, severity_name(sev));
	}
	el(legend, "span", "dashed outline, pale: partial run");
}

static void
html_evidence(xmlNodePtr main, json_t *doc)
{
	static const struct {
		const char	*label;
		const char	*key;
	} rows[] = {
		{ "Policy SHA-256", "policy_sha256" },
		{ "Rules SHA-256", "rules_sha256" },
		{ "Snapshot SHA-256", "snapshot_sha256" },
		{ "Findings SHA-256", "findings_sha256" },
		{ "Previous chain hash", "prev_chain_hash" },
	};
	xmlNodePtr	 s, dl;
	json_t		*run, *ev;
	size_t		 i;
	const char	*e;
	char		 b[80];

	s = section(main, "evidence", "Evidence");
	run = json_object_get(doc, "run");
	ev = json_object_get(run, "evidence");
	dl = el_class(s, "dl", "evidence", NULL);
	el(dl, "dt", "Run");
	el(dl, "dd", val(json_object_get(run, "id"), b, sizeof(b)));
	el(dl, "dt", "Collected at");
	el(dl, "dd", str(run, "collected_at"));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		el(dl, "dt", rows[i].label);
		e = val(json_object_get(ev, rows[i].key), b, sizeof(b));
		el(dl, "dd", e[0] != '\0' ? e : "-");
	}
	el(dl, "dt", "Chain hash");
	el(dl, "dd", str(run, "chain_hash"));
	el(s, "p", "'vigil verify' recomputes these digests and the hash "
	    "chain over the stored history.");
}

/* 'sha256-BASE64' of the script, for the Content-Security-Policy. */
static void
script_hash(char *out, size_t len)
{
	unsigned char	 md[EVP_MAX_MD_SIZE], b64[96];
	unsigned int	 mdlen = 0;

	EVP_Digest(report_js, strlen(report_js), md, &mdlen, EVP_sha256(),
	    NULL);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	snprintf(out, len, "'sha256-%s'", b64);
}

static int
html_render(json_t *doc, FILE *out)
{
	htmlDocPtr	 hd;
	xmlNodePtr	 html, head, body, hdr, main, n, nav;
	xmlChar		*mem = NULL;
	json_t		*run, *v, *acc;
	size_t		 i;
	int		 len = 0, r = 0;
	char		 b[1024], hash[128];
	static const struct {
		const char	*id;
		const char	*label;
	} toc[] = {
		{ "summary", "Summary" }, { "sources", "Sources" },
		{ "resolved", "Resolved" },
		{ "findings", "Findings" }, { "waived", "Waived" },
		{ "rules", "Rules" }, { "controls", "Controls" },
		{ "drift", "Drift" },
		{ "critical-values", "Critical values" },
		{ "freeze", "Freeze" }, { "trend", "Trend" },
		{ "evidence", "Evidence" },
	};

	run = json_object_get(doc, "run");
	hd = htmlNewDocNoDtD(NULL, NULL);
	xmlCreateIntSubset(hd, (const xmlChar *)"html", NULL, NULL);
	html = xmlNewNode(NULL, (const xmlChar *)"html");
	xmlDocSetRootElement(hd, html);
	attr(html, "lang", "en");
	head = el(html, "head", NULL);
	n = el(head, "meta", NULL);
	attr(n, "http-equiv", "Content-Type");
	attr(n, "content", "text/html; charset=utf-8");
	script_hash(hash, sizeof(hash));
	snprintf(b, sizeof(b), "default-src 'none'; style-src "
	    "'unsafe-inline'; script-src %s; img-src data:; base-uri 'none'; "
	    "form-action 'none'", hash);
	n = el(head, "meta", NULL);
	attr(n, "http-equiv", "Content-Security-Policy");
	attr(n, "content", b);
	n = el(head, "meta", NULL);
	attr(n, "name", "referrer");
	attr(n, "content", "no-referrer");
	n = el(head, "meta", NULL);
	attr(n, "name", "viewport");
	attr(n, "content", "width=device-width, initial-scale=1");
	snprintf(hash, sizeof(hash), "%lld", num(run, "id"));
	n = el(head, "title", "vigil report: ");
	text(n, str(doc, "organization"));
	text(n, ", run ");
	text(n, hash);
	n = el(head, "style", NULL);
	xmlAddChild(n, xmlNewText((const xmlChar *)report_css));

	body = el(html, "body", NULL);
	hdr = el(body, "header", NULL);
	n = el(hdr, "h1", "vigil report: ");
	text(n, str(doc, "organization"));
	snprintf(b, sizeof(b), "Run %s, %s. Collected %s; started %s, "
	    "finished %s.", hash, str(run, "status"), str(run,
	    "collected_at"), str(run, "started"), str(run, "finished"));
	el(hdr, "p", b);
	if (strcmp(str(run, "status"), "complete") != 0)
		el_class(hdr, "p", "alert", "This run is incomplete: see the "
		    "source status.");
	acc = account_table(doc);
	nav = el(hdr, "nav", NULL);
	for (i = 0; i < sizeof(toc) / sizeof(toc[0]); i++) {
		snprintf(b, sizeof(b), "#%s", toc[i].id);
		attr(el(nav, "a", toc[i].label), "href", b);
		if (acc != NULL && strcmp(toc[i].id, "sources") == 0)
			attr(el(nav, "a", "Accounts"), "href", "#accounts");
	}

	main = el(body, "main", NULL);
	html_summary(main, doc);
	html_sources(main, doc);
	if (acc != NULL)
		html_accounts(main, doc, acc);
	html_resolved(main, doc);
	html_findings(main, doc, acc);
	json_decref(acc);
	html_waived(main, doc);
	html_rules(main, doc);
	html_controls(main, doc);
	html_drift(main, doc);
	html_critical(main, doc);
	html_freeze(main, doc);
	html_trend(main, doc);
	html_evidence(main, doc);

	n = el(body, "footer", NULL);
	v = json_object_get(doc, "schema");
	snprintf(b, sizeof(b), "Generated by vigil %s from the %s document.",
	    PACKAGE_VERSION, json_is_string(v) ? json_string_value(v) : "");
	el(n, "p", b);
	n = el(body, "script", NULL);
	xmlAddChild(n, xmlNewText((const xmlChar *)report_js));

	htmlDocDumpMemoryFormat(hd, &mem, &len, 0);
	if (mem == NULL || len <= 0 ||
	    fwrite(mem, 1, (size_t)len, out) != (size_t)len)
		r = VGL_ERR_IO;
	xmlFree(mem);
	xmlFreeDoc(hd);
	if (r == 0 && ferror(out))
		r = VGL_ERR_IO;
	return r;
}

const struct report_format report_html = {
	.name = "html",
	.render = html_render,
};
