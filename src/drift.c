/*
 * drift.c: drift from an accepted baseline (SPEC section 7; drift.h).
 *
 * Two runs are compared table by table with SQL, so that large tables
 * stay in SQLite: each side's rows are copied (DISTINCT, only the
 * compared columns) into a TEMP table, and
 *   added     = rows of the run whose natural key the other run lacks,
 *   removed   = rows of the other run whose natural key the run lacks,
 *   modified  = one row per compared column whose value differs
 *               (`IS NOT`, so NULL to a value is a change),
 * with NOT EXISTS and joins on the key (`IS`, so NULL key parts match).
 *
 * The natural key of a table is `source` plus the columns named in its
 * provider's drift tables (struct drift_table, source.h); a snapshot
 * table without a key there is compared by all its compared columns
 * (rows are only added or removed, never modified).  So a new source
 * table needs one line in its provider's folder, and none to be compared
 * at all.
 *
 * A changes row: `key` is the key columns' values (without source, which
 * has its own column) joined by "/", NULL parts left out; for a table
 * without an entry, the JSON object of the row.  For `modified`,
 * column_name, old and new are the column and its values (with their
 * SQLite types); for `added`, new is the JSON object of the added row's
 * compared columns (old NULL); for `removed`, old is that of the removed
 * row (new NULL).
 *
 * Rows of a source that failed in either run, or that the run did not
 * collect (collect --only), are not compared: an unreadable source is not
 * a removal.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "drift.h"
#include "log.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

/*
 * Columns never compared, in any table (fnmatch patterns): `raw` is
 * bulky and its meaning is in the other columns; last-use and last-login
 * times change every day for every active principal and would drown the
 * changes an auditor has to see (rules judge them on the run itself).
 */
static const char *const drift_ignore_all[] = {
	"raw",
	"*last_used*",	/* password_last_used, last_used_service */
	"last_login",
	"last_active",
	NULL
};

static const char changes_cols[] = "run, baseline_run, table_name, source, "
    "key, change, column_name, old, new";

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("drift: %s", err != NULL ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return VGL_ERR_STORE;
	}
	return 0;
}

/* Runs an sqlite3_mprintf()-built statement and frees it. */
static int
exec_free(sqlite3 *db, char *sql)
{
	int	 r;

	r = exec_sql(db, sql);
	sqlite3_free(sql);
	return r;
}

static const struct drift_table *
table_spec(const char *table)
{
	const struct drift_table	*dt;
	size_t				 i;

	for (i = 0; source_types[i] != NULL; i++)
		for (dt = source_types[i]->drift; dt != NULL &&
		    dt->table != NULL; dt++)
			if (strcmp(dt->table, table) == 0)
				return dt;
	return NULL;
}

/* Whether col is one of the comma-separated names in csv. */
static int
csv_has(const char *csv, const char *col)
{
	size_t	 n = strlen(col), len;

	while (csv != NULL && *csv != '\0') {
		len = strcspn(csv, ",");
		if (len == n && strncmp(csv, col, n) == 0)
			return 1;
		csv += len;
		if (*csv == ',')
			csv++;
	}
	return 0;
}

static int
ignored(const struct drift_table *dt, const char *col)
{
	size_t	 i;

	if (strcmp(col, "source") == 0)
		return 0;
	for (i = 0; drift_ignore_all[i] != NULL; i++)
		if (fnmatch(drift_ignore_all[i], col, 0) == 0)
			return 1;
	return dt != NULL && csv_has(dt->ignore, col);
}

struct cols {
	char	**v;
	size_t	  n;
};

static void
cols_release(struct cols *c)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static int
cols_has(const struct cols *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i], name) == 0)
			return 1;
	return 0;
}

/* The compared columns of table: all but run and the ignored ones. */
static int
table_columns(sqlite3 *db, const char *table, const struct drift_table *dt,
    struct cols *out)
{
	sqlite3_stmt	*s;
	const char	*name;
	char		*q;
	int		 r;

	q = sqlite3_mprintf("PRAGMA main.table_info(%Q)", table);
	r = sqlite3_prepare_v2(db, q, -1, &s, NULL);
	sqlite3_free(q);
	if (r != SQLITE_OK) {
		log_error("drift: %s: %s", table, sqlite3_errmsg(db));
		return VGL_ERR_STORE;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 1);
		if (name == NULL || strcmp(name, "run") == 0 ||
		    ignored(dt, name))
			continue;
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = xstrdup(name);
	}
	sqlite3_finalize(s);
	return 0;
}

/* Appends the comma-separated quoted names (with alias a. if a). */
static void
put_cols(struct buf *b, const struct cols *c, const char *a)
{
	size_t	 i;
	char	*q;

	for (i = 0; i < c->n; i++) {
		q = sqlite3_mprintf("%s%s%s\"%w\"", i > 0 ? ", " : "",
		    a != NULL ? a : "", a != NULL ? "." : "", c->v[i]);
		buf_puts(b, q);
		sqlite3_free(q);
	}
}

/* json_object('col', a."col", ...) over the columns but source. */
static void
put_row_json(struct buf *b, const struct cols *c, const char *a)
{
	size_t	 i;
	int	 n = 0;
	char	*q;

	buf_puts(b, "json_object(");
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->v[i], "source") == 0)
			continue;
		q = sqlite3_mprintf("%s%Q, %s.\"%w\"", n++ > 0 ? ", " : "",
		    c->v[i], a, c->v[i]);
		buf_puts(b, q);
		sqlite3_free(q);
	}
	buf_puts(b, ")");
}

/* The key text of alias a: key parts joined by "/", NULL parts left out. */
static void
put_key(struct buf *b, const struct cols *key, const struct cols *all,
    const char *a)
{
	size_t	 i;
	char	*q;

	if (key == NULL) {
		put_row_json(b, all, a);
		return;
	}
	buf_puts(b, "substr(");
	for (i = 0; i < key->n; i++) {
		q = sqlite3_mprintf("%scoalesce('/' || %s.\"%w\", '')",
		    i > 0 ? " || " : "", a, key->v[i]);
		buf_puts(b, q);
		sqlite3_free(q);
	}
	buf_puts(b, ", 2)");
}

/* x."source" IS y."source" AND x."k" IS y."k" ... */
static void
put_join(struct buf *b, const struct cols *key, const char *x,
    const char *y)
{
	size_t	 i;
	char	*q;

	buf_printf(b, "%s.\"source\" IS %s.\"source\"", x, y);
	for (i = 0; i < key->n; i++) {
		q = sqlite3_mprintf(" AND %s.\"%w\" IS %s.\"%w\"", x,
		    key->v[i], y, key->v[i]);
		buf_puts(b, q);
		sqlite3_free(q);
	}
}

/* Copies one run's compared rows of table into temp.NAME. */
static int
copy_side(sqlite3 *db, const char *name, const char *table,
    const struct cols *all, const struct cols *key, long long run)
{
	struct buf	 b;
	char		*q;
	int		 r;

	buf_init(&b, 0);
	q = sqlite3_mprintf("DROP TABLE IF EXISTS temp.%w; CREATE TEMP TABLE "
	    "%w AS SELECT DISTINCT ", name, name);
	buf_puts(&b, q);
	sqlite3_free(q);
	put_cols(&b, all, NULL);
	q = sqlite3_mprintf(" FROM main.%w WHERE run = %lld AND "
	    "coalesce(\"source\", '') NOT IN (SELECT name FROM "
	    "temp.drift_skip);", table, run);
	buf_puts(&b, q);
	sqlite3_free(q);
	if (key != NULL) {
		q = sqlite3_mprintf("CREATE INDEX temp.%w_key ON %w(\"source\"",
		    name, name);
		buf_puts(&b, q);
		sqlite3_free(q);
		if (key->n > 0)
			buf_puts(&b, ", ");
		put_cols(&b, key, NULL);
		buf_puts(&b, ");");
	}
	r = exec_sql(db, b.data);
	buf_release(&b);
	return r;
}

/* Appends tmpl to b with {side} and {active} replaced. */
static void
expand(struct buf *b, const char *tmpl, const char *side,
    const char *active)
{
	const char	*p;

	while ((p = strchr(tmpl, '{')) != NULL) {
		buf_append(b, tmpl, (size_t)(p - tmpl));
		if (strncmp(p, "{side}", 6) == 0) {
			buf_puts(b, side);
			tmpl = p + 6;
		} else if (strncmp(p, "{active}", 8) == 0) {
			buf_puts(b, active);
			tmpl = p + 8;
		} else {
			buf_append(b, p, 1);
			tmpl = p + 1;
		}
	}
	buf_puts(b, tmpl);
}

/*
 * The freeze is not drift: during an active freeze (freeze_journal, see
 * freeze.h), what the freeze changed is dropped from both sides of the
 * table as its provider says (drift_table.freeze_exclude, e.g. the deny
 * policy vigil created and its attachments), so that only what vigil did
 * is left out: anything else is still drift.
 */
static int
exclude_freeze(sqlite3 *db, const struct drift_table *dt,
    const struct cols *all)
{
	static const char active[] = "freeze IN (SELECT freeze FROM "
	    "main.freeze_journal WHERE seq = 0 AND state = 'active') AND "
	    "state IN ('started', 'done')";
	const char	*side[] = { "drift_a", "drift_b" };
	const char	*p;
	struct buf	 b;
	size_t		 i, len;
	char		*c;
	int		 r = 0, has;

	if (dt == NULL || dt->freeze_exclude == NULL)
		return 0;
	if (sqlite3_table_column_metadata(db, "main", "freeze_journal",
	    "params", NULL, NULL, NULL, NULL, NULL) != SQLITE_OK)
		return 0;
	for (p = dt->freeze_columns; p != NULL && *p != '\0'; ) {
		len = strcspn(p, " ");
		c = xstrndup(p, len);
		has = cols_has(all, c);
		free(c);
		if (!has)
			return 0;
		p += len;
		while (*p == ' ')
			p++;
	}
	for (i = 0; i < 2 && r == 0; i++) {
		buf_init(&b, 0);
		expand(&b, dt->freeze_exclude, side[i], active);
		r = exec_sql(db, b.data);
		buf_release(&b);
	}
	return r;
}

/*
 * Inserts into dest the rows of temp.FROM that temp.OTHER lacks, as
 * change (`added` from drift_b, `removed` from drift_a).
 */
static int
one_sided(sqlite3 *db, const char *dest, const char *table,
    const struct cols *all, const struct cols *key, long long run,
    long long against, int added)
{
	struct buf	 b;
	const char	*from = added ? "drift_b" : "drift_a";
	const char	*other = added ? "drift_a" : "drift_b";
	char		*q;
	int		 r;

	buf_init(&b, 0);
	q = sqlite3_mprintf("INSERT INTO %s(%s) SELECT %lld, %lld, %Q, "
	    "x.\"source\", ", dest, changes_cols, run, against, table);
	buf_puts(&b, q);
	sqlite3_free(q);
	put_key(&b, key, all, "x");
	buf_printf(&b, ", '%s', NULL, ", added ? "added" : "removed");
	if (added)
		buf_puts(&b, "NULL, ");
	put_row_json(&b, all, "x");
	if (!added)
		buf_puts(&b, ", NULL");
	if (key != NULL) {
		buf_printf(&b, " FROM temp.%s x WHERE NOT EXISTS (SELECT 1 "
		    "FROM temp.%s y WHERE ", from, other);
		put_join(&b, key, "x", "y");
		buf_puts(&b, ")");
	} else {
		buf_puts(&b, " FROM (SELECT ");
		put_cols(&b, all, NULL);
		buf_printf(&b, " FROM temp.%s EXCEPT SELECT ", from);
		put_cols(&b, all, NULL);
		buf_printf(&b, " FROM temp.%s) x", other);
	}
	r = exec_sql(db, b.data);
	buf_release(&b);
	return r;
}

/* One `modified` row per compared non-key column that differs. */
static int
modified(sqlite3 *db, const char *dest, const char *table,
    const struct cols *all, const struct cols *key, long long run,
    long long against)
{
	struct buf	 b;
	size_t		 i;
	char		*q;
	int		 r = 0;

	for (i = 0; i < all->n && r == 0; i++) {
		if (strcmp(all->v[i], "source") == 0 ||
		    cols_has(key, all->v[i]))
			continue;
		buf_init(&b, 0);
		q = sqlite3_mprintf("INSERT INTO %s(%s) SELECT %lld, %lld, "
		    "%Q, b.\"source\", ", dest, changes_cols, run, against,
		    table);
		buf_puts(&b, q);
		sqlite3_free(q);
		put_key(&b, key, all, "b");
		q = sqlite3_mprintf(", 'modified', %Q, a.\"%w\", b.\"%w\" "
		    "FROM temp.drift_b b JOIN temp.drift_a a ON ", all->v[i],
		    all->v[i], all->v[i]);
		buf_puts(&b, q);
		sqlite3_free(q);
		put_join(&b, key, "a", "b");
		q = sqlite3_mprintf(" WHERE a.\"%w\" IS NOT b.\"%w\"",
		    all->v[i], all->v[i]);
		buf_puts(&b, q);
		sqlite3_free(q);
		r = exec_sql(db, b.data);
		buf_release(&b);
	}
	return r;
}

static int
compare_table(sqlite3 *db, const char *dest, const char *table,
    long long run, long long against)
{
	const struct drift_table	*dt = table_spec(table);
	struct cols			 all = { 0 }, key = { 0 };
	const char			*p;
	size_t				 len;
	int				 keyed = dt != NULL && dt->key != NULL,
					 r;

	if ((r = table_columns(db, table, dt, &all)) != 0)
		goto out;
	if (!cols_has(&all, "source")) {
		log_error("drift: table %s has no source column", table);
		r = VGL_ERR_STORE;
		goto out;
	}
	for (p = keyed ? dt->key : ""; keyed && *p != '\0'; ) {
		len = strcspn(p, ",");
		key.v = xreallocarray(key.v, key.n + 1, sizeof(*key.v));
		key.v[key.n++] = xstrndup(p, len);
		if (!cols_has(&all, key.v[key.n - 1])) {
			log_warn("drift: %s has no key column %s; comparing "
			    "whole rows", table, key.v[key.n - 1]);
			keyed = 0;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if ((r = copy_side(db, "drift_a", table, &all, keyed ? &key : NULL,
	    against)) != 0 ||
	    (r = copy_side(db, "drift_b", table, &all, keyed ? &key : NULL,
	    run)) != 0 ||
	    (r = exclude_freeze(db, dt, &all)) != 0)
		goto out;
	if ((r = one_sided(db, dest, table, &all, keyed ? &key : NULL, run,
	    against, 1)) != 0 ||
	    (r = one_sided(db, dest, table, &all, keyed ? &key : NULL, run,
	    against, 0)) != 0)
		goto out;
	if (keyed)
		r = modified(db, dest, table, &all, &key, run, against);
 out:
	(void)sqlite3_exec(db, "DROP TABLE IF EXISTS temp.drift_a; "
	    "DROP TABLE IF EXISTS temp.drift_b", NULL, NULL, NULL);
	cols_release(&all);
	cols_release(&key);
	return r;
}

static int
table_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.sqlite_master "
	    "WHERE type = 'table' AND name = ?", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n > 0;
}

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char	*v = sqlite3_column_text(s, i);

	return v != NULL ? xstrdup((const char *)v) : NULL;
}

int
drift_baseline(sqlite3 *db, struct baseline *b)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(b, 0, sizeof(*b));
	if (!table_exists(db, "baselines"))
		return 0;	/* a store from before baselines: none */
	if (sqlite3_prepare_v2(db, "SELECT id, run, accepted_at, accepted_by, "
	    "note FROM main.baselines ORDER BY id DESC LIMIT 1", -1, &s,
	    NULL) != SQLITE_OK) {
		log_error("drift: %s", sqlite3_errmsg(db));
		return VGL_ERR_STORE;
	}
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		b->id = sqlite3_column_int64(s, 0);
		b->run = sqlite3_column_int64(s, 1);
		b->accepted_at = col_dup(s, 2);
		b->accepted_by = col_dup(s, 3);
		b->note = col_dup(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_error("drift: %s", sqlite3_errmsg(db));
		return VGL_ERR_STORE;
	}
	return 0;
}

void
drift_baseline_release(struct baseline *b)
{
	if (b == NULL)
		return;
	free(b->accepted_at);
	free(b->accepted_by);
	free(b->note);
	memset(b, 0, sizeof(*b));
}

int
drift_accept(struct store *st, long long run, const char *by,
    const char *note, long long *id)
{
	sqlite3_stmt	*s;
	char		 now[32];
	int		 r = 0;

	if (note == NULL || *note == '\0' || by == NULL || *by == '\0')
		return VGL_ERR_USAGE;
	if (!store_run_exists(st, run)) {
		log_error("run %lld does not exist or was never committed",
		    run);
		return VGL_ERR_NOTFOUND;
	}
	if (!store_run_evaluated(st, run)) {
		log_error("run %lld was collected but never evaluated: "
		    "evaluate it ('vigil evaluate --run %lld'), review the "
		    "report, then accept the evaluated run", run, run);
		return VGL_ERR_USAGE;
	}
	iso8601_utc(time(NULL), now, sizeof(now));
	if (sqlite3_prepare_v2(st->db, "INSERT INTO main.baselines(run, "
	    "accepted_at, accepted_by, note) VALUES (?, ?, ?, ?)", -1, &s,
	    NULL) != SQLITE_OK) {
		log_error("baseline: %s", sqlite3_errmsg(st->db));
		return VGL_ERR_STORE;
	}
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, note, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		log_error("baseline: %s", sqlite3_errmsg(st->db));
		r = VGL_ERR_STORE;
	} else if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(s);
	return r;
}

/* Names of the sources not compared, comma-separated, or NULL. */
static char *
skipped_names(sqlite3 *db)
{
	sqlite3_stmt	*s;
	char		*v = NULL;

	if (sqlite3_prepare_v2(db, "SELECT group_concat(name, ', ') FROM "
	    "(SELECT name FROM temp.drift_skip ORDER BY name)", -1, &s,
	    NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = col_dup(s, 0);
	sqlite3_finalize(s);
	return v;
}

int
drift_compute(sqlite3 *db, long long run, long long against, int store,
    char **skipped)
{
	const char *const	*t;
	const char		*dest;
	int			 r, began = 0;

	if (skipped != NULL)
		*skipped = NULL;
	if (sqlite3_get_autocommit(db)) {
		if ((r = exec_sql(db, store ? "BEGIN IMMEDIATE" : "BEGIN")) !=
		    0)
			return r;
		began = 1;
	}
	if (store) {
		dest = "main.changes";
		r = exec_free(db, sqlite3_mprintf("DELETE FROM main.changes "
		    "WHERE run = %lld", run));
	} else {
		dest = "temp.drift_changes";
		r = exec_sql(db, "DROP TABLE IF EXISTS temp.drift_changes; "
		    "CREATE TEMP TABLE drift_changes(run INTEGER, baseline_run "
		    "INTEGER, table_name TEXT, source TEXT, key TEXT, change "
		    "TEXT, column_name TEXT, old, new)");
	}
	if (r != 0)
		goto out;
	/*
	 * Sources not compared: failed in either run, or collected in the
	 * other run but not in this one.
	 */
	if ((r = exec_free(db, sqlite3_mprintf("DROP TABLE IF EXISTS "
	    "temp.drift_skip; CREATE TEMP TABLE drift_skip AS "
	    "SELECT name FROM main.sources WHERE run IN (%lld, %lld) AND "
	    "status != 'ok' UNION SELECT name FROM main.sources WHERE "
	    "run = %lld AND name NOT IN (SELECT name FROM main.sources "
	    "WHERE run = %lld)", run, against, against, run))) != 0)
		goto out;
	for (t = store_snapshot_tables(); *t != NULL; t++)
		if ((r = compare_table(db, dest, *t, run, against)) != 0)
			goto out;
	if (skipped != NULL)
		*skipped = skipped_names(db);
	(void)sqlite3_exec(db, "DROP TABLE IF EXISTS temp.drift_skip", NULL,
	    NULL, NULL);
	if (began) {
		began = 0;
		r = exec_sql(db, "COMMIT");
	}
 out:
	if (began)
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (r != 0 && skipped != NULL) {
		free(*skipped);
		*skipped = NULL;
	}
	return r;
}

static long long
count_changes(sqlite3 *db, long long run)
{
	sqlite3_stmt	*s;
	long long	 n = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.changes WHERE "
	    "run = ?", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int
drift_record(struct store *st, long long run)
{
	struct baseline	 b;
	char		*skipped = NULL;
	int		 r;

	if ((r = drift_baseline(st->db, &b)) != 0)
		return r;
	if (b.id == 0 || b.run == run) {
		/* No baseline, or the run is the baseline: no changes. */
		r = exec_free(st->db, sqlite3_mprintf("DELETE FROM "
		    "main.changes WHERE run = %lld", run));
		goto out;
	}
	if ((r = drift_compute(st->db, run, b.run, 1, &skipped)) != 0) {
		log_error("cannot compute the drift of run %lld against the "
		    "baseline (run %lld)", run, b.run);
		goto out;
	}
	if (skipped != NULL)
		log_warn("drift: not compared (failed or not collected in run "
		    "%lld or the baseline run %lld): %s", run, b.run, skipped);
	log_info("drift: %lld change%s in run %lld since the baseline (run "
	    "%lld)", count_changes(st->db, run), count_changes(st->db, run) ==
	    1 ? "" : "s", run, b.run);
 out:
	free(skipped);
	drift_baseline_release(&b);
	return r;
}

static json_t *
value_json(sqlite3_stmt *s, int i)
{
	const char	*t;
	json_t		*j;
	char		*h, *p;
	size_t		 n;

	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, i));
	default:
		t = (const char *)sqlite3_column_text(s, i);
		if (t == NULL)
			return json_null();
		if ((j = json_string(t)) != NULL)
			return j;
		/* Not UTF-8 (json_string refuses it): show it as hex. */
		n = strlen(t);
		h = xmalloc(2 * n + 1);
		hex_encode((const unsigned char *)t, n, h);
		p = xasprintf("hex:%s", h);
		j = json_string(p);
		free(p);
		free(h);
		return j;
	}
}

static json_t *
rows_json(sqlite3 *db, const char *from, long long run)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();
	char		*q;
	int		 r;

	q = sqlite3_mprintf("SELECT table_name, source, key, change, "
	    "column_name, old, new, baseline_run FROM %s WHERE run = %lld "
	    "ORDER BY table_name, key, source, change, column_name", from,
	    run);
	r = sqlite3_prepare_v2(db, q, -1, &s, NULL);
	sqlite3_free(q);
	if (r != SQLITE_OK) {
		log_error("drift: %s", sqlite3_errmsg(db));
		return arr;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o, "
		    "s:o, s:o, s:o, s:o}", "table", value_json(s, 0),
		    "source", value_json(s, 1), "key", value_json(s, 2),
		    "change", value_json(s, 3), "column", value_json(s, 4),
		    "old", value_json(s, 5), "new", value_json(s, 6),
		    "baseline_run", value_json(s, 7)));
	}
	sqlite3_finalize(s);
	return arr;
}

json_t *
drift_changes_json(sqlite3 *db, long long run)
{
	if (!table_exists(db, "changes"))
		return json_array();
	return rows_json(db, "main.changes", run);
}

json_t *
drift_computed_json(sqlite3 *db, long long run)
{
	return rows_json(db, "temp.drift_changes", run);
}
