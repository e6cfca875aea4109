/*
 * report.c: the report model of a stored run, and the format table.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "critical.h"
#include "drift.h"
#include "freeze.h"
#include "log.h"
#include "report.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const struct report_format *const report_formats[] = {
	&report_csv,
	&report_html,
	&report_json,
	&report_ocsf,
	&report_text,
	NULL
};

const struct report_format *
report_format_find(const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && report_formats[i] != NULL; i++) {
		if (strcmp(report_formats[i]->name, name) == 0)
			return report_formats[i];
	}
	return NULL;
}

const char *
report_format_names(void)
{
	return "csv, html, json, ocsf, text";
}

char *
report_utf8(const char *s, int pictures)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	unsigned char	*out, *o;
	unsigned int	 cp;
	size_t		 n, i;

	out = o = xmalloc(strlen((const char *)p) * 3 + 1);
	while (*p != '\0') {
		if (*p < 0x80) {
			if (!pictures || *p == '\t' || *p == '\n' ||
			    (*p >= 0x20 && *p != 0x7f))
				*o++ = *p;
			else {
				cp = *p == 0x7f ? 0x2421 : 0x2400 + *p;
				*o++ = 0xe0 | (cp >> 12);
				*o++ = 0x80 | ((cp >> 6) & 0x3f);
				*o++ = 0x80 | (cp & 0x3f);
			}
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 1;
			cp = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2;
			cp = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3;
			cp = *p & 0x07;
		} else
			n = 0;
		for (i = 1; n > 0 && i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				n = 0;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (n == 0 || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0 ||
		    (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe) {
			/* One replacement per bad lead byte; resync after. */
			*o++ = 0xef;
			*o++ = 0xbf;
			*o++ = 0xbd;
			p += (n == 0) ? 1 : n + 1;
			continue;
		}
		memcpy(o, p, n + 1);
		o += n + 1;
		p += n + 1;
	}
	*o = '\0';
	return (char *)out;
}

/* A column as a JSON value: NULL -> null, integers, reals, text. */
static json_t *
col_json(sqlite3_stmt *s, int i)
{
	json_t	*v;
	char	*t;

	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, i));
	default:
		break;
	}
	/* Text that is not valid UTF-8 is shown with U+FFFD. */
	if ((v = json_string((const char *)sqlite3_column_text(s, i))) ==
	    NULL) {
		t = report_utf8((const char *)sqlite3_column_text(s, i), 0);
		v = json_string(t);
		free(t);
	}
	return v;
}

static json_t *
col_parsed(sqlite3_stmt *s, int i)
{
	json_t	*v;

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	v = json_loads((const char *)sqlite3_column_text(s, i), 0, NULL);
	return v != NULL ? v : col_json(s, i);
}

static sqlite3_stmt *
prep(struct store *st, const char *sql, long long run)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		log_error("report: %s", sqlite3_errmsg(st->db));
		return NULL;
	}
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_int64(s, 1, run);
	return s;
}

/*
 * The trend: the last REPORT_HISTORY_RUNS committed runs up to run, oldest
 * first, each with its unwaived fail findings by severity and its error
 * findings.
 */
static json_t *
report_history(struct store *st, long long run)
{
	json_t		*arr, *h;
	sqlite3_stmt	*s;
	size_t		 i;
	int		 sev;

	if ((s = prep(st, "SELECT r.id, r.collected_at, r.status, "
	    "sum(f.status = 'fail' AND f.severity = 'critical'), "
	    "sum(f.status = 'fail' AND f.severity = 'high'), "
	    "sum(f.status = 'fail' AND f.severity = 'medium'), "
	    "sum(f.status = 'fail' AND f.severity = 'low'), "
	    "sum(f.status = 'fail' AND f.severity = 'info'), "
	    "sum(f.status = 'error') "
	    "FROM main.runs r LEFT JOIN main.findings f ON f.run = r.id "
	    "WHERE r.id <= ?1 AND r.status IN ('complete', 'partial') "
	    "AND r.evaluated = 1 GROUP BY r.id ORDER BY r.id DESC LIMIT ?2", run)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 2, REPORT_HISTORY_RUNS);
	arr = json_array();
	while (sqlite3_step(s) == SQLITE_ROW) {
		h = json_pack("{s:o, s:o, s:o}", "id", col_json(s, 0),
		    "collected_at", col_json(s, 1), "status", col_json(s, 2));
		for (sev = SEV_CRITICAL, i = 3; sev >= SEV_INFO; sev--, i++)
			json_object_set_new(h, severity_name(sev),
			    json_integer(sqlite3_column_int64(s, (int)i)));
		json_object_set_new(h, "errors",
		    json_integer(sqlite3_column_int64(s, 8)));
		json_array_insert_new(arr, 0, h);
	}
	sqlite3_finalize(s);
	return arr;
}

/* Counts by severity of unwaived fail findings, and the other totals. */
static json_t *
report_summary(struct store *st, long long run, long *total)
{
	json_t		*sum;
	sqlite3_stmt	*s;
	int		 i;

	sum = json_object();
	for (i = SEV_CRITICAL; i >= SEV_INFO; i--)
		json_object_set_new(sum, severity_name(i), json_integer(0));
	json_object_set_new(sum, "waived", json_integer(0));
	json_object_set_new(sum, "errors", json_integer(0));
	json_object_set_new(sum, "new", json_integer(0));
	*total = 0;
	if ((s = prep(st, "SELECT status, severity, count(*), sum(is_new) "
	    "FROM main.findings WHERE run = ? GROUP BY status, severity",
	    run)) == NULL) {
		json_decref(sum);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char	*status = (const char *)sqlite3_column_text(s, 0);
		const char	*sev = (const char *)sqlite3_column_text(s, 1);
		json_int_t	 n = sqlite3_column_int64(s, 2);
		json_int_t	 nnew = sqlite3_column_int64(s, 3);
		const char	*key;

		*total += (long)n;
		if (status != NULL && strcmp(status, "fail") == 0 &&
		    severity_parse(sev) >= 0) {
			key = severity_name(severity_parse(sev));
			json_object_set_new(sum, "new", json_integer(
			    json_integer_value(json_object_get(sum, "new")) +
			    nnew));
		} else if (status != NULL && strcmp(status, "waived") == 0)
			key = "waived";
		else
			key = "errors";
		json_object_set_new(sum, key, json_integer(
		    json_integer_value(json_object_get(sum, key)) + n));
	}
	sqlite3_finalize(s);
	return sum;
}


/*
 * The account of a finding (issue 11: reports group by account), as the
 * providers recognise it (source_type.finding_account): sets
 * "account_id".
 */
static void
finding_account(json_t *f)
{
	size_t	 i;

	for (i = 0; source_types[i] != NULL &&
	    json_object_get(f, "account_id") == NULL; i++)
		if (source_types[i]->finding_account != NULL)
			source_types[i]->finding_account(f);
}

/*
 * The accounts the run's sources saw (each provider's accounts_sql over
 * the snapshot the run evaluated), for reports that group by account: set
 * as "accounts" only when there is one.
 */
static int
report_accounts(struct store *st, long long run, json_t *doc)
{
	sqlite3_stmt	*s;
	json_t		*arr;
	long long	 snap = run;
	size_t		 i;

	if ((s = prep(st, "SELECT coalesce((SELECT snapshot_run FROM "
	    "main.runs WHERE id = ?1), ?1)", run)) == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		snap = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	arr = json_array();
	for (i = 0; source_types[i] != NULL; i++) {
		if (source_types[i]->accounts_sql == NULL)
			continue;
		if ((s = prep(st, source_types[i]->accounts_sql, snap)) ==
		    NULL) {
			json_decref(arr);
			return -1;
		}
		while (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(arr, json_pack("{s:o, s:o, s:o, "
			    "s:o, s:b, s:b, s:o}", "source", col_json(s, 0),
			    "account_id", col_json(s, 1), "name",
			    col_json(s, 2), "status", col_json(s, 3),
			    "management", sqlite3_column_int(s, 4), "audited",
			    sqlite3_column_int(s, 5), "error",
			    col_json(s, 6)));
		sqlite3_finalize(s);
	}
	if (json_array_size(arr) > 0)
		json_object_set_new(doc, "accounts", arr);
	else
		json_decref(arr);
	return 0;
}

/* The comma-separated frameworks header as an array of trimmed names. */
static json_t *
frameworks_array(const char *s)
{
	json_t		*a = json_array();
	const char	*p, *e;

	for (p = s; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > p)
			json_array_append_new(a, json_stringn(p, (size_t)(e - p)));
		while (*e != '\0' && *e != ',')
			e++;
	}
	return a;
}

/* 1 when type is one of the source types the run collected. */
static int
has_type(json_t *types, const char *type)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(types, i, v) {
		if (strcmp(json_string_value(v), type) == 0)
			return 1;
	}
	return 0;
}

static void
rule_result(json_t *o)
{
	const char	*res;

	if (json_integer_value(json_object_get(o, "fail")) > 0)
		res = "failed";
	else if (json_integer_value(json_object_get(o, "error")) > 0)
		res = "error";
	else if (json_integer_value(json_object_get(o, "waived")) > 0)
		res = "waived";
	else
		res = "passed";
	json_object_set_new(o, "result", json_string(res));
}

/*
 * Every rule of the catalog with its result in run: failed (an unwaived
 * fail finding), else error (an error finding), else waived (only waived
 * findings), else passed; or
 * not_evaluated (its provider's source type was not collected in the
 * run); then rules that have findings but are no longer in the catalog.
 */
static json_t *
report_rules(struct store *st, long long run, const struct ruleset *rs)
{
	json_t		*arr, *byrule, *o, *types;
	sqlite3_stmt	*s;
	const struct rule *r;
	const char	*k, *type;
	size_t		 i;

	types = json_array();
	if ((s = prep(st, "SELECT DISTINCT type FROM main.sources WHERE "
	    "type IS NOT NULL AND run IN (?1, (SELECT snapshot_run FROM "
	    "main.runs WHERE id = ?1))", run)) == NULL) {
		json_decref(types);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(types, json_string(
		    (const char *)sqlite3_column_text(s, 0)));
	sqlite3_finalize(s);

	byrule = json_object();
	if ((s = prep(st, "SELECT rule, max(title), max(severity), "
	    "max(provider), sum(status = 'fail'), sum(status = 'waived'), "
	    "sum(status NOT IN ('fail', 'waived')) FROM main.findings WHERE "
	    "run = ? GROUP BY rule", run)) == NULL) {
		json_decref(types);
		json_decref(byrule);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			continue;
		o = json_pack("{s:o, s:o, s:o, s:o, s:I, s:I, s:I}",
		    "id", col_json(s, 0), "title", col_json(s, 1),
		    "severity", col_json(s, 2), "provider", col_json(s, 3),
		    "fail", (json_int_t)sqlite3_column_int64(s, 4),
		    "waived", (json_int_t)sqlite3_column_int64(s, 5),
		    "error", (json_int_t)sqlite3_column_int64(s, 6));
		json_object_set_new(o, "frameworks", json_array());
		rule_result(o);
		json_object_set_new(byrule, json_string_value(json_object_get(o,
		    "id")), o);
	}
	sqlite3_finalize(s);

	arr = json_array();
	for (i = 0; rs != NULL && i < rs->n; i++) {
		r = &rs->v[i];
		if ((o = json_object_get(byrule, r->id)) != NULL) {
			json_incref(o);
			json_object_del(byrule, r->id);
		} else {
			o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i}",
			    "id", r->id, "title", r->title != NULL ? r->title :
			    "", "severity", severity_name(r->severity),
			    "provider", r->provider != NULL ? r->provider : "",
			    "fail", 0, "waived", 0, "error", 0);
			type = rules_source_type(r->provider);
			if (type != NULL && !has_type(types, type))
				json_object_set_new(o, "result",
				    json_string("not_evaluated"));
			else
				rule_result(o);
		}
		/* The catalog's own title and severity, when it has them. */
		if (r->title != NULL)
			json_object_set_new(o, "title", json_string(r->title));
		json_object_set_new(o, "severity",
		    json_string(severity_name(r->severity)));
		json_object_set_new(o, "frameworks",
		    frameworks_array(r->frameworks));
		if (r->remediation != NULL)
			json_object_set_new(o, "remediation",
			    json_string(r->remediation));
		json_array_append_new(arr, o);
	}
	json_object_foreach(byrule, k, o)
		json_array_append(arr, o);
	json_decref(byrule);
	json_decref(types);
	return arr;
}

/*
 * The previous evaluated run (as for findings' "new") with its summary,
 * or null; and the unwaived fail findings of that run that are gone from
 * this one although their rule ran cleanly (passed, failed or waived,
 * with no error finding): a rule that errored on any source, or was not
 * evaluated, resolves nothing.
 */
static int
report_previous(struct store *st, long long run, json_t *doc)
{
	json_t		*prev, *sum, *arr, *rules, *rids, *o;
	sqlite3_stmt	*s;
	const char	*res, *rule;
	long long	 p;
	long		 total;
	size_t		 i;

	if ((s = prep(st, STORE_PREV_RUN_SQL, run)) == NULL)
		return -1;
	p = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	arr = json_array();
	if (p <= 0) {
		json_object_set_new(doc, "previous", json_null());
		json_object_set_new(doc, "resolved", arr);
		return 0;
	}
	if ((sum = report_summary(st, p, &total)) == NULL) {
		json_decref(arr);
		return -1;
	}
	prev = json_pack("{s:I, s:o}", "run", (json_int_t)p, "summary", sum);
	if ((s = prep(st, "SELECT collected_at FROM main.runs WHERE id = ?",
	    p)) != NULL) {
		if (sqlite3_step(s) == SQLITE_ROW)
			json_object_set_new(prev, "collected_at",
			    col_json(s, 0));
		sqlite3_finalize(s);
	}
	json_object_set_new(doc, "previous", prev);

	/* A rule's result, looked up once per rule. */
	rules = json_object_get(doc, "rules");
	rids = json_object();
	json_array_foreach(rules, i, prev)
		json_object_set(rids, json_string_value(json_object_get(prev,
		    "id")), prev);
	if ((s = prep(st, "SELECT p.rule, p.title, p.severity, p.provider, "
	    "p.source, p.resource FROM main.findings p WHERE p.run = ?2 AND "
	    "p.status = 'fail' AND NOT EXISTS (SELECT 1 FROM main.findings c "
	    "WHERE c.run = ?1 AND c.rule = p.rule AND c.resource = p.resource) "
	    "ORDER BY CASE p.severity WHEN 'critical' THEN 0 WHEN 'high' THEN "
	    "1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, p.rule, "
	    "p.resource", run)) == NULL) {
		json_decref(rids);
		json_decref(arr);
		return -1;
	}
	sqlite3_bind_int64(s, 2, p);
	while (sqlite3_step(s) == SQLITE_ROW) {
		rule = (const char *)sqlite3_column_text(s, 0);
		o = rule != NULL ? json_object_get(rids, rule) : NULL;
		res = json_string_value(json_object_get(o, "result"));
		if (res == NULL || json_integer_value(json_object_get(o,
		    "error")) > 0 || (strcmp(res, "passed") != 0 &&
		    strcmp(res, "failed") != 0 && strcmp(res, "waived") != 0))
			continue;
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o, "
		    "s:o, s:o}", "rule", col_json(s, 0), "title",
		    col_json(s, 1), "severity", col_json(s, 2), "provider",
		    col_json(s, 3), "source", col_json(s, 4), "resource",
		    col_json(s, 5)));
	}
	sqlite3_finalize(s);
	json_decref(rids);
	json_object_set_new(doc, "resolved", arr);
	return 0;
}

/* Adds each pin's expected_sha256 (the policy's digest) to its entry. */
static void
report_pins_expected(struct store *st, long long run, json_t *cv)
{
	sqlite3_stmt	*s;
	size_t		 i = 0;

	if ((s = prep(st, "SELECT expected_sha256 FROM main.critical_values "
	    "WHERE run = ? ORDER BY rowid", run)) == NULL)
		return;
	while (sqlite3_step(s) == SQLITE_ROW && i < json_array_size(cv))
		json_object_set_new(json_array_get(cv, i++), "expected_sha256",
		    col_json(s, 0));
	sqlite3_finalize(s);
}

json_t *
report_build(struct store *st, long long run, const struct ruleset *rs,
    long max_findings)
{
	json_t		*doc = NULL, *o, *arr = NULL, *sum, *f;
	sqlite3_stmt	*s;
	const struct rule *rule;
	long		 total = 0;

	if ((s = prep(st, "SELECT id, status, started, finished, "
	    "collected_at, chain_hash, organization, policy_sha256, "
	    "rules_sha256, snapshot_sha256, findings_sha256, prev_chain_hash, "
	    "evaluated, snapshot_run FROM main.runs WHERE id = ?", run)) ==
	    NULL)
		return NULL;
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return NULL;
	}
	doc = json_object();
	json_object_set_new(doc, "schema", json_string(REPORT_SCHEMA));
	json_object_set_new(doc, "organization", col_json(s, 6));
	o = json_object();
	json_object_set_new(o, "id", col_json(s, 0));
	json_object_set_new(o, "status", col_json(s, 1));
	json_object_set_new(o, "started", col_json(s, 2));
	json_object_set_new(o, "finished", col_json(s, 3));
	json_object_set_new(o, "collected_at", col_json(s, 4));
	json_object_set_new(o, "chain_hash", col_json(s, 5));
	json_object_set_new(o, "evaluated",
	    json_boolean(sqlite3_column_int(s, 12)));
	/* A re-evaluation: the run whose snapshot it evaluated. */
	if (sqlite3_column_type(s, 13) != SQLITE_NULL)
		json_object_set_new(o, "snapshot_run", col_json(s, 13));
	json_object_set_new(o, "evidence", json_pack("{s:o, s:o, s:o, s:o, "
	    "s:o}", "policy_sha256", col_json(s, 7), "rules_sha256",
	    col_json(s, 8), "snapshot_sha256", col_json(s, 9),
	    "findings_sha256", col_json(s, 10), "prev_chain_hash",
	    col_json(s, 11)));
	json_object_set_new(doc, "run", o);
	sqlite3_finalize(s);

	arr = json_array();
	/* rules_blinded: the rules that are errors because it failed. */
	if ((s = prep(st, "SELECT name, type, status, error, resources, "
	    "requests, duration_ms, (SELECT count(DISTINCT f.rule) FROM "
	    "main.findings f WHERE f.run = ?1 AND f.status = 'error' AND "
	    "f.source = main.sources.name) FROM main.sources WHERE run = ?1 "
	    "ORDER BY rowid", run)) == NULL)
		goto fail;
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o, "
		    "s:o, s:o, s:o, s:I}", "name", col_json(s, 0), "type",
		    col_json(s, 1), "status", col_json(s, 2), "error",
		    col_json(s, 3), "resources", col_json(s, 4), "requests",
		    col_json(s, 5), "duration_ms", col_json(s, 6),
		    "rules_blinded", (json_int_t)sqlite3_column_int64(s, 7)));
	}
	sqlite3_finalize(s);
	json_object_set_new(doc, "sources", arr);

	if ((sum = report_summary(st, run, &total)) == NULL)
		goto fail_doc;
	json_object_set_new(doc, "summary", sum);
	arr = json_array();
	/*
	 * A shortened list (the terminal summary) keeps its room for what
	 * failed: error findings come last, as their sources say it once.
	 */
	if ((s = prep(st, max_findings < 0 ? "SELECT rule, title, severity, "
	    "provider, source, status, resource, detail, is_new, waiver, "
	    "evidence FROM main.findings WHERE run = ? ORDER BY CASE "
	    "severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN "
	    "'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, rule, resource "
	    "LIMIT ?2" : "SELECT rule, title, severity, provider, source, "
	    "status, resource, detail, is_new, waiver, evidence FROM "
	    "main.findings WHERE run = ? ORDER BY status = 'error', CASE "
	    "severity WHEN "
	    "'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN "
	    "'low' THEN 3 ELSE 4 END, rule, resource LIMIT ?2", run)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 2, max_findings < 0 ? -1 : max_findings);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int is_new = sqlite3_column_int(s, 8);

		f = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
		    "s:b}", "rule", col_json(s, 0), "title", col_json(s, 1),
		    "severity", col_json(s, 2), "provider", col_json(s, 3),
		    "source", col_json(s, 4), "status", col_json(s, 5),
		    "resource", col_json(s, 6), "detail", col_json(s, 7),
		    "new", is_new);
		if (sqlite3_column_type(s, 9) != SQLITE_NULL)
			json_object_set_new(f, "waiver", col_parsed(s, 9));
		json_object_set_new(f, "evidence", col_parsed(s, 10));
		finding_account(f);
		rule = rs != NULL ? rules_find(rs,
		    (const char *)sqlite3_column_text(s, 0)) : NULL;
		if (rule != NULL) {
			if (rule->remediation != NULL)
				json_object_set_new(f, "remediation",
				    json_string(rule->remediation));
			if (rule->frameworks != NULL)
				json_object_set_new(f, "frameworks",
				    json_string(rule->frameworks));
		}
		json_array_append_new(arr, f);
	}
	sqlite3_finalize(s);
	json_object_set_new(doc, "findings", arr);
	if (max_findings >= 0)
		json_object_set_new(doc, "findings_omitted", json_integer(
		    total - (long)json_array_size(arr)));
	/* Drift and critical values arrive with their commands. */
	json_object_set_new(doc, "changes", drift_changes_json(st->db, run));
	json_object_set_new(doc, "freeze", freeze_report_json(st->db, run));
	json_object_set_new(doc, "critical_values",
	    critical_values_json(st->db, run));
	report_pins_expected(st, run, json_object_get(doc, "critical_values"));
	if ((arr = report_rules(st, run, rs)) == NULL)
		goto fail_doc;
	json_object_set_new(doc, "rules", arr);
	if (report_previous(st, run, doc) != 0 ||
	    report_accounts(st, run, doc) != 0)
		goto fail_doc;
	if ((arr = report_history(st, run)) == NULL)
		goto fail_doc;
	json_object_set_new(doc, "history", arr);
	return doc;
 fail:
	json_decref(arr);
 fail_doc:
	json_decref(doc);
	return NULL;
}

int
report_write(const struct report_format *fmt, json_t *doc, const char *path)
{
	FILE	*f;
	int	 fd, r;

	if (path == NULL || strcmp(path, "-") == 0)
		return fmt->render(doc, stdout);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return VGL_ERR_IO;
	}
	r = fmt->render(doc, f);
	if (fclose(f) != 0 && r == 0) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		r = VGL_ERR_IO;
	}
	return r;
}
