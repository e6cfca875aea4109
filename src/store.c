/*
 * store.c: the SQLite store: schema, runs, snapshot rows, per-run views.
 * The schema is documented in docs/schema.md.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const char core_schema[] =
"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
"CREATE TABLE IF NOT EXISTS runs(\n"
"  id INTEGER PRIMARY KEY, started TEXT, finished TEXT, collected_at TEXT,\n"
"  status TEXT, organization TEXT, command TEXT, policy_sha256 TEXT,\n"
"  rules_sha256 TEXT, snapshot_sha256 TEXT, findings_sha256 TEXT,\n"
"  prev_chain_hash TEXT, chain_hash TEXT, chain_hmac INTEGER DEFAULT 0,\n"
"  evaluated INTEGER NOT NULL DEFAULT 0, snapshot_run INTEGER);\n"
"CREATE TABLE IF NOT EXISTS sources(run INTEGER NOT NULL, name TEXT,\n"
"  type TEXT, status TEXT, error TEXT, resources INTEGER,\n"
"  requests INTEGER, duration_ms INTEGER);\n"
"CREATE INDEX IF NOT EXISTS sources_run ON sources(run);\n"
"CREATE TABLE IF NOT EXISTS expected(run INTEGER NOT NULL, source TEXT,\n"
"  kind TEXT, subject TEXT, value TEXT);\n"
"CREATE INDEX IF NOT EXISTS expected_run ON expected(run);\n"
"CREATE TABLE IF NOT EXISTS findings(run INTEGER NOT NULL, rule TEXT,\n"
"  title TEXT, severity TEXT, provider TEXT, source TEXT, resource TEXT,\n"
"  detail TEXT, evidence TEXT, status TEXT, is_new INTEGER, waiver TEXT);\n"
"CREATE INDEX IF NOT EXISTS findings_run ON findings(run, rule, resource);\n"
"CREATE TABLE IF NOT EXISTS rule_files(run INTEGER NOT NULL, rule TEXT,\n"
"  path TEXT, sha256 TEXT);\n"
"CREATE INDEX IF NOT EXISTS rule_files_run ON rule_files(run);\n"
"CREATE TABLE IF NOT EXISTS baselines(id INTEGER PRIMARY KEY,\n"
"  run INTEGER NOT NULL, accepted_at TEXT, accepted_by TEXT, note TEXT);\n"
"CREATE TABLE IF NOT EXISTS changes(run INTEGER NOT NULL,\n"
"  baseline_run INTEGER, table_name TEXT, source TEXT, key TEXT,\n"
"  change TEXT, column_name TEXT, old, new);\n"
"CREATE INDEX IF NOT EXISTS changes_run ON changes(run);\n"
"CREATE TABLE IF NOT EXISTS critical_values(run INTEGER NOT NULL,\n"
"  source TEXT, name TEXT, source_type TEXT, status TEXT,\n"
"  observed_sha256 TEXT, observed TEXT, expected_sha256 TEXT, error TEXT);\n"
"CREATE INDEX IF NOT EXISTS critical_values_run ON critical_values(run);\n"
"CREATE TABLE IF NOT EXISTS freeze_journal(id INTEGER PRIMARY KEY,\n"
"  freeze INTEGER NOT NULL, seq INTEGER NOT NULL, source TEXT,\n"
"  action TEXT NOT NULL, op TEXT NOT NULL, target TEXT, params TEXT,\n"
"  prior TEXT, state TEXT NOT NULL, started_at TEXT, done_at TEXT,\n"
"  undone_at TEXT, error TEXT, UNIQUE(freeze, seq));\n";

/*
 * The core tables with a `run` column, in the order they are digested:
 * store_use_run() restricts each to the run (as the source tables); the
 * evidence ones (what was collected and how it went, the pins read) are
 * part of the snapshot (digested and copied with it, before the source
 * tables).
 */
static const char *const core_run_tables[] = {
	"sources", "expected", "critical_values",	/* evidence */
	"findings", "rule_files", "changes", NULL
};
#define CORE_EVIDENCE	3

const char *const *
store_core_run_tables(size_t *nevidence)
{
	if (nevidence != NULL)
		*nevidence = CORE_EVIDENCE;
	return core_run_tables;
}

struct snap_stmt {
	char		*sql;
	sqlite3_stmt	*stmt;
};

struct snapshot {
	struct store	*st;
	long long	 run;
	pthread_mutex_t	 mtx;
	struct snap_stmt *stmts;
	size_t		 nstmts;
};

/* Runs sqlite3_mprintf(fmt, a, b). */
static int
exec_free_ll(sqlite3 *db, const char *fmt, long long a, long long b)
{
	char	*q = sqlite3_mprintf(fmt, a, b);
	int	 r = store_exec(db, q);

	sqlite3_free(q);
	return r;
}

int
store_exec(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("store: %s", err != NULL ? err : "unknown error");
		sqlite3_free(err);
		return VGL_ERR_STORE;
	}
	return 0;
}

/* The source types set by store_set_types() (borrowed). */
static const struct store_type	*source_types;
static size_t			 nsource_types;
/* Their snapshot table names (store_snapshot_tables()), or NULL. */
static char			**snapshot_tables;

void
store_set_types(const struct store_type *types, size_t n)
{
	size_t	 i;

	source_types = types;
	nsource_types = n;
	for (i = 0; snapshot_tables != NULL && snapshot_tables[i] != NULL;
	    i++)
		free(snapshot_tables[i]);
	free(snapshot_tables);
	snapshot_tables = NULL;
}

/* Every source type's tables. */
static int
create_source_schema(sqlite3 *db)
{
	size_t	 i;
	int	 r;

	for (i = 0; i < nsource_types; i++) {
		if (source_types[i].schema == NULL)
			continue;
		if ((r = store_exec(db, source_types[i].schema)) != 0)
			return r;
	}
	return 0;
}

int
store_create_schema(sqlite3 *db)
{
	int	 r;

	if ((r = store_exec(db, core_schema)) != 0)
		return r;
	return create_source_schema(db);
}

const char *const *
store_snapshot_tables(void)
{
	char		**tables = snapshot_tables;
	sqlite3		 *db;
	sqlite3_stmt	 *st;
	size_t		  n = 0;

	if (tables != NULL)
		return (const char *const *)tables;
	/* Derive the names from the DDL itself, so one table entry is enough. */
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		abort();
	if (create_source_schema(db) != 0)
		abort();
	tables = xcalloc(1, sizeof(*tables));
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE "
	    "type = 'table' ORDER BY name", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			tables = xreallocarray(tables, n + 2, sizeof(*tables));
			tables[n++] = xstrdup((const char *)
			    sqlite3_column_text(st, 0));
			tables[n] = NULL;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	snapshot_tables = tables;
	return (const char *const *)tables;
}

static int
store_lock(struct store *st, const char *path, int wait)
{
	char	*lpath;
	int	 fd;

	lpath = xasprintf("%s.lock", path);
	fd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lpath);
	if (fd == -1) {
		log_error("cannot open lock for '%s': %s", path,
		    strerror(errno));
		return VGL_ERR_IO;
	}
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == -1) {
		close(fd);
		if (errno == EWOULDBLOCK) {
			log_error("'%s' is in use by another vigil run; "
			    "try again later or use --wait", path);
			return VGL_ERR_LOCKED;
		}
		return VGL_ERR_IO;
	}
	st->lock_fd = fd;
	return 0;
}

static int
store_check_version(struct store *st)
{
	sqlite3_stmt	*s;
	int		 v = -1, r = 0;
	char		 q[128];

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = "
	    "'schema_version'", -1, &s, NULL) != SQLITE_OK)
		return VGL_ERR_STORE;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = (int)strtol((const char *)sqlite3_column_text(s, 0),
		    NULL, 10);
	sqlite3_finalize(s);
	if (v == -1) {
		snprintf(q, sizeof(q), "INSERT INTO meta VALUES "
		    "('schema_version', '%d')", STORE_SCHEMA_VERSION);
		r = store_exec(st->db, q);
	} else if (v > STORE_SCHEMA_VERSION) {
		log_error("'%s' has schema version %d; this vigil knows %d",
		    st->path, v, STORE_SCHEMA_VERSION);
		r = VGL_ERR_STORE;
	}
	return r;
}

/* 1 when main.runs has column name. */
static int
runs_has_column(sqlite3 *db, const char *name)
{
	sqlite3_stmt	*s;
	int		 found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('runs', "
	    "'main') WHERE name = ?", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

/*
 * A store written before runs had `evaluated` and `snapshot_run` gets
 * them: a run counts as evaluated when rules were recorded for it (an
 * older vigil committed a collection before evaluating it).
 */
static int
store_migrate(struct store *st)
{
	if (runs_has_column(st->db, "evaluated"))
		return 0;
	return store_exec(st->db, "ALTER TABLE main.runs ADD COLUMN evaluated "
	    "INTEGER NOT NULL DEFAULT 0; ALTER TABLE main.runs ADD COLUMN "
	    "snapshot_run INTEGER; UPDATE main.runs SET evaluated = EXISTS "
	    "(SELECT 1 FROM main.rule_files f WHERE f.run = runs.id)");
}

/*
 * A store written by an older vigil lacks the columns a newer collector
 * writes (a provider learns a new field): every table of the current
 * schema gets its missing columns, added with their declared type and
 * default (NULL in the runs before).  The reference is the schema built
 * in a scratch in-memory database, so no provider is named here.
 */
static int
store_add_missing_columns(sqlite3 *db)
{
	sqlite3		*ref = NULL;
	sqlite3_stmt	*t = NULL, *c = NULL, *h = NULL;
	const char	*tab, *col, *type, *dflt;
	char		*q;
	int		 r = VGL_ERR_STORE;

	if (sqlite3_open(":memory:", &ref) != SQLITE_OK ||
	    store_create_schema(ref) != 0)
		goto out;
	if (sqlite3_prepare_v2(ref, "SELECT name FROM sqlite_master WHERE "
	    "type = 'table' AND name NOT LIKE 'sqlite_%'", -1, &t, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(ref, "SELECT name, type, "
	    "dflt_value FROM pragma_table_info(?)", -1, &c, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, "SELECT 1 FROM "
	    "pragma_table_info(?, 'main') WHERE name = ?", -1, &h, NULL) !=
	    SQLITE_OK)
		goto out;
	while (sqlite3_step(t) == SQLITE_ROW) {
		tab = (const char *)sqlite3_column_text(t, 0);
		sqlite3_reset(c);
		sqlite3_bind_text(c, 1, tab, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(c) == SQLITE_ROW) {
			col = (const char *)sqlite3_column_text(c, 0);
			type = (const char *)sqlite3_column_text(c, 1);
			dflt = (const char *)sqlite3_column_text(c, 2);
			sqlite3_reset(h);
			sqlite3_bind_text(h, 1, tab, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(h, 2, col, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(h) == SQLITE_ROW)
				continue;
			q = sqlite3_mprintf("ALTER TABLE main.%w ADD COLUMN "
			    "%w %s%s%s", tab, col, type != NULL ? type : "",
			    dflt != NULL ? " DEFAULT " : "",
			    dflt != NULL ? dflt : "");
			r = store_exec(db, q);
			sqlite3_free(q);
			if (r != 0)
				goto out;
			log_info("store upgraded: %s.%s added", tab, col);
		}
	}
	r = 0;
 out:
	sqlite3_finalize(t);
	sqlite3_finalize(c);
	sqlite3_finalize(h);
	sqlite3_close(ref);
	return r;
}

/* 1 when the database holds no table (an empty file). */
static int
store_is_blank(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 blank = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1,
	    &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		blank = sqlite3_column_int(s, 0) == 0;
	sqlite3_finalize(s);
	return blank;
}

int
store_open(const char *path, int flags, struct store **out)
{
	struct store	*st;
	int		 r = VGL_ERR_STORE, fd, oflags;

	*out = NULL;
	st = xcalloc(1, sizeof(*st));
	st->lock_fd = -1;
	st->path = xstrdup((flags & STORE_MEMORY) ? ":memory:" : path);
	if (flags & STORE_MEMORY) {
		if (sqlite3_open(":memory:", &st->db) != SQLITE_OK)
			goto out;
		if ((r = store_create_schema(st->db)) != 0)
			goto out;
		/* Rules are checked against it: the view must exist. */
		if ((r = store_identities_view(st->db)) != 0)
			goto out;
		goto done;
	}
	if (flags & STORE_READONLY) {
		if (access(path, R_OK) != 0) {
			log_error("cannot open store '%s': %s", path,
			    strerror(errno));
			r = VGL_ERR_IO;
			goto out;
		}
		oflags = SQLITE_OPEN_READONLY;
	} else {
		if ((r = store_lock(st, path, flags & STORE_WAIT)) != 0)
			goto out;
		/* Create the file 0600 before SQLite does. */
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd == -1) {
			log_error("cannot create store '%s': %s", path,
			    strerror(errno));
			r = VGL_ERR_IO;
			goto out;
		}
		if (fchmod(fd, 0600) == -1)
			log_warn("cannot chmod '%s': %s", path,
			    strerror(errno));
		close(fd);
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	r = VGL_ERR_STORE;
	if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_FULLMUTEX,
	    NULL) != SQLITE_OK) {
		log_error("cannot open store '%s': %s", path,
		    sqlite3_errmsg(st->db));
		goto out;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if (!(flags & STORE_READONLY)) {
		/*
		 * synchronous=FULL: a committed run, and a freeze journal
		 * entry committed before its step is executed, must survive
		 * a power loss (WAL with NORMAL may lose the last commits).
		 */
		if (store_exec(st->db, "PRAGMA journal_mode=WAL; "
		    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON") != 0)
			goto out;
		if (store_exec(st->db, "BEGIN IMMEDIATE") != 0)
			goto out;
		if ((r = store_create_schema(st->db)) != 0 ||
		    (r = store_migrate(st)) != 0 ||
		    (r = store_add_missing_columns(st->db)) != 0 ||
		    (r = store_check_version(st)) != 0) {
			store_exec(st->db, "ROLLBACK");
			goto out;
		}
		if ((r = store_exec(st->db, "COMMIT")) != 0)
			goto out;
	} else {
		/*
		 * A file with no table at all is an empty store: a writer
		 * killed between creating the file and committing its schema
		 * leaves one.  Readers see no run, as in a new store.
		 */
		if (store_is_blank(st->db)) {
			sqlite3_close(st->db);
			st->db = NULL;
			if (sqlite3_open(":memory:", &st->db) != SQLITE_OK ||
			    (r = store_create_schema(st->db)) != 0 ||
			    (r = store_identities_view(st->db)) != 0) {
				r = VGL_ERR_STORE;
				goto out;
			}
			goto done;
		}
		/* A store written by a newer or foreign tool is refused. */
		if ((r = store_check_version(st)) != 0) {
			log_error("'%s' is not a vigil store (or is damaged): %s",
			    path, sqlite3_errmsg(st->db));
			goto out;
		}
		if (!runs_has_column(st->db, "evaluated")) {
			log_error("'%s' was written by an older vigil; run a "
			    "command that writes it (e.g. 'vigil collect') "
			    "once to upgrade it", path);
			r = VGL_ERR_STORE;
			goto out;
		}
	}
 done:
	*out = st;
	st = NULL;
	r = 0;
 out:
	store_close(st);
	return r;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->db != NULL)
		sqlite3_close(st->db);
	if (st->lock_fd != -1)
		close(st->lock_fd);
	free(st->path);
	free(st);
}

static long long
query_ll(sqlite3 *db, const char *sql, long long a)
{
	sqlite3_stmt	*s;
	long long	 v = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_int64(s, 1, a);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

long long
store_last_run(struct store *st)
{
	return query_ll(st->db, "SELECT coalesce(max(id), 0) FROM main.runs "
	    "WHERE status IN ('complete', 'partial')", 0);
}

/*
 * The snapshot before run's is the newest evaluated snapshot collected
 * before it (a re-evaluation's snapshot is that of snapshot_run); of
 * its evaluations, the newest one older than run is used.
 */
long long
store_prev_run(struct store *st, long long run)
{
	return query_ll(st->db, STORE_PREV_RUN_SQL, run);
}

int
store_run_evaluated(struct store *st, long long run)
{
	return query_ll(st->db, "SELECT count(*) FROM main.runs WHERE id = ? "
	    "AND evaluated = 1", run) > 0;
}

long long
store_run_snapshot_of(struct store *st, long long run)
{
	return query_ll(st->db, "SELECT coalesce(snapshot_run, 0) FROM "
	    "main.runs WHERE id = ?", run);
}

int
store_run_exists(struct store *st, long long run)
{
	return query_ll(st->db, "SELECT count(*) FROM main.runs WHERE id = ? "
	    "AND status IN ('complete', 'partial')", run) > 0;
}

int
store_run_info(struct store *st, long long run, char **collected_at,
    char **status)
{
	sqlite3_stmt	*s;
	int		 r = VGL_ERR_NOTFOUND;

	if (sqlite3_prepare_v2(st->db, "SELECT collected_at, status FROM "
	    "main.runs WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return VGL_ERR_STORE;
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) == SQLITE_ROW) {
		if (collected_at != NULL)
			*collected_at = xstrdup((const char *)
			    sqlite3_column_text(s, 0));
		if (status != NULL)
			*status = xstrdup((const char *)
			    sqlite3_column_text(s, 1));
		r = 0;
	}
	sqlite3_finalize(s);
	return r;
}

/* 1 when temp view table has every column of cols. */
static int
view_has_columns(sqlite3 *db, const char *table, const char *cols)
{
	sqlite3_stmt	*s;
	const char	*p, *e;
	int		 ok = 1;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1, "
	    "'temp') WHERE name = ?2", -1, &s, NULL) != SQLITE_OK)
		return 0;
	for (p = cols; ok && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ' ')) == NULL)
			e = p + strlen(p);
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, p, (int)(e - p), SQLITE_STATIC);
		ok = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return ok;
}

/*
 * The identities view: one row per account of a person in each provider,
 * (email, provider, source, account, name, active, is_admin), email
 * lower-cased as the join key: the union of the providers' identity parts
 * (struct identity_part) whose tables the store has (docs/schema.md).
 */
int
store_identities_view(sqlite3 *db)
{
	const struct identity_part *ip;
	struct buf	 sql;
	size_t		 i, n = 0;
	int		 r;

	buf_init(&sql, 0);
	buf_puts(&sql, "DROP VIEW IF EXISTS temp.identities; "
	    "CREATE TEMP VIEW identities(email, provider, source, account, "
	    "name, active, is_admin) AS ");
	for (i = 0; i < nsource_types; i++) {
		for (ip = source_types[i].identity; ip != NULL &&
		    ip->table != NULL; ip++) {
			if (ip->also_table != NULL && !view_has_columns(db,
			    ip->also_table, ip->also_columns))
				continue;
			if (!view_has_columns(db, ip->table, ip->columns))
				continue;
			if (n++ > 0)
				buf_puts(&sql, " UNION ALL ");
			buf_puts(&sql, ip->select);
		}
	}
	if (n == 0)
		buf_puts(&sql, "SELECT NULL, NULL, NULL, NULL, NULL, NULL, "
		    "NULL WHERE 0");
	buf_puts(&sql, ";");
	r = store_exec(db, sql.data);
	buf_release(&sql);
	return r;
}

int
store_run_begin(struct store *st, const struct policy *p,
    const char *command, const char *collected_at, long long *run,
    struct snapshot **out)
{
	struct snapshot	*sn;
	sqlite3_stmt	*s;
	char		 now[32];
	int		 r;

	*out = NULL;
	if ((r = store_exec(st->db, "BEGIN IMMEDIATE")) != 0)
		return r;
	iso8601_utc(time(NULL), now, sizeof(now));
	if (sqlite3_prepare_v2(st->db, "INSERT INTO main.runs(started, "
	    "collected_at, status, organization, command, policy_sha256) "
	    "VALUES (?, ?, 'running', ?, ?, ?)", -1, &s, NULL) != SQLITE_OK) {
		store_exec(st->db, "ROLLBACK");
		return VGL_ERR_STORE;
	}
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, collected_at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, p->organization, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, command, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, p->sha256, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(s);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE) {
		log_error("store: %s", sqlite3_errmsg(st->db));
		store_exec(st->db, "ROLLBACK");
		return VGL_ERR_STORE;
	}
	sn = xcalloc(1, sizeof(*sn));
	sn->st = st;
	sn->run = sqlite3_last_insert_rowid(st->db);
	pthread_mutex_init(&sn->mtx, NULL);
	*run = sn->run;
	*out = sn;
	return 0;
}

long long
snap_run(const struct snapshot *sn)
{
	return sn->run;
}

static sqlite3_stmt *
snap_stmt(struct snapshot *sn, const char *sql)
{
	sqlite3_stmt	*s;
	size_t		 i;

	for (i = 0; i < sn->nstmts; i++) {
		if (strcmp(sn->stmts[i].sql, sql) == 0)
			return sn->stmts[i].stmt;
	}
	if (sqlite3_prepare_v3(sn->st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s, NULL) != SQLITE_OK) {
		log_error("store: %s", sqlite3_errmsg(sn->st->db));
		return NULL;
	}
	sn->stmts = xreallocarray(sn->stmts, sn->nstmts + 1,
	    sizeof(*sn->stmts));
	sn->stmts[sn->nstmts].sql = xstrdup(sql);
	sn->stmts[sn->nstmts].stmt = s;
	sn->nstmts++;
	return s;
}

static void
bind_json(sqlite3_stmt *s, int idx, json_t *v)
{
	char	*txt;

	switch (json_typeof(v)) {
	case JSON_STRING:
		sqlite3_bind_text(s, idx, json_string_value(v),
		    (int)json_string_length(v), SQLITE_TRANSIENT);
		break;
	case JSON_INTEGER:
		sqlite3_bind_int64(s, idx, json_integer_value(v));
		break;
	case JSON_REAL:
		sqlite3_bind_double(s, idx, json_real_value(v));
		break;
	case JSON_TRUE:
		sqlite3_bind_int(s, idx, 1);
		break;
	case JSON_FALSE:
		sqlite3_bind_int(s, idx, 0);
		break;
	case JSON_NULL:
		sqlite3_bind_null(s, idx);
		break;
	default:
		txt = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS |
		    JSON_ENCODE_ANY);
		sqlite3_bind_text(s, idx, txt != NULL ? txt : "null", -1,
		    SQLITE_TRANSIENT);
		free(txt);
		break;
	}
}

int
snap_insert(struct snapshot *sn, const char *table, const char *source,
    json_t *obj)
{
	struct buf	 sql;
	sqlite3_stmt	*s;
	const char	*key;
	json_t		*v;
	char		*q;
	int		 i, r = 0;

	buf_init(&sql, 0);
	q = sqlite3_mprintf("INSERT INTO main.%w(run, source", table);
	buf_puts(&sql, q);
	sqlite3_free(q);
	json_object_foreach(obj, key, v) {
		q = sqlite3_mprintf(", \"%w\"", key);
		buf_puts(&sql, q);
		sqlite3_free(q);
	}
	buf_puts(&sql, ") VALUES (?, ?");
	for (i = 0; i < (int)json_object_size(obj); i++)
		buf_puts(&sql, ", ?");
	buf_puts(&sql, ")");

	pthread_mutex_lock(&sn->mtx);
	if ((s = snap_stmt(sn, sql.data)) == NULL) {
		r = VGL_ERR_STORE;
		goto out;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	sqlite3_bind_int64(s, 1, sn->run);
	sqlite3_bind_text(s, 2, source, -1, SQLITE_TRANSIENT);
	i = 3;
	json_object_foreach(obj, key, v)
		bind_json(s, i++, v);
	if (sqlite3_step(s) != SQLITE_DONE) {
		log_error("store: insert into %s: %s", table,
		    sqlite3_errmsg(sn->st->db));
		r = VGL_ERR_STORE;
	}
	sqlite3_reset(s);
 out:
	pthread_mutex_unlock(&sn->mtx);
	buf_release(&sql);
	return r;
}

int
snap_source(struct snapshot *sn, const char *name, const char *type,
    const char *status, const char *error, long resources, long requests,
    long duration_ms)
{
	sqlite3_stmt	*s;
	int		 r = 0;

	pthread_mutex_lock(&sn->mtx);
	if ((s = snap_stmt(sn, "INSERT INTO main.sources(run, name, type, "
	    "status, error, resources, requests, duration_ms) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)")) == NULL) {
		r = VGL_ERR_STORE;
		goto out;
	}
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, sn->run);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, status, -1, SQLITE_TRANSIENT);
	if (error != NULL)
		sqlite3_bind_text(s, 5, error, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 5);
	sqlite3_bind_int64(s, 6, resources);
	sqlite3_bind_int64(s, 7, requests);
	sqlite3_bind_int64(s, 8, duration_ms);
	if (sqlite3_step(s) != SQLITE_DONE) {
		log_error("store: %s", sqlite3_errmsg(sn->st->db));
		r = VGL_ERR_STORE;
	}
	sqlite3_reset(s);
 out:
	pthread_mutex_unlock(&sn->mtx);
	return r;
}

/*
 * Feeds the rows of one table for run into md: the table name, then each
 * row ordered by all its columns (so insertion order does not matter),
 * each value as its SQLite type, its length and its bytes.
 */
static int
digest_table(sqlite3 *db, EVP_MD_CTX *md, const char *table, long long run)
{
	sqlite3_stmt	*s;
	struct buf	 q;
	char		*sql;
	int		 c, n, len;
	char		 tag;

	sql = sqlite3_mprintf("SELECT * FROM main.%w WHERE run = %lld", table,
	    run);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		return VGL_ERR_STORE;
	}
	n = sqlite3_column_count(s);
	sqlite3_finalize(s);
	buf_init(&q, 0);
	buf_printf(&q, "%s ORDER BY ", sql);
	sqlite3_free(sql);
	for (c = 1; c <= n; c++)
		buf_printf(&q, "%s%d", c > 1 ? ", " : "", c);
	if (sqlite3_prepare_v2(db, q.data, -1, &s, NULL) != SQLITE_OK) {
		buf_release(&q);
		return VGL_ERR_STORE;
	}
	buf_release(&q);
	EVP_DigestUpdate(md, table, strlen(table) + 1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (c = 0; c < n; c++) {
			const unsigned char *v = sqlite3_column_text(s, c);

			len = sqlite3_column_bytes(s, c);
			tag = (char)('0' + sqlite3_column_type(s, c));
			EVP_DigestUpdate(md, &tag, 1);
			EVP_DigestUpdate(md, &len, sizeof(len));
			if (v != NULL)
				EVP_DigestUpdate(md, v, (size_t)len);
		}
	}
	sqlite3_finalize(s);
	return 0;
}

/*
 * SHA-256 over every snapshot row of a run: the run's `sources`,
 * `expected` and `critical_values` rows (what was collected and how it
 * went, and the pins read, are evidence too), then every source table in
 * name order.
 */
int
store_snapshot_digest(sqlite3 *db, long long run, char out[65])
{
	const char *const	*t;
	EVP_MD_CTX		*md;
	unsigned char		 d[EVP_MAX_MD_SIZE];
	unsigned int		 dl = 0;
	size_t			 i;
	int			 r = 0;

	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (i = 0; i < CORE_EVIDENCE && r == 0; i++)
		r = digest_table(db, md, core_run_tables[i], run);
	for (t = store_snapshot_tables(); *t != NULL && r == 0; t++)
		r = digest_table(db, md, *t, run);
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	hex_encode(d, dl, out);
	return r;
}

static void
snap_free(struct snapshot *sn)
{
	size_t	 i;

	for (i = 0; i < sn->nstmts; i++) {
		sqlite3_finalize(sn->stmts[i].stmt);
		free(sn->stmts[i].sql);
	}
	free(sn->stmts);
	pthread_mutex_destroy(&sn->mtx);
	free(sn);
}

int
snap_finish(struct snapshot *sn, const char *status)
{
	sqlite3_stmt	*s;
	char		 now[32], digest[65], empty[65], unev[65];
	int		 r;

	iso8601_utc(time(NULL), now, sizeof(now));
	if ((r = store_snapshot_digest(sn->st->db, sn->run, digest)) != 0)
		return r;
	/*
	 * Until rules are evaluated, the run has no findings (the digest of
	 * the empty set) and no rules (STORE_UNEVALUATED).
	 */
	sha256_hex("", 0, empty);
	sha256_hex(STORE_UNEVALUATED, strlen(STORE_UNEVALUATED), unev);
	if (sqlite3_prepare_v2(sn->st->db, "UPDATE main.runs SET status = ?, "
	    "finished = ?, snapshot_sha256 = ?, rules_sha256 = ?6, "
	    "findings_sha256 = ?5, evaluated = 0 WHERE id = ?4", -1, &s,
	    NULL) != SQLITE_OK) {
		log_error("store: %s", sqlite3_errmsg(sn->st->db));
		return VGL_ERR_STORE;
	}
	sqlite3_bind_text(s, 1, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, digest, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, sn->run);
	sqlite3_bind_text(s, 5, empty, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, unev, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(s) == SQLITE_DONE ? 0 : VGL_ERR_STORE;
	if (r != 0)
		log_error("store: %s", sqlite3_errmsg(sn->st->db));
	sqlite3_finalize(s);
	return r;
}

/* Copies table's rows of run from into run to, in rowid order. */
static int
copy_table(sqlite3 *db, const char *table, long long from, long long to)
{
	sqlite3_stmt	*s;
	struct buf	 cols, sql;
	char		*q;
	int		 n = 0, r;

	q = sqlite3_mprintf("PRAGMA main.table_info(%Q)", table);
	r = sqlite3_prepare_v2(db, q, -1, &s, NULL);
	sqlite3_free(q);
	if (r != SQLITE_OK)
		return VGL_ERR_STORE;
	buf_init(&cols, 0);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(s, 1);

		if (c == NULL || strcmp(c, "run") == 0)
			continue;
		q = sqlite3_mprintf(", \"%w\"", c);
		buf_puts(&cols, q);
		sqlite3_free(q);
		n++;
	}
	sqlite3_finalize(s);
	r = 0;
	if (n > 0) {
		buf_init(&sql, 0);
		q = sqlite3_mprintf("INSERT INTO main.%w(run%s) SELECT %lld%s "
		    "FROM main.%w WHERE run = %lld ORDER BY rowid", table,
		    cols.data, to, cols.data, table, from);
		buf_puts(&sql, q);
		sqlite3_free(q);
		r = store_exec(db, sql.data);
		buf_release(&sql);
	}
	buf_release(&cols);
	return r;
}

int
snap_copy(struct snapshot *sn, long long from)
{
	const char *const	*t;
	size_t			 i;
	int			 r = 0;

	for (i = 0; i < CORE_EVIDENCE && r == 0; i++)
		r = copy_table(sn->st->db, core_run_tables[i], from, sn->run);
	for (t = store_snapshot_tables(); *t != NULL && r == 0; t++)
		r = copy_table(sn->st->db, *t, from, sn->run);
	if (r == 0)
		r = exec_free_ll(sn->st->db, "UPDATE main.runs SET "
		    "snapshot_run = %lld WHERE id = %lld", from, sn->run);
	return r;
}

int
snap_commit(struct snapshot *sn)
{
	int	 r;

	if ((r = store_exec(sn->st->db, "COMMIT")) != 0) {
		snap_abort(sn);
		return r;
	}
	snap_free(sn);
	return 0;
}

void
snap_abort(struct snapshot *sn)
{
	if (sn == NULL)
		return;
	store_exec(sn->st->db, "ROLLBACK");
	snap_free(sn);
}
