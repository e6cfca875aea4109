/*
 * http.c: the shared HTTP layer on libcurl's multi interface: concurrency
 * and rate limits, retries with full-jitter backoff and Retry-After, a
 * per-attempt timeout and a per-client deadline, TLS with an optional
 * extra trust anchor, and recording/replay of exchanges.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "record.h"
#include "url.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define HTTP_MAX_REDIRS		5
#define HTTP_CA_MAX		(16UL * 1024 * 1024)
#define HTTP_REC_MAX		(1UL << 30)
#define HTTP_POLL_MAX_MS	1000

/* One recorded exchange, loaded for replay. */
struct rec_entry {
	char			*method;
	char			*url;
	char			*req_body;
	size_t			 req_body_len;
	long			 status;
	struct http_header	*headers;
	size_t			 nheaders;
	char			*body;
	size_t			 body_len;
	int			 used;
};

struct http_client {
	char			*source;
	void			(*on_wait)(void *, const char *);
	void			*wait_arg;
	int			 waiting;	/* on_wait told a wait */
	double			 timeout_s;
	double			 deadline_s;
	int			 max_concurrency;
	double			 rate_limit_rps;
	int			 max_retries;
	double			 backoff_base_s;
	double			 backoff_cap_s;
	size_t			 max_body;
	int			 follow;

	/* Set when the client cannot work; every request fails with it. */
	char			*init_error;
	int			 init_result;

	struct http_ca		*ca;		/* ca_file, or NULL */

	CURLM			*multi;
	CURL			**pool;		/* idle easy handles */
	size_t			 npool;

	double			 deadline;	/* monotonic */
	int			 expired;	/* deadline cut a transfer */
	double			 next_start;	/* monotonic, rate limit */
	struct rate_group {
		char		*name;
		double		 rps;		/* 0: not paced */
		double		 next_start;	/* monotonic */
		int		 buckets;	/* reads bucket headers */
		struct rate_bucket {
			char	*route;
			char	*id;		/* X-RateLimit-Bucket */
			long	 remaining;	/* -1: unknown */
			double	 reset_at;	/* monotonic */
		}		 b[8];
		size_t		 nb;
	}			 groups[8];
	size_t			 ngroups;

	pthread_mutex_t		 mtx;
	long			 requests;

	char			*record_path;	/* record_dir/source */
	unsigned long		 seq;
	int			 meta_done;
	long long		 first_request;	/* wall clock */

	char			*replay_path;	/* replay_dir/source */
	struct rec_entry	*rec;
	size_t			 nrec;
	long long		 replay_time;
};

enum xfer_state {
	X_WAIT,
	X_RUN,
	X_DONE,
};

/* A request in flight inside http_do_all(). */
struct xfer {
	struct http_client	*c;
	struct http_req		*req;
	CURL			*easy;
	struct curl_slist	*hdrs;
	enum xfer_state		 state;
	double			 not_before;
	double			 first_start;
	double			 attempt_start;
	int			 deadline_limited;
	int			 toobig;
	int			 hop_refused;
	long			 os_errno;
	char			 errbuf[CURL_ERROR_SIZE];
	char			 why[48];	/* a retry's cause; "": 429 */
	int			 bucket_told;	/* logged its bucket wait */
};

struct rate_group;
static struct rate_group *rate_group_of(struct http_client *,
		    const struct http_req *);
static double	 bucket_until(struct rate_group *, const struct http_req *);
static void	 bucket_update(struct rate_group *, const struct http_req *);

static const char *
plural(int n)
{
	return n == 1 ? "" : "s";
}

void
http_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

double
http_backoff(int attempt, double base, double cap, double r)
{
	double	 v = base;
	int	 i;

	for (i = 0; i < attempt && v < cap; i++)
		v *= 2;
	if (v > cap)
		v = cap;
	return r * v;
}

double
http_parse_retry_after(const char *value, long long now)
{
	const char	*p, *e;
	char		*tmp, *end;
	long long	 v;
	time_t		 t;

	if (value == NULL)
		return -1;
	for (p = value; *p == ' ' || *p == '\t'; p++)
		;
	for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\t' ||
	    e[-1] == '\r' || e[-1] == '\n'); e--)
		;
	if (p == e)
		return -1;
	if (isdigit((unsigned char)*p) || *p == '-' || *p == '+') {
		/* delta-seconds: 1*DIGIT */
		tmp = xstrndup(p, (size_t)(e - p));
		for (end = tmp; *end != '\0'; end++) {
			if (!isdigit((unsigned char)*end)) {
				free(tmp);
				return -1;
			}
		}
		errno = 0;
		v = strtoll(tmp, &end, 10);
		free(tmp);
		if (errno == ERANGE || v > 86400LL * 365)
			v = 86400LL * 365;
		return (double)v;
	}
	tmp = xstrndup(p, (size_t)(e - p));
	t = curl_getdate(tmp, NULL);
	free(tmp);
	if (t == (time_t)-1)
		return -1;
	if ((long long)t <= now)
		return 0;
	return (double)((long long)t - now);
}

int
http_header_is_secret(const char *name)
{
	static const char *const exact[] = {
		"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
		"X-Amz-Security-Token", "X-Api-Key", "X-Auth-Token",
	};
	static const char *const parts[] = {
		"token", "secret", "signature", "password", "key", "cookie",
		"credential", "session",
	};
	size_t	 i;

	if (name == NULL)
		return 0;
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		if (strcasecmp(name, exact[i]) == 0)
			return 1;
	}
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (strcasestr(name, parts[i]) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Parses url; returns 1 for http, 2 for https, 0 for another scheme and
 * -1 when it cannot be parsed.  *loopback says whether the host is
 * loopback (url.h).
 */
static int
url_scheme_host(const char *url, int *loopback)
{
	CURLU		*u;
	char		*scheme = NULL, *host = NULL;
	int		 r = -1;

	*loopback = 0;
	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "http") == 0)
		r = 1;
	else if (strcasecmp(scheme, "https") == 0)
		r = 2;
	else
		r = 0;
	*loopback = url_host_is_loopback(host);
 out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return r;
}

char *
http_escape(const char *s)
{
	char	*e, *r;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return xstrdup("");
	r = xstrdup(e);
	curl_free(e);
	return r;
}

int
http_url_insecure(const char *url)
{
	int	 loopback, s;

	if (url == NULL)
		return 0;
	s = url_scheme_host(url, &loopback);
	if (s == -1)
		/* Unparseable: insecure only if it claims to be http. */
		return strncasecmp(url, "http:", 5) == 0;
	return s == 1 && !loopback;
}

/* Requests. */

static void
headers_free(struct http_header *h, size_t n, int secret)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		if (secret)
			freestr_secret(h[i].value);
		else
			free(h[i].value);
	}
	free(h);
}

static void
headers_add(struct http_header **hp, size_t *np, const char *name,
    size_t nlen, const char *value, size_t vlen)
{
	*hp = xreallocarray(*hp, *np + 1, sizeof(**hp));
	(*hp)[*np].name = xstrndup(name, nlen);
	(*hp)[*np].value = xstrndup(value, vlen);
	(*np)++;
}

static void
resp_clear(struct http_req *req)
{
	headers_free(req->resp_headers, req->nresp_headers, 0);
	req->resp_headers = NULL;
	req->nresp_headers = 0;
	buf_reset(&req->resp);
}

struct http_req *
http_req_new(const char *method, const char *url)
{
	struct http_req	*req;

	req = xcalloc(1, sizeof(*req));
	req->method = xstrdup(method != NULL ? method : "GET");
	req->url = xstrdup(url != NULL ? url : "");
	buf_init(&req->resp, 0);
	return req;
}

void
http_req_free(struct http_req *req)
{
	if (req == NULL)
		return;
	free(req->method);
	free(req->url);
	headers_free(req->headers, req->nheaders, 1);
	freezero(req->body, req->body_len);
	buf_release(&req->resp);
	headers_free(req->resp_headers, req->nresp_headers, 0);
	free(req->error);
	free(req->effective_url);
	free(req);
}

void
http_req_set_header(struct http_req *req, const char *name, const char *value)
{
	size_t	 i;

	if (value == NULL)
		value = "";
	for (i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			freestr_secret(req->headers[i].value);
			req->headers[i].value = xstrdup(value);
			return;
		}
	}
	headers_add(&req->headers, &req->nheaders, name, strlen(name),
	    value, strlen(value));
}

void
http_req_set_body(struct http_req *req, const void *p, size_t len)
{
	freezero(req->body, req->body_len);
	req->body = NULL;
	req->body_len = 0;
	if (p == NULL)
		return;
	req->body = xmalloc(len + 1);
	memcpy(req->body, p, len);
	req->body[len] = '\0';
	req->body_len = len;
}

const char *
http_resp_header(const struct http_req *req, const char *name)
{
	size_t	 i;

	for (i = 0; i < req->nresp_headers; i++) {
		if (strcasecmp(req->resp_headers[i].name, name) == 0)
			return req->resp_headers[i].value;
	}
	return NULL;
}

/* Sets the request's error (redacted) and result. */
static void __attribute__((format(printf, 3, 4)))
req_fail(struct http_req *req, int r, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(req->error);
	req->error = log_redact(raw);
	req->result = r;
	log_debug("%s", raw);
	free(raw);
}

/* Helpers for recordings. */

/* Text that may go into a JSON string: valid UTF-8, no NUL. */
static int
is_text(const char *p, size_t len)
{
	json_t	*s;

	if (p == NULL)
		return 1;
	if (memchr(p, '\0', len) != NULL)
		return 0;
	if ((s = json_stringn(p, len)) == NULL)
		return 0;
	json_decref(s);
	return 1;
}

static char *
b64_encode(const void *p, size_t len)
{
	char	*out;

	out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	return out;
}

static int
b64_decode(const char *s, char **outp, size_t *lenp)
{
	size_t	 len = strlen(s), pad = 0;
	char	*out;
	int	 n;

	if (len % 4 != 0 || len > INT32_MAX)
		return -1;
	out = xmalloc(len / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock((unsigned char *)out,
	    (const unsigned char *)s, (int)len)) < 0) {
		free(out);
		return -1;
	}
	if (len > 0 && s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	out[n - pad] = '\0';
	*outp = out;
	*lenp = (size_t)n - pad;
	return 0;
}

/* Puts name: value into o, redacted, turning repeated names into arrays. */
static void
json_header_put(json_t *o, const char *name, const char *value)
{
	json_t	*old, *v, *a;
	char	*red;

	if (http_header_is_secret(name))
		v = json_string("[REDACTED]");
	else {
		red = log_redact(value);
		v = json_string(red);
		free(red);
	}
	if (v == NULL)
		v = json_string("[INVALID]");
	if ((old = json_object_get(o, name)) == NULL) {
		json_object_set_new(o, name, v);
		return;
	}
	if (json_is_array(old)) {
		json_array_append_new(old, v);
		return;
	}
	a = json_array();
	json_array_append(a, old);
	json_array_append_new(a, v);
	json_object_set_new(o, name, a);
}

/* Puts a body as key (text, redacted) or key_base64. */
static void
json_body_put(json_t *o, const char *key, const char *p, size_t len)
{
	char	*red, *b64, *k;

	if (is_text(p, len)) {
		red = log_redact(p != NULL ? p : "");
		json_object_set_new(o, key, json_string(red));
		free(red);
		return;
	}
	k = xasprintf("%s_base64", key);
	b64 = b64_encode(p, len);
	json_object_set_new(o, k, json_string(b64));
	free(b64);
	free(k);
}

/* Writes the request's final exchange into the recording. */
static void
record_exchange(struct http_client *c, struct http_req *req)
{
	json_t	*o, *h, *meta;
	char	*url, *dump, *text, *path = NULL;
	char	 when[32];
	size_t	 i;

	o = json_object();
	json_object_set_new(o, "method", json_string(req->method));
	url = log_redact(req->url);
	json_object_set_new(o, "url", json_string(url));
	free(url);
	h = json_object();
	for (i = 0; i < req->nheaders; i++)
		json_header_put(h, req->headers[i].name, req->headers[i].value);
	json_object_set_new(o, "request_headers", h);
	if (req->body != NULL)
		json_body_put(o, "request_body", req->body, req->body_len);
	else
		json_object_set_new(o, "request_body", json_null());
	json_object_set_new(o, "status", json_integer(req->status));
	h = json_object();
	for (i = 0; i < req->nresp_headers; i++)
		json_header_put(h, req->resp_headers[i].name,
		    req->resp_headers[i].value);
	json_object_set_new(o, "response_headers", h);
	json_body_put(o, "body", req->resp.data, req->resp.len);
	iso8601_utc((long long)time(NULL), when, sizeof(when));
	json_object_set_new(o, "captured_at", json_string(when));
	dump = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	if (dump == NULL) {
		log_error("cannot encode recording for %s", c->source);
		return;
	}
	text = log_redact(dump);
	free(dump);

	pthread_mutex_lock(&c->mtx);
	if (!c->meta_done) {
		iso8601_utc(c->first_request, when, sizeof(when));
		meta = json_pack("{s:s}", "captured_at", when);
		if (record_write_meta(c->record_path, meta, 1) == 0)
			c->meta_done = 1;
		else
			log_error("cannot write recording '%s/meta.json': %s",
			    c->record_path, strerror(errno));
		json_decref(meta);
	}
	if (record_write_text(c->record_path, &c->seq, text, &path) != 0)
		log_error("cannot write recording in '%s': %s",
		    c->record_path, strerror(errno));
	pthread_mutex_unlock(&c->mtx);
	free(path);
	free(text);
}

/* Replay. */

static void
rec_entry_release(struct rec_entry *e)
{
	free(e->method);
	free(e->url);
	free(e->req_body);
	headers_free(e->headers, e->nheaders, 0);
	free(e->body);
}

/* Reads key or key_base64 from o; absent or null gives NULL. */
static int
json_body_get(json_t *o, const char *key, char **outp, size_t *lenp)
{
	json_t	*v;
	char	*k;
	int	 r = 0;

	*outp = NULL;
	*lenp = 0;
	v = json_object_get(o, key);
	if (json_is_string(v)) {
		*lenp = json_string_length(v);
		*outp = xmalloc(*lenp + 1);
		memcpy(*outp, json_string_value(v), *lenp);
		(*outp)[*lenp] = '\0';
		return 0;
	}
	if (v != NULL && !json_is_null(v))
		return -1;
	k = xasprintf("%s_base64", key);
	v = json_object_get(o, k);
	free(k);
	if (json_is_string(v))
		r = b64_decode(json_string_value(v), outp, lenp);
	else if (v != NULL && !json_is_null(v))
		r = -1;
	return r;
}

static int
rec_entry_load(struct rec_entry *e, json_t *o)
{
	json_t		*m, *u, *s, *h, *v, *it;
	const char	*name;
	size_t		 i;

	m = json_object_get(o, "method");
	u = json_object_get(o, "url");
	s = json_object_get(o, "status");
	h = json_object_get(o, "response_headers");
	if (!json_is_string(m) || !json_is_string(u) || !json_is_integer(s))
		return -1;
	if (h != NULL && !json_is_object(h))
		return -1;
	e->method = xstrdup(json_string_value(m));
	e->url = xstrdup(json_string_value(u));
	e->status = (long)json_integer_value(s);
	if (json_body_get(o, "request_body", &e->req_body,
	    &e->req_body_len) != 0)
		return -1;
	if (json_body_get(o, "body", &e->body, &e->body_len) != 0)
		return -1;
	json_object_foreach(h, name, v) {
		if (json_is_string(v)) {
			headers_add(&e->headers, &e->nheaders, name,
			    strlen(name), json_string_value(v),
			    json_string_length(v));
			continue;
		}
		if (!json_is_array(v))
			return -1;
		json_array_foreach(v, i, it) {
			if (!json_is_string(it))
				return -1;
			headers_add(&e->headers, &e->nheaders, name,
			    strlen(name), json_string_value(it),
			    json_string_length(it));
		}
	}
	return 0;
}

/* record_each: one recorded exchange; a bad one makes the client fail. */
static int
rec_file_load(json_t *o, const char *path, void *arg, char **why)
{
	struct http_client	*c = arg;

	c->rec = xreallocarray(c->rec, c->nrec + 1, sizeof(*c->rec));
	memset(&c->rec[c->nrec], 0, sizeof(c->rec[c->nrec]));
	if (rec_entry_load(&c->rec[c->nrec], o) != 0) {
		rec_entry_release(&c->rec[c->nrec]);
		*why = xasprintf("invalid recording '%s': expected method, url, "
		    "status, response_headers and body", path);
		return VGL_ERR_PARSE;
	}
	c->nrec++;
	return 0;
}

static void
replay_load(struct http_client *c)
{
	char	*why = NULL;
	int	 r;

	if ((r = record_each(c->replay_path, rec_file_load, c, &why)) != 0) {
		if (r == VGL_ERR_IO) {
			c->init_error = xasprintf("no recording for source "
			    "'%s': %s", c->source, why);
			c->init_result = VGL_ERR_REPLAY;
		} else {
			c->init_error = why;
			why = NULL;
			c->init_result = r;
		}
	}
	free(why);
	if (record_read_time(c->replay_path, &c->replay_time) != 0)
		c->replay_time = 0;
}

/* Answers req from the recording. */
static void
replay_one(struct http_client *c, struct http_req *req)
{
	struct rec_entry	*e = NULL;
	char			*url, *body = NULL;
	size_t			 i, blen = 0;

	req->attempts = 1;
	pthread_mutex_lock(&c->mtx);
	c->requests++;
	pthread_mutex_unlock(&c->mtx);

	url = log_redact(req->url);
	if (req->body != NULL && is_text(req->body, req->body_len)) {
		body = log_redact(req->body);
		blen = strlen(body);
	} else if (req->body != NULL) {
		body = xmalloc(req->body_len + 1);
		memcpy(body, req->body, req->body_len);
		blen = req->body_len;
	}
	for (i = 0; i < c->nrec; i++) {
		if (c->rec[i].used || strcmp(c->rec[i].method, req->method) ||
		    strcmp(c->rec[i].url, url) ||
		    c->rec[i].req_body_len != blen)
			continue;
		if (blen > 0 && memcmp(c->rec[i].req_body, body, blen) != 0)
			continue;
		e = &c->rec[i];
		break;
	}
	free(body);
	free(url);
	if (e == NULL) {
		req_fail(req, VGL_ERR_REPLAY, "no recorded response for %s %s "
		    "in %s", req->method, req->url, c->replay_path);
		return;
	}
	e->used = 1;
	req->status = e->status;
	for (i = 0; i < e->nheaders; i++)
		headers_add(&req->resp_headers, &req->nresp_headers,
		    e->headers[i].name, strlen(e->headers[i].name),
		    e->headers[i].value, strlen(e->headers[i].value));
	req->effective_url = xstrdup(req->url);
	if (buf_append(&req->resp, e->body != NULL ? e->body : "",
	    e->body_len) != 0) {
		req_fail(req, VGL_ERR_TOOBIG, "response larger than %zu bytes: "
		    "%s %s", req->resp.max, req->method, req->url);
		return;
	}
	log_debug("%s %s -> %ld (replayed)", req->method, req->url,
	    req->status);
}

/* Extra trust anchors (ca_file). */

struct http_ca {
	STACK_OF(X509)	*certs;
};

void
http_ca_free(struct http_ca *ca)
{
	if (ca == NULL)
		return;
	sk_X509_pop_free(ca->certs, X509_free);
	free(ca);
}

int
http_ca_load(const char *path, struct http_ca **out, char **why)
{
	struct http_ca	*ca;
	struct buf	 b;
	BIO		*bio = NULL;
	X509		*x;
	unsigned long	 e;
	int		 r = VGL_ERR_IO;

	*out = NULL;
	*why = NULL;
	ca = xcalloc(1, sizeof(*ca));
	buf_init(&b, HTTP_CA_MAX);
	if ((ca->certs = sk_X509_new_null()) == NULL) {
		*why = xstrdup("out of memory");
		goto out;
	}
	if (buf_read_file(&b, path) != 0) {
		*why = xasprintf("cannot read ca_file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL) {
		*why = xstrdup("out of memory");
		goto out;
	}
	ERR_clear_error();
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (sk_X509_push(ca->certs, x) <= 0) {
			X509_free(x);
			*why = xstrdup("out of memory");
			goto out;
		}
	}
	/* The loop ends at the end of the input, or at a bad block. */
	e = ERR_peek_last_error();
	if (e != 0 && !(ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE)) {
		*why = xasprintf("ca_file '%s' holds an invalid certificate: "
		    "%s", path, ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "unknown error");
		goto out;
	}
	if (sk_X509_num(ca->certs) == 0) {
		*why = xasprintf("ca_file '%s' holds no PEM certificate",
		    path);
		goto out;
	}
	*out = ca;
	ca = NULL;
	r = 0;
 out:
	ERR_clear_error();
	BIO_free(bio);
	buf_release(&b);
	http_ca_free(ca);
	return r;
}

/*
 * libcurl calls this with the SSL_CTX of a new connection, whose store
 * already holds (or will be completed with) what libcurl loads by
 * default: ca_file's certificates are added to it.
 */
static CURLcode
ca_ctx_cb(CURL *easy, void *sslctx, void *arg)
{
	const struct http_ca	*ca = arg;
	X509_STORE		*store;
	unsigned long		 e;
	int			 i;

	(void)easy;
	if ((store = SSL_CTX_get_cert_store(sslctx)) == NULL)
		return CURLE_SSL_CACERT_BADFILE;
	for (i = 0; i < sk_X509_num(ca->certs); i++) {
		if (X509_STORE_add_cert(store, sk_X509_value(ca->certs,
		    i)) == 1)
			continue;
		e = ERR_peek_last_error();
		ERR_clear_error();
		if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
			return CURLE_SSL_CACERT_BADFILE;
	}
	return CURLE_OK;
}

int
http_ca_apply(const struct http_ca *ca, CURL *easy, char **why)
{
	const curl_version_info_data	*vi;

	*why = NULL;
	if (ca == NULL)
		return 0;
	/* sslctx is an OpenSSL SSL_CTX only when libcurl uses OpenSSL. */
	vi = curl_version_info(CURLVERSION_NOW);
	if (vi->ssl_version == NULL ||
	    strncmp(vi->ssl_version, "OpenSSL/", 8) != 0) {
		*why = xasprintf("ca_file needs libcurl built with OpenSSL "
		    "(this one uses %s)", vi->ssl_version != NULL ?
		    vi->ssl_version : "no TLS library");
		return VGL_ERR_INTERNAL;
	}
	if (curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, ca_ctx_cb) !=
	    CURLE_OK || curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA,
	    (void *)ca) != CURLE_OK) {
		*why = xstrdup("ca_file: libcurl cannot add trust anchors "
		    "(CURLOPT_SSL_CTX_FUNCTION)");
		return VGL_ERR_INTERNAL;
	}
#if LIBCURL_VERSION_NUM >= 0x075700
	/*
	 * A cached CA store may be shared with other transfers: never add
	 * to it, load a store of this transfer's own.
	 */
	curl_easy_setopt(easy, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
	return 0;
}

/* Client. */

struct http_client *
http_client_new(const struct http_opts *o)
{
	struct http_client	*c;
	long			 maxc;

	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mtx, NULL);
	c->source = xstrdup(o->source != NULL ? o->source : "http");
	c->on_wait = o->on_wait;
	c->wait_arg = o->wait_arg;
	c->timeout_s = o->timeout_s > 0 ? o->timeout_s : 30;
	c->deadline_s = o->deadline_s > 0 ? o->deadline_s : 300;
	c->max_concurrency = o->max_concurrency > 0 ? o->max_concurrency : 4;
	c->rate_limit_rps = o->rate_limit_rps > 0 ? o->rate_limit_rps : 0;
	if (o->max_retries < 0)
		c->max_retries = 0;
	else
		c->max_retries = o->max_retries > 0 ? o->max_retries : 5;
	c->backoff_base_s = o->backoff_base_s > 0 ? o->backoff_base_s : 0.5;
	c->backoff_cap_s = o->backoff_cap_s > 0 ? o->backoff_cap_s : 20;
	c->max_body = o->max_body > 0 ? o->max_body : BUF_MAX_DEFAULT;
	c->follow = o->follow_https_redirects;
	c->deadline = mono_now() + c->deadline_s;

	if (o->replay_dir != NULL) {
		c->replay_path = xasprintf("%s/%s", o->replay_dir, c->source);
		replay_load(c);
		return c;
	}
	if (o->record_dir != NULL)
		c->record_path = xasprintf("%s/%s", o->record_dir, c->source);
	if (o->ca_file != NULL &&
	    http_ca_load(o->ca_file, &c->ca, &c->init_error) != 0)
		c->init_result = VGL_ERR_IO;
	if ((c->multi = curl_multi_init()) == NULL) {
		if (c->init_error == NULL) {
			c->init_error = xstrdup("cannot initialise libcurl");
			c->init_result = VGL_ERR_INTERNAL;
		}
		return c;
	}
	maxc = c->max_concurrency;
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxc);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxc);
	c->pool = xcalloc((size_t)c->max_concurrency, sizeof(*c->pool));
	return c;
}

void
http_client_free(struct http_client *c)
{
	size_t	 i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->npool; i++)
		curl_easy_cleanup(c->pool[i]);
	free(c->pool);
	if (c->multi != NULL)
		curl_multi_cleanup(c->multi);
	for (i = 0; i < c->nrec; i++)
		rec_entry_release(&c->rec[i]);
	free(c->rec);
	http_ca_free(c->ca);
	free(c->init_error);
	free(c->record_path);
	free(c->replay_path);
	free(c->source);
	for (i = 0; i < c->ngroups; i++) {
		free(c->groups[i].name);
		for (j = 0; j < c->groups[i].nb; j++) {
			free(c->groups[i].b[j].route);
			free(c->groups[i].b[j].id);
		}
	}
	pthread_mutex_destroy(&c->mtx);
	free(c);
}

long
http_client_requests(const struct http_client *c)
{
	long	 n;

	pthread_mutex_lock((pthread_mutex_t *)&c->mtx);
	n = c->requests;
	pthread_mutex_unlock((pthread_mutex_t *)&c->mtx);
	return n;
}

long long
http_client_replay_time(const struct http_client *c)
{
	return c->replay_path != NULL ? c->replay_time : 0;
}

/* Transfers. */

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb;

	if (buf_append(&x->req->resp, p, n) != 0) {
		x->toobig = 1;
		return 0;
	}
	return n;
}

static size_t
header_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer		*x = arg;
	struct http_req		*req = x->req;
	struct http_header	*last;
	size_t			 n = size * nmemb, len = n, vlen;
	const char		*colon, *v;
	char			*nv;

	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new response (redirect hop, 1xx, proxy): start over. */
		resp_clear(req);
		return n;
	}
	if (len == 0)
		return n;
	if ((p[0] == ' ' || p[0] == '\t') && req->nresp_headers > 0) {
		/* Obsolete line folding. */
		for (v = p; v < p + len && (*v == ' ' || *v == '\t'); v++)
			;
		last = &req->resp_headers[req->nresp_headers - 1];
		nv = xasprintf("%s %.*s", last->value, (int)(p + len - v), v);
		free(last->value);
		last->value = nv;
		return n;
	}
	if ((colon = memchr(p, ':', len)) == NULL || colon == p)
		return n;
	for (v = colon + 1; v < p + len && (*v == ' ' || *v == '\t'); v++)
		;
	vlen = (size_t)(p + len - v);
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	headers_add(&req->resp_headers, &req->nresp_headers, p,
	    (size_t)(colon - p), v, vlen);
	return n;
}

/*
 * A redirect from a loopback http:// URL may go to http:// (tests), but
 * never to a remote host: refuse such a hop before resolving its name
 * and, for address literals, before sending the request.
 */
static int
hop_insecure(struct xfer *x)
{
	char	*url = NULL;

	if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url) !=
	    CURLE_OK || url == NULL)
		return 0;
	if (!http_url_insecure(url))
		return 0;
	x->hop_refused = 1;
	return 1;
}

static int
resolver_start_cb(void *resolver_state, void *reserved, void *arg)
{
	return hop_insecure(arg);
}

static int
prereq_cb(void *arg, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	return hop_insecure(arg) ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

static void
slist_free_secret(struct curl_slist *l)
{
	struct curl_slist	*p;

	for (p = l; p != NULL; p = p->next)
		OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static CURL *
pool_get(struct http_client *c)
{
	if (c->npool > 0)
		return c->pool[--c->npool];
	return curl_easy_init();
}

static void
pool_put(struct http_client *c, CURL *e)
{
	if (e == NULL)
		return;
	if (c->npool < (size_t)c->max_concurrency) {
		curl_easy_reset(e);
		c->pool[c->npool++] = e;
	} else
		curl_easy_cleanup(e);
}

static void
xfer_finish(struct xfer *x)
{
	if (x->easy != NULL) {
		pool_put(x->c, x->easy);
		x->easy = NULL;
	}
	slist_free_secret(x->hdrs);
	x->hdrs = NULL;
}

static int
build_headers(struct xfer *x)
{
	struct http_req		*req = x->req;
	struct curl_slist	*n = x->hdrs;
	char			*line;
	size_t			 i;
	int			 expect = 0;

	for (i = 0; i < req->nheaders; i++) {
		const char *name = req->headers[i].name;
		const char *value = req->headers[i].value;

		if (strpbrk(name, "\r\n:") != NULL || *name == '\0' ||
		    strpbrk(value, "\r\n") != NULL) {
			req_fail(req, VGL_ERR_INTERNAL, "invalid request "
			    "header '%s': %s %s", name, req->method, req->url);
			return -1;
		}
		if (strcasecmp(name, "Expect") == 0)
			expect = 1;
		if (*value == '\0')
			line = xasprintf("%s;", name);
		else
			line = xasprintf("%s: %s", name, value);
		n = curl_slist_append(x->hdrs, line);
		freestr_secret(line);
		if (n == NULL)
			break;
		x->hdrs = n;
	}
	if (i == req->nheaders && !expect)
		n = curl_slist_append(x->hdrs, "Expect:");
	if (n == NULL) {
		req_fail(req, VGL_ERR_NOMEM, "out of memory: %s %s",
		    req->method, req->url);
		return -1;
	}
	x->hdrs = n;
	return 0;
}

static void
set_method(struct xfer *x)
{
	struct http_req	*req = x->req;
	CURL		*e = x->easy;
	int		 upload = strcmp(req->method, "POST") == 0 ||
			    strcmp(req->method, "PUT") == 0 ||
			    strcmp(req->method, "PATCH") == 0;

	if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
		return;
	}
	if (req->body != NULL || upload) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
		    req->body != NULL ? req->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
		return;
	}
	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	else
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
}

/* Starts one attempt; on failure the request is done. */
static int
xfer_start(struct http_client *c, struct xfer *x, double now)
{
	struct http_req		*req = x->req;
	char			*why = NULL;
	double			 t, remaining;
	long			 ms;
	int			 r, loopback = 0;

	resp_clear(req);
	req->status = 0;
	req->resp.max = c->max_body;
	free(req->effective_url);
	req->effective_url = NULL;
	if (req->prepare != NULL &&
	    (r = req->prepare(req, req->cb_arg)) != 0) {
		if (req->error == NULL)
			req_fail(req, r, "cannot prepare request (%s): %s %s",
			    vgl_err(r), req->method, req->url);
		req->result = r;
		return -1;
	}
	if (build_headers(x) != 0)
		return -1;
	if ((x->easy = pool_get(c)) == NULL) {
		req_fail(req, VGL_ERR_INTERNAL, "cannot initialise libcurl: "
		    "%s %s", req->method, req->url);
		return -1;
	}
	remaining = c->deadline - now;
	t = c->timeout_s;
	x->deadline_limited = 0;
	if (remaining < t) {
		t = remaining;
		x->deadline_limited = 1;
	}
	x->toobig = 0;
	x->hop_refused = 0;
	x->errbuf[0] = '\0';
	url_scheme_host(req->url, &loopback);

	curl_easy_setopt(x->easy, CURLOPT_URL, req->url);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(x->easy, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (http_ca_apply(c->ca, x->easy, &why) != 0) {
		req_fail(req, VGL_ERR_INTERNAL, "%s: %s %s", why, req->method,
		    req->url);
		free(why);
		return -1;
	}
	ms = (long)(t * 1000 + 0.999);
	if (ms < 1)
		ms = 1;
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, PACKAGE_NAME "/"
	    PACKAGE_VERSION);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)c->max_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	if (c->follow) {
		curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(x->easy, CURLOPT_MAXREDIRS,
		    (long)HTTP_MAX_REDIRS);
		curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR,
		    loopback ? "http,https" : "https");
		curl_easy_setopt(x->easy, CURLOPT_PREREQFUNCTION, prereq_cb);
		curl_easy_setopt(x->easy, CURLOPT_PREREQDATA, x);
		curl_easy_setopt(x->easy, CURLOPT_RESOLVER_START_FUNCTION,
		    resolver_start_cb);
		curl_easy_setopt(x->easy, CURLOPT_RESOLVER_START_DATA, x);
	}
	set_method(x);

	if (curl_multi_add_handle(c->multi, x->easy) != CURLM_OK) {
		req_fail(req, VGL_ERR_INTERNAL, "cannot start transfer: %s %s",
		    req->method, req->url);
		return -1;
	}
	req->attempts++;
	if (req->attempts == 1)
		x->first_start = now;
	x->attempt_start = now;
	x->state = X_RUN;
	pthread_mutex_lock(&c->mtx);
	if (c->requests++ == 0)
		c->first_request = (long long)time(NULL);
	pthread_mutex_unlock(&c->mtx);
	return 0;
}

static int
status_retryable(long s)
{
	return s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static int
curl_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
	case CURLE_QUIC_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

static const char *
curl_category(CURLcode rc, long os_errno)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		if (os_errno == ECONNREFUSED)
			return "connection refused";
		return "cannot connect";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "cannot resolve host";
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return "TLS error";
	case CURLE_TOO_MANY_REDIRECTS:
		return "too many redirects";
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return "connection lost";
	default:
		return "transfer failed";
	}
}

/* Handles a completed attempt: done, or waiting for a retry. */
static void
xfer_done(struct http_client *c, struct xfer *x, CURLcode rc)
{
	struct http_req	*req = x->req;
	const char	*ra_hdr, *cat;
	char		*url = NULL, *what = NULL;
	double		 now = mono_now(), wait, ra = -1, remaining;
	long		 status = 0;
	int		 retry = 0, code = VGL_ERR_HTTP;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	x->os_errno = 0;
	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &x->os_errno);
	if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url) ==
	    CURLE_OK && url != NULL)
		req->effective_url = xstrdup(url);
	xfer_finish(x);
	x->state = X_DONE;
	req->status = rc == CURLE_OK ? status : 0;

	if (rc == CURLE_OK)
		log_debug("%s %s -> %ld (%ld ms)", req->method, req->url,
		    status, (long)((now - x->attempt_start) * 1000));
	else
		log_debug("%s %s -> %s (%ld ms)", req->method, req->url,
		    x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(rc),
		    (long)((now - x->attempt_start) * 1000));

	if (x->toobig || rc == CURLE_FILESIZE_EXCEEDED) {
		req_fail(req, VGL_ERR_TOOBIG, "response larger than %zu bytes: "
		    "%s %s", c->max_body, req->method, req->url);
		return;
	}
	/* The first URL was checked: a refused protocol is a redirect's. */
	if (x->hop_refused || rc == CURLE_UNSUPPORTED_PROTOCOL) {
		req_fail(req, VGL_ERR_HTTP, "redirect refused (https only): "
		    "%s %s -> %s", req->method, req->url,
		    req->effective_url != NULL ? req->effective_url : "?");
		return;
	}
	if (rc == CURLE_OK) {
		retry = status_retryable(status) || (status >= 400 &&
		    req->retry != NULL && req->retry(req, req->cb_arg));
		if (!retry) {
			req->result = 0;
			bucket_update(rate_group_of(c, req), req);
			if (req->on_response != NULL)
				req->on_response(req, req->cb_arg);
			if (c->record_path != NULL)
				record_exchange(c, req);
			return;
		}
		what = xasprintf("HTTP %ld", status);
		if ((ra_hdr = http_resp_header(req, "Retry-After")) != NULL)
			ra = http_parse_retry_after(ra_hdr,
			    (long long)time(NULL));
	} else {
		cat = curl_category(rc, x->os_errno);
		if (rc == CURLE_OPERATION_TIMEDOUT) {
			if (x->deadline_limited) {
				c->expired = 1;
				req_fail(req, VGL_ERR_DEADLINE, "source "
				    "deadline of %.1f s exceeded after %d "
				    "attempt%s: %s %s", c->deadline_s,
				    req->attempts, plural(req->attempts),
				    req->method, req->url);
				return;
			}
			code = VGL_ERR_TIMEOUT;
		}
		if (!curl_retryable(rc)) {
			req_fail(req, VGL_ERR_HTTP, "%s: %s %s (%s)", cat,
			    req->method, req->url, x->errbuf[0] != '\0' ?
			    x->errbuf : curl_easy_strerror(rc));
			return;
		}
		retry = 1;
		what = xstrdup(cat);
	}

	if (req->attempts <= c->max_retries) {
		wait = http_backoff(req->attempts - 1, c->backoff_base_s,
		    c->backoff_cap_s, rand_unit());
		if (ra >= 0 && ra > wait)
			wait = ra;
		remaining = c->deadline - now;
		if (ra >= 0 && ra >= remaining) {
			req_fail(req, VGL_ERR_DEADLINE, "Retry-After of %.0f s "
			    "exceeds the remaining source deadline (%.1f s) "
			    "after %d attempt%s (%s): %s %s", ra,
			    remaining > 0 ? remaining : 0.0, req->attempts,
			    plural(req->attempts), what, req->method,
			    req->url);
			goto out;
		}
		if (wait >= remaining) {
			req_fail(req, VGL_ERR_DEADLINE, "source deadline of "
			    "%.1f s reached after %d attempt%s (last: %s): "
			    "%s %s", c->deadline_s, req->attempts,
			    plural(req->attempts), what, req->method,
			    req->url);
			goto out;
		}
		log_info("%s: %s %s -> %s, retrying in %.2f s (attempt %d of "
		    "%d)", c->source, req->method, req->url, what, wait,
		    req->attempts + 1, c->max_retries + 1);
		x->not_before = now + wait;
		x->state = X_WAIT;
		snprintf(x->why, sizeof(x->why), "%s", status == 429 ? "" :
		    what);
		goto out;
	}

	/* Retries exhausted. */
	if (code == VGL_ERR_TIMEOUT)
		req_fail(req, code, "timed out after %.1f s (%d attempt%s): "
		    "%s %s", now - x->first_start, req->attempts,
		    plural(req->attempts), req->method, req->url);
	else if (rc == CURLE_OK)
		req_fail(req, code, "%s after %d attempt%s: %s %s", what,
		    req->attempts, plural(req->attempts), req->method,
		    req->url);
	else
		req_fail(req, code, "%s after %d attempt%s: %s %s (%s)", what,
		    req->attempts, plural(req->attempts), req->method,
		    req->url, x->errbuf[0] != '\0' ? x->errbuf :
		    curl_easy_strerror(rc));
	/* The final exchange of a request goes into the recording. */
	if (rc == CURLE_OK && req->on_response != NULL)
		req->on_response(req, req->cb_arg);
	if (rc == CURLE_OK && c->record_path != NULL)
		record_exchange(c, req);
 out:
	free(what);
}

/*
 * Tells on_wait what the client waits s seconds for, with nothing in
 * flight: the rate limit (pacing, or a 429), or a retry's backoff.
 */
static void
wait_tell(struct http_client *c, const struct xfer *x, int paced, double s)
{
	char	 what[96];

	if (c->on_wait == NULL)
		return;
	if (s < 0.05) {
		if (c->waiting)
			c->on_wait(c->wait_arg, NULL);
		c->waiting = 0;
		return;
	}
	if (paced || x == NULL || x->why[0] == '\0')
		snprintf(what, sizeof(what), "rate limit, %.1f s", s);
	else
		snprintf(what, sizeof(what), "%s, retry in %.1f s", x->why, s);
	c->on_wait(c->wait_arg, what);
	c->waiting = 1;
}

/* The bucket of the request's route in grp, made on first use; or NULL. */
static struct rate_bucket *
bucket_of(struct rate_group *grp, const struct http_req *req)
{
	struct rate_bucket	*b;
	size_t			 i;

	if (grp == NULL || !grp->buckets || req->rate_route == NULL)
		return NULL;
	for (i = 0; i < grp->nb; i++) {
		if (strcmp(grp->b[i].route, req->rate_route) == 0)
			return &grp->b[i];
	}
	if (grp->nb == sizeof(grp->b) / sizeof(grp->b[0]))
		return NULL;
	b = &grp->b[grp->nb++];
	b->route = xstrdup(req->rate_route);
	b->id = NULL;
	b->remaining = -1;
	b->reset_at = 0;
	return b;
}

/*
 * Monotonic time before which req must not start (0: now): the reset of
 * its route's bucket, or of any route sharing the bucket id, that
 * announced Remaining: 0.
 */
static double
bucket_until(struct rate_group *grp, const struct http_req *req)
{
	struct rate_bucket	*b, *o;
	double			 until = 0;
	size_t			 i;

	if ((b = bucket_of(grp, req)) == NULL)
		return 0;
	for (i = 0; i < grp->nb; i++) {
		o = &grp->b[i];
		if (o != b && (b->id == NULL || o->id == NULL ||
		    strcmp(o->id, b->id) != 0))
			continue;
		if (o->remaining == 0 && o->reset_at > until)
			until = o->reset_at;
	}
	return until;
}

/* After a final response: remembers what its bucket headers said. */
static void
bucket_update(struct rate_group *grp, const struct http_req *req)
{
	struct rate_bucket	*b;
	const char		*id, *rem, *ra;
	char			*end;
	long			 n;
	double			 s;

	if ((b = bucket_of(grp, req)) == NULL)
		return;
	id = http_resp_header(req, "X-RateLimit-Bucket");
	rem = http_resp_header(req, "X-RateLimit-Remaining");
	ra = http_resp_header(req, "X-RateLimit-Reset-After");
	if (id != NULL) {
		free(b->id);
		b->id = xstrdup(id);
	}
	if (rem == NULL || ra == NULL)
		return;
	errno = 0;
	n = strtol(rem, &end, 10);
	if (errno != 0 || end == rem || n < 0)
		return;
	errno = 0;
	s = strtod(ra, &end);
	if (errno != 0 || end == ra || !(s >= 0) || s > 86400)
		return;
	b->remaining = n;
	b->reset_at = mono_now() + s;
}

/*
 * A request held back until its exhausted bucket resets at until: says
 * so once, or fails it (returning -1) when the reset is beyond the
 * deadline.
 */
static int
bucket_hold(struct http_client *c, struct xfer *x, double now, double until)
{
	if (until >= c->deadline) {
		req_fail(x->req, VGL_ERR_DEADLINE, "rate limit: the bucket of "
		    "%s resets in %.1f s, beyond the source deadline: %s %s",
		    x->req->rate_route, until - now, x->req->method,
		    x->req->url);
		return -1;
	}
	if (!x->bucket_told)
		log_info("%s: rate limit bucket for %s exhausted; waiting "
		    "%.2f s for its reset", c->source, x->req->rate_route,
		    until - now);
	x->bucket_told = 1;
	return 0;
}

static void
run_live(struct http_client *c, struct xfer *x, size_t n)
{
	struct CURLMsg	*msg;
	struct rate_group *grp;
	struct xfer	*xp, *wx;
	double		 now, wake, t;
	size_t		 i, ndone = 0, nrun = 0;
	int		 still, q, paced, p;
	long		 ms;

	for (i = 0; i < n; i++) {
		if (x[i].state == X_DONE)
			ndone++;
	}
	while (ndone < n) {
		now = mono_now();
		for (i = 0; i < n; i++) {
			if (x[i].state != X_WAIT)
				continue;
			if (c->expired || now >= c->deadline) {
				req_fail(x[i].req, VGL_ERR_DEADLINE, "source "
				    "deadline of %.1f s exceeded after %d "
				    "attempt%s: %s %s", c->deadline_s,
				    x[i].req->attempts,
				    plural(x[i].req->attempts),
				    x[i].req->method, x[i].req->url);
				x[i].state = X_DONE;
				ndone++;
				continue;
			}
			if (nrun >= (size_t)c->max_concurrency ||
			    x[i].not_before > now)
				continue;
			if (c->rate_limit_rps > 0 && c->next_start > now)
				break;
			grp = rate_group_of(c, x[i].req);
			if (grp != NULL && grp->next_start > now)
				continue;
			if ((t = bucket_until(grp, x[i].req)) > now &&
			    bucket_hold(c, &x[i], now, t) != 0) {
				x[i].state = X_DONE;
				ndone++;
				continue;
			}
			if (t > now)
				continue;
			if (xfer_start(c, &x[i], now) != 0) {
				xfer_finish(&x[i]);
				x[i].state = X_DONE;
				ndone++;
				continue;
			}
			nrun++;
			if (c->rate_limit_rps > 0) {
				if (c->next_start < now)
					c->next_start = now;
				c->next_start += 1 / c->rate_limit_rps;
			}
			if (grp != NULL && grp->rps > 0) {
				if (grp->next_start < now)
					grp->next_start = now;
				grp->next_start += 1 / grp->rps;
			}
		}
		if (nrun > 0 && c->waiting)
			wait_tell(c, NULL, 0, 0);
		if (nrun > 0)
			curl_multi_perform(c->multi, &still);
		while ((msg = curl_multi_info_read(c->multi, &q)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			xp = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&xp);
			curl_multi_remove_handle(c->multi, msg->easy_handle);
			if (xp == NULL)
				continue;
			nrun--;
			xfer_done(c, xp, msg->data.result);
			if (xp->state == X_DONE)
				ndone++;
		}
		if (ndone >= n)
			break;

		now = mono_now();
		wake = c->deadline;
		wx = NULL;
		paced = 0;
		for (i = 0; i < n; i++) {
			if (x[i].state != X_WAIT)
				continue;
			/* Held back by its rate group: wake when it may go. */
			grp = rate_group_of(c, x[i].req);
			t = x[i].not_before;
			p = 0;
			if (grp != NULL && grp->next_start > t) {
				t = grp->next_start;
				p = 1;
			}
			if (bucket_until(grp, x[i].req) > t) {
				t = bucket_until(grp, x[i].req);
				p = 1;
			}
			if (nrun < (size_t)c->max_concurrency && t < wake) {
				wake = t;
				wx = &x[i];
				paced = p;
			}
		}
		if (c->rate_limit_rps > 0 && wake < c->next_start) {
			wake = c->next_start;
			paced = 1;
		}
		if (nrun == 0)
			wait_tell(c, wx, paced, wake - now);
		ms = (long)((wake - now) * 1000);
		if (ms < 0)
			ms = 0;
		if (ms > HTTP_POLL_MAX_MS)
			ms = HTTP_POLL_MAX_MS;
		if (nrun > 0)
			curl_multi_poll(c->multi, NULL, 0, (int)ms, NULL);
		else
			sleep_s((double)ms / 1000);
	}
	if (c->waiting)
		wait_tell(c, NULL, 0, 0);
}

int
http_do_all(struct http_client *c, struct http_req **reqs, size_t n)
{
	struct xfer	*x;
	size_t		 i;
	int		 r = 0, loopback;

	x = xcalloc(n > 0 ? n : 1, sizeof(*x));
	for (i = 0; i < n; i++) {
		struct http_req *req = reqs[i];

		x[i].c = c;
		x[i].req = req;
		x[i].state = X_WAIT;
		resp_clear(req);
		req->resp.max = c->max_body;
		req->status = 0;
		req->attempts = 0;
		req->result = 0;
		free(req->error);
		req->error = NULL;
		free(req->effective_url);
		req->effective_url = NULL;
		if (c->init_error != NULL) {
			req_fail(req, c->init_result, "%s: %s %s",
			    c->init_error, req->method, req->url);
			x[i].state = X_DONE;
		} else if (url_scheme_host(req->url, &loopback) <= 0) {
			req_fail(req, VGL_ERR_HTTP, "invalid or unsupported "
			    "URL: %s %s", req->method, req->url);
			x[i].state = X_DONE;
		} else if (http_url_insecure(req->url)) {
			req_fail(req, VGL_ERR_POLICY, "plain http:// is only "
			    "allowed to loopback hosts: %s %s", req->method,
			    req->url);
			x[i].state = X_DONE;
		} else if (c->replay_path != NULL) {
			replay_one(c, req);
			x[i].state = X_DONE;
		}
	}
	if (c->replay_path == NULL)
		run_live(c, x, n);
	for (i = 0; i < n; i++) {
		if (x[i].easy != NULL) {
			curl_multi_remove_handle(c->multi, x[i].easy);
			xfer_finish(&x[i]);
		}
		if (r == 0 && reqs[i]->result != 0)
			r = reqs[i]->result;
	}
	free(x);
	return r;
}

static struct rate_group *
rate_group_of(struct http_client *c, const struct http_req *req)
{
	size_t	 i;

	if (req->rate_group == NULL)
		return NULL;
	for (i = 0; i < c->ngroups; i++) {
		if (strcmp(c->groups[i].name, req->rate_group) == 0)
			return &c->groups[i];
	}
	return NULL;
}

/* The rate group named group, made (unpaced) on first use; or NULL. */
static struct rate_group *
rate_group_get(struct http_client *c, const char *group)
{
	struct rate_group	*g;
	size_t			 i;

	for (i = 0; i < c->ngroups; i++) {
		if (strcmp(c->groups[i].name, group) == 0)
			return &c->groups[i];
	}
	if (c->ngroups == sizeof(c->groups) / sizeof(c->groups[0])) {
		log_warn("%s: too many rate groups; '%s' is not paced",
		    c->source, group);
		return NULL;
	}
	g = &c->groups[c->ngroups++];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(group);
	return g;
}

void
http_client_set_rate(struct http_client *c, const char *group, double rps)
{
	struct rate_group	*g;

	if (c == NULL || group == NULL || rps <= 0)
		return;
	if ((g = rate_group_get(c, group)) != NULL)
		g->rps = rps;
}

void
http_client_set_rate_buckets(struct http_client *c, const char *group)
{
	struct rate_group	*g;

	if (c == NULL || group == NULL)
		return;
	if ((g = rate_group_get(c, group)) != NULL)
		g->buckets = 1;
}

int
http_do(struct http_client *c, struct http_req *req)
{
	return http_do_all(c, &req, 1);
}
