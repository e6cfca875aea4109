/*
 * sigv4.h: AWS Signature Version 4 (header signing, AWS4-HMAC-SHA256).
 *
 * sigv4_sign() is pure: given the request and a timestamp it computes the
 * canonical request, the string to sign, the signature and the
 * Authorization header value, plus the X-Amz-* headers the caller must
 * send along.  sigv4_prepare() is the http_prepare_cb that signs a
 * struct http_req before every attempt with the current time.
 *
 * Canonicalisation (SigV4 for every service but S3):
 * - URI: the path as sent on the wire, "." and ".." segments removed and
 *   empty segments collapsed, then each byte outside A-Za-z0-9-._~ and '/'
 *   percent-encoded (upper-case hex).  A wire path that is already
 *   percent-encoded is therefore encoded a second time, as AWS expects.
 *   With SIGV4_NO_NORMALIZE (S3) the path is neither normalised nor
 *   re-encoded.
 * - Query: each name and value percent-decoded then encoded as above,
 *   sorted by name then value, "k=v" joined with '&'.
 * - Headers: every header given is signed except Authorization; names
 *   lower-cased, values trimmed with inner space runs collapsed, repeated
 *   names joined with ',' in order of appearance, sorted by name.  Host is
 *   derived from the URL when not given; X-Amz-Date (and
 *   X-Amz-Security-Token with a session token, X-Amz-Content-Sha256 with
 *   SIGV4_CONTENT_SHA256) are signed and returned in add_headers when the
 *   caller did not give them.
 *
 * The secret key is never logged; derived keys are cleansed after use.
 * Test vectors: tests/data/sigv4/ (AWS SigV4 test suite).
 */
#ifndef SIGV4_H
#define SIGV4_H

#include <stddef.h>
#include <time.h>

#include "http.h"

struct sigv4_creds {
	const char	*access_key_id;
	const char	*secret_access_key;
	const char	*session_token;		/* or NULL */
};

/* The cb_arg of sigv4_prepare(). */
struct sigv4_signer {
	struct sigv4_creds	 creds;
	const char		*region;	/* e.g. "us-east-1" */
	const char		*service;	/* e.g. "iam" */
	int			 flags;		/* enum sigv4_flags */
};

enum sigv4_flags {
	SIGV4_CONTENT_SHA256	= 1 << 0, /* send and sign X-Amz-Content-Sha256 */
	SIGV4_NO_NORMALIZE	= 1 << 1, /* S3: path used as is */
};

struct sigv4_result {
	char			*canonical_request;
	char			*string_to_sign;
	char			*signed_headers;	/* "host;x-amz-date" */
	char			*authorization;		/* Authorization value */
	char			 signature[65];		/* lower-case hex */
	char			 payload_hash[65];	/* hex SHA-256 of body */
	/* Headers the caller must add to the request (signed). */
	struct http_header	*add_headers;
	size_t			 nadd_headers;
};

/*
 * Signs one request.  url is "scheme://host[:port]/path[?query]" with the
 * path and query as sent on the wire; headers may be NULL when nheaders is
 * 0; amz_date is "YYYYMMDDTHHMMSSZ".  A header named X-Amz-Date or
 * X-Amz-Security-Token, if given, must carry amz_date or the session
 * token.  Returns 0 and fills out (release it with sigv4_result_release),
 * or VGL_ERR_USAGE for bad arguments.
 */
int	 sigv4_sign(const struct sigv4_creds *, const char *region,
	    const char *service, const char *method, const char *url,
	    const struct http_header *headers, size_t nheaders,
	    const void *body, size_t body_len, const char *amz_date,
	    int flags, struct sigv4_result *out);
void	 sigv4_result_release(struct sigv4_result *);

/*
 * http_prepare_cb: signs req with the struct sigv4_signer in arg at the
 * current time, replacing X-Amz-Date, X-Amz-Security-Token,
 * X-Amz-Content-Sha256 and Authorization on every attempt.
 */
int	 sigv4_prepare(struct http_req *, void *arg);
/* Same, at a given time (seconds since the epoch); for tests. */
int	 sigv4_prepare_at(struct http_req *, const struct sigv4_signer *,
	    time_t now);

/* Pieces, exposed for tests.  All return xmalloc'ed strings. */
/* "YYYYMMDDTHHMMSSZ" for t into out[17]; 0 or VGL_ERR_INTERNAL. */
int	 sigv4_amz_date(time_t t, char out[17]);
/* Canonical URI of a wire path (may be "" or NULL: "/"). */
char	*sigv4_canonical_uri(const char *path, int flags);
/* Canonical query string of a wire query (without '?'; may be NULL). */
char	*sigv4_canonical_query(const char *query);
/* "host[:port]" of a URL (port only when not the scheme's default). */
char	*sigv4_url_host(const char *url);
/* Full canonical request; signed_headers gets the signed header list. */
char	*sigv4_canonical_request(const char *method, const char *url,
	    const struct http_header *headers, size_t nheaders,
	    const char *payload_hash, int flags, char **signed_headers);
char	*sigv4_string_to_sign(const char *amz_date, const char *region,
	    const char *service, const char *canonical_request);
/* Hex HMAC of string_to_sign with the derived key, into out[65]. */
int	 sigv4_signature(const char *secret_access_key, const char *datestamp,
	    const char *region, const char *service,
	    const char *string_to_sign, char out[65]);

#endif
