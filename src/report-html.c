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
#include "vigil.h"
#include "xmalloc.h"

static const char report_css[] =
":root{--critical:#8b0000;--high:#c0392b;--medium:#b9770e;--low:#2e86c1;"
"--info:#6c757d;--ok:#1e8449;--line:#d5d8dc;--bg2:#f4f6f7}\n"
"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
"color:#1b1b1b;background:#fff;margin:0}\n"
"header,main,footer{max-width:1200px;margin:0 auto;padding:0 1rem}\n"
"header{border-bottom:3px solid #1b1b1b;padding-top:1rem}\n"
"h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:1.5rem 0 "
".5rem;border-bottom:1px solid var(--line)}\n"
"nav a{margin-right:.75rem}nav{margin:.5rem 0}\n"
"section{margin-bottom:1.5rem}\n"
"table{border-collapse:collapse;width:100%;margin:.5rem 0}\n"
"th,td{border:1px solid var(--line);padding:.25rem .4rem;text-align:left;"
"vertical-align:top;overflow-wrap:anywhere}\n"
"th{background:var(--bg2)}td.n,th.n{text-align:right;"
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
"tr.status-waived td{color:#555;background:#fafafa}"
"tr.status-error td{background:#fdf2e9}\n"
"tr.failed td{background:#fdedec;font-weight:600}"
"tr.failed td.err{color:var(--critical)}\n"
".alert{border:2px solid var(--critical);background:#fdedec;padding:.5rem;"
"font-weight:600}\n"
".none{color:#555;font-style:italic}\n"
".filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;"
"margin:.5rem 0}.filters label{display:flex;flex-direction:column;"
"font-size:.85em}\n"
".rule-title{display:block;color:#333}\n"
"dl.evidence{display:grid;grid-template-columns:max-content 1fr;"
"gap:.2rem 1rem}dl.evidence dd{margin:0;font-family:ui-monospace,Menlo,"
"Consolas,monospace;overflow-wrap:anywhere}\n"
"svg.trend{max-width:100%;height:auto;border:1px solid var(--line)}\n"
"svg.trend text{font-size:10px;fill:#333}\n"
".legend span{margin-right:.75rem}\n"
"footer{color:#555;font-size:.85em;border-top:1px solid var(--line);"
"padding:.5rem 1rem 2rem}\n"
"@media print{nav,.filters{display:none!important}body{font-size:10pt}"
"header,main,footer{max-width:none}section{break-inside:auto}"
"tr{break-inside:avoid}.sev,th{-webkit-print-color-adjust:exact;"
"print-color-adjust:exact}a{color:inherit;text-decoration:none}}\n";

static const char report_js[] =
"(function () {\n"
"\t'use strict';\n"
"\tvar table = document.getElementById('findings-table');\n"
"\tvar box = document.getElementById('filters');\n"
"\tif (!table || !box || !table.tBodies.length) return;\n"
"\tvar rows = Array.prototype.slice.call(table.tBodies[0].rows);\n"
"\tvar sel = {};\n"
"\t['severity', 'status', 'provider', 'rule'].forEach(function (k) {\n"
"\t\tsel[k] = document.getElementById('filter-' + k);\n"
"\t});\n"
"\tvar q = document.getElementById('filter-search');\n"
"\tvar shown = document.getElementById('filter-shown');\n"
"\tfunction apply() {\n"
"\t\tvar text = q.value.toLowerCase(), n = 0;\n"
"\t\trows.forEach(function (r) {\n"
"\t\t\tvar show = Object.keys(sel).every(function (k) {\n"
"\t\t\t\treturn !sel[k].value ||\n"
"\t\t\t\t    r.getAttribute('data-' + k) === sel[k].value;\n"
"\t\t\t}) && (!text ||\n"
"\t\t\t    r.textContent.toLowerCase().indexOf(text) !== -1);\n"
"\t\t\tr.hidden = !show;\n"
"\t\t\tif (show) n++;\n"
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

	t = el(parent, "table", NULL);
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

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
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

static void
html_summary(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Provider", "#critical", "#high",
	    "#medium", "#low", "#info", "#waived", "#errors", NULL };
	static const char *const sevcols[] = { "#critical", "#high",
	    "#medium", "#low", "#info", "#waived", "#errors", "#new", NULL };
	xmlNodePtr	 s, tb, tr;
	json_t		*sum, *byprov, *f, *c;
	const char	**keys;
	const char	*st;
	size_t		 i, n;
	int		 sev;

	s = section(main, "summary", "Summary");
	sum = json_object_get(doc, "summary");
	el(s, "p", "Unwaived failing findings by severity; waived findings "
	    "and findings that could not be evaluated (errors) are counted "
	    "apart.");
	tr = el(table_head(s, sevcols), "tr", NULL);
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		td_num(tr, num(sum, severity_name(sev)));
	td_num(tr, num(sum, "waived"));
	td_num(tr, num(sum, "errors"));
	td_num(tr, num(sum, "new"));

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
html_findings(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Severity", "Status", "Rule",
	    "Provider / source", "Resource", "Detail", NULL };
	static const char *const statuses[] = { "fail", "waived", "error" };
	const char	*sevs[SEV_COUNT];
	xmlNodePtr	 s, box, tb, tr, td, a, in;
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
	in = el(el(box, "label", "Search"), "input", NULL);
	attr(in, "id", "filter-search");
	attr(in, "type", "search");
	attr(in, "placeholder", "resource, detail, rule...");
	el(box, "span", NULL);
	attr(box->last, "id", "filter-shown");
	json_decref(provs);
	json_decref(rules);

	tb = table_head(s, cols);
	attr(tb->parent, "id", "findings-table");
	json_array_foreach(findings, i, f) {
		tr = el(tb, "tr", NULL);
		snprintf(b, sizeof(b), "finding status-%s",
		    strcmp(str(f, "status"), "fail") == 0 ? "fail" :
		    strcmp(str(f, "status"), "waived") == 0 ? "waived" :
		    "error");
		attr(tr, "class", b);
		attr(tr, "data-severity", str(f, "severity"));
		attr(tr, "data-status", str(f, "status"));
		attr(tr, "data-provider", str(f, "provider"));
		attr(tr, "data-rule", str(f, "rule"));
		sev_badge(el(tr, "td", NULL), str(f, "severity"));
		td = el(tr, "td", str(f, "status"));
		if (json_is_true(json_object_get(f, "new")))
			el_class(td, "span", "badge", "new");
		td = el(tr, "td", NULL);
		a = el_class(td, "a", "mono", str(f, "rule"));
		snprintf(b, sizeof(b), "#rule-%s", str(f, "rule"));
		attr(a, "href", b);
		el_class(td, "span", "rule-title", str(f, "title"));
		td = el(tr, "td", str(f, "provider"));
		if (json_is_string(json_object_get(f, "source"))) {
			text(td, " / ");
			text(td, str(f, "source"));
		}
		el_class(tr, "td", "mono", str(f, "resource"));
		el(tr, "td", str(f, "detail"));
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

/* Each rule with findings, once: title, remediation, references. */
static void
html_rules(xmlNodePtr main, json_t *doc)
{
	xmlNodePtr	 s, dl, dt;
	json_t		*f, *seen;
	size_t		 i;
	char		 id[512];

	s = section(main, "rules", "Remediation and references");
	seen = json_object();
	dl = el(s, "dl", NULL);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (json_object_get(seen, str(f, "rule")) != NULL)
			continue;
		json_object_set_new(seen, str(f, "rule"), json_true());
		dt = el(dl, "dt", NULL);
		snprintf(id, sizeof(id), "rule-%s", str(f, "rule"));
		attr(dt, "id", id);
		sev_badge(dt, str(f, "severity"));
		text(dt, " ");
		el_class(dt, "code", "mono", str(f, "rule"));
		text(dt, ": ");
		text(dt, str(f, "title"));
		el(dl, "dd", json_is_string(json_object_get(f,
		    "remediation")) ? str(f, "remediation") :
		    "No remediation text in the rule catalog.");
		if (json_is_string(json_object_get(f, "frameworks")))
			text(el(dl, "dd", "References: "),
			    str(f, "frameworks"));
	}
	if (json_object_size(seen) == 0)
		none(s, "No rule has findings.");
	json_decref(seen);
}

static void
html_drift(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Table", "Source", "Key",
	    "Change", "Column", "Old", "New", NULL };
	xmlNodePtr	 s, tb, tr, p;
	json_t		*c, *changes;
	size_t		 i;
	const char	*e;
	char		 b[80];

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
	tb = table_head(s, cols);
	json_array_foreach(changes, i, c) {
		tr = el(tb, "tr", NULL);
		el(tr, "td", str(c, "table"));
		el(tr, "td", val(json_object_get(c, "source"), b, sizeof(b)));
		el_class(tr, "td", "mono", val(json_object_get(c, "key"), b,
		    sizeof(b)));
		el(tr, "td", str(c, "change"));
		el(tr, "td", str(c, "column"));
		el_class(tr, "td", "mono", val(json_object_get(c, "old"), b,
		    sizeof(b)));
		el_class(tr, "td", "mono", val(json_object_get(c, "new"), b,
		    sizeof(b)));
	}
}

static void
html_critical(xmlNodePtr main, json_t *doc)
{
	static const char *const cols[] = { "Name", "Source", "Status",
	    "Observed (SHA-256 or public value)", NULL };
	xmlNodePtr	 s, tb, tr;
	json_t		*c, *cv;
	size_t		 i;
	char		 b[80];

	s = section(main, "critical-values", "Critical values");
	cv = json_object_get(doc, "critical_values");
	if (json_array_size(cv) == 0) {
		none(s, "None configured.");
		return;
	}
	tb = table_head(s, cols);
	json_array_foreach(cv, i, c) {
		tr = el(tb, "tr", NULL);
		if (strcmp(str(c, "status"), "ok") != 0)
			attr(tr, "class", "failed");
		el(tr, "th", str(c, "name"));
		el(tr, "td", val(json_object_get(c, "source"), b, sizeof(b)));
		el(tr, "td", str(c, "status"));
		el_class(tr, "td", "mono", val(json_object_get(c,
		    json_object_get(c, "observed") != NULL ? "observed" :
		    "observed_sha256"), b, sizeof(b)));
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

/* A stacked bar per run: unwaived failing findings by severity. */
static void
html_trend(xmlNodePtr main, json_t *doc)
{
	const double	 w = 720, h = 220, left = 40, right = 10, top = 12,
			 bottom = 28;
	xmlNodePtr	 s, svg, g, n, legend;
	json_t		*runs, *r;
	size_t		 i, nr;
	long long	 max = 1, tot, v;
	double		 slot, bw, x, y, bh;
	int		 sev;
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
	}
	snprintf(b, sizeof(b), "Unwaived failing findings by severity, for "
	    "the last %zu run%s (oldest first).", nr, nr == 1 ? "" : "s");
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
	attr(svg, "aria-label", "Trend of unwaived failing findings");
	n = el(svg, "line", NULL);
	snprintf(b, sizeof(b), "%.0f", left);
	attr(n, "x1", b);
	attr(n, "x2", b);
	snprintf(b, sizeof(b), "%.0f", top);
	attr(n, "y1", b);
	snprintf(b, sizeof(b), "%.0f", h - bottom);
	attr(n, "y2", b);
	attr(n, "stroke", "#333");
	n = el(svg, "line", NULL);
	snprintf(b, sizeof(b), "%.0f", left);
	attr(n, "x1", b);
	snprintf(b, sizeof(b), "%.0f", w - right);
	attr(n, "x2", b);
	snprintf(b, sizeof(b), "%.0f", h - bottom);
	attr(n, "y1", b);
	attr(n, "y2", b);
	attr(n, "stroke", "#333");
	n = el_int(svg, "text", max);
	attr(n, "x", "4");
	snprintf(b, sizeof(b), "%.0f", top + 8);
	attr(n, "y", b);
	n = el(svg, "text", "0");
	attr(n, "x", "4");
	snprintf(b, sizeof(b), "%.0f", h - bottom);
	attr(n, "y", b);

	slot = (w - left - right) / (double)nr;
	bw = slot * 0.7 > 40 ? 40 : slot * 0.7;
	json_array_foreach(runs, i, r) {
		g = el(svg, "g", NULL);
		attr(g, "class", "run");
		snprintf(c, sizeof(c), "%lld", num(r, "id"));
		attr(g, "data-run", c);
		snprintf(b, sizeof(b), "run %s (%s): %lld critical, %lld high, "
		    "%lld medium, %lld low, %lld info", c,
		    str(r, "collected_at"), num(r, "critical"), num(r, "high"),
		    num(r, "medium"), num(r, "low"), num(r, "info"));
		el(g, "title", b);
		x = left + slot * (double)i + (slot - bw) / 2;
		y = h - bottom;
		for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
			if ((v = num(r, severity_name(sev))) == 0)
				continue;
			bh = (h - bottom - top) * (double)v / (double)max;
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
		}
		n = el(g, "text", c);
		snprintf(b, sizeof(b), "%.1f", x + bw / 2);
		attr(n, "x", b);
		snprintf(b, sizeof(b), "%.0f", h - bottom + 14);
		attr(n, "y", b);
		attr(n, "text-anchor", "middle");
	}
	legend = el_class(s, "p", "legend", NULL);
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
		snprintf(c, sizeof(c), "sev sev-%s", severity_name(sev));
		el_class(legend, "span", c, severity_name(sev));
	}
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
	json_t		*run, *v;
	size_t		 i;
	int		 len = 0, r = 0;
	char		 b[1024], hash[128];
	static const struct {
		const char	*id;
		const char	*label;
	} toc[] = {
		{ "summary", "Summary" }, { "sources", "Sources" },
		{ "findings", "Findings" }, { "waived", "Waived" },
		{ "rules", "Remediation" }, { "drift", "Drift" },
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
	nav = el(hdr, "nav", NULL);
	for (i = 0; i < sizeof(toc) / sizeof(toc[0]); i++) {
		snprintf(b, sizeof(b), "#%s", toc[i].id);
		attr(el(nav, "a", toc[i].label), "href", b);
	}

	main = el(body, "main", NULL);
	html_summary(main, doc);
	html_sources(main, doc);
	html_findings(main, doc);
	html_waived(main, doc);
	html_rules(main, doc);
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

	htmlDocDumpMemoryFormat(hd, &mem, &len, 1);
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
