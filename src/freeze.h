/*
 * freeze.h: the reversible lockdown (SPEC section 8): plan, apply,
 * status and thaw over the journal table freeze_journal (docs/schema.md).
 *
 * A step is a JSON object:
 *   {"source": NAME, "action": "aws.deny_mutations", "op": OP,
 *    "target": ARN | KEY ID | DOMAIN | POLICY NAME,
 *    "params": {...what the write needs...},
 *    "prior": {...the state before the step...}}
 * The OPs are the providers' (struct freeze_ops below): create_policy,
 * attach_user_policy, attach_role_policy, deactivate_key,
 * enable_transfer_lock (aws/freeze.c), strip_role_permissions
 * (discord/freeze.c).
 *
 * Journal: one row per step, inserted as "started" (with its prior state)
 * and committed before the step's write is sent, then set to "done";
 * thaw sets "undone".  Row seq 0 of a freeze is the freeze itself, state
 * "active" until the thaw verified, then "thawed"; its prior column is
 * the snapshot taken when the freeze began: "SOURCE/OP:TARGET" -> the
 * prior value of every key, domain and role a step could change, so a
 * step added by a later apply (a key re-activated during the freeze)
 * restores the value from before the freeze, not the attacker's.
 */
#ifndef FREEZE_H
#define FREEZE_H

#include <stdio.h>

#include <jansson.h>
#include <sqlite3.h>

#include "http.h"
#include "policy.h"

/* Options of one freeze command. */
struct freeze_opts {
	int	 yes;		/* --yes: do not ask */
};

/* The commands; each returns an exit code (vigil.h VGL_EXIT_*). */
int	 freeze_plan(const struct policy *, const struct freeze_opts *);
int	 freeze_apply(const struct policy *, sqlite3 *,
	    const struct freeze_opts *);
int	 freeze_status(const struct policy *, sqlite3 *,
	    const struct freeze_opts *);
int	 freeze_thaw(const struct policy *, sqlite3 *,
	    const struct freeze_opts *);

/* ---- the providers' operations ------------------------------------- */

/*
 * What a provider contributes to the freeze: struct source_type.freeze
 * (source.h) of its type.  freeze.c opens one handle per source of the
 * type when the policy names one of its actions, and dispatches each
 * step by its action.  Every function but open, step_text, check and
 * held_sql takes the handle open returned.
 */
struct freeze_ops {
	/* The actions it performs ("aws.deny_mutations", ...; NULL-ended). */
	const char *const *actions;
	/*
	 * Policy checks of the freeze section for its actions (apply: the
	 * checks before a write); prints the error, returns 0 or
	 * VGL_EXIT_USAGE.  May be NULL.
	 */
	int	(*check)(const struct policy *, int apply);
	/*
	 * Opens the write connection of source ps: credentials from
	 * freeze.credentials.NAME, else the source's own (*own set to 1);
	 * reads the caller identity.  0, or an error with *why set.
	 */
	int	(*open)(const struct policy *, const struct policy_source *,
		    void **, int *own, char **why);
	void	(*free)(void *);
	/* Who the writes run as (ARN, "bot NAME (ID)"). */
	const char *(*caller)(const void *);
	/* Reads the live state. */
	int	(*read)(void *, char **why);
	/*
	 * Appends to steps the steps that the actions still need against
	 * the live state; prints what is skipped and why to out (may be
	 * NULL).
	 */
	int	(*plan)(void *, const struct policy *, json_t *steps, FILE *out,
		    char **why);
	/*
	 * The parts of the source the freeze cannot reach (an account that
	 * cannot be entered), each printed to out (may be NULL) as "  NAME:
	 * WHY"; returns their number.  May be NULL (always reachable).
	 */
	size_t	(*unreachable)(void *, FILE *out);
	/* OP:TARGET -> prior for every value a step could change (new). */
	json_t	*(*snapshot)(void *);
	/* 1 when a step's effect holds in the live state (last read). */
	int	(*holds)(void *, json_t *step);
	/* 1 when a step's prior state holds again in the live state. */
	int	(*restored)(void *, json_t *step);
	/* 1 when the step would lock out the identity running the freeze. */
	int	(*locks_out)(void *, json_t *step);
	/* Performs / undoes one step; 0 or an error with *why set. */
	int	(*exec)(void *, json_t *step, char **why);
	int	(*undo)(void *, json_t *step, char **note, char **why);
	/* One line describing a step (new string). */
	char	*(*step_text)(json_t *step);
	/*
	 * For the report: the SQL telling whether step op holds in a run's
	 * snapshot (?1 run, ?2 source, ?3 target, ?4 params.policy_arn or
	 * params.arn; one row, one 0/1 column), or NULL; *gone_holds: 1
	 * when no row (the target gone from a collected run) means it holds.
	 */
	const char *(*held_sql)(const char *op, int *gone_holds);
	/*
	 * For the report: the id of what the step created (the deny policy
	 * the audit must not count as a finding), or NULL.  May be NULL.
	 */
	const char *(*created)(json_t *step);
};

/* One line describing a step, by its action's provider (new string). */
char	*freeze_step_text(json_t *step);

/* ---- for the audit (report, rules) --------------------------------- */

/*
 * The active freeze of the store, or NULL: {"freeze": N, "since": ISO,
 * "by": WHO, "steps": [{source, action, op, target, state, text}],
 * "policies": [ARN of each deny policy vigil attached]}.
 */
json_t	*freeze_journal_active(sqlite3 *);
/*
 * The report's "freeze" section (docs/report-json.md) for run: the active
 * freeze's steps, each "held" (true, false, or null when the run cannot
 * tell) against the run's snapshot; {"active": false, ...} when none.
 */
json_t	*freeze_report_json(sqlite3 *, long long run);

#endif
