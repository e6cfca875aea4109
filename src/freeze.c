/*
 * freeze.c: the reversible lockdown (SPEC section 8): checks of the
 * freeze section, the journal (table freeze_journal), and the plan,
 * apply, status and thaw procedures over the providers: each source
 * type's struct freeze_ops (source_types[], source.h), chosen by a
 * step's source and action; no provider is named here.
 *
 * Journal rules: a step's row, with its prior state, is committed as
 * "started" before its write is sent, and set to "done" after; a write
 * failure leaves it "started" with the error and stops the apply.  A
 * re-run resumes: a "started" step, and a "done" or "undone" one that
 * no longer holds, is checked against the live state (done if it
 * holds, else set "started" again and sent again), then a fresh plan
 * from the live state supplies whatever is still missing (nothing,
 * after a complete apply).  Thaw undoes "done" and "started" steps in reverse order,
 * restoring each prior value, re-reads the live state to verify, and
 * only then marks the freeze "thawed".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "buf.h"
#include "freeze.h"
#include "log.h"
#include "policy.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

/* One source a freeze action needs: its type's operations and handle. */
struct prov {
	const struct policy_source	*ps;
	const struct freeze_ops		*ops;
	void				*h;
	int				 own;
};

static const char *
p_caller(struct prov *v)
{
	return v->ops->caller(v->h);
}

static int
p_read(struct prov *v, char **why)
{
	return v->ops->read(v->h, why);
}

static int
p_holds(struct prov *v, json_t *st)
{
	return v->ops->holds(v->h, st);
}

static int
p_restored(struct prov *v, json_t *st)
{
	return v->ops->restored(v->h, st);
}

static int
p_locks_out(struct prov *v, json_t *st)
{
	return v->ops->locks_out(v->h, st);
}

static int
p_exec(struct prov *v, json_t *st, char **why)
{
	return v->ops->exec(v->h, st, why);
}

static int
p_undo(struct prov *v, json_t *st, char **note, char **why)
{
	return v->ops->undo(v->h, st, note, why);
}

static json_t *
p_snapshot(struct prov *v)
{
	return v->ops->snapshot(v->h);
}

/* What a provider cannot reach (see freeze_ops.unreachable). */
static size_t
p_unreachable(struct prov *v, FILE *out)
{
	return v->ops->unreachable != NULL ? v->ops->unreachable(v->h, out) :
	    0;
}

/* 1 when ops performs action. */
static int
ops_has(const struct freeze_ops *ops, const char *action)
{
	size_t	 i;

	for (i = 0; action != NULL && ops->actions[i] != NULL; i++)
		if (strcmp(ops->actions[i], action) == 0)
			return 1;
	return 0;
}

/* The provider type performing action, or NULL. */
static const struct source_type *
type_of_action(const char *action)
{
	size_t	 i;

	for (i = 0; source_types[i] != NULL; i++)
		if (source_types[i]->freeze != NULL &&
		    ops_has(source_types[i]->freeze, action))
			return source_types[i];
	return NULL;
}

struct fz {
	const struct policy	*p;
	struct prov		*pv;
	size_t			 npv;
};

static void
fz_release(struct fz *z)
{
	size_t	 i;

	for (i = 0; i < z->npv; i++)
		z->pv[i].ops->free(z->pv[i].h);
	free(z->pv);
	memset(z, 0, sizeof(*z));
}

static void
now_iso(char out[32])
{
	iso8601_utc((long long)time(NULL), out, 32);
}

/* 1 when the policy's actions have one that type performs. */
static int
type_used(const struct policy *p, const struct source_type *t)
{
	json_t	*a;
	size_t	 i;

	if (t->freeze == NULL)
		return 0;
	json_array_foreach(json_object_get(p->freeze, "actions"), i, a)
		if (ops_has(t->freeze, json_string_value(a)))
			return 1;
	return 0;
}

/* Checks the freeze section; 0 or VGL_EXIT_USAGE (message printed). */
static int
check_section(const struct policy *p, int apply)
{
	const struct source_type *t;
	struct buf	 known;
	json_t		*acts, *a = NULL;
	const char	*s;
	size_t		 i, j, n;
	int		 r;

	if (p->freeze == NULL) {
		log_error("the policy has no \"freeze\" section (SPEC 8)");
		return VGL_EXIT_USAGE;
	}
	acts = json_object_get(p->freeze, "actions");
	if (json_array_size(acts) == 0) {
		log_error("freeze: \"actions\" is empty: nothing to freeze");
		return VGL_EXIT_USAGE;
	}
	json_array_foreach(acts, i, a) {
		s = json_string_value(a);
		if (type_of_action(s) != NULL)
			continue;
		buf_init(&known, 0);
		for (j = 0; source_types[j] != NULL; j++)
			for (n = 0; source_types[j]->freeze != NULL &&
			    source_types[j]->freeze->actions[n] != NULL; n++)
				buf_printf(&known, "%s%s", known.len > 0 ?
				    ", " : "",
				    source_types[j]->freeze->actions[n]);
		log_error("freeze: unknown action '%s' (known: %s)", s,
		    known.data != NULL ? known.data : "");
		buf_release(&known);
		return VGL_EXIT_USAGE;
	}
	/* Every type an action needs has a source. */
	for (j = 0; (t = source_types[j]) != NULL; j++) {
		if (!type_used(p, t))
			continue;
		for (n = 0, i = 0; i < p->nsources; i++)
			n += strcmp(p->sources[i].type, t->name) == 0;
		if (n > 0)
			continue;
		json_array_foreach(acts, i, a)
			if (ops_has(t->freeze, json_string_value(a)))
				break;
		log_error("freeze: %s needs a \"%s\" source and the policy has "
		    "none", json_string_value(a), t->name);
		return VGL_EXIT_USAGE;
	}
	for (j = 0; (t = source_types[j]) != NULL; j++)
		if (type_used(p, t) && t->freeze->check != NULL &&
		    (r = t->freeze->check(p, apply)) != 0)
			return r;
	return 0;
}

/*
 * Opens the write connection of every source an action needs (the
 * sources of each type performing one of the actions) and reads its
 * live state.
 */
static int
fz_open(struct fz *z, const struct policy *p, FILE *out)
{
	const struct source_type *t;
	size_t		 i;
	char		*why = NULL;
	int		 r;

	memset(z, 0, sizeof(*z));
	z->p = p;
	z->pv = xcalloc(p->nsources + 1, sizeof(*z->pv));
	for (i = 0; i < p->nsources; i++) {
		struct prov *v = &z->pv[z->npv];

		if ((t = source_type_find(p->sources[i].type)) == NULL ||
		    !type_used(p, t))
			continue;
		v->ps = &p->sources[i];
		v->ops = t->freeze;
		r = v->ops->open(p, v->ps, &v->h, &v->own, &why);
		if (r == 0) {
			z->npv++;	/* released by fz_release from now */
			r = p_read(v, &why);
		}
		if (r != 0) {
			log_error("freeze: source '%s': %s", v->ps->name,
			    why != NULL ? why : vgl_err(r));
			free(why);
			/* Missing or unsafe credentials: nothing was tried. */
			return r == VGL_ERR_POLICY ? VGL_EXIT_USAGE :
			    VGL_EXIT_WRITE;
		}
		if (out != NULL) {
			if (v->own)
				fprintf(out, "source %s (%s): no freeze."
				    "credentials.%s: writes use the source's own "
				    "credentials, as %s\n", v->ps->name, t->name,
				    v->ps->name, p_caller(v));
			else
				fprintf(out, "source %s (%s): writes use "
				    "freeze.credentials.%s, as %s\n",
				    v->ps->name, t->name, v->ps->name,
				    p_caller(v));
		}
	}
	return 0;
}

static struct prov *
fz_prov(struct fz *z, const char *source)
{
	size_t	 i;

	for (i = 0; i < z->npv; i++)
		if (strcmp(z->pv[i].ps->name, source) == 0)
			return &z->pv[i];
	return NULL;
}

/*
 * The parts of every source the freeze cannot reach (an account that
 * cannot be entered), each printed to out (may be NULL).
 */
static size_t
fz_unreachable(struct fz *z, FILE *out)
{
	size_t	 i, n = 0;

	for (i = 0; i < z->npv; i++)
		n += p_unreachable(&z->pv[i], out);
	return n;
}

/* The fresh plan over every provider; out gets the skipped items. */
static int
fz_plan(struct fz *z, json_t *steps, FILE *out)
{
	size_t	 i;
	char	*why = NULL;
	int	 r;

	for (i = 0; i < z->npv; i++) {
		if ((r = z->pv[i].ops->plan(z->pv[i].h, z->p, steps, out,
		    &why)) != 0) {
			log_error("freeze: %s", why != NULL ? why :
			    vgl_err(r));
			free(why);
			return VGL_EXIT_WRITE;
		}
	}
	return 0;
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- journal ----------------------------------------------------------- */

static int
db_fail(sqlite3 *db, const char *what)
{
	log_error("freeze: journal: %s: %s", what, sqlite3_errmsg(db));
	return VGL_EXIT_WRITE;
}

static int
journal_exists(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE "
	    "type = 'table' AND name = 'freeze_journal'", -1, &s, NULL) !=
	    SQLITE_OK)
		return 0;
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

/* The active freeze's number, or 0. */
static long long
journal_active(sqlite3 *db)
{
	sqlite3_stmt	*s;
	long long	 id = 0;

	if (!journal_exists(db) || sqlite3_prepare_v2(db, "SELECT freeze "
	    "FROM freeze_journal WHERE seq = 0 AND state = 'active' ORDER BY "
	    "freeze DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

static int
journal_begin(sqlite3 *db, const char *who, json_t *snap, long long *freeze)
{
	sqlite3_stmt	*s;
	char		 now[32], *sn;
	int		 rc;

	now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO freeze_journal(freeze, seq, "
	    "source, action, op, target, params, prior, state, started_at) "
	    "SELECT COALESCE(MAX(freeze), 0) + 1, 0, NULL, 'freeze', "
	    "'freeze', ?, NULL, ?, 'active', ? FROM freeze_journal "
	    "RETURNING freeze", -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, "begin");
	sn = json_dumps(snap, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_bind_text(s, 1, who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, sn, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	free(sn);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return db_fail(db, "begin");
	}
	*freeze = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static json_t *
parse_col(sqlite3_stmt *s, int col)
{
	const char	*t = (const char *)sqlite3_column_text(s, col);
	json_t		*j = t != NULL ? json_loads(t, 0, NULL) : NULL;

	return j != NULL ? j : json_object();
}

/* The steps of a freeze (seq > 0) in order, each with "id", "state". */
static int
journal_steps(sqlite3 *db, long long freeze, json_t **out)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT id, source, action, op, target, "
	    "params, prior, state FROM freeze_journal WHERE freeze = ? AND "
	    "seq > 0 ORDER BY seq", -1, &s, NULL) != SQLITE_OK) {
		json_decref(a);
		return db_fail(db, "read");
	}
	sqlite3_bind_int64(s, 1, freeze);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s, "
		    "s:o, s:o, s:s}", "id", (json_int_t)sqlite3_column_int64(s,
		    0), "source", (const char *)sqlite3_column_text(s, 1),
		    "action", (const char *)sqlite3_column_text(s, 2), "op",
		    (const char *)sqlite3_column_text(s, 3), "target",
		    (const char *)sqlite3_column_text(s, 4), "params",
		    parse_col(s, 5), "prior", parse_col(s, 6), "state",
		    (const char *)sqlite3_column_text(s, 7)));
	sqlite3_finalize(s);
	*out = a;
	return 0;
}

/* Commits a step as "started" with its prior state; sets its "id". */
static int
journal_start(sqlite3 *db, long long freeze, json_t *step)
{
	sqlite3_stmt	*s;
	char		*params, *prior, now[32];
	int		 rc;

	now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO freeze_journal(freeze, seq, "
	    "source, action, op, target, params, prior, state, started_at) "
	    "SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "'started', ?8 FROM freeze_journal WHERE freeze = ?1 RETURNING id",
	    -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, "start");
	params = json_dumps(json_object_get(step, "params"), JSON_COMPACT |
	    JSON_SORT_KEYS);
	prior = json_dumps(json_object_get(step, "prior"), JSON_COMPACT |
	    JSON_SORT_KEYS);
	sqlite3_bind_int64(s, 1, freeze);
	sqlite3_bind_text(s, 2, jstr(step, "source"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, jstr(step, "action"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, jstr(step, "op"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, jstr(step, "target"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, params, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, prior, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		json_object_set_new(step, "id",
		    json_integer(sqlite3_column_int64(s, 0)));
	sqlite3_finalize(s);
	free(params);
	free(prior);
	if (rc != SQLITE_ROW)
		return db_fail(db, "start");
	return 0;
}

/* Sets a row's state ("done", "undone", "thawed"), or its error. */
static int
journal_set(sqlite3 *db, long long id, const char *state, const char *err)
{
	sqlite3_stmt	*s;
	char		 now[32];
	int		 rc;

	now_iso(now);
	if (sqlite3_prepare_v2(db, "UPDATE freeze_journal SET "
	    "state = COALESCE(?1, state), error = ?2, "
	    "started_at = CASE WHEN ?1 = 'started' THEN ?3 ELSE started_at "
	    "END, done_at = CASE WHEN ?1 = 'done' THEN ?3 WHEN ?1 = "
	    "'started' THEN NULL ELSE done_at END, "
	    "undone_at = CASE WHEN ?1 IN ('undone', 'thawed') THEN ?3 "
	    "ELSE undone_at END WHERE id = ?4", -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, "update");
	if (state != NULL)
		sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	if (err != NULL)
		sqlite3_bind_text(s, 2, err, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "update");
}

static long long
journal_header_id(sqlite3 *db, long long freeze)
{
	sqlite3_stmt	*s;
	long long	 id = 0;

	if (sqlite3_prepare_v2(db, "SELECT id FROM freeze_journal WHERE "
	    "freeze = ? AND seq = 0", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, freeze);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

/* ---- helpers ------------------------------------------------------------- */

char *
freeze_step_text(json_t *step)
{
	const struct source_type *t = type_of_action(jstr(step, "action"));

	if (t == NULL)
		return xasprintf("%s %s", jstr(step, "op"), jstr(step,
		    "target"));
	return t->freeze->step_text(step);
}

static int
same_step(json_t *a, json_t *b)
{
	return strcmp(jstr(a, "source"), jstr(b, "source")) == 0 &&
	    strcmp(jstr(a, "op"), jstr(b, "op")) == 0 &&
	    strcmp(jstr(a, "target"), jstr(b, "target")) == 0;
}

static void
print_step(FILE *out, size_t n, json_t *step, const char *suffix)
{
	char	*t = freeze_step_text(step);

	fprintf(out, "  %zu. %s: %s: %s%s\n", n, jstr(step, "source"),
	    jstr(step, "action"), t, suffix != NULL ? suffix : "");
	free(t);
}

/* Asks on the terminal; 1 when the answer is "yes". */
static int
confirm(const char *what, const struct freeze_opts *o)
{
	char	 line[64];
	size_t	 n;

	if (o->yes)
		return 1;
	if (!isatty(STDIN_FILENO)) {
		log_error("freeze %s: refusing without --yes: standard input "
		    "is not a terminal to confirm on; nothing was changed",
		    what);
		return 0;
	}
	fprintf(stderr, "Type 'yes' to %s: ", what);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (strcmp(line, "yes") != 0) {
		log_error("freeze %s: not confirmed; nothing was changed",
		    what);
		return 0;
	}
	return 1;
}

/* ---- plan ---------------------------------------------------------------- */

int
freeze_plan(const struct policy *p, const struct freeze_opts *o)
{
	struct fz	 z;
	json_t		*steps = NULL, *st;
	size_t		 i, n;
	int		 r;

	if ((r = check_section(p, 0)) != 0)
		return r;
	if ((r = fz_open(&z, p, stdout)) != 0)
		goto out;
	steps = json_array();
	if ((r = fz_plan(&z, steps, stdout)) != 0)
		goto out;
	for (i = 0; source_types[i] != NULL; i++)
		if (type_used(p, source_types[i]) && json_array_size(
		    json_object_get(json_object_get(p->freeze, "break_glass"),
		    source_types[i]->name)) == 0)
			printf("warning: break_glass.%s is empty: apply will "
			    "refuse\n", source_types[i]->name);
	printf("freeze plan: %zu step%s\n", json_array_size(steps),
	    json_array_size(steps) == 1 ? "" : "s");
	json_array_foreach(steps, i, st) {
		struct prov *v = fz_prov(&z, jstr(st, "source"));

		print_step(stdout, i + 1, st, v != NULL &&
		    p_locks_out(v, st) ? " (LOCKS OUT THE "
		    "CALLER: apply will refuse)" : NULL);
	}
	if (json_array_size(steps) == 0)
		printf("  nothing to do: every step already holds\n");
	if ((n = fz_unreachable(&z, stdout)) > 0)
		printf("freeze plan: %zu part%s cannot be frozen (NOT FROZEN "
		    "above): apply will freeze the rest and exit 4\n", n,
		    n == 1 ? "" : "s");
	r = 0;
 out:
	(void)o;
	json_decref(steps);
	fz_release(&z);
	return r;
}

/* ---- apply ---------------------------------------------------------------- */

/* Runs one journaled step; 0 or VGL_EXIT_WRITE. */
static int
run_step(sqlite3 *db, struct prov *v, json_t *step, size_t n)
{
	char	*why = NULL, *safe;
	int	 r;

	if ((r = p_exec(v, step, &why)) != 0) {
		safe = log_redact(why != NULL ? why : vgl_err(r));
		journal_set(db, json_integer_value(json_object_get(step,
		    "id")), NULL, safe);
		print_step(stdout, n, step, " ... FAILED");
		log_error("freeze apply: %s; the step stays 'started' in the "
		    "journal and the rest of the plan was not executed; fix "
		    "the cause and run 'vigil freeze apply' again to resume",
		    safe);
		free(safe);
		free(why);
		return VGL_EXIT_WRITE;
	}
	if (journal_set(db, json_integer_value(json_object_get(step, "id")),
	    "done", NULL) != 0)
		return VGL_EXIT_WRITE;
	print_step(stdout, n, step, " ... done");
	return 0;
}

/* The snapshot of the freeze's header row (journal_begin), or NULL. */
static json_t *
journal_snapshot(sqlite3 *db, long long freeze)
{
	sqlite3_stmt	*s;
	json_t		*j = NULL;
	const char	*t;

	if (sqlite3_prepare_v2(db, "SELECT prior FROM freeze_journal WHERE "
	    "freeze = ? AND seq = 0", -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(s, 1, freeze);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (t = (const char *)sqlite3_column_text(s, 0)) != NULL)
		j = json_loads(t, 0, NULL);
	sqlite3_finalize(s);
	return j;
}

/* SOURCE/OP:TARGET -> prior, over every provider's live state. */
static json_t *
fz_snapshot(struct fz *z)
{
	json_t		*all = json_object(), *one, *v;
	const char	*k;
	char		*key;
	size_t		 i;

	for (i = 0; i < z->npv; i++) {
		one = p_snapshot(&z->pv[i]);
		json_object_foreach(one, k, v) {
			key = xasprintf("%s/%s", z->pv[i].ps->name, k);
			json_object_set(all, key, v);
			free(key);
		}
		json_decref(one);
	}
	return all;
}

/*
 * A step added to a running freeze takes its prior from the snapshot
 * of when the freeze began, when the snapshot has it: a key inactive
 * before the freeze and re-activated during it is restored Inactive.
 */
static void
prior_from_snapshot(json_t *snap, json_t *st)
{
	json_t	*v;
	char	*key;

	key = xasprintf("%s/%s:%s", jstr(st, "source"), jstr(st, "op"),
	    jstr(st, "target"));
	if ((v = json_object_get(snap, key)) != NULL)
		json_object_set(st, "prior", v);
	free(key);
}

/* After an apply: what could not be frozen is an error (exit 4). */
static int
apply_unreachable(struct fz *z)
{
	size_t	 n;

	if ((n = fz_unreachable(z, stdout)) == 0)
		return 0;
	log_error("freeze apply: %zu part%s of the sources could not be "
	    "frozen (NOT FROZEN above); the rest is frozen; fix the access "
	    "and run 'vigil freeze apply' again", n, n == 1 ? "" : "s");
	return VGL_EXIT_WRITE;
}

int
freeze_apply(const struct policy *p, sqlite3 *db,
    const struct freeze_opts *o)
{
	struct fz	 z;
	struct prov	*v;
	json_t		*steps = NULL, *jsteps = NULL, *st, *js, *snap = NULL;
	long long	 freeze;
	size_t		 i, j, n = 0, pending = 0;
	int		 r, dup;

	memset(&z, 0, sizeof(z));
	if ((r = check_section(p, 1)) != 0)
		return r;
	if ((r = fz_open(&z, p, stdout)) != 0)
		goto out;
	steps = json_array();
	if ((r = fz_plan(&z, steps, stdout)) != 0)
		goto out;
	freeze = journal_active(db);
	if (freeze != 0 && (r = journal_steps(db, freeze, &jsteps)) != 0)
		goto out;
	/*
	 * Steps of the journal that need their write again: started and
	 * never finished, or done (or undone by a partial thaw) but no
	 * longer holding in the live state.  Their journaled prior stays.
	 */
	json_array_foreach(jsteps, i, js) {
		if ((v = fz_prov(&z, jstr(js, "source"))) == NULL) {
			log_error("freeze apply: journal step for source '%s' "
			    "which is not in the policy or has no action",
			    jstr(js, "source"));
			r = VGL_EXIT_USAGE;
			goto out;
		}
		if (strcmp(jstr(js, "state"), "started") == 0 ||
		    !p_holds(v, js)) {
			json_object_set_new(js, "redo", json_true());
			pending++;
		} else if (strcmp(jstr(js, "state"), "done") != 0)
			json_object_set_new(js, "mark", json_true());
	}
	/* Drop fresh steps the journal already has. */
	for (i = json_array_size(steps); i-- > 0; ) {
		st = json_array_get(steps, i);
		dup = 0;
		json_array_foreach(jsteps, j, js)
			dup |= same_step(st, js);
		if (dup)
			json_array_remove(steps, i);
	}
	if (freeze != 0)
		snap = journal_snapshot(db, freeze);
	json_array_foreach(steps, i, st) {
		v = fz_prov(&z, jstr(st, "source"));
		if (p_locks_out(v, st)) {
			log_error("freeze apply: refusing: the plan would lock "
			    "out the identity running it (%s)", p_caller(v));
			r = VGL_EXIT_USAGE;
			goto out;
		}
		if (snap != NULL)
			prior_from_snapshot(snap, st);
	}
	if (pending == 0 && json_array_size(steps) == 0) {
		/* Undone steps that hold again count as done. */
		json_array_foreach(jsteps, i, js)
			if (json_object_get(js, "mark") != NULL &&
			    journal_set(db, json_integer_value(json_object_get(
			    js, "id")), "done", NULL) != 0) {
				r = VGL_EXIT_WRITE;
				goto out;
			}
		printf("freeze apply: nothing to do: every step already "
		    "holds%s\n", freeze != 0 ? "" : " (no freeze started)");
		r = apply_unreachable(&z);
		goto out;
	}
	printf("freeze apply: %zu step%s to resume, %zu new\n", pending,
	    pending == 1 ? "" : "s", json_array_size(steps));
	json_array_foreach(jsteps, i, js)
		if (json_object_get(js, "redo") != NULL)
			print_step(stdout, ++n, js, strcmp(jstr(js, "state"),
			    "started") == 0 ? " (resume)" : " (no longer "
			    "holds: again)");
	json_array_foreach(steps, i, st)
		print_step(stdout, ++n, st, NULL);
	n = 0;
	fflush(stdout);
	if (!confirm("apply", o)) {
		r = VGL_EXIT_USAGE;
		goto out;
	}
	/* Resume: a journal step is checked against the live state. */
	json_array_foreach(jsteps, i, js) {
		if (json_object_get(js, "redo") == NULL &&
		    json_object_get(js, "mark") == NULL)
			continue;
		v = fz_prov(&z, jstr(js, "source"));
		n++;
		if (p_holds(v, js)) {
			if (journal_set(db, json_integer_value(json_object_get(
			    js, "id")), "done", NULL) != 0) {
				r = VGL_EXIT_WRITE;
				goto out;
			}
			print_step(stdout, n, js, " ... holds (resumed)");
			continue;
		}
		/*
		 * Journaled as 'started' before the write again: a step
		 * left 'undone' by a partial thaw is skipped by thaw, so a
		 * write that lands and is then not confirmed (a kill, a
		 * failed poll) would stay in force after the next thaw.
		 */
		if (strcmp(jstr(js, "state"), "started") != 0 &&
		    journal_set(db, json_integer_value(json_object_get(js,
		    "id")), "started", NULL) != 0) {
			r = VGL_EXIT_WRITE;
			goto out;
		}
		if ((r = run_step(db, v, js, n)) != 0)
			goto out;
	}
	if (json_array_size(steps) > 0 && freeze == 0) {
		/* The snapshot of the state before the freeze, first. */
		snap = fz_snapshot(&z);
		if (journal_begin(db, p_caller(&z.pv[0]), snap,
		    &freeze) != 0) {
			r = VGL_EXIT_WRITE;
			goto out;
		}
	}
	json_array_foreach(steps, i, st) {
		v = fz_prov(&z, jstr(st, "source"));
		n++;
		/* The prior state is committed before the write. */
		if (journal_start(db, freeze, st) != 0) {
			r = VGL_EXIT_WRITE;
			goto out;
		}
		if ((r = run_step(db, v, st, n)) != 0)
			goto out;
	}
	printf("freeze %lld applied: %zu step%s; 'vigil freeze status' "
	    "checks it holds, 'vigil freeze thaw' restores the prior state\n",
	    freeze, n, n == 1 ? "" : "s");
	r = apply_unreachable(&z);
 out:
	json_decref(steps);
	json_decref(jsteps);
	json_decref(snap);
	fz_release(&z);
	return r;
}

/* ---- status ---------------------------------------------------------------- */

int
freeze_status(const struct policy *p, sqlite3 *db,
    const struct freeze_opts *o)
{
	struct fz	 z;
	struct prov	*v;
	json_t		*jsteps = NULL, *steps = NULL, *js;
	long long	 freeze;
	size_t		 i, bad = 0, n = 0, unreach;
	int		 r;

	memset(&z, 0, sizeof(z));
	(void)o;
	if ((freeze = journal_active(db)) == 0) {
		printf("no active freeze\n");
		return 0;
	}
	if ((r = check_section(p, 0)) != 0)
		return r;
	if ((r = journal_steps(db, freeze, &jsteps)) != 0)
		goto out;
	if ((r = fz_open(&z, p, NULL)) != 0)
		goto out;
	printf("freeze %lld: active\n", freeze);
	json_array_foreach(jsteps, i, js) {
		if ((v = fz_prov(&z, jstr(js, "source"))) == NULL) {
			log_error("freeze status: source '%s' of the journal "
			    "is not in the policy", jstr(js, "source"));
			r = VGL_EXIT_USAGE;
			goto out;
		}
		n++;
		if (strcmp(jstr(js, "state"), "started") == 0) {
			print_step(stdout, n, js, " ... INCOMPLETE (started, "
			    "never finished: run 'vigil freeze apply')");
			bad++;
		} else if (p_holds(v, js))
			print_step(stdout, n, js, " ... holds");
		else {
			print_step(stdout, n, js, " ... NO LONGER HOLDS "
			    "(access regained)");
			bad++;
		}
	}
	/* Whatever the freeze does not cover now (new users, keys...). */
	steps = json_array();
	if ((r = fz_plan(&z, steps, NULL)) != 0)
		goto out;
	json_array_foreach(steps, i, js) {
		json_t	*jo;
		size_t	 j;
		int	 dup = 0;

		json_array_foreach(jsteps, j, jo)
			dup |= same_step(js, jo);
		if (dup)
			continue;	/* reported above */
		print_step(stdout, ++n, js, " ... NOT FROZEN (not in the "
		    "journal)");
		bad++;
	}
	if ((unreach = fz_unreachable(&z, stdout)) > 0)
		printf("freeze %lld: %zu part%s of the sources not frozen (NOT "
		    "FROZEN above)\n", freeze, unreach, unreach == 1 ? "" :
		    "s");
	if (bad > 0) {
		printf("freeze %lld: %zu step%s no longer hold%s\n", freeze,
		    bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "");
		r = VGL_EXIT_FINDINGS;
	} else if (unreach > 0) {
		r = VGL_EXIT_FINDINGS;
	} else {
		printf("freeze %lld: every step holds\n", freeze);
		r = 0;
	}
 out:
	json_decref(jsteps);
	json_decref(steps);
	fz_release(&z);
	return r;
}

/* ---- thaw ---------------------------------------------------------------- */

int
freeze_thaw(const struct policy *p, sqlite3 *db, const struct freeze_opts *o)
{
	struct fz	 z;
	struct prov	*v;
	json_t		*jsteps = NULL, *js;
	long long	 freeze;
	size_t		 i, n = 0, todo = 0, bad = 0;
	char		*why, *note, *safe;
	int		 r;

	memset(&z, 0, sizeof(z));
	if ((freeze = journal_active(db)) == 0) {
		printf("no active freeze: nothing to thaw\n");
		return 0;
	}
	if ((r = journal_steps(db, freeze, &jsteps)) != 0)
		goto out;
	json_array_foreach(jsteps, i, js)
		todo += strcmp(jstr(js, "state"), "undone") != 0;
	if ((r = fz_open(&z, p, stdout)) != 0)
		goto out;
	json_array_foreach(jsteps, i, js) {
		if (fz_prov(&z, jstr(js, "source")) == NULL) {
			log_error("freeze thaw: source '%s' of the journal is "
			    "not in the policy", jstr(js, "source"));
			r = VGL_EXIT_USAGE;
			goto out;
		}
	}
	printf("freeze thaw: freeze %lld: %zu step%s to undo\n", freeze, todo,
	    todo == 1 ? "" : "s");
	fflush(stdout);
	if (!confirm("thaw", o)) {
		r = VGL_EXIT_USAGE;
		goto out;
	}
	for (i = json_array_size(jsteps); i-- > 0; ) {
		js = json_array_get(jsteps, i);
		if (strcmp(jstr(js, "state"), "undone") == 0)
			continue;
		v = fz_prov(&z, jstr(js, "source"));
		n++;
		if ((r = p_undo(v, js, &note, &why)) != 0) {
			safe = log_redact(why != NULL ? why : vgl_err(r));
			journal_set(db, json_integer_value(json_object_get(js,
			    "id")), NULL, safe);
			print_step(stdout, n, js, " ... UNDO FAILED");
			log_error("freeze thaw: %s; run 'vigil freeze thaw' "
			    "again to resume", safe);
			free(safe);
			free(why);
			r = VGL_EXIT_WRITE;
			goto out;
		}
		if (journal_set(db, json_integer_value(json_object_get(js,
		    "id")), "undone", note) != 0) {
			free(note);
			r = VGL_EXIT_WRITE;
			goto out;
		}
		print_step(stdout, n, js, " ... undone");
		if (note != NULL)
			printf("     note: %s\n", note);
		free(note);
	}
	/* Verify against the live state. */
	for (i = 0; i < z.npv; i++) {
		why = NULL;
		if ((r = p_read(&z.pv[i], &why)) != 0) {
			log_error("freeze thaw: verification read failed: %s",
			    why != NULL ? why : vgl_err(r));
			free(why);
			r = VGL_EXIT_WRITE;
			goto out;
		}
	}
	json_array_foreach(jsteps, i, js) {
		v = fz_prov(&z, jstr(js, "source"));
		if (!p_restored(v, js)) {
			print_step(stdout, i + 1, js, " ... NOT RESTORED");
			bad++;
		}
	}
	if (bad > 0) {
		log_error("freeze thaw: %zu step%s not restored; the freeze "
		    "stays active", bad, bad == 1 ? "" : "s");
		r = VGL_EXIT_WRITE;
		goto out;
	}
	if (journal_set(db, journal_header_id(db, freeze), "thawed", NULL) !=
	    0) {
		r = VGL_EXIT_WRITE;
		goto out;
	}
	printf("freeze %lld thawed: prior state restored and verified\n",
	    freeze);
	r = 0;
 out:
	json_decref(jsteps);
	fz_release(&z);
	return r;
}

/* ---- for the audit --------------------------------------------------------- */

json_t *
freeze_journal_active(sqlite3 *db)
{
	sqlite3_stmt	*s;
	const struct source_type *t;
	json_t		*fz = NULL, *steps, *st, *pols;
	long long	 freeze;
	size_t		 i;
	const char	*c;
	char		*text;

	if ((freeze = journal_active(db)) == 0)
		return NULL;
	if (sqlite3_prepare_v2(db, "SELECT target, started_at FROM "
	    "freeze_journal WHERE freeze = ? AND seq = 0", -1, &s, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(s, 1, freeze);
	if (sqlite3_step(s) == SQLITE_ROW)
		fz = json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)freeze,
		    "since", (const char *)sqlite3_column_text(s, 1), "by",
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (fz == NULL || journal_steps(db, freeze, &steps) != 0) {
		json_decref(fz);
		return NULL;
	}
	pols = json_array();
	json_array_foreach(steps, i, st) {
		text = freeze_step_text(st);
		json_object_set_new(st, "text", json_string(text));
		free(text);
		json_object_del(st, "id");
		json_object_del(st, "prior");	/* may be large; in the store */
		t = type_of_action(jstr(st, "action"));
		if (t != NULL && t->freeze->created != NULL &&
		    (c = t->freeze->created(st)) != NULL)
			json_array_append_new(pols, json_string(c));
		json_object_del(st, "params");
	}
	json_object_set_new(fz, "steps", steps);
	json_object_set_new(fz, "policies", pols);
	return fz;
}

/*
 * 1 when step holds in run's snapshot, 0 when it does not, -1 when the
 * run has no data to tell (the source was not collected).
 */
static int
held_in_run(sqlite3 *db, long long run, json_t *st, json_t *params)
{
	const struct source_type *t = type_of_action(jstr(st, "action"));
	const char	*sql;
	sqlite3_stmt	*s;
	int		 r = -1, n, gone_holds = 0;

	if (t == NULL || t->freeze->held_sql == NULL ||
	    (sql = t->freeze->held_sql(jstr(st, "op"), &gone_holds)) == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;	/* the source's tables are not in the store */
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, jstr(st, "source"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, jstr(st, "target"), -1, SQLITE_TRANSIENT);
	if (jstr(params, "policy_arn") != NULL || jstr(params, "arn") != NULL)
		sqlite3_bind_text(s, 4, jstr(params, "policy_arn") != NULL ?
		    jstr(params, "policy_arn") : jstr(params, "arn"), -1,
		    SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		r = sqlite3_column_int(s, 0) != 0;
	else {
		/* No row: gone from the run, if the source was collected. */
		sqlite3_finalize(s);
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.sources "
		    "WHERE run = ? AND name = ? AND status = 'ok'", -1, &s,
		    NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_int64(s, 1, run);
		sqlite3_bind_text(s, 2, jstr(st, "source"), -1,
		    SQLITE_TRANSIENT);
		n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) :
		    0;
		/* Gone: as the provider says (a deny policy gone is broken). */
		r = n == 0 ? -1 : gone_holds;
	}
	sqlite3_finalize(s);
	return r;
}

json_t *
freeze_report_json(sqlite3 *db, long long run)
{
	json_t		*fz, *steps, *st, *params;
	long long	 freeze;
	size_t		 i, broken = 0, unknown = 0;
	int		 h;

	if ((freeze = journal_active(db)) == 0)
		return json_pack("{s:b, s:s}", "active", 0, "status",
		    "Not in use: no active freeze.");
	if ((fz = freeze_journal_active(db)) == NULL ||
	    journal_steps(db, freeze, &steps) != 0) {
		json_decref(fz);
		return json_pack("{s:b, s:s}", "active", 1, "status",
		    "Active, but its journal could not be read.");
	}
	json_array_foreach(json_object_get(fz, "steps"), i, st) {
		params = json_object_get(json_array_get(steps, i), "params");
		h = strcmp(jstr(st, "state"), "started") == 0 ? 0 :
		    strcmp(jstr(st, "state"), "undone") == 0 ? 0 :
		    held_in_run(db, run, st, params);
		json_object_set_new(st, "held", h < 0 ? json_null() :
		    json_boolean(h));
		if (h == 0)
			broken++;
		else if (h < 0)
			unknown++;
	}
	json_decref(steps);
	json_object_set_new(fz, "active", json_true());
	json_object_set_new(fz, "held", broken > 0 ? json_false() :
	    unknown > 0 ? json_null() : json_true());
	json_object_set_new(fz, "broken", json_integer((json_int_t)broken));
	json_object_set_new(fz, "status", json_sprintf("Freeze %lld active "
	    "since %s: %zu step%s, %s", freeze, jstr(fz, "since") != NULL ?
	    jstr(fz, "since") : "?", json_array_size(json_object_get(fz,
	    "steps")), json_array_size(json_object_get(fz, "steps")) == 1 ?
	    "" : "s", broken > 0 ? "BROKEN: some steps no longer hold in this "
	    "run (see vigil freeze status; vigil freeze apply re-applies)" :
	    unknown > 0 ? "held where this run can tell" :
	    "every step held in this run"));
	return fz;
}
