/*
 * source.h: collectors.  One read-only collector per provider type, each
 * a struct source_type in source_types[] (source.c).
 *
 * A collector reads its policy_source, makes requests through ctx->http
 * (never its own curl handle), and writes rows with snap_insert().  It
 * returns 0, or an error with ctx->error set to the reason in words (for
 * sources.error): the run records the source as failed and goes on.
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <jansson.h>

#include "diag.h"
#include "http.h"
#include "policy.h"
#include "store.h"

struct freeze_ops;
struct snapshot;

struct source_ctx {
	const struct policy		*policy;
	const struct policy_source	*ps;
	struct snapshot			*snap;
	struct http_client		*http;
	const char			*now;	/* run's collection time */
	/* The run's record/replay dirs (sources that do not speak HTTP). */
	const struct collect_opts	*co;
	long				 resources; /* rows written */
	long				 requests; /* sent without http */
	char				*error;	/* set on failure */
	/* The account every row written is stamped with (or NULL). */
	const char			*account_id;
	void				*priv;
	/* Told the source's current wait (source_status); set by run.c. */
	void			       (*on_status)(struct source_ctx *,
					    const char *text);
	void				*status_arg;
};

/*
 * A snapshot table's natural key for drift (drift.c): key columns besides
 * `source` (comma-separated), columns not compared (comma-separated, or
 * NULL).  freeze_exclude (or NULL) is SQL that drops from one side of the
 * comparison what an active freeze changed (a freeze is not drift): it is
 * run with "{side}" replaced by that side's temp table and "{active}" by
 * the condition on main.freeze_journal rows of an active freeze, when the
 * side has every column of freeze_columns (space-separated).
 */
struct drift_table {
	const char	*table;
	const char	*key;
	const char	*ignore;
	const char	*freeze_columns;
	const char	*freeze_exclude;
};

/*
 * The parts a source audits on their own (e.g. the accounts of an
 * organisation): when the source failed, rules.c adds one error finding
 * per part that sql (?1 run, ?2 source name; selects id, error) returns,
 * resource "source:NAME/NOUN:ID", evidence {KEY: ID}.
 */
struct source_scope {
	const char	*noun;
	const char	*key;
	const char	*sql;
};

/*
 * A critical-value (pin) source type a provider reads (critical.c keeps
 * the provider-neutral http_json and http_body).  keys: the keys the
 * pin's "source" object accepts besides "type"; the first nrequired are
 * required ("timeout_s" is a number, the others strings).  check adds
 * each further problem of a pin source as a string to problems.
 *
 * An HTTP pin has url (a new string), accept and value: the value of the
 * JSON answer doc (a new string), or NULL with *error set (new).  It is
 * read through critical.c's client with the other HTTP pins.
 *
 * Otherwise read gives the value: 0 with *value set (new; with secret, it
 * must not reach a log or a recording), or an error with *error set.
 * http is critical.c's client (its recordings are the pins').  With
 * record set, read is not called in a replay: the answers are recorded
 * in DIR/critical_values.RECORD.json.
 */
struct critical_reader {
	const char	 *type;
	const char *const *keys;
	int		  nrequired;
	void		(*check)(const struct policy *, json_t *src,
			    json_t *problems);
	char	       *(*url)(const struct policy *, json_t *src);
	const char	 *accept;
	char	       *(*value)(json_t *doc, json_t *src, char **error);
	int		(*read)(const struct policy *, json_t *src,
			    struct http_client *, int secret, char **value,
			    char **error);
	const char	 *record;
};

struct source_type {
	const char	 *name;		/* policy "type" */
	/*
	 * Rule providers (rules/<dir>, a rule's `provider`) that stand for
	 * this type besides its name (NULL-terminated, or NULL).
	 */
	const char *const *rule_providers;
	/*
	 * Its parts of the identities view (store.h; {NULL}-terminated, or
	 * NULL).
	 */
	const struct identity_part *identity;
	/* Natural keys of its tables ({NULL}-terminated, or NULL). */
	const struct drift_table *drift;
	/* What a failed source of this type could not audit (or NULL). */
	const struct source_scope *scope;
	/* Critical-value readers ({NULL}-terminated, or NULL). */
	const struct critical_reader *critical;
	/*
	 * Sets "account_id" of a report's finding (a JSON object with rule,
	 * provider, resource, evidence...) when it belongs to an account of
	 * this provider, so reports can group by account.  May be NULL.
	 */
	void		(*finding_account)(json_t *finding);
	/*
	 * The accounts a run of this provider saw, for reports grouped by
	 * account: one SELECT of (source, account_id, name, status,
	 * management, audited, error) where ?1 is the snapshot's run.  May
	 * be NULL.
	 */
	const char	 *accounts_sql;
	/* Policy keys this type accepts beyond the common ones. */
	const char *const *keys;
	/* Keys accepted inside "endpoints" (NULL: none). */
	const char *const *endpoint_keys;
	/*
	 * How the values of its keys are checked, and the literal secrets
	 * refused in any policy ({NULL}-terminated, or NULL; struct
	 * policy_type).
	 */
	const struct policy_key *kinds;
	int		  http;		/* 1: accepts the common HTTP keys */
	/* 1: follow 3xx redirects (to https only; loopback http in tests). */
	int		  follow_redirects;
	/* CREATE TABLE statements for its tables (each has run, source). */
	const char	 *schema;
	/* Extra checks at policy load; add to diags.  May be NULL. */
	void		(*check)(const struct policy_source *, struct diags *);
	int		(*collect)(struct source_ctx *);
	/* Its freeze actions (freeze.h), or NULL: it has none. */
	const struct freeze_ops *freeze;
	/*
	 * Keys it adds to the policy's "freeze" section (NULL-terminated, or
	 * NULL) and their checks at policy load (struct policy_type; may be
	 * NULL).
	 */
	const char *const *freeze_keys;
	void		(*check_freeze)(json_t *fz, struct policy_check *);
};

/* Every provider, NULL-terminated (source.c: its one table entry). */
extern const struct source_type *const source_types[];

const struct source_type *source_type_find(const char *name);
/*
 * Hands the policy checker the types' keys and checks (policy_set_types)
 * and the store their schemas and identities parts (store_set_types).
 */
void	 source_register_types(void);

/*
 * The problem with pin/reference s naming a source of type type in the
 * policy (a new string, suggesting the nearest such source), or NULL.
 */
char	*source_ref_problem(const struct policy *, const char *s,
	    const char *type);

/*
 * Writes one row of the source into table (see snap_insert) and counts it
 * in ctx->resources.  Takes the reference to row; a NULL row (a json_pack
 * that failed) is an internal error.  Returns 0 or an error.
 */
int	 source_put_row(struct source_ctx *, const char *table, json_t *row);

/* Sets ctx->error (formatted) and returns VGL_ERR_PROVIDER. */
int	 source_fail(struct source_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Says what the source is waiting for, for the progress line ("waiting
 * for the credential report", "rate limit, 0.8 s"); a NULL fmt says the
 * wait is over.  Cheap, and a no-op outside a run with a progress line.
 */
void	 source_status(struct source_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An http_opts.on_wait for a client of ctx (arg): source_status(). */
void	 source_http_wait(void *ctx, const char *what);

/*
 * Fills an http_opts from a source's common keys (ca_file, timeout_s,
 * max_concurrency, rate_limit_rps) and the run's record/replay dirs.
 */
struct collect_opts {
	const char	*record_dir;
	const char	*replay_dir;
};
void	 source_http_opts(const struct policy_source *,
	    const struct collect_opts *, struct http_opts *);

/*
 * The base URL for a source: endpoints[key] or endpoint, else def.
 * Returns a new string without a trailing slash.
 */
char	*source_endpoint(const struct policy_source *, const char *key,
	    const char *def);

#endif
