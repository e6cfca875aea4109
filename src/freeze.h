/*
 * freeze.h: the reversible lockdown (SPEC section 8): plan, apply,
 * status and thaw over the journal table freeze_journal (docs/schema.md).
 *
 * A step is a JSON object:
 *   {"source": NAME, "action": "aws.deny_mutations", "op": OP,
 *    "target": ARN | KEY ID | DOMAIN | POLICY NAME,
 *    "params": {...what the write needs...},
 *    "prior": {...the state before the step...}}
 * OPs: create_policy, attach_user_policy, attach_role_policy,
 * deactivate_key, enable_transfer_lock (aws/freeze.c),
 * strip_role_permissions (discord/freeze.c).
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

/* The actions this build knows (NULL-terminated). */
extern const char *const freeze_actions[];

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

/* ---- the AWS provider (aws/freeze.c) -------------------------------- */

struct freeze_aws;

/*
 * Opens the write connection of aws source ps: credentials from
 * freeze.credentials.NAME, else the source's own (*own set to 1); reads
 * the caller identity.  0, or an error with *why set.
 */
int	 freeze_aws_open(const struct policy *, const struct policy_source *,
	    struct freeze_aws **, int *own, char **why);
void	 freeze_aws_free(struct freeze_aws *);
const char *freeze_aws_caller(const struct freeze_aws *);
/* Reads the live state (principals, policies, keys, domains). */
int	 freeze_aws_read(struct freeze_aws *, char **why);
/*
 * Appends to steps the steps that the actions still need against the
 * live state; prints what is skipped and why to out (may be NULL).
 */
int	 freeze_aws_plan(struct freeze_aws *, const struct policy *,
	    json_t *steps, FILE *out, char **why);
/* 1 when a step's effect holds in the live state (last read). */
int	 freeze_aws_holds(struct freeze_aws *, json_t *step);
/* 1 when a step's prior state holds again in the live state. */
int	 freeze_aws_restored(struct freeze_aws *, json_t *step);
/* 1 when the step would lock out the identity running the freeze. */
int	 freeze_aws_locks_out(struct freeze_aws *, json_t *step);
/* Performs / undoes one step; 0 or an error with *why set. */
int	 freeze_aws_exec(struct freeze_aws *, json_t *step, char **why);
int	 freeze_aws_undo(struct freeze_aws *, json_t *step, char **note,
	    char **why);
/* OP:TARGET -> prior for every value a step could change (new). */
json_t	*freeze_aws_snapshot(struct freeze_aws *);
/* One line describing a step (new string). */
char	*freeze_step_text(json_t *step);

/* ---- the Discord provider (discord/freeze.c) ----------------------- */

struct freeze_discord;

int	 freeze_discord_open(const struct policy *,
	    const struct policy_source *, struct freeze_discord **, int *own,
	    char **why);
void	 freeze_discord_free(struct freeze_discord *);
const char *freeze_discord_caller(const struct freeze_discord *);
int	 freeze_discord_read(struct freeze_discord *, char **why);
int	 freeze_discord_plan(struct freeze_discord *, const struct policy *,
	    json_t *steps, FILE *out, char **why);
json_t	*freeze_discord_snapshot(struct freeze_discord *);
int	 freeze_discord_holds(struct freeze_discord *, json_t *step);
int	 freeze_discord_restored(struct freeze_discord *, json_t *step);
int	 freeze_discord_locks_out(struct freeze_discord *, json_t *step);
int	 freeze_discord_exec(struct freeze_discord *, json_t *step,
	    char **why);
int	 freeze_discord_undo(struct freeze_discord *, json_t *step,
	    char **note, char **why);
char	*freeze_discord_step_text(json_t *step);

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
