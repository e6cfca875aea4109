/*
 * freeze.c: the reversible lockdown (SPEC section 8): checks of the
 * freeze section, the journal (table freeze_journal), and the plan,
 * apply, status and thaw procedures over the providers (aws/freeze.c).
 *
 * Journal rules: a step's row, with its prior state, is committed as
 * "started" before its write is sent, and set to "done" after; a write
 * failure leaves it "started" with the error and stops the apply.  A
 * re-run resumes: a "started" step is checked against the live state
 * (done if it holds, else sent again), then a fresh plan from the live
 * state supplies whatever is still missing (nothing, after a complete
 * apply).  Thaw undoes "done" and "started" steps in reverse order,
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

#include "freeze.h"
#include "log.h"
#include "policy.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

const char *const freeze_actions[] = {
	"aws.deny_mutations", "aws.deactivate_access_keys",
	"route53.domain_transfer_lock", "discord.strip_dangerous_permissions",
	NULL
};

/* One provider: an aws source (fa) or a discord source (fd). */
struct prov {
	const struct policy_source	*ps;
	struct freeze_aws		*fa;
	struct freeze_discord		*fd;
	int				 own;
};

static const char *
p_caller(struct prov *v)
{
	return v->fa != NULL ? freeze_aws_caller(v->fa) :
	    freeze_discord_caller(v->fd);
}

static int
p_read(struct prov *v, char **why)
{
	return v->fa != NULL ? freeze_aws_read(v->fa, why) :
	    freeze_discord_read(v->fd, why);
}

static int
p_holds(struct prov *v, json_t *st)
{
	return v->fa != NULL ? freeze_aws_holds(v->fa, st) :
	    freeze_discord_holds(v->fd, st);
}

static int
p_restored(struct prov *v, json_t *st)
{
	return v->fa != NULL ? freeze_aws_restored(v->fa, st) :
	    freeze_discord_restored(v->fd, st);
}

static int
p_locks_out(struct prov *v, json_t *st)
{
	return v->fa != NULL ? freeze_aws_locks_out(v->fa, st) :
	    freeze_discord_locks_out(v->fd, st);
}

static int
p_exec(struct prov *v, json_t *st, char **why)
{
	return v->fa != NULL ? freeze_aws_exec(v->fa, st, why) :
	    freeze_discord_exec(v->fd, st, why);
}

static int
p_undo(struct prov *v, json_t *st, char **note, char **why)
{
	return v->fa != NULL ? freeze_aws_undo(v->fa, st, note, why) :
	    freeze_discord_undo(v->fd, st, note, why);
}

static json_t *
p_snapshot(struct prov *v)
{
	return v->fa != NULL ? freeze_aws_snapshot(v->fa) :
	    freeze_discord_snapshot(v->fd);
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

	for (i = 0; i < z->npv; i++) {
		freeze_aws_free(z->pv[i].fa);
		freeze_discord_free(z->pv[i].fd);
	}
	free(z->pv);
	memset(z, 0, sizeof(*z));
}

static void
now_iso(char out[32])
{
	iso8601_utc((long long)time(NULL), out, 32);
}

static int
in_list(json_t *a, const char *s)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* Checks the freeze section; 0 or VGL_EXIT_USAGE (message printed). */
static int
check_section(const struct policy *p, int apply)
{
	json_t		*acts, *a, *bg;
	const char	*s;
	size_t		 i, j;
	int		 known, naws = 0, ndc = 0;

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
		for (known = 0, j = 0; freeze_actions[j] != NULL; j++)
			known |= strcmp(s, freeze_actions[j]) == 0;
		if (!known) {
			log_error("freeze: unknown action '%s' (known: "
			    "aws.deny_mutations, aws.deactivate_access_keys, "
			    "route53.domain_transfer_lock, "
			    "discord.strip_dangerous_permissions)", s);
			return VGL_EXIT_USAGE;
		}
		if (strncmp(s, "discord.", 8) == 0)
			ndc++;
		else
			naws++;
	}
	for (j = 0, i = 0; i < p->nsources; i++)
		j += strcmp(p->sources[i].type, "aws") == 0;
	if (naws > 0 && j == 0) {
		log_error("freeze: the actions need an \"aws\" source and the "
		    "policy has none");
		return VGL_EXIT_USAGE;
	}
	for (j = 0, i = 0; i < p->nsources; i++)
		j += strcmp(p->sources[i].type, "discord") == 0;
	if (ndc > 0 && j == 0) {
		log_error("freeze: discord.strip_dangerous_permissions needs a "
		    "\"discord\" source and the policy has none");
		return VGL_EXIT_USAGE;
	}
	if (in_list(acts, "aws.deny_mutations") && json_array_size(
	    json_object_get(p->freeze, "aws_denied_actions")) == 0) {
		log_error("freeze: aws.deny_mutations needs a non-empty "
		    "\"aws_denied_actions\"");
		return VGL_EXIT_USAGE;
	}
	bg = json_object_get(json_object_get(p->freeze, "break_glass"),
	    "aws");
	if (apply && naws > 0 && json_array_size(bg) == 0) {
		log_error("freeze: refusing to apply: break_glass.aws is empty; "
		    "name at least one principal (role or user ARN) that keeps "
		    "access during the freeze");
		return VGL_EXIT_USAGE;
	}
	bg = json_object_get(json_object_get(p->freeze, "break_glass"),
	    "discord");
	if (apply && ndc > 0 && json_array_size(bg) == 0) {
		log_error("freeze: refusing to apply: break_glass.discord is "
		    "empty; name at least one role id that keeps its "
		    "permissions during the freeze");
		return VGL_EXIT_USAGE;
	}
	return 0;
}

/* 1 when the actions have one starting with prefix ("aws.", ...). */
static int
has_prefix(const struct policy *p, const char *prefix)
{
	json_t	*a;
	size_t	 i;

	json_array_foreach(json_object_get(p->freeze, "actions"), i, a)
		if (json_is_string(a) && strncmp(json_string_value(a), prefix,
		    strlen(prefix)) == 0)
			return 1;
	return 0;
}

/*
 * Opens the write connection of every source an action needs (aws
 * sources for aws.* and route53.*, discord sources for discord.*) and
 * reads its live state.
 */
static int
fz_open(struct fz *z, const struct policy *p, FILE *out)
{
	size_t		 i;
	char		*why = NULL;
	const char	*type;
	int		 r, aws, dc;

	memset(z, 0, sizeof(*z));
	z->p = p;
	z->pv = xcalloc(p->nsources + 1, sizeof(*z->pv));
	aws = has_prefix(p, "aws.") || has_prefix(p, "route53.");
	dc = has_prefix(p, "discord.");
	for (i = 0; i < p->nsources; i++) {
		struct prov *v = &z->pv[z->npv];

		type = p->sources[i].type;
		if (!(aws && strcmp(type, "aws") == 0) &&
		    !(dc && strcmp(type, "discord") == 0))
			continue;
		v->ps = &p->sources[i];
		if (strcmp(type, "aws") == 0)
			r = freeze_aws_open(p, v->ps, &v->fa, &v->own, &why);
		else
			r = freeze_discord_open(p, v->ps, &v->fd, &v->own,
			    &why);
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
				    "credentials, as %s\n", v->ps->name, type,
				    v->ps->name, p_caller(v));
			else
				fprintf(out, "source %s (%s): writes use "
				    "freeze.credentials.%s, as %s\n",
				    v->ps->name, type, v->ps->name,
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

/* The fresh plan over every provider; out gets the skipped items. */
static int
fz_plan(struct fz *z, json_t *steps, FILE *out)
{
	size_t	 i;
	char	*why = NULL;
	int	 r;

	for (i = 0; i < z->npv; i++) {
		if ((r = z->pv[i].fa != NULL ? freeze_aws_plan(z->pv[i].fa,
		    z->p, steps, out, &why) : freeze_discord_plan(z->pv[i].fd,
		    z->p, steps, out, &why)) != 0) {
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
	    "done_at = CASE WHEN ?1 = 'done' THEN ?3 ELSE done_at END, "
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
	size_t		 i;
	int		 r;

	if ((r = check_section(p, 0)) != 0)
		return r;
	if ((r = fz_open(&z, p, stdout)) != 0)
		goto out;
	steps = json_array();
	if ((r = fz_plan(&z, steps, stdout)) != 0)
		goto out;
	if ((has_prefix(p, "aws.") || has_prefix(p, "route53.")) &&
	    json_array_size(json_object_get(json_object_get(p->freeze,
	    "break_glass"), "aws")) == 0)
		printf("warning: break_glass.aws is empty: apply will "
		    "refuse\n");
	if (has_prefix(p, "discord.") && json_array_size(json_object_get(
	    json_object_get(p->freeze, "break_glass"), "discord")) == 0)
		printf("warning: break_glass.discord is empty: apply will "
		    "refuse\n");
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
		r = 0;
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
	r = 0;
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
	size_t		 i, bad = 0, n = 0;
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
	if (bad > 0) {
		printf("freeze %lld: %zu step%s no longer hold%s\n", freeze,
		    bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "");
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
	json_t		*fz = NULL, *steps, *st, *pols;
	long long	 freeze;
	size_t		 i;
	char		*t;

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
		t = freeze_step_text(st);
		json_object_set_new(st, "text", json_string(t));
		free(t);
		json_object_del(st, "id");
		json_object_del(st, "prior");	/* may be large; in the store */
		if (strcmp(jstr(st, "op"), "create_policy") == 0 &&
		    jstr(json_object_get(st, "params"), "arn") != NULL)
			json_array_append_new(pols, json_string(jstr(
			    json_object_get(st, "params"), "arn")));
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
	const char	*op = jstr(st, "op"), *sql;
	sqlite3_stmt	*s;
	int		 r = -1, n;

	if (strcmp(op, "attach_user_policy") == 0 ||
	    strcmp(op, "attach_role_policy") == 0)
		sql = strcmp(op, "attach_user_policy") == 0 ?
		    "SELECT EXISTS (SELECT 1 FROM json_each(attached_policies) "
		    "WHERE value = ?4) FROM main.aws_iam_users WHERE "
		    "run = ?1 AND source = ?2 AND arn = ?3" :
		    "SELECT EXISTS (SELECT 1 FROM json_each(attached_policies) "
		    "WHERE value = ?4) FROM main.aws_iam_roles WHERE "
		    "run = ?1 AND source = ?2 AND arn = ?3";
	else if (strcmp(op, "deactivate_key") == 0)
		sql = "SELECT status <> 'Active' FROM main.aws_iam_access_keys "
		    "WHERE run = ?1 AND source = ?2 AND access_key_id = ?3";
	else if (strcmp(op, "enable_transfer_lock") == 0)
		sql = "SELECT transfer_lock = 1 FROM main.route53_domains WHERE "
		    "run = ?1 AND source = ?2 AND domain = ?3";
	else if (strcmp(op, "strip_role_permissions") == 0)
		sql = "SELECT (CAST(permissions AS INTEGER) & 805306430) = 0 "
		    "FROM main.discord_roles WHERE run = ?1 AND source = ?2 AND "
		    "role_id = ?3";
	else if (strcmp(op, "create_policy") == 0)
		sql = "SELECT 1 FROM main.aws_iam_policies WHERE run = ?1 AND "
		    "source = ?2 AND arn = ?4";
	else
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
		/* The deny policy gone is broken; anything else gone holds. */
		r = n == 0 ? -1 : strcmp(op, "create_policy") != 0;
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
