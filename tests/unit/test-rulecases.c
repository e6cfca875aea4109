/*
 * test-rulecases.c: every rule of the built-in catalog against its
 * fixture in tests/rules/<id>.sql: INSERTs into the snapshot tables of
 * run 1, and the exact list of resources the rule must flag.
 *
 * Fixture headers:
 *   -- now: ISO-8601 collection time of the run
 *   -- parameters: JSON object bound as policy.parameters
 *   -- expect: resource, resource, ...   (may be empty: nothing flagged)
 * A rule without a fixture is a failure.
 */
#include "config.h"
#include "paths.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules.h"
#include "source.h"
#include "store.h"
#include "vigil.h"
#include "xmalloc.h"
#include "tap.h"

/* One policy source of every type of source_types[], named as its type. */
static struct policy_source *
all_types(size_t *n)
{
	static struct policy_source	*v;
	static size_t			 nv;

	if (v == NULL) {
		while (source_types[nv] != NULL)
			nv++;
		v = xcalloc(nv, sizeof(*v));
		for (size_t i = 0; i < nv; i++) {
			v[i].name = xstrdup(source_types[i]->name);
			v[i].type = xstrdup(source_types[i]->name);
		}
	}
	*n = nv;
	return v;
}

static char *
header(const char *text, const char *key)
{
	const char	*p = text, *e;
	size_t		 kl = strlen(key);

	while (strncmp(p, "--", 2) == 0) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (strncmp(p + 3, key, kl) == 0 && p[3 + kl] == ':') {
			const char *v = p + 3 + kl + 1;
			while (*v == ' ')
				v++;
			return xstrndup(v, (size_t)(e - v));
		}
		if (*e == '\0')
			break;
		p = e + 1;
	}
	return NULL;
}

static void
run_case(const struct rule *ru, const char *path)
{
	struct policy		 pol;
	struct ruleset		 one;
	struct store		*st = NULL;
	struct eval_summary	 sum;
	struct buf		 b, got;
	sqlite3_stmt		*s;
	json_error_t		 je;
	char			*now, *params, *expect, *sql, *err = NULL;
	int			 r;

	buf_init(&b, 0);
	if (buf_read_file(&b, path) != 0) {
		ok(0, "%s: fixture %s exists", ru->id, path);
		buf_release(&b);
		return;
	}
	now = header(b.data, "now");
	params = header(b.data, "parameters");
	expect = header(b.data, "expect");
	memset(&pol, 0, sizeof(pol));
	pol.organization = "test";
	pol.rules_builtin = 1;
	/* One source of every type, so that every rule applies. */
	pol.sources = all_types(&pol.nsources);
	pol.parameters = params != NULL ? json_loads(params, 0, &je) :
	    json_object();
	ok(pol.parameters != NULL && now != NULL && expect != NULL,
	    "%s: fixture has now, parameters and expect headers", ru->id);
	if (pol.parameters == NULL || now == NULL || expect == NULL)
		goto out;
	store_open(NULL, STORE_MEMORY, &st);
	sql = sqlite3_mprintf("INSERT INTO runs(id, started, collected_at, "
	    "status, organization) VALUES (1, %Q, %Q, 'complete', 'test');",
	    now, now);
	r = sqlite3_exec(st->db, sql, NULL, NULL, &err);
	sqlite3_free(sql);
	if (r == SQLITE_OK)
		r = sqlite3_exec(st->db, b.data, NULL, NULL, &err);
	ok(r == SQLITE_OK, "%s: fixture loads (%s)", ru->id,
	    err != NULL ? err : "ok");
	sqlite3_free(err);
	if (r != SQLITE_OK)
		goto out;
	one.v = (struct rule *)ru;
	one.n = 1;
	r = rules_evaluate(st, 1, &pol, &one, &sum);
	is_int(r, 0, "%s: evaluates", ru->id);
	buf_init(&got, 0);
	if (sqlite3_prepare_v2(st->db, "SELECT group_concat(resource, ', ') "
	    "FROM (SELECT resource FROM main.findings WHERE run = 1 AND "
	    "rule = ? AND status = 'fail' ORDER BY resource)", -1, &s,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, ru->id, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_text(s, 0) != NULL)
			buf_puts(&got, (const char *)sqlite3_column_text(s,
			    0));
		sqlite3_finalize(s);
	}
	is_str(got.data, expect, "%s: flags exactly the expected resources",
	    ru->id);
	ok(strlen(expect) > 0, "%s: fixture has a row that must be flagged",
	    ru->id);
	buf_release(&got);
 out:
	store_close(st);
	json_decref(pol.parameters);
	free(now);
	free(params);
	free(expect);
	buf_release(&b);
}

int
main(void)
{
	struct policy	 pol;
	struct ruleset	 rs = { 0 };
	struct diags	 d = { 0 };
	size_t		 i;
	char		*path;

	/* The store creates the providers' tables (store_set_types). */
	source_register_types();
	memset(&pol, 0, sizeof(pol));
	pol.rules_builtin = 1;
	pol.parameters = json_object();
	setenv("VIGIL_RULES_DIR", VIGIL_SRCDIR "/rules", 1);
	rules_load(&pol, &rs, &d);
	is_int(d.n, 0, "built-in catalog loads without errors");
	ok(rs.n > 0, "catalog has rules");
	for (i = 0; i < rs.n; i++) {
		if (strcmp(rs.v[i].provider, "policy") == 0)
			continue;	/* waiver rules: tested in test-rules */
		path = xasprintf("%s/tests/rules/%s.sql", VIGIL_SRCDIR,
		    rs.v[i].id);
		run_case(&rs.v[i], path);
		free(path);
	}
	rules_release(&rs);
	diags_release(&d);
	json_decref(pol.parameters);
	return done_testing();
}
