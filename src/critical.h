/*
 * critical.h: critical values (pins, SPEC section 7): values in the
 * policy compared against what the live world answers now, not against
 * a baseline.  Read by every collect/audit into the `critical_values`
 * table of the run, and by `vigil watch` in a loop.
 *
 * A pin is {name, source: {type, ...}, expect | expect_sha256, public}.
 * Source types: http_json (url, pointer: RFC 6901), http_body (url; the
 * whole body), and the providers' (struct critical_reader, source.h;
 * each documented in its provider's header).  A pin that cannot be read
 * is "unreadable" with the reason; it never fails a source.  A value of a
 * pin that is not public is never stored, shown or logged: only its
 * SHA-256 (and it is registered for redaction, so logs and recordings
 * hold the redaction mark instead).
 */
#ifndef CRITICAL_H
#define CRITICAL_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#include "diag.h"
#include "policy.h"
#include "source.h"
#include "store.h"

struct critical_result {
	char	*name;
	char	*source_type;
	const char *status;		/* "ok", "changed", "unreadable" */
	char	 observed_sha256[65];	/* "" when unreadable */
	char	*observed;		/* public pins only, else NULL */
	char	*expected;		/* public pins with "expect", else NULL */
	char	 expected_sha256[65];	/* "" when the pin has none */
	char	*error;			/* unreadable: why */
	int	 public;
};

/*
 * Reads every pin of p (co: record/replay dirs, or NULL for live).
 * Always returns 0 with *out set (one result per pin, policy order).
 */
int	 critical_read_all(const struct policy *p,
	    const struct collect_opts *co, struct critical_result **out,
	    size_t *n);
void	 critical_results_free(struct critical_result *, size_t n);

/*
 * Reads every pin and writes one `critical_values` row per pin into the
 * run being written.  Returns 0 or a store error.
 */
int	 critical_collect(struct snapshot *, const struct policy *,
	    const struct collect_opts *, const char *now);

/*
 * The JSON report's critical_values array for run (docs/report-json.md):
 * {name, source, status, observed_sha256, observed (public pins only),
 * error (unreadable only)} in policy order.  Never NULL.
 */
json_t	*critical_values_json(sqlite3 *db, long long run);

/*
 * Checks the pins' sources (types and their keys); adds a diagnostic per
 * problem.  A pin that fails these checks is read as unreadable.
 */
void	 critical_check(const struct policy *, struct diags *);

/*
 * Resolves RFC 6901 JSON Pointer ptr in doc.  Returns the value
 * (borrowed) or NULL with *why set to a static reason.
 */
json_t	*critical_json_pointer(json_t *doc, const char *ptr, const char **why);

/* The text a JSON value is compared as: a string itself, else compact
 * JSON with sorted keys.  A new string. */
char	*critical_value_text(json_t *v);

#endif
