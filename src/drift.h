/*
 * drift.h: drift from an accepted baseline (SPEC section 7).
 *
 * `baseline accept` records a committed run in `baselines`; the current
 * baseline is the latest accepted one.  Drift compares a run with another
 * run, snapshot table by snapshot table, by each table's natural key
 * (drift.c has the one table of keys and ignored columns), and writes
 * rows (run, baseline_run, table_name, source, key, change, column_name,
 * old, new) with change `added`, `removed` or `modified`.
 */
#ifndef DRIFT_H
#define DRIFT_H

#include <jansson.h>
#include <sqlite3.h>

#include "store.h"

struct baseline {
	long long	 id;		/* baselines.id; 0: none */
	long long	 run;
	char		*accepted_at;
	char		*accepted_by;
	char		*note;
};

/*
 * The current baseline (the latest accepted) into b; b->id is 0 when none
 * was ever accepted.  0 or VGL_ERR_STORE.
 */
int	 drift_baseline(sqlite3 *, struct baseline *b);
void	 drift_baseline_release(struct baseline *);

/*
 * Records run (committed) as the accepted baseline, with who, when (now,
 * UTC) and why.  note must be non-empty.  *id gets the baselines.id.
 */
int	 drift_accept(struct store *, long long run, const char *by,
	    const char *note, long long *id);

/*
 * Compares run with against.  With store set, replaces run's rows of
 * main.changes (inside its own transaction); otherwise fills the table
 * temp.drift_changes (same columns as changes, created or emptied here),
 * which works on a read-only connection.  Sources that failed in either
 * run, or that run did not collect, are left out (a failed source is not
 * a removal); *skipped, when not NULL, gets their names, comma-separated
 * (NULL when none; free it).
 */
int	 drift_compute(sqlite3 *, long long run, long long against,
	    int store, char **skipped);

/*
 * What evaluate and audit do before the rules run: when a baseline
 * exists, replaces run's changes with those against it; otherwise
 * deletes them.
 */
int	 drift_record(struct store *, long long run);

/*
 * The run's stored changes as a JSON array of objects (table, source,
 * key, change, column, old, new, baseline_run), ordered by table, key,
 * change and column.  Never NULL.
 */
json_t	*drift_changes_json(sqlite3 *, long long run);
/* The same for the rows drift_compute() left in temp.drift_changes. */
json_t	*drift_computed_json(sqlite3 *, long long run);

#endif
