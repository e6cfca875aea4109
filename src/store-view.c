/*
 * store-view.c: the per-run views (store_use_run, store.h).  A file of
 * its own, so that a unit test can stand in for store_use_run() (see
 * tests/unit/test-rules.c) while linking the rest of the store.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "vigil.h"

static int
make_run_view(sqlite3 *db, const char *table, long long run)
{
	sqlite3_stmt	*s;
	struct buf	 sql;
	char		*q;
	int		 n = 0, r;

	q = sqlite3_mprintf("PRAGMA main.table_info(%Q)", table);
	r = sqlite3_prepare_v2(db, q, -1, &s, NULL);
	sqlite3_free(q);
	if (r != SQLITE_OK)
		return VGL_ERR_STORE;
	buf_init(&sql, 0);
	q = sqlite3_mprintf("DROP VIEW IF EXISTS temp.%w; "
	    "CREATE TEMP VIEW %w AS SELECT ", table, table);
	buf_puts(&sql, q);
	sqlite3_free(q);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(s, 1);
		if (strcmp(col, "run") == 0)
			continue;
		q = sqlite3_mprintf("%s\"%w\"", n++ ? ", " : "", col);
		buf_puts(&sql, q);
		sqlite3_free(q);
	}
	sqlite3_finalize(s);
	q = sqlite3_mprintf(" FROM main.%w WHERE run = %lld;", table, run);
	buf_puts(&sql, q);
	sqlite3_free(q);
	/*
	 * A table this store does not have yet (written by an older vigil,
	 * opened read-only) has no view: nothing of that run is in it.
	 */
	r = n > 0 ? store_exec(db, sql.data) : 0;
	buf_release(&sql);
	return r;
}

int
store_use_run(sqlite3 *db, long long run)
{
	const char *const	*t;
	int			 r;

	for (t = store_snapshot_tables(); *t != NULL; t++) {
		if ((r = make_run_view(db, *t, run)) != 0)
			return r;
	}
	for (t = store_core_run_tables(NULL); *t != NULL; t++) {
		if ((r = make_run_view(db, *t, run)) != 0)
			return r;
	}
	return store_identities_view(db);
}
