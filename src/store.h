/*
 * store.h: the one SQLite store (SPEC section 10; docs/schema.md).
 *
 * The database is created with mode 0600 and WAL.  Snapshot tables hold
 * every run's rows with a `run` column; store_use_run() creates TEMP
 * views of the same names restricted to one run, so that rules and
 * `query` see a single snapshot with the table names of SPEC section 5.
 *
 * A run is written inside one transaction (store_run_begin ..
 * snap_commit): collection, evaluation and seal, so a killed or failed
 * run leaves no trace.  A lock file
 * (DB.lock, flock) serialises writers.
 */
#ifndef STORE_H
#define STORE_H

#include <jansson.h>
#include <sqlite3.h>

#include "policy.h"

#define STORE_SCHEMA_VERSION	1

struct store {
	sqlite3		*db;
	char		*path;
	int		 lock_fd;
};

enum store_flags {
	STORE_READONLY = 1 << 0,	/* open read-only, no lock */
	STORE_WAIT = 1 << 1,		/* wait for the lock */
	STORE_MEMORY = 1 << 2,		/* in-memory (validate) */
};

int	 store_open(const char *path, int flags, struct store **out);
void	 store_close(struct store *);

/*
 * One provider's part of the `identities` view (store_identities_view()):
 * select reads temp.TABLE (and temp.ALSO_TABLE) and yields (email,
 * provider, source, account, name, active, is_admin).  The part is used
 * only when those per-run views have the columns named (space-separated),
 * so the view follows the tables the store has.
 */
struct identity_part {
	const char	*table;
	const char	*columns;
	const char	*also_table;	/* another table read, or NULL */
	const char	*also_columns;
	const char	*select;
};

/*
 * What the store knows of a source type: the store knows no provider, so
 * the layer above hands it the table of types (source_register_types() in
 * source.c) before the first store_open().  schema: the CREATE TABLE
 * statements of its snapshot tables (each with run and source columns),
 * or NULL; identity: its parts of the identities view ({NULL}-terminated,
 * or NULL).
 */
struct store_type {
	const char			*schema;
	const struct identity_part	*identity;
};

/* Sets the n source types the store holds (borrowed, kept in order). */
void	 store_set_types(const struct store_type *types, size_t n);

/*
 * Runs sql (one or more statements) on db: 0, or VGL_ERR_STORE with the
 * error logged ("store: ...").
 */
int	 store_exec(sqlite3 *db, const char *sql);

/* All CREATE statements (core and every source type), for validate. */
int	 store_create_schema(sqlite3 *);

/* The last committed run id, or 0. */
long long store_last_run(struct store *);
/*
 * The "previous run" of run, for new/persisting: the newest evaluated
 * run whose snapshot is the newest evaluated snapshot collected before
 * run's (docs/schema.md), or 0.  Unevaluated runs are skipped.
 */
long long store_prev_run(struct store *, long long run);
/* Its SQL, one scalar value, run bound as ?1 (rules.c uses it too). */
#define STORE_PREV_RUN_SQL						\
	"WITH w AS (SELECT id, coalesce(snapshot_run, id) AS snap FROM "	\
	"main.runs WHERE status IN ('complete', 'partial') AND "		\
	"evaluated = 1 AND id < ?1) SELECT coalesce(max(id), 0) FROM w "	\
	"WHERE snap = (SELECT max(snap) FROM w WHERE snap < (SELECT "	\
	"coalesce(snapshot_run, id) FROM main.runs WHERE id = ?1))"
/* 1 when run's rules were evaluated (runs.evaluated). */
int	 store_run_evaluated(struct store *, long long run);
/* The run whose snapshot run re-evaluated (runs.snapshot_run), or 0. */
long long store_run_snapshot_of(struct store *, long long run);
/* 1 when run exists and is committed. */
int	 store_run_exists(struct store *, long long run);

/*
 * Creates TEMP views named like each snapshot table (and `sources`,
 * `expected`, `findings`), restricted to run, on db (which may be a
 * second, read-only connection to the same file).
 */
int	 store_use_run(sqlite3 *db, long long run);

/*
 * (Re)creates the TEMP view `identities` from the providers' identity
 * parts whose per-run views db has (store_use_run() calls it).
 */
int	 store_identities_view(sqlite3 *db);

/*
 * The core tables with a `run` column, NULL-terminated: store_use_run()
 * restricts each to the run; the first *nevidence (what was collected,
 * how it went, the pins read) are evidence, part of the snapshot
 * (digested and copied with it, before the source tables).
 */
const char *const *store_core_run_tables(size_t *nevidence);

/*
 * What an unevaluated run records as rules_sha256: SHA-256 of this text.
 * It is in the chain hash, so marking such a run evaluated (or the
 * reverse) behind vigil's back breaks verify.
 */
#define STORE_UNEVALUATED	"vigil: not evaluated\n"

/* The snapshot being written for a run. */
struct snapshot;
/* Begins a run: BEGIN IMMEDIATE, inserts the runs row. */
int	 store_run_begin(struct store *, const struct policy *,
	    const char *command, const char *collected_at,
	    long long *run, struct snapshot **out);
/*
 * Inserts a row into table: obj's keys are column names (numbers, strings,
 * null as themselves; true/false as 1/0; arrays/objects as JSON text).
 * run and source are added.  Thread-safe.
 */
int	 snap_insert(struct snapshot *, const char *table, const char *source,
	    json_t *obj);
/* Records a source's outcome in `sources`. */
int	 snap_source(struct snapshot *, const char *name, const char *type,
	    const char *status, const char *error, long resources,
	    long requests, long duration_ms);
long long snap_run(const struct snapshot *);
/*
 * Copies the snapshot rows of run from (sources, expected,
 * critical_values and every source table) into this run and records
 * from as its snapshot_run: a re-evaluation works on its own copy.
 */
int	 snap_copy(struct snapshot *, long long from);
/*
 * Sets status ("complete" or "partial"), the finish time and the
 * snapshot digest, marks the run unevaluated; does not commit.
 */
int	 snap_finish(struct snapshot *, const char *status);
/*
 * Commits the run's transaction: collection, evaluation and seal become
 * visible at once.  Frees snap (rolled back when the commit fails).
 */
int	 snap_commit(struct snapshot *);
/* Rolls back; frees snap. */
void	 snap_abort(struct snapshot *);

/* Runs' collection time, status ("complete"/"partial"), organisation. */
int	 store_run_info(struct store *, long long run, char **collected_at,
	    char **status);

/* SHA-256 over every snapshot row of a run, in a canonical order. */
int	 store_snapshot_digest(sqlite3 *, long long run, char out[65]);

/* Snapshot table names (every source type's), NULL-terminated. */
const char *const *store_snapshot_tables(void);

#endif
