/*
 * test-rules.c: unit tests for the rule engine (src/rules.c): header
 * parsing, catalog loading, rules_check, parameter binding and
 * evaluation of a small catalog over an in-memory store.
 */
#include "config.h"
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "buf.h"
#include "diag.h"
#include "policy.h"
#include "rules.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#include "tap.h"

#define DATA	VIGIL_SRCDIR "/tests/data/rules"

/* The store tables the engine touches, as the store creates them. */
static const char schema[] =
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started, finished, "
    "collected_at, status, organization, command, policy_sha256, "
    "rules_sha256, snapshot_sha256, findings_sha256, chain_hash, "
    "evaluated INTEGER NOT NULL DEFAULT 0, snapshot_run INTEGER);"
    "CREATE TABLE baselines(id INTEGER PRIMARY KEY, run, accepted_at, "
    "accepted_by, note);"
    "CREATE TABLE sources(run, name, type, status, error, resources, "
    "requests, duration_ms);"
    "CREATE TABLE findings(run, rule, title, severity, provider, source, "
    "resource, detail, evidence, status, is_new, waiver);"
    "CREATE TABLE rule_files(run, rule, path, sha256);"
    "CREATE TABLE expected(run, source, kind, subject, value);"
    "CREATE TABLE changes(run, table_name, key, change, column_name, "
    "old, new);"
    "CREATE TABLE domains(run, source, domain, registrar, "
    "registrar_iana_id, status, transfer_locked, update_locked, "
    "delete_locked, expires, nameservers, dnssec_signed, raw);";

static const char *const view_tables[] = {
	"domains", "sources", "expected", "findings", NULL
};

/*
 * Test stand-in for the store's store_use_run() (weak, so the real one
 * wins if the library's store.o is ever linked in).
 */
__attribute__((weak)) int
store_use_run(sqlite3 *db, long long run)
{
	char	*sql;
	int	 i, rc;

	for (i = 0; view_tables[i] != NULL; i++) {
		sql = xasprintf("DROP VIEW IF EXISTS temp.%s; CREATE TEMP VIEW "
		    "%s AS SELECT * FROM main.%s WHERE run = %lld",
		    view_tables[i], view_tables[i], view_tables[i], run);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return VGL_ERR_STORE;
	}
	return 0;
}

static sqlite3 *
open_db(void)
{
	sqlite3	*db;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		printf("Bail out! cannot create test db\n");
		exit(1);
	}
	return db;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		printf("Bail out! %s: %s\n", sql, err);
		exit(1);
	}
}

/* First column of the first row as a new string, or NULL. */
static char *
q_str(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	const char	*t;
	char		*r = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
		return NULL;
	}
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = (const char *)sqlite3_column_text(st, 0)) != NULL)
		r = xstrdup(t);
	sqlite3_finalize(st);
	return r;
}

static long long
q_int(sqlite3 *db, const char *sql)
{
	char		*s = q_str(db, sql);
	long long	 v;

	v = s != NULL ? strtoll(s, NULL, 10) : -1;
	free(s);
	return v;
}

/* The first diagnostic as "FILE:LINE:COL: msg", or "" (caller frees). */
static char *
first_diag(const struct diags *d)
{
	if (d->n == 0)
		return xstrdup("");
	return xasprintf("%s:%d:%d: %s", d->v[0].file, d->v[0].line,
	    d->v[0].col, d->v[0].msg);
}

/* ---- header parser ------------------------------------------------- */

#define HDR \
	"-- id: test.rule\n-- title: T\n-- severity: high\n-- provider: registrar\n"

static const struct {
	const char	*name;
	const char	*text;
	int		 ok;
	const char	*diag;		/* first diagnostic */
} parse_cases[] = {
	{ "valid rule", HDR "SELECT 1 AS resource;\n", 1, "" },
	{ "missing id", "-- title: T\n-- severity: high\n-- provider: aws\n"
	    "SELECT 1 AS resource;\n", 0,
	    "t.sql:1:1: missing required header 'id'" },
	{ "missing title", "-- id: a.b\n-- severity: high\n-- provider: aws\n"
	    "SELECT 1 AS resource;\n", 0,
	    "t.sql:1:1: missing required header 'title'" },
	{ "missing severity", "-- id: a.b\n-- title: T\n-- provider: aws\n"
	    "SELECT 1 AS resource;\n", 0,
	    "t.sql:1:1: missing required header 'severity'" },
	{ "missing provider", "-- id: a.b\n-- title: T\n-- severity: low\n"
	    "SELECT 1 AS resource;\n", 0,
	    "t.sql:1:1: missing required header 'provider'" },
	{ "bad severity", "-- id: a.b\n-- title: T\n-- severity: urgent\n"
	    "-- provider: aws\nSELECT 1 AS resource;\n", 0,
	    "t.sql:3:14: unknown severity 'urgent' (expected info, low, "
	    "medium, high or critical)" },
	{ "bad severity indented", "-- id: a.b\n-- title: T\n"
	    "--   severity:  urgent\n-- provider: aws\nSELECT 1 AS resource;\n",
	    0, "t.sql:3:17: unknown severity 'urgent' (expected info, low, "
	    "medium, high or critical)" },
	{ "duplicate key", HDR "-- title: Again\nSELECT 1 AS resource;\n", 0,
	    "t.sql:5:4: duplicate header 'title' (first on line 2)" },
	{ "empty value", HDR "-- remediation:\nSELECT 1 AS resource;\n", 0,
	    "t.sql:5:16: empty value for header 'remediation'" },
	{ "bad id uppercase", "-- id: AWS.Root\n-- title: T\n"
	    "-- severity: high\n-- provider: aws\nSELECT 1 AS resource;\n", 0,
	    "t.sql:1:8: invalid rule id 'AWS.Root' (expected dotted lowercase "
	    "words, e.g. aws.iam.root_mfa_disabled)" },
	{ "bad id one part", "-- id: root\n-- title: T\n-- severity: high\n"
	    "-- provider: aws\nSELECT 1 AS resource;\n", 0,
	    "t.sql:1:8: invalid rule id 'root' (expected dotted lowercase "
	    "words, e.g. aws.iam.root_mfa_disabled)" },
	{ "comment lines", "-- A leading comment line.\n--\n" HDR
	    "\n-- see http://example.com\nSELECT 1 AS resource;\n", 1, "" },
	{ "no space after colon", "-- id:a.b\n-- title:T\n-- severity:high\n"
	    "-- provider:aws\nSELECT 1 AS resource;\n", 1, "" },
	{ "crlf", "-- id: test.rule\r\n-- title: T\r\n-- severity: high\r\n"
	    "-- provider: aws\r\nSELECT 1 AS resource;\r\n", 1, "" },
	{ "param default", HDR "-- param: days 30 Days before expiry.\n"
	    "SELECT 1 AS resource WHERE 2 > :days;\n", 1, "" },
	{ "param default not JSON", HDR "-- param: days thirty Days.\n"
	    "SELECT 1 AS resource WHERE 2 > :days;\n", 0,
	    "t.sql:5:16: param 'days': the default must be one JSON value (a "
	    "number, \"string\", [array], true, false or null)" },
	{ "param default glued", HDR "-- param: days 30d Days.\n"
	    "SELECT 1 AS resource WHERE 2 > :days;\n", 0,
	    "t.sql:5:16: param 'days': the default must be one JSON value (a "
	    "number, \"string\", [array], true, false or null)" },
	{ "param without default", HDR "-- param: days\n"
	    "SELECT 1 AS resource WHERE 2 > :days;\n", 0,
	    "t.sql:5:15: param 'days': the default must be one JSON value (a "
	    "number, \"string\", [array], true, false or null)" },
	{ "param bad name", HDR "-- param: 9lives 3 x\n"
	    "SELECT 1 AS resource;\n", 0,
	    "t.sql:5:11: param header: expected 'NAME DEFAULT description' "
	    "with NAME a parameter name" },
	{ "param unused", HDR "-- param: days 30 Days.\n"
	    "SELECT 1 AS resource;\n", 0,
	    "t.sql:5:1: param 'days' is declared but the rule does not use "
	    ":days" },
	{ "param twice", HDR "-- param: days 30 Days.\n-- param: days 31 x\n"
	    "SELECT 1 AS resource WHERE 2 > :days;\n", 0,
	    "t.sql:6:11: duplicate param 'days'" },
	{ "empty file", "", 0, "t.sql:1:1: empty rule file" },
	{ "blank file", "\n  \n\t\n", 0, "t.sql:1:1: empty rule file" },
	{ "no statement", HDR "-- only comments\n", 0,
	    "t.sql:6:1: rule has no SQL statement" },
};

static void
test_parse(void)
{
	struct diags	 d = { NULL, 0 };
	struct rule	 r;
	char		*got;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		rc = rule_parse("t.sql", parse_cases[i].text, &r, &d);
		is_int(rc == 0, parse_cases[i].ok, "parse %s: result",
		    parse_cases[i].name);
		got = first_diag(&d);
		is_str(got, parse_cases[i].diag, "parse %s: diagnostic",
		    parse_cases[i].name);
		free(got);
		if (rc == 0 && strcmp(parse_cases[i].name, "crlf") == 0) {
			is_str(r.title, "T", "crlf: title has no CR");
			is_int(r.sql_line, 5, "crlf: sql_line");
		}
		rule_release(&r);
		diags_release(&d);
	}
}

static void
test_parse_fields(void)
{
	struct diags	 d = { NULL, 0 };
	struct rule	 r;
	const char	*text =
	    "-- id: aws.iam.key_age\n"
	    "-- title: Keys are rotated\n"
	    "-- severity: Medium\n"
	    "-- provider: aws\n"
	    "-- frameworks: CIS-AWS-3.0:1.14\n"
	    "-- remediation: Rotate the key.\n"
	    "-- owner: secops\n"
	    "\n"
	    "SELECT access_key_id AS resource, ':nope' AS s -- :nada\n"
	    "FROM k WHERE age > :max_age AND t < :now AND a > :max_age\n"
	    "  AND b = :other;\n";
	int		 rc;

	memset(&r, 0, sizeof(r));
	rc = rule_parse("k.sql", text, &r, &d);
	is_int(rc, 0, "fields: parses");
	if (rc != 0) {
		diags_print(&d);
		diags_release(&d);
		return;
	}
	is_str(r.id, "aws.iam.key_age", "fields: id");
	is_str(r.title, "Keys are rotated", "fields: title");
	is_int(r.severity, SEV_MEDIUM, "fields: severity (case-insensitive)");
	is_int(r.default_severity, SEV_MEDIUM, "fields: default severity");
	is_str(r.provider, "aws", "fields: provider");
	is_str(r.frameworks, "CIS-AWS-3.0:1.14", "fields: frameworks");
	is_str(r.remediation, "Rotate the key.", "fields: remediation");
	ok(r.description == NULL, "fields: no description");
	is_str(json_string_value(json_object_get(r.headers, "owner")),
	    "secops", "fields: other header kept");
	is_int(r.sql_line, 9, "fields: sql_line");
	ok(strncmp(r.sql, "SELECT access_key_id", 20) == 0,
	    "fields: sql starts at the statement");
	is_int(r.nparams, 2, "fields: parameters (no :now, no strings, "
	    "no comments, no duplicates)");
	if (r.nparams == 2) {
		is_str(r.params[0], "max_age", "fields: first parameter");
		is_str(r.params[1], "other", "fields: second parameter");
	}
	is_int(strlen(r.sha256), 64, "fields: sha256 set");
	ok(rule_param_default(&r, "max_age") == NULL, "fields: no default");
	rule_release(&r);

	memset(&r, 0, sizeof(r));
	rc = rule_parse("k.sql", "-- id: a.b\n-- title: T\n-- severity: low\n"
	    "-- provider: aws\n-- param: ids [\"1\", \"2\"]  Allowed ids. \n"
	    "-- param: n 7\nSELECT 1 AS resource WHERE :n IN "
	    "(SELECT value FROM json_each(:ids));\n", &r, &d);
	is_int(rc, 0, "param defaults: parse");
	ok(json_integer_value(rule_param_default(&r, "n")) == 7,
	    "param defaults: number");
	is_int(json_array_size(rule_param_default(&r, "ids")), 2,
	    "param defaults: array");
	is_str(json_string_value(json_object_get(json_object_get(
	    r.param_defaults, "ids"), "description")), "Allowed ids.",
	    "param defaults: description trimmed");
	is_str(json_string_value(json_object_get(json_object_get(
	    r.param_defaults, "n"), "description")), "",
	    "param defaults: empty description");
	rule_release(&r);
	diags_release(&d);
}

/* ---- rules_check --------------------------------------------------- */

/* Parses HDR + sql (sql starts on line 5) and checks it; first diag. */
static char *
check_sql(sqlite3 *db, const struct policy *pol, const char *sql)
{
	struct diags	 d = { NULL, 0 };
	struct ruleset	 rs = { NULL, 0 };
	struct rule	 r;
	char		*text, *got;

	text = xasprintf("%s%s", HDR, sql);
	memset(&r, 0, sizeof(r));
	if (rule_parse("c.sql", text, &r, &d) != 0) {
		got = first_diag(&d);
		goto out;
	}
	rs.v = &r;
	rs.n = 1;
	if (rules_check(&rs, pol, db, &d) == 0 && d.n != 0)
		got = xstrdup("(returned 0 with diagnostics)");
	else
		got = first_diag(&d);
	rule_release(&r);
 out:
	diags_release(&d);
	free(text);
	return got;
}

static const struct {
	const char	*name;
	const char	*sql;
	const char	*diag;
} check_cases[] = {
	{ "valid", "SELECT domain AS resource FROM domains;\n", "" },
	{ "valid with", "WITH x AS (SELECT domain FROM domains)\n"
	    "SELECT domain AS resource FROM x;\n", "" },
	{ "valid recursive", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < 3)\nSELECT i AS resource FROM n;\n",
	    "" },
	{ "valid json_each", "SELECT value AS resource FROM "
	    "json_each('[1,2]');\n", "" },
	{ "valid waivers", "SELECT rule AS resource FROM waivers;\n", "" },
	{ "valid trailing comment", "SELECT 1 AS resource;\n-- done\n"
	    "/* end */\n", "" },
	{ "syntax error", "SELEC domain AS resource FROM domains;\n",
	    "c.sql:5:1: rule 'test.rule': near \"SELEC\": syntax error" },
	{ "error on a later line", "SELECT domain AS resource\n"
	    "FROM domainz;\n",
	    "c.sql:6:6: rule 'test.rule': no such table: domainz" },
	{ "two statements", "SELECT 1 AS resource;\nSELECT 2 AS resource;\n",
	    "c.sql:6:1: rule 'test.rule': rule must contain exactly one "
	    "statement" },
	{ "select then drop", "SELECT 1 AS resource; DROP TABLE domains;\n",
	    "c.sql:5:23: rule 'test.rule': rule must contain exactly one "
	    "statement" },
	{ "delete", "DELETE FROM domains;\n",
	    "c.sql:5:1: rule 'test.rule': rule must only read: DELETE is not "
	    "allowed" },
	{ "insert", "INSERT INTO domains(domain) SELECT 'x';\n",
	    "c.sql:5:1: rule 'test.rule': rule must only read: INSERT is not "
	    "allowed" },
	{ "pragma", "PRAGMA user_version = 5;\n",
	    "c.sql:5:1: rule 'test.rule': rule must only read: PRAGMA is not "
	    "allowed" },
	{ "attach", "ATTACH DATABASE '/tmp/vigil-test-rules-x.db' AS x;\n",
	    "c.sql:5:1: rule 'test.rule': rule must only read: ATTACH/DETACH "
	    "is not allowed" },
	{ "load_extension", "SELECT load_extension('x') AS resource;\n",
	    "c.sql:5:1: rule 'test.rule': rule must only read: "
	    "load_extension() is not allowed" },
	{ "update schema", "UPDATE sqlite_master SET sql = 'x';\n",
	    "c.sql:5:1: rule 'test.rule': table sqlite_master may not be "
	    "modified" },
	{ "with delete", "WITH x AS (SELECT 1) DELETE FROM domains;\n",
	    "c.sql:5:1: rule 'test.rule': rule must only read: DELETE is not "
	    "allowed" },
	{ "read-only pragma function", "SELECT name AS resource FROM "
	    "pragma_table_info('domains');\n", "" },
	{ "explain", "EXPLAIN SELECT 1 AS resource;\n",
	    "c.sql:5:1: rule 'test.rule': rule must be a single SELECT" },
	{ "no resource", "SELECT domain AS name FROM domains;\n",
	    "c.sql:5:1: rule 'test.rule': rule must return a column named "
	    "'resource'" },
	{ "missing parameter", "SELECT domain AS resource\nFROM domains\n"
	    "WHERE expires < :now\n  AND julianday(expires) < :expiry_days;\n",
	    "c.sql:8:28: rule 'test.rule' needs parameter ':expiry_days' "
	    "(add it to \"parameters\" in the policy)" },
	{ "parameter with a default", "-- param: expiry_days 30 Days.\n"
	    "SELECT domain AS resource FROM domains\n"
	    "WHERE julianday(expires) < :expiry_days;\n", "" },
	{ "parameter present", "SELECT domain AS resource FROM domains\n"
	    "WHERE julianday(expires) < :domain_expiry_days;\n", "" },
	{ "positional parameter", "SELECT ? AS resource;\n",
	    "c.sql:5:1: rule 'test.rule' uses parameter '?': only :name "
	    "parameters are supported" },
};

/* The registrar rules under test apply only with an rdap source. */
static struct policy_source rdap_source[] = {
	{ .name = "rdap1", .type = "rdap" },
	{ .name = "dns1", .type = "dns" },
};

static void
test_applies(void)
{
	struct policy	 pol;
	struct rule	 r;

	memset(&pol, 0, sizeof(pol));
	memset(&r, 0, sizeof(r));
	r.provider = "registrar";
	is_int(rules_applies(&r, &pol), 0,
	    "applies: registrar rule without an rdap source");
	pol.sources = rdap_source;
	pol.nsources = 1;
	is_int(rules_applies(&r, &pol), 1,
	    "applies: registrar rule with an rdap source");
	r.provider = "aws";
	is_int(rules_applies(&r, &pol), 0, "applies: aws rule, rdap only");
	r.provider = "identity";
	is_int(rules_applies(&r, &pol), 1, "applies: cross-provider rule");
	r.provider = "custom";
	is_int(rules_applies(&r, &pol), 1, "applies: unknown provider");
	pol.nsources = 0;
	r.provider = "policy";
	is_int(rules_applies(&r, &pol), 1, "applies: policy rules always");
}

static void
test_check(void)
{
	struct policy	 pol;
	sqlite3		*db = open_db();
	char		*got;
	size_t		 i;

	memset(&pol, 0, sizeof(pol));
	pol.sources = rdap_source;
	pol.nsources = 1;
	pol.parameters = json_pack("{s:i}", "domain_expiry_days", 30);
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		got = check_sql(db, &pol, check_cases[i].sql);
		is_str(got, check_cases[i].diag, "check %s",
		    check_cases[i].name);
		free(got);
	}
	is_int(q_int(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'domains'"), 1, "check: domains table still exists");
	is_int(q_int(db, "PRAGMA user_version"), 0,
	    "check: user_version unchanged");
	is_int(q_int(db, "SELECT count(*) FROM pragma_database_list WHERE "
	    "name = 'x'"), 0, "check: nothing attached");
	json_decref(pol.parameters);
	sqlite3_close(db);
}

/*
 * A parameter of the policy of another type than the rule needs: the
 * type of the rule's default, else a number by the name convention.
 */
static const struct {
	const char	*name;
	const char	*sql;
	const char	*diag;
} type_cases[] = {
	{ "string for a number default", "-- param: expiry_days 30 Days.\n"
	    "SELECT domain AS resource FROM domains\n"
	    "WHERE julianday(expires) < :expiry_days OR :expiry_days < 0;\n",
	    "p.json:3:20: parameter 'expiry_days' must be a number, not a "
	    "string: rule 'test.rule' declares the default 30" },
	{ "string for a number by name", "SELECT domain AS resource FROM "
	    "domains WHERE :max_admins < 3;\n",
	    "p.json:0:0: parameter 'max_admins' must be a number, not a "
	    "string: rule 'test.rule' uses it, and a parameter named *_days, "
	    "*_length, *_count, max_* or min_* is a number" },
	{ "string for an array default", "-- param: names [] Names.\n"
	    "SELECT value AS resource FROM json_each(:names);\n",
	    "p.json:0:0: parameter 'names' must be an array, not a string: "
	    "rule 'test.rule' declares the default []" },
	{ "number for a string default", "-- param: label \"x\" A label.\n"
	    "SELECT :label AS resource;\n",
	    "p.json:0:0: parameter 'label' must be a string, not a number: "
	    "rule 'test.rule' declares the default \"x\"" },
	{ "no default, no convention: any type", "SELECT :limit AS "
	    "resource;\n", "" },
	{ "a number where a number is needed", "-- param: ok_days 3 D.\n"
	    "SELECT :ok_days AS resource;\n", "" },
	{ "a number by name given a number", "SELECT :min_count AS "
	    "resource;\n", "" },
	{ "null default: any type", "-- param: limit null L.\n"
	    "SELECT :limit AS resource;\n", "" },
};

static void
test_param_types(void)
{
	struct policy	 pol;
	sqlite3		*db = open_db();
	char		*got;
	size_t		 i;

	memset(&pol, 0, sizeof(pol));
	pol.path = "p.json";
	pol.parameters = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:i}",
	    "expiry_days", "30", "max_admins", "3", "names", "alice",
	    "label", 5, "limit", "5", "ok_days", 7, "min_count", 2);
	pol.where = json_pack("{s:[s,i,i]}", "parameters/expiry_days",
	    "p.json", 3, 20);
	for (i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
		got = check_sql(db, &pol, type_cases[i].sql);
		is_str(got, type_cases[i].diag, "param type: %s",
		    type_cases[i].name);
		free(got);
	}
	json_decref(pol.parameters);
	json_decref(pol.where);
	sqlite3_close(db);
}

/* Ids and globs of rules.enable/disable/severity must name rules. */
static void
test_rule_refs(void)
{
	struct policy	 pol;
	struct ruleset	 rs = { NULL, 0 };
	struct diags	 d = { NULL, 0 };
	sqlite3		*db = open_db();
	char		*paths[1], *got, *n;
	size_t		 i;

	memset(&pol, 0, sizeof(pol));
	pol.path = "p.json";
	pol.parameters = json_object();
	paths[0] = DATA "/catalog";
	pol.rule_paths = paths;
	pol.nrule_paths = 1;
	pol.rules_enable = json_pack("[s,s,s]", "test.domain_*",
	    "test.domian_expired", "nope.*");
	pol.rules_disable = json_pack("[s]", "tset.*");
	pol.rules_severity = json_pack("{s:s}", "test.dns_expectd", "low");
	pol.where = json_pack("{s:[s,i,i]}", "rules/enable/1", "p.json", 2,
	    30);
	is_int(rules_check(&rs, &pol, db, &d), VGL_ERR_RULE,
	    "rule refs: unknown ids fail the check");
	got = xstrdup("");
	for (i = 0; i < d.n; i++) {
		n = xasprintf("%s%s:%d:%d: %s\n", got, d.v[i].file,
		    d.v[i].line, d.v[i].col, d.v[i].msg);
		free(got);
		got = n;
	}
	is_str(got,
	    "p.json:2:30: rules.enable: 'test.domian_expired' names no rule; "
	    "did you mean 'test.domain_expired'?\n"
	    "p.json:0:0: rules.enable: 'nope.*' matches no rule\n"
	    "p.json:0:0: rules.disable: 'tset.*' matches no rule; did you "
	    "mean 'test.*'?\n"
	    "p.json:0:0: rules.severity: 'test.dns_expectd' names no rule; "
	    "did you mean 'test.dns_expected'?\n",
	    "rule refs: each unknown id or glob, with did-you-mean");
	free(got);
	diags_release(&d);
	json_decref(pol.rules_enable);
	json_decref(pol.rules_disable);
	json_decref(pol.rules_severity);
	pol.rules_enable = json_pack("[s]", "test.*");
	pol.rules_disable = NULL;
	pol.rules_severity = json_pack("{s:s}", "test.dns_expected", "low");
	is_int(rules_check(&rs, &pol, db, &d), 0,
	    "rule refs: known ids and globs pass");
	is_int(d.n, 0, "rule refs: no diagnostics");
	diags_release(&d);
	json_decref(pol.rules_enable);
	json_decref(pol.rules_severity);
	json_decref(pol.where);
	json_decref(pol.parameters);
	sqlite3_close(db);
}

/* ---- binding ------------------------------------------------------- */

static const struct {
	const char	*json;
	const char	*sql;
	const char	*expect;
} bind_cases[] = {
	{ "42", "SELECT typeof(?1) || ':' || ?1", "integer:42" },
	{ "-7", "SELECT ?1 + 1", "-6" },
	{ "1.5", "SELECT typeof(?1) || ':' || ?1", "real:1.5" },
	{ "\"abc\"", "SELECT typeof(?1) || ':' || ?1", "text:abc" },
	{ "true", "SELECT typeof(?1) || ':' || ?1", "integer:1" },
	{ "false", "SELECT typeof(?1) || ':' || ?1", "integer:0" },
	{ "null", "SELECT typeof(?1)", "null" },
	{ "[\"a\",\"b\",\"c\"]",
	    "SELECT count(*) || ':' || group_concat(value, ',') FROM "
	    "json_each(?1)", "3:a,b,c" },
	{ "[\"a\",\"b\",\"c\"]", "SELECT 'b' IN (SELECT value FROM "
	    "json_each(?1))", "1" },
	{ "{\"b\":1,\"a\":[2]}", "SELECT ?1", "{\"a\":[2],\"b\":1}" },
	{ "{\"b\":1,\"a\":[2]}", "SELECT json_extract(?1, '$.a[0]')", "2" },
};

static void
test_bind(void)
{
	sqlite3		*db = open_db();
	sqlite3_stmt	*st;
	json_t		*v;
	const char	*t;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(bind_cases) / sizeof(bind_cases[0]); i++) {
		v = json_loads(bind_cases[i].json, JSON_DECODE_ANY, NULL);
		if (sqlite3_prepare_v2(db, bind_cases[i].sql, -1, &st,
		    NULL) != SQLITE_OK) {
			ok(0, "bind %s: prepare", bind_cases[i].json);
			json_decref(v);
			continue;
		}
		rc = rules_bind_json(st, 1, v);
		t = NULL;
		if (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
			t = (const char *)sqlite3_column_text(st, 0);
		is_str(t, bind_cases[i].expect, "bind %s: %s",
		    bind_cases[i].json, bind_cases[i].sql);
		sqlite3_finalize(st);
		json_decref(v);
	}
	sqlite3_close(db);
}

/* ---- loading ------------------------------------------------------- */

static char *
ids(const struct ruleset *rs)
{
	char	*s = xstrdup(""), *n;
	size_t	 i;

	for (i = 0; i < rs->n; i++) {
		n = xasprintf("%s%s%s", s, i ? " " : "", rs->v[i].id);
		free(s);
		s = n;
	}
	return s;
}

static void
test_load(void)
{
	struct policy	 pol;
	struct ruleset	 rs = { NULL, 0 };
	struct diags	 d = { NULL, 0 };
	char		*paths[2], *got;
	int		 rc;

	memset(&pol, 0, sizeof(pol));
	pol.path = "p.json";
	pol.parameters = json_object();
	paths[0] = DATA "/catalog";
	paths[1] = VIGIL_SRCDIR "/rules/policy";
	pol.rule_paths = paths;
	pol.nrule_paths = 2;

	rc = rules_load(&pol, &rs, &d);
	is_int(rc, 0, "load: catalog loads");
	got = ids(&rs);
	is_str(got, "test.dns_expected test.null_resource test.runtime_error "
	    "test.writer test.domain_expired test.domain_expiring "
	    "test.domain_unlocked policy.waiver_expired policy.waiver_unused",
	    "load: sorted by path, recursive, only *.sql");
	free(got);
	ok(rules_find(&rs, "test.domain_unlocked") != NULL &&
	    strstr(rules_find(&rs, "test.domain_unlocked")->file,
	    "registrar/unlocked.sql") != NULL, "load: rules_find and file");
	ok(rules_find(&rs, "no.such") == NULL, "load: rules_find misses");
	rules_release(&rs);
	diags_release(&d);

	pol.rules_enable = json_pack("[s]", "test.domain_*");
	pol.rules_disable = json_pack("[s]", "*expiring");
	pol.rules_severity = json_pack("{s:s,s:s}", "test.domain_*", "low",
	    "test.domain_expired", "info");
	rc = rules_load(&pol, &rs, &d);
	is_int(rc, 0, "load: with enable/disable/severity");
	got = ids(&rs);
	is_str(got, "test.domain_expired test.domain_unlocked "
	    "policy.waiver_expired policy.waiver_unused",
	    "load: enable keeps matches and policy.*, disable removes");
	free(got);
	if (rs.n == 4) {
		is_int(rs.v[0].severity, SEV_INFO,
		    "load: exact severity override wins");
		is_int(rs.v[0].default_severity, SEV_CRITICAL,
		    "load: default severity kept");
		is_int(rs.v[1].severity, SEV_LOW, "load: glob override");
		is_int(rs.v[2].severity, SEV_MEDIUM, "load: not overridden");
	} else
		ok(0, "load: wrong number of rules");
	rules_release(&rs);
	diags_release(&d);
	json_decref(pol.rules_enable);
	json_decref(pol.rules_disable);
	json_decref(pol.rules_severity);
	pol.rules_enable = pol.rules_disable = pol.rules_severity = NULL;

	paths[0] = DATA "/dup";
	pol.nrule_paths = 1;
	rc = rules_load(&pol, &rs, &d);
	is_int(rc, VGL_ERR_RULE, "load: duplicate ids fail");
	got = first_diag(&d);
	is_str(got, DATA "/dup/two.sql:1:1: duplicate rule id 'test.dup' "
	    "(also in " DATA "/dup/one.sql)", "load: duplicate names both");
	free(got);
	rules_release(&rs);
	diags_release(&d);

	paths[0] = DATA "/no-such-dir";
	rc = rules_load(&pol, &rs, &d);
	is_int(rc, VGL_ERR_RULE, "load: missing path fails");
	ok(d.n == 1 && strcmp(d.v[0].file, "p.json") == 0 &&
	    strstr(d.v[0].msg, "no-such-dir") != NULL,
	    "load: missing path names the policy and the path");
	diags_release(&d);

	setenv("VIGIL_RULES_DIR", DATA "/dup", 1);
	is_str(rules_builtin_dir(), DATA "/dup",
	    "builtin dir: VIGIL_RULES_DIR");
	pol.rules_builtin = 1;
	paths[0] = DATA "/catalog";
	rc = rules_load(&pol, &rs, &d);
	is_int(rc, VGL_ERR_RULE, "load: builtin dir is read");
	rules_release(&rs);
	diags_release(&d);
	unsetenv("VIGIL_RULES_DIR");
	ok(rules_builtin_dir() != NULL &&
	    strstr(rules_builtin_dir(), "/rules") != NULL,
	    "builtin dir: default ends in /rules");
	json_decref(pol.parameters);
}

/* ---- evaluation ---------------------------------------------------- */

static const char fixture[] =
    "INSERT INTO runs(id, status, collected_at) VALUES "
    "  (1, 'complete', '2024-01-01T00:00:00Z'),"
    "  (2, 'partial', '2024-02-01T00:00:00Z'),"
    "  (3, 'complete', '2024-03-01T00:00:00Z');"
    "INSERT INTO sources VALUES "
    "  (1, 'rdap1', 'rdap', 'ok', NULL, 3, 3, 10),"
    "  (1, 'dns1', 'dns', 'failed', 'timeout', 0, 1, 10),"
    "  (2, 'rdap1', 'rdap', 'failed', 'HTTP 503', 0, 4, 10),"
    "  (2, 'dns1', 'dns', 'ok', NULL, 0, 1, 10),"
    "  (3, 'rdap1', 'rdap', 'ok', NULL, 0, 1, 10);"
    "INSERT INTO domains(run, source, domain, registrar, transfer_locked, "
    "  expires, raw) VALUES "
    "  (1, 'rdap1', 'a.example', 'Reg A', 0, '2023-12-31T00:00:00Z', '{}'),"
    "  (1, 'rdap1', 'b.example', 'Reg B', 1, '2030-01-01T00:00:00Z', '{}'),"
    "  (1, 'rdap1', 'c.example', 'Reg C', 0, '2024-01-20T00:00:00Z', '{}'),"
    "  (2, 'rdap1', 'a.example', 'Reg A', 0, '2030-01-01T00:00:00Z', '{}'),"
    "  (2, 'rdap1', 'd.example', 'Reg D', 0, '2030-01-01T00:00:00Z', '{}'),"
    "  (3, 'rdap1', 'e.example', 'Reg E', 1, '2030-01-01T00:00:00Z', "
    "   'not json');";

static struct waiver test_waivers[] = {
	{ "test.domain_unlocked", "c.*", "transfer in progress", "alice",
	    "2024-06-30", NULL, 0, 0 },
	{ "test.domain_expired", "a.example", "renewing", "bob",
	    "2023-12-31", NULL, 0, 0 },
	{ "test.nothing", "*", "old", "carol", NULL, NULL, 0, 0 },
	{ "test.domain_expir*", "c.example", "same day", "dave",
	    "2024-01-01", NULL, 0, 0 },
};

/* A finding's column as text ("(none)" if there is no such finding). */
static char *
finding(sqlite3 *db, long long run, const char *rule, const char *res,
    const char *col)
{
	char	*sql, *r;

	sql = sqlite3_mprintf("SELECT coalesce((SELECT %s FROM main.findings "
	    "WHERE run = %lld AND rule = %Q AND resource = %Q), '(none)')",
	    col, run, rule, res);
	r = q_str(db, sql);
	sqlite3_free(sql);
	return r;
}

#define IS_FINDING(db, run, rule, res, col, exp) do {			\
	char *g__ = finding(db, run, rule, res, col);			\
	is_str(g__, exp, "run %d: %s %s %s", run, rule, res, col);	\
	free(g__);							\
} while (0)

/*
 * findings_sha256 recomputed from the stored rows by its definition in
 * vigil-rules(5), with SQLite's json_array() standing in for the
 * engine's JSON (caller frees).
 */
static char *
sql_digest(sqlite3 *db, long long run)
{
	sqlite3_stmt	*st;
	struct buf	 b;
	char		 hex[65];

	buf_init(&b, 0);
	if (sqlite3_prepare_v2(db, "SELECT json_array(rule, resource, status, "
	    "severity, title, provider, source, detail, evidence, waiver, "
	    "is_new) FROM main.findings WHERE run = ? ORDER BY rule, "
	    "resource, status", -1, &st, NULL) != SQLITE_OK) {
		printf("# %s\n", sqlite3_errmsg(db));
		return xstrdup("(error)");
	}
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_puts(&b, (const char *)sqlite3_column_text(st, 0));
		buf_puts(&b, "\n");
	}
	sqlite3_finalize(st);
	sha256_hex(b.data, b.len, hex);
	buf_release(&b);
	return xstrdup(hex);
}

static void
is_digest(sqlite3 *db, long long run)
{
	char	*sql, *got, *exp;

	sql = sqlite3_mprintf("SELECT findings_sha256 FROM runs WHERE "
	    "id = %lld", run);
	got = q_str(db, sql);
	exp = sql_digest(db, run);
	is_str(got, exp, "run %lld: findings_sha256 as documented", run);
	sqlite3_free(sql);
	free(got);
	free(exp);
}

static void
test_evaluate(void)
{
	struct policy		 pol;
	struct ruleset		 rs = { NULL, 0 };
	struct diags		 d = { NULL, 0 };
	struct eval_summary	 sum;
	struct store		 st;
	char			*paths[2], *h1, *h1b;
	int			 rc;

	memset(&pol, 0, sizeof(pol));
	pol.path = "p.json";
	pol.sources = rdap_source;
	pol.nsources = 2;
	pol.parameters = json_pack("{s:i}", "domain_expiry_days", 30);
	pol.waivers = test_waivers;
	pol.nwaivers = sizeof(test_waivers) / sizeof(test_waivers[0]);
	paths[0] = DATA "/catalog";
	paths[1] = VIGIL_SRCDIR "/rules/policy";
	pol.rule_paths = paths;
	pol.nrule_paths = 2;
	if (rules_load(&pol, &rs, &d) != 0) {
		diags_print(&d);
		ok(0, "evaluate: catalog loads");
		return;
	}

	memset(&st, 0, sizeof(st));
	st.db = open_db();
	exec_ok(st.db, fixture);

	/* validate: the writer is the only rule that fails to prepare */
	rc = rules_check(&rs, &pol, st.db, &d);
	is_int(rc, VGL_ERR_RULE, "evaluate: rules_check rejects the writer");
	ok(d.n == 1 && strstr(d.v[0].msg, "test.writer") != NULL,
	    "evaluate: only the writer is rejected (policy rules prepare)");
	diags_release(&d);

	memset(&sum, 0, sizeof(sum));
	rc = rules_evaluate(&st, 1, &pol, &rs, &sum);
	is_int(rc, 0, "run 1: evaluates");

	/* rows flagged, clean row not flagged, evidence */
	IS_FINDING(st.db, 1, "test.domain_unlocked", "a.example", "status",
	    "fail");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "a.example", "detail",
	    "a.example is not transfer locked");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "a.example", "evidence",
	    "{\"registrar\":\"Reg A\",\"source\":\"rdap1\"}");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "a.example", "source",
	    "rdap1");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "a.example", "severity",
	    "high");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "a.example", "title",
	    "Domains are transfer locked");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "a.example", "provider",
	    "registrar");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "b.example", "status",
	    "(none)");
	/* waiver glob */
	IS_FINDING(st.db, 1, "test.domain_unlocked", "c.example", "status",
	    "waived");
	IS_FINDING(st.db, 1, "test.domain_unlocked", "c.example", "waiver",
	    "{\"approved_by\":\"alice\",\"expires\":\"2024-06-30\","
	    "\"reason\":\"transfer in progress\",\"resource\":\"c.*\","
	    "\"rule\":\"test.domain_unlocked\"}");
	/* :now is the run's collection time; the expired waiver does not
	 * waive */
	IS_FINDING(st.db, 1, "test.domain_expired", "a.example", "status",
	    "fail");
	IS_FINDING(st.db, 1, "test.domain_expired", "b.example", "status",
	    "(none)");
	IS_FINDING(st.db, 1, "test.domain_expired", "c.example", "status",
	    "(none)");
	IS_FINDING(st.db, 1, "test.domain_expiring", "c.example", "evidence",
	    "{\"expires\":\"2024-01-20T00:00:00Z\",\"days\":30}");
	/* a date-only expiry is valid through that day */
	IS_FINDING(st.db, 1, "test.domain_expiring", "c.example", "status",
	    "waived");
	IS_FINDING(st.db, 1, "policy.waiver_expired",
	    "waiver:test.domain_expired:a.example", "detail",
	    "waiver for test.domain_expired on a.example expired 2023-12-31 "
	    "(approved by bob)");
	IS_FINDING(st.db, 1, "policy.waiver_expired",
	    "waiver:test.domain_expired:a.example", "severity", "medium");
	IS_FINDING(st.db, 1, "policy.waiver_unused", "waiver:test.nothing:*",
	    "severity", "info");
	IS_FINDING(st.db, 1, "policy.waiver_unused", "waiver:test.nothing:*",
	    "status", "fail");
	is_int(q_int(st.db, "SELECT count(*) FROM findings WHERE run = 1 AND "
	    "rule LIKE 'policy.%'"), 2,
	    "run 1: expired waiver not also reported as unused");
	/* failed dns source -> error for the dns rule, none for registrar */
	IS_FINDING(st.db, 1, "test.dns_expected", "source:dns1", "status",
	    "error");
	IS_FINDING(st.db, 1, "test.dns_expected", "source:dns1", "detail",
	    "source dns1 failed: timeout");
	is_int(q_int(st.db, "SELECT count(*) FROM findings WHERE run = 1 AND "
	    "resource LIKE 'source:%'"), 1, "run 1: one source error finding");
	/* rule errors */
	IS_FINDING(st.db, 1, "test.null_resource", "rule:test.null_resource",
	    "detail", "rule returned 3 rows with a NULL resource");
	IS_FINDING(st.db, 1, "test.writer", "rule:test.writer", "status",
	    "error");
	is_int(q_int(st.db, "SELECT count(*) FROM main.domains"), 6,
	    "run 1: the writer deleted nothing");
	IS_FINDING(st.db, 1, "test.runtime_error", "rule:test.runtime_error",
	    "status", "(none)");
	/* summary and digests */
	is_int(sum.counts[SEV_HIGH], 1, "run 1: summary high");
	is_int(sum.counts[SEV_CRITICAL], 1, "run 1: summary critical");
	is_int(sum.counts[SEV_MEDIUM], 1, "run 1: summary medium");
	is_int(sum.counts[SEV_INFO], 1, "run 1: summary info");
	is_int(sum.waived, 2, "run 1: summary waived");
	is_int(sum.errors, 3, "run 1: summary errors");
	is_int(sum.total, 9, "run 1: summary total");
	is_int(sum.new_findings, 4, "run 1: all fails are new");
	is_int(q_int(st.db, "SELECT count(*) FROM findings WHERE run = 1"),
	    sum.total, "run 1: rows stored match total");
	is_int(q_int(st.db, "SELECT count(*) FROM rule_files WHERE run = 1"),
	    (long long)rs.n, "run 1: rule_files rows");
	h1 = q_str(st.db, "SELECT findings_sha256 FROM runs WHERE id = 1");
	ok(h1 != NULL && strlen(h1) == 64, "run 1: findings_sha256 set");
	is_int(q_int(st.db, "SELECT length(rules_sha256) FROM runs WHERE "
	    "id = 1"), 64, "run 1: rules_sha256 set");
	is_digest(st.db, 1);

	/* re-evaluating replaces and is deterministic */
	rc = rules_evaluate(&st, 1, &pol, &rs, &sum);
	is_int(rc, 0, "run 1 again: evaluates");
	h1b = q_str(st.db, "SELECT findings_sha256 FROM runs WHERE id = 1");
	is_str(h1b, h1, "run 1 again: same findings_sha256");
	is_int(q_int(st.db, "SELECT count(*) FROM findings WHERE run = 1"),
	    9, "run 1 again: findings replaced, not duplicated");
	is_int(q_int(st.db, "SELECT count(*) FROM rule_files WHERE run = 1"),
	    (long long)rs.n, "run 1 again: rule_files replaced");
	free(h1);
	free(h1b);

	/* run 2: rdap failed -> one error per registrar rule; new/persisting */
	memset(&sum, 0, sizeof(sum));
	rc = rules_evaluate(&st, 2, &pol, &rs, &sum);
	is_int(rc, 0, "run 2: evaluates");
	is_int(q_int(st.db, "SELECT count(*) FROM findings WHERE run = 2 AND "
	    "status = 'error' AND resource = 'source:rdap1' AND provider = "
	    "'registrar'"), 3, "run 2: an error finding per registrar rule");
	IS_FINDING(st.db, 2, "test.domain_expired", "source:rdap1", "detail",
	    "source rdap1 failed: HTTP 503");
	IS_FINDING(st.db, 2, "test.dns_expected", "source:dns1", "status",
	    "(none)");
	IS_FINDING(st.db, 2, "test.domain_unlocked", "a.example", "is_new",
	    "0");
	IS_FINDING(st.db, 2, "test.domain_unlocked", "d.example", "is_new",
	    "1");
	IS_FINDING(st.db, 2, "test.null_resource", "rule:test.null_resource",
	    "is_new", "0");
	IS_FINDING(st.db, 2, "test.domain_unlocked", "source:rdap1", "is_new",
	    "1");
	/*
	 * rdap1 failed: the waivers of registrar rules cannot be judged,
	 * so none of them is reported as unused (issue 10).
	 */
	is_int(sum.new_findings, 2, "run 2: new fails (d.example and a newly "
	    "expired waiver; no waiver of the failed source is unused)");
	is_int(q_int(st.db, "SELECT count(*) FROM findings WHERE run = 2 AND "
	    "rule = 'policy.waiver_unused' AND resource LIKE 'waiver:test."
	    "domain_%'"), 0, "run 2: waivers of a failed source are not "
	    "unused");
	IS_FINDING(st.db, 2, "policy.waiver_unused", "waiver:test.nothing:*",
	    "status", "fail");
	is_digest(st.db, 2);

	/* run 3: a runtime error in a rule is an error finding */
	rc = rules_evaluate(&st, 3, &pol, &rs, &sum);
	is_int(rc, 0, "run 3: evaluates");
	IS_FINDING(st.db, 3, "test.runtime_error", "rule:test.runtime_error",
	    "detail", "rule failed: malformed JSON");
	is_int(rules_evaluate(&st, 99, &pol, &rs, &sum), VGL_ERR_NOTFOUND,
	    "missing run: not found");

	sqlite3_close(st.db);
	rules_release(&rs);
	json_decref(pol.parameters);
}

/*
 * Findings are stored as they are produced: within a rule the first row
 * of a resource is kept, a rule failing after some rows leaves only its
 * error finding (and the waivers those rows matched count as unused),
 * a rule reading the run's findings sees none, and a fail and an error
 * finding may share a resource (findings_sha256 orders them by status).
 */
static const char *const stream_rules[] = {
	"-- id: test.dup\n-- title: Dup\n-- severity: low\n"
	"-- provider: custom\n"
	"SELECT column1 AS resource, column2 AS detail FROM (VALUES "
	"('x', 'first'), ('y', 'y1'), ('x', 'second'));\n",
	"-- id: test.partial\n-- title: Partial\n-- severity: medium\n"
	"-- provider: custom\n"
	"SELECT column1 AS resource, json_extract(column2, '$.a') AS a "
	"FROM (VALUES ('p1', '{}'), ('p2', 'not json'));\n",
	"-- id: test.reads_findings\n-- title: Reads\n-- severity: info\n"
	"-- provider: custom\n"
	"SELECT 'seen:' || count(*) AS resource FROM findings;\n",
	"-- id: test.nulls\n-- title: Nulls\n-- severity: high\n"
	"-- provider: custom\n"
	"SELECT column1 AS resource FROM (VALUES ('rule:test.nulls'), "
	"(NULL));\n",
};

#define NSTREAM	(sizeof(stream_rules) / sizeof(stream_rules[0]))

static struct waiver stream_waivers[] = {
	{ "test.partial", "p1", "partial", "erin", NULL, NULL, 0, 0 },
	{ "test.dup", "x", "dup", "frank", NULL, NULL, 0, 0 },
};

static void
test_evaluate_stream(void)
{
	struct policy		 pol;
	struct ruleset		 rs = { NULL, 0 };
	struct diags		 d = { NULL, 0 };
	struct eval_summary	 sum;
	struct store		 st;
	char			*paths[1];
	size_t			 i;
	int			 pass;

	memset(&pol, 0, sizeof(pol));
	pol.path = "p.json";
	pol.waivers = stream_waivers;
	pol.nwaivers = sizeof(stream_waivers) / sizeof(stream_waivers[0]);
	paths[0] = VIGIL_SRCDIR "/rules/policy";
	pol.rule_paths = paths;
	pol.nrule_paths = 1;
	if (rules_load(&pol, &rs, &d) != 0) {
		diags_print(&d);
		ok(0, "stream: policy rules load");
		return;
	}
	rs.v = xreallocarray(rs.v, rs.n + NSTREAM, sizeof(*rs.v));
	for (i = 0; i < NSTREAM; i++) {
		if (rule_parse("stream.sql", stream_rules[i], &rs.v[rs.n],
		    &d) != 0) {
			diags_print(&d);
			ok(0, "stream: rule %zu parses", i);
			goto out;
		}
		rs.n++;
	}
	memset(&st, 0, sizeof(st));
	st.db = open_db();
	exec_ok(st.db, "INSERT INTO runs(id, status, collected_at) VALUES "
	    "(1, 'complete', '2024-01-01T00:00:00Z')");

	for (pass = 1; pass <= 2; pass++) {
		memset(&sum, 0, sizeof(sum));
		is_int(rules_evaluate(&st, 1, &pol, &rs, &sum), 0,
		    "stream pass %d: evaluates", pass);
		is_int(q_int(st.db, "SELECT count(*) FROM main.findings WHERE "
		    "run = 1 AND rule = 'test.dup'"), 2,
		    "stream pass %d: one finding per resource", pass);
		IS_FINDING(st.db, 1, "test.dup", "x", "detail", "first");
		IS_FINDING(st.db, 1, "test.dup", "x", "status", "waived");
		IS_FINDING(st.db, 1, "test.dup", "y", "detail", "y1");
		IS_FINDING(st.db, 1, "test.partial", "p1", "status", "(none)");
		IS_FINDING(st.db, 1, "test.partial", "rule:test.partial",
		    "detail", "rule failed: malformed JSON");
		IS_FINDING(st.db, 1, "policy.waiver_unused",
		    "waiver:test.partial:p1", "status", "fail");
		IS_FINDING(st.db, 1, "policy.waiver_unused",
		    "waiver:test.dup:x", "status", "(none)");
		IS_FINDING(st.db, 1, "test.reads_findings", "seen:0", "status",
		    "fail");
		is_int(q_int(st.db, "SELECT count(*) FROM main.findings WHERE "
		    "run = 1 AND rule = 'test.nulls' AND resource = "
		    "'rule:test.nulls'"), 2,
		    "stream pass %d: a fail and an error on one resource", pass);
		is_int(q_int(st.db, "SELECT count(*) FROM main.findings WHERE "
		    "run = 1"), 7, "stream pass %d: seven findings", pass);
		is_int(sum.total, 7, "stream pass %d: summary total", pass);
		is_int(sum.waived, 1, "stream pass %d: summary waived", pass);
		is_int(sum.errors, 2, "stream pass %d: summary errors", pass);
		is_int(sum.counts[SEV_LOW], 1, "stream pass %d: summary low",
		    pass);
		is_int(sum.counts[SEV_HIGH], 1, "stream pass %d: summary high",
		    pass);
		is_int(sum.new_findings, 4, "stream pass %d: new", pass);
		is_int(q_int(st.db, "SELECT count(*) FROM findings"), 7,
		    "stream pass %d: the findings view shows the run again",
		    pass);
		is_digest(st.db, 1);
	}
	sqlite3_close(st.db);
 out:
	rules_release(&rs);
	diags_release(&d);
}

/*
 * Which failed sources blind which rules: identity rules only by sources
 * that feed the identities view (not Discord); a rule that reads
 * `changes`, however it is spelled, by every failed source once a
 * baseline exists; a rule that only mentions the word, by none.
 */
static void
test_source_errors(void)
{
	static struct policy_source srcs[] = {
		{ .name = "discord1", .type = "discord" },
		{ .name = "ldap1", .type = "ldap" },
	};
	struct policy		 pol;
	struct ruleset		 rs = { NULL, 0 };
	struct diags		 d = { NULL, 0 };
	struct eval_summary	 sum;
	struct store		 st;
	char			*paths[1];

	memset(&pol, 0, sizeof(pol));
	pol.path = "p.json";
	pol.sources = srcs;
	pol.nsources = 2;
	paths[0] = DATA "/blind";
	pol.rule_paths = paths;
	pol.nrule_paths = 1;
	if (rules_load(&pol, &rs, &d) != 0) {
		diags_print(&d);
		ok(0, "blind: catalog loads");
		return;
	}
	memset(&st, 0, sizeof(st));
	st.db = open_db();
	exec_ok(st.db,
	    "INSERT INTO runs(id, status, collected_at) VALUES "
	    "  (1, 'complete', '2024-01-01T00:00:00Z'),"
	    "  (2, 'partial', '2024-02-01T00:00:00Z'),"
	    "  (3, 'partial', '2024-03-01T00:00:00Z');"
	    "INSERT INTO sources VALUES "
	    "  (1, 'discord1', 'discord', 'ok', NULL, 1, 1, 10),"
	    "  (1, 'ldap1', 'ldap', 'ok', NULL, 1, 1, 10),"
	    "  (2, 'discord1', 'discord', 'failed', 'HTTP 401', 0, 1, 10),"
	    "  (2, 'ldap1', 'ldap', 'ok', NULL, 1, 1, 10),"
	    "  (3, 'discord1', 'discord', 'ok', NULL, 1, 1, 10),"
	    "  (3, 'ldap1', 'ldap', 'failed', 'bind refused', 0, 1, 10);"
	    "INSERT INTO baselines(id, run, accepted_at) VALUES "
	    "  (1, 1, '2024-01-02T00:00:00Z');");

	memset(&sum, 0, sizeof(sum));
	is_int(rules_evaluate(&st, 2, &pol, &rs, &sum), 0,
	    "blind run 2: evaluates");
	IS_FINDING(st.db, 2, "test.identity_rule", "source:discord1", "status",
	    "(none)");
	IS_FINDING(st.db, 2, "test.drift_upper", "source:discord1", "status",
	    "error");
	IS_FINDING(st.db, 2, "test.drift_count", "source:discord1", "status",
	    "error");
	IS_FINDING(st.db, 2, "test.not_drift", "source:discord1", "status",
	    "(none)");
	is_int(q_int(st.db, "SELECT count(*) FROM main.findings WHERE "
	    "run = 2"), 2, "blind run 2: only the two changes readers");

	memset(&sum, 0, sizeof(sum));
	is_int(rules_evaluate(&st, 3, &pol, &rs, &sum), 0,
	    "blind run 3: evaluates");
	IS_FINDING(st.db, 3, "test.identity_rule", "source:ldap1", "status",
	    "error");
	IS_FINDING(st.db, 3, "test.identity_rule", "source:ldap1", "detail",
	    "source ldap1 failed: bind refused");
	IS_FINDING(st.db, 3, "test.drift_upper", "source:ldap1", "status",
	    "error");
	IS_FINDING(st.db, 3, "test.not_drift", "source:ldap1", "status",
	    "(none)");

	/* Without a baseline, drift has nothing to compare: no errors. */
	exec_ok(st.db, "DELETE FROM baselines;");
	memset(&sum, 0, sizeof(sum));
	is_int(rules_evaluate(&st, 2, &pol, &rs, &sum), 0,
	    "blind run 2 without a baseline: evaluates");
	is_int(q_int(st.db, "SELECT count(*) FROM main.findings WHERE "
	    "run = 2"), 0, "blind run 2 without a baseline: no errors");
	sqlite3_close(st.db);
	rules_release(&rs);
	diags_release(&d);
}

int
main(void)
{
	test_parse();
	test_parse_fields();
	test_applies();
	test_check();
	test_param_types();
	test_rule_refs();
	test_bind();
	test_load();
	test_evaluate();
	test_evaluate_stream();
	test_source_errors();
	return done_testing();
}
