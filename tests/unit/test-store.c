/*
 * test-store.c: store.c: the durability pragmas of a file store, the
 * upgrade of a store written before runs.evaluated, and which run is
 * the "previous run" (store_prev_run) for new/persisting.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "store.h"
#include "vigil.h"
#include "xmalloc.h"
#include "tap.h"

static long long
query_ll(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	long long	 v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void
rm_store(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm", ".lock" };
	char	*p;
	size_t	 i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		p = xasprintf("%s%s", path, ext[i]);
		unlink(p);
		free(p);
	}
}

/* A later write (the next run, a freeze step) depends on durable commits. */
static void
test_pragmas(const char *dir)
{
	struct store	*st = NULL;
	char		*path;

	path = xasprintf("%s/pragmas.db", dir);
	rm_store(path);
	is_int(store_open(path, 0, &st), 0, "a file store opens");
	if (st == NULL)
		goto out;
	is_int(query_ll(st->db, "PRAGMA synchronous"), 2,
	    "synchronous=FULL (2) on the writing connection");
	is_int(query_ll(st->db, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1, "journal_mode=WAL");
	store_close(st);
 out:
	rm_store(path);
	free(path);
}

/* A store of an older vigil: runs without evaluated/snapshot_run. */
static void
test_upgrade(const char *dir)
{
	struct store	*st = NULL;
	sqlite3		*db;
	char		*path;

	path = xasprintf("%s/old.db", dir);
	rm_store(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		goto out;
	sqlite3_exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value "
	    "TEXT); INSERT INTO meta VALUES ('schema_version', '1'); "
	    "CREATE TABLE runs(id INTEGER PRIMARY KEY, "
	    "started TEXT, finished TEXT, collected_at TEXT, status TEXT, "
	    "organization TEXT, command TEXT, policy_sha256 TEXT, "
	    "rules_sha256 TEXT, snapshot_sha256 TEXT, findings_sha256 TEXT, "
	    "prev_chain_hash TEXT, chain_hash TEXT, chain_hmac INTEGER "
	    "DEFAULT 0); CREATE TABLE rule_files(run INTEGER NOT NULL, "
	    "rule TEXT, path TEXT, sha256 TEXT); "
	    "INSERT INTO runs(id, status) VALUES (1, 'complete'), "
	    "(2, 'complete'); INSERT INTO rule_files VALUES (1, 'r', 'p', "
	    "'x'); CREATE TABLE aws_iam_users(run INTEGER NOT NULL, source "
	    "TEXT NOT NULL, arn TEXT, user_name TEXT); INSERT INTO "
	    "aws_iam_users VALUES (1, 'prod', 'arn:x', 'alice')",
	    NULL, NULL, NULL);
	sqlite3_close(db);
	is_int(store_open(path, STORE_READONLY, &st), VGL_ERR_STORE,
	    "read-only, an old store is refused (not misread)");
	store_close(st);
	st = NULL;
	is_int(store_open(path, 0, &st), 0, "an old store opens for writing");
	if (st == NULL)
		goto out;
	ok(store_run_evaluated(st, 1) && !store_run_evaluated(st, 2),
	    "upgraded: a run with rule files is evaluated, one without not");
	{
		sqlite3_stmt	*q;
		int		 n = -1;

		if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM "
		    "pragma_table_info('aws_iam_users') WHERE name IN "
		    "('admin_reason', 'is_admin', 'mfa_active')", -1, &q,
		    NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		is_int(n, 3, "upgraded: a collector's table gains the "
		    "columns a newer vigil writes");
		ok(sqlite3_exec(st->db, "INSERT INTO aws_iam_users(run, "
		    "source, arn, admin_reason) VALUES (3, 'prod', 'arn:y', "
		    "'x')", NULL, NULL, NULL) == SQLITE_OK,
		    "upgraded: a row with a new column can be written");
	}
	store_close(st);
	st = NULL;
	is_int(store_open(path, STORE_READONLY, &st), 0,
	    "once upgraded it opens read-only");
	store_close(st);
 out:
	rm_store(path);
	free(path);
}

/*
 * Runs: 1 evaluated, 2 collected only, 3 evaluated, 4 re-evaluates 1,
 * 5 evaluated, 6 re-evaluates 3, 7 still running, 8 evaluated.
 */
static const char runs_sql[] =
"INSERT INTO runs(id, status, evaluated, snapshot_run) VALUES"
" (1, 'complete', 1, NULL), (2, 'complete', 0, NULL),"
" (3, 'partial', 1, NULL), (4, 'complete', 1, 1),"
" (5, 'complete', 1, NULL), (6, 'partial', 1, 3),"
" (7, 'running', 0, NULL), (8, 'complete', 1, NULL);";

static const struct {
	long long	 run;
	long long	 prev;
	const char	*why;
} prev_cases[] = {
	{ 1, 0, "the first run has none" },
	{ 2, 1, "a collection's previous run is the evaluated one before" },
	{ 3, 1, "an unevaluated run (2) is skipped" },
	{ 4, 0, "re-evaluating run 1: nothing was collected before it" },
	{ 5, 3, "the newest evaluated snapshot before, not a re-evaluation "
	    "of an older one (4)" },
	{ 6, 4, "re-evaluating run 3: the newest evaluation of run 1's "
	    "snapshot made before it" },
	{ 8, 5, "a running run (7) is skipped" },
};

static void
test_prev_run(void)
{
	struct store	*st = NULL;
	size_t		 i;

	if (store_open(NULL, STORE_MEMORY, &st) != 0 ||
	    sqlite3_exec(st->db, runs_sql, NULL, NULL, NULL) != SQLITE_OK) {
		ok(0, "the runs fixture loads");
		store_close(st);
		return;
	}
	for (i = 0; i < sizeof(prev_cases) / sizeof(prev_cases[0]); i++) {
		long long got = store_prev_run(st, prev_cases[i].run);

		ok(got == prev_cases[i].prev, "previous run of %lld: %s",
		    prev_cases[i].run, prev_cases[i].why);
		if (got != prev_cases[i].prev)
			printf("#   got %lld, expected %lld\n", got,
			    prev_cases[i].prev);
	}
	ok(store_run_snapshot_of(st, 6) == 3 &&
	    store_run_snapshot_of(st, 5) == 0, "store_run_snapshot_of");
	store_close(st);
}

int
main(void)
{
	const char	*dir = getenv("TMPDIR");
	char		 tmpl[512];

	snprintf(tmpl, sizeof(tmpl), "%s/vigil-test-store.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* The store creates the providers' tables (store_set_types). */
	source_register_types();
	test_pragmas(tmpl);
	test_upgrade(tmpl);
	test_prev_run();
	rmdir(tmpl);
	return done_testing();
}
