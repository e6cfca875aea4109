/*
 * test-source.c: the provider table source_types[] is consistent, since
 * the shared engines trust it blindly: every table a descriptor names
 * (drift keys, identity parts) is one of that provider's own tables with
 * the columns named; the identities view is built from every part; rule
 * providers map to one type each and every built-in rule's provider is
 * a type's (or a cross-provider one); critical-value types are unique and
 * complete; each key kind the policy checker is given is of a key the
 * type accepts (a literal secret: its _env or _file form).
 */
#include "config.h"
#include "paths.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "diag.h"
#include "rules.h"
#include "source.h"
#include "store.h"
#include "vigil.h"
#include "xmalloc.h"
#include "tap.h"

/* 1 when db has table with every column of cols (sep-separated). */
static int
has_columns(sqlite3 *db, const char *table, const char *cols,
    const char *sep)
{
	sqlite3_stmt	*s;
	const char	*p;
	size_t		 len;
	int		 ok = 1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "pragma_table_info(?1) WHERE name = ?2", -1, &s, NULL) !=
	    SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, "run", -1, SQLITE_STATIC);
	ok = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
	for (p = cols; ok && p != NULL && *p != '\0'; ) {
		len = strcspn(p, sep);
		sqlite3_reset(s);
		sqlite3_bind_text(s, 2, p, (int)len, SQLITE_STATIC);
		ok = sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_int(s, 0) == 1;
		p += len;
		p += strspn(p, sep);
	}
	sqlite3_finalize(s);
	return ok;
}

/* 1 when type t accepts key k (k, k_env or k_file when secret). */
static int
accepts(const struct source_type *t, const char *k, int secret)
{
	const char *const	*a;
	size_t			 n = strlen(k);

	for (a = t->keys; a != NULL && *a != NULL; a++) {
		if (!secret && strcmp(*a, k) == 0)
			return 1;
		if (secret && strncmp(*a, k, n) == 0 &&
		    (strcmp(*a + n, "_env") == 0 ||
		    strcmp(*a + n, "_file") == 0))
			return 1;
	}
	return 0;
}

static void
check_type(const struct source_type *t)
{
	const struct policy_key		*pk;
	const struct drift_table	*dt;
	const struct identity_part	*ip;
	const struct critical_reader	*rd;
	sqlite3				*db;
	size_t				 n;

	ok(t->schema != NULL && t->collect != NULL, "%s: schema and collect",
	    t->name);
	for (pk = t->kinds; pk != NULL && pk->key != NULL; pk++)
		ok(accepts(t, pk->key, pk->kind == POLICY_SECRET), "%s: key "
		    "kind of %s, a key it accepts", t->name, pk->key);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, t->schema, NULL, NULL, NULL) != SQLITE_OK) {
		ok(0, "%s: schema creates", t->name);
		sqlite3_close(db);
		return;
	}
	/* Each table named is the provider's own, with those columns. */
	for (dt = t->drift; dt != NULL && dt->table != NULL; dt++) {
		ok(has_columns(db, dt->table, dt->key, ","), "%s: drift key "
		    "%s(%s)", t->name, dt->table, dt->key ? dt->key : "");
		ok(has_columns(db, dt->table, dt->ignore, ","), "%s: drift "
		    "ignores columns of %s", t->name, dt->table);
		ok((dt->freeze_exclude == NULL) == (dt->freeze_columns ==
		    NULL) && has_columns(db, dt->table, dt->freeze_columns,
		    " "), "%s: freeze exclusion of %s", t->name, dt->table);
	}
	for (ip = t->identity; ip != NULL && ip->table != NULL; ip++) {
		ok(has_columns(db, ip->table, ip->columns, " ") &&
		    (ip->also_table == NULL || has_columns(db, ip->also_table,
		    ip->also_columns, " ")) && ip->select != NULL,
		    "%s: identity part %s", t->name, ip->table);
	}
	if (t->scope != NULL)
		ok(t->scope->noun != NULL && t->scope->key != NULL &&
		    t->scope->sql != NULL, "%s: scope", t->name);
	for (rd = t->critical; rd != NULL && rd->type != NULL; rd++) {
		for (n = 0; rd->keys != NULL && rd->keys[n] != NULL; n++)
			;
		ok(strcmp(rd->type, "http_json") != 0 &&
		    strcmp(rd->type, "http_body") != 0 &&
		    (size_t)rd->nrequired <= n, "%s: critical type %s keys",
		    t->name, rd->type);
		ok((rd->read != NULL) != (rd->url != NULL && rd->value !=
		    NULL), "%s: critical type %s is read one way", t->name,
		    rd->type);
	}
	sqlite3_close(db);
}

int
main(void)
{
	const struct critical_reader	*rd, *rd2;
	const struct identity_part	*ip;
	const char *const		*a;
	struct store			*st = NULL;
	struct policy			 pol;
	struct ruleset			 rs = { 0 };
	struct diags			 d = { 0 };
	sqlite3_stmt			*s;
	const char			*view = NULL, *p;
	size_t				 i, j, nparts = 0, nfound = 0;

	for (i = 0; source_types[i] != NULL; i++) {
		check_type(source_types[i]);
		ok(source_type_find(source_types[i]->name) == source_types[i],
		    "%s: found by name", source_types[i]->name);
		ok(i == 0 || strcmp(source_types[i - 1]->name,
		    source_types[i]->name) < 0, "%s: table sorted by name",
		    source_types[i]->name);
		is_str(rules_source_type(source_types[i]->name),
		    source_types[i]->name, "%s: its rules' provider",
		    source_types[i]->name);
		for (a = source_types[i]->rule_providers; a != NULL &&
		    *a != NULL; a++) {
			p = rules_source_type(*a);
			ok(p != NULL && strcmp(p, source_types[i]->name) == 0,
			    "rule provider %s stands for its type", *a);
		}
		for (j = 0; j < i; j++)
			for (rd = source_types[i]->critical; rd != NULL &&
			    rd->type != NULL; rd++)
				for (rd2 = source_types[j]->critical; rd2 !=
				    NULL && rd2->type != NULL; rd2++)
					ok(strcmp(rd->type, rd2->type) != 0,
					    "critical type %s is one "
					    "provider's", rd->type);
	}

	/* The identities view has every provider's part. */
	source_register_types();
	ok(store_open(NULL, STORE_MEMORY, &st) == 0, "memory store opens");
	if (st != NULL && store_use_run(st->db, 1) == 0 &&
	    sqlite3_prepare_v2(st->db, "SELECT sql FROM sqlite_temp_master "
	    "WHERE name = 'identities'", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			view = (const char *)sqlite3_column_text(s, 0);
		for (i = 0; source_types[i] != NULL; i++)
			for (ip = source_types[i]->identity; ip != NULL &&
			    ip->table != NULL; ip++) {
				nparts++;
				if (view != NULL && (p = strstr(view,
				    ip->select)) != NULL)
					nfound++;
			}
		sqlite3_finalize(s);
	}
	ok(nparts >= 4, "providers give identity parts (%zu)", nparts);
	is_int((long long)nfound, (long long)nparts,
	    "the identities view unites every part");
	store_close(st);

	/* Every built-in rule's provider is a type's or cross-provider. */
	memset(&pol, 0, sizeof(pol));
	pol.rules_builtin = 1;
	pol.parameters = json_object();
	setenv("VIGIL_RULES_DIR", VIGIL_SRCDIR "/rules", 1);
	rules_load(&pol, &rs, &d);
	ok(rs.n > 0, "catalog has rules");
	for (i = 0; i < rs.n; i++) {
		p = rs.v[i].provider;
		if (strcmp(p, "identity") == 0 || strcmp(p, "drift") == 0 ||
		    strcmp(p, "policy") == 0)
			continue;
		ok(rules_source_type(p) != NULL, "%s: provider %s is a "
		    "source type's", rs.v[i].id, p);
	}
	rules_release(&rs);
	diags_release(&d);
	json_decref(pol.parameters);
	return done_testing();
}
