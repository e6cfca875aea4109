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

struct freeze_ops;
struct snapshot;

struct source_ctx {
	const struct policy		*policy;
	const struct policy_source	*ps;
	struct snapshot			*snap;
	struct http_client		*http;
	const char			*now;	/* run's collection time */
	/* The run's record/replay dirs (non-HTTP sources: dns). */
	const struct collect_opts	*co;
	long				 resources; /* rows written */
	long				 requests; /* sent without http (DNS) */
	char				*error;	/* set on failure */
	/* AWS: the account every row written is stamped with (or NULL). */
	const char			*account_id;
	void				*priv;
	/* Told the source's current wait (source_status); set by run.c. */
	void			       (*on_status)(struct source_ctx *,
					    const char *text);
	void				*status_arg;
};

struct source_type {
	const char	 *name;		/* policy "type" */
	/* Policy keys this type accepts beyond the common ones. */
	const char *const *keys;
	/* Keys accepted inside "endpoints" (NULL: none). */
	const char *const *endpoint_keys;
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
};

extern const struct source_type *const source_types[];
extern const struct source_type source_atlassian;
extern const struct source_type source_aws;
extern const struct source_type source_discord;
extern const struct source_type source_dns;
extern const struct source_type source_gws;
extern const struct source_type source_ldap;
extern const struct source_type source_rdap;

const struct source_type *source_type_find(const char *name);

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
