/*
 * http.h: the one HTTP layer every provider uses.
 *
 * A struct http_client belongs to one source.  It owns a libcurl multi
 * handle (HTTP/2 where offered, connections reused), caps concurrency at
 * max_concurrency, spaces requests to rate_limit_rps, retries 429, 5xx,
 * timeouts and connection errors with full-jitter exponential backoff
 * (botocore's shape: sleep = random(0, min(20 s, base * 2^attempt))),
 * honours Retry-After (seconds or HTTP date), and gives up when the
 * source's deadline passes.  TLS verification is always on; ca_file adds
 * trust anchors to the default store (http_ca_apply).  Plain http:// is allowed only to loopback hosts.
 *
 * With record_dir, every exchange is written there (secrets redacted);
 * with replay_dir, no network is used: each request is answered from the
 * recording with the same method, URL and body (in recorded order).
 *
 * A client may be used from one thread at a time.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <curl/curl.h>

#include "buf.h"

struct http_opts {
	const char	*source;	/* source name: recordings, logs */
	const char	*ca_file;	/* extra trust anchor, or NULL */
	double		 timeout_s;	/* per attempt; 0: 30 s */
	double		 deadline_s;	/* whole source; 0: 300 s */
	int		 max_concurrency; /* 0: 4 */
	double		 rate_limit_rps; /* 0: unlimited */
	int		 max_retries;	/* 0: 5; -1: none */
	double		 backoff_base_s; /* 0: 0.5 s */
	double		 backoff_cap_s;	/* 0: 20 s */
	const char	*record_dir;	/* or NULL */
	const char	*replay_dir;	/* or NULL */
	size_t		 max_body;	/* 0: BUF_MAX_DEFAULT */
	int		 follow_https_redirects; /* follow 3xx to https only */
	/* Told what the client waits for when nothing is in flight ("rate
	 * limit, 0.8 s", "HTTP 503, retry in 2.0 s"), then NULL when it
	 * sends again.  May be NULL. */
	void		(*on_wait)(void *arg, const char *what);
	void		*wait_arg;
};

struct http_header {
	char	*name;
	char	*value;
};

struct http_req;

/*
 * Called before every attempt (so signatures carry a fresh date): may add
 * headers with http_req_set_header().  Returns 0 or an error, which fails
 * the request.
 */
typedef int (*http_prepare_cb)(struct http_req *, void *arg);
/*
 * Decides whether a completed response (status >= 400) should be retried
 * beyond the defaults (429, 500, 502, 503, 504); e.g. AWS "Throttling"
 * inside a 400.  Returns 1 to retry.
 */
typedef int (*http_retry_cb)(const struct http_req *, void *arg);
/*
 * Called once with the final response (any status), before it is written
 * to a recording: a reply that carries new secrets (temporary credentials)
 * registers them here with log_add_secret(), so the recording is redacted.
 */
typedef void (*http_response_cb)(struct http_req *, void *arg);

struct http_req {
	/* Set by the caller (http_req_new sets the strings). */
	char			*method;
	char			*url;
	struct http_header	*headers;	/* request headers */
	size_t			 nheaders;
	char			*body;
	size_t			 body_len;
	http_prepare_cb		 prepare;
	http_retry_cb		 retry;
	http_response_cb	 on_response;
	/*
	 * Rate group (not owned; NULL: none): requests of a group set with
	 * http_client_set_rate() start at most that many per second, on top
	 * of the client's own rate_limit_rps (e.g. Route 53: 5 per second per
	 * account, whatever else the source is doing).
	 */
	const char		*rate_group;
	/*
	 * Bucket route (not owned; NULL: none): in a group that reads
	 * bucket headers (http_client_set_rate_buckets()), the name of the
	 * route whose bucket the request spends.
	 */
	const char		*rate_route;
	void			*cb_arg;
	void			*user;		/* caller's own pointer */

	/* Results, valid after http_do()/http_do_all(). */
	long			 status;	/* 0: no HTTP response */
	struct buf		 resp;		/* body */
	struct http_header	*resp_headers;	/* last response's */
	size_t			 nresp_headers;
	char			*error;		/* set when the request failed */
	int			 attempts;
	int			 result;	/* 0 or VGL_ERR_* */
	char			*effective_url;	/* after redirects */
};

struct http_client;

struct http_client *http_client_new(const struct http_opts *);
void		 http_client_free(struct http_client *);
/*
 * Paces the requests whose rate_group is group to rps starts per second
 * (every attempt counts).  Up to 8 groups per client; a second call for
 * the same group replaces its rate.
 */
void		 http_client_set_rate(struct http_client *, const char *group,
		    double rps);
/*
 * Header-driven buckets for group (Discord's): after each final response
 * in the group, its X-RateLimit-Bucket, -Remaining and -Reset-After
 * headers are remembered for the request's rate_route; a request whose
 * route (or any route of the same bucket id) was told Remaining: 0 waits
 * for that reset instead of provoking a 429, and fails with
 * VGL_ERR_DEADLINE when the reset is beyond the client's deadline.  Up
 * to 8 routes per group; creates the group if needed (unpaced).
 */
void		 http_client_set_rate_buckets(struct http_client *,
		    const char *group);
/* Requests sent (every attempt counts), for sources.requests. */
long		 http_client_requests(const struct http_client *);
/* Wall-clock capture time of a replayed recording, or 0 when live. */
long long	 http_client_replay_time(const struct http_client *);

struct http_req	*http_req_new(const char *method, const char *url);
void		 http_req_free(struct http_req *);
/* Replaces a header of that name (case-insensitive) or adds it. */
void		 http_req_set_header(struct http_req *, const char *name,
		    const char *value);
void		 http_req_set_body(struct http_req *, const void *, size_t);
/* A response header (case-insensitive), or NULL. */
const char	*http_resp_header(const struct http_req *, const char *name);

/*
 * Performs one request (with retries).  Returns 0 when an HTTP response
 * was received with a status that is not retried (check req->status:
 * 404 is 0 here); VGL_ERR_HTTP when a retryable status (429, 5xx, or the
 * retry callback's) persisted through every retry, with req->status and
 * the body of the last answer kept; otherwise another error.  req->error
 * says why, in words fit for sources.error.
 */
int		 http_do(struct http_client *, struct http_req *);
/*
 * Performs n requests concurrently within the client's limits.  Returns
 * 0 when every request got a response, else the first error; each
 * request's own result is in req->result.
 */
int		 http_do_all(struct http_client *, struct http_req **, size_t n);

/* Pure helpers, exposed for tests. */
/* Backoff before retry number attempt (0-based), in seconds; r in [0,1). */
double		 http_backoff(int attempt, double base, double cap, double r);
/*
 * Parses Retry-After (delta seconds or IMF-fixdate) relative to now;
 * returns seconds to wait (>= 0) or -1 if unparseable.
 */
double		 http_parse_retry_after(const char *value, long long now);
/* 1 when a header is a secret in recordings (Authorization, Cookie...). */
int		 http_header_is_secret(const char *name);
/* 1 when url is http:// to a non-loopback host (a policy error). */
int		 http_url_insecure(const char *url);
/*
 * s percent-encoded as one URL component or form value (RFC 3986
 * unreserved characters kept; curl_easy_escape()): a new string, "" when
 * it cannot be encoded.
 */
char		*http_escape(const char *s);

/*
 * Extra trust anchors: the certificates of a PEM file (ca_file), added to
 * the store libcurl loads by default (its built-in CA bundle and path, the
 * distribution's, or CURLOPT_CAINFO/CAPATH when set): they never replace
 * it, and no distribution's bundle path is assumed.  Works through
 * CURLOPT_SSL_CTX_FUNCTION, so it needs libcurl on OpenSSL.
 *
 * http_ca_load: reads path (at most 16 MiB; every certificate in it);
 * returns 0 and *out (free with http_ca_free, which accepts NULL), or
 * VGL_ERR_IO with *why (caller frees): unreadable, no certificate, or a
 * bad one.
 * http_ca_apply: sets easy up so that each new connection's store gets
 * ca's certificates (ca NULL: nothing to do); ca must outlive easy's
 * transfers.  Returns 0, or VGL_ERR_INTERNAL with *why (caller frees).
 */
struct http_ca;
int		 http_ca_load(const char *path, struct http_ca **out,
		    char **why);
void		 http_ca_free(struct http_ca *);
int		 http_ca_apply(const struct http_ca *, CURL *easy, char **why);

/* Process-wide init/cleanup (curl_global_*). */
void		 http_global_init(void);
void		 http_global_cleanup(void);

#endif
