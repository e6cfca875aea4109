/*
 * sigv4.c: AWS Signature Version 4 signing (see sigv4.h and
 * docs/apis.md section 1.1).  Hashes and HMACs come from OpenSSL; the
 * secret key and every derived key are wiped after use and never logged.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "http.h"
#include "aws/sigv4.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define SIGV4_ALGORITHM	"AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"

struct canon_hdr {
	char		*name;		/* lower case */
	char		*value;		/* trimmed, spaces collapsed */
	size_t		 idx;		/* position given, for stable sorting */
};

struct query_pair {
	char		*key;		/* canonical (encoded) */
	char		*value;
};

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/* Appends s[0..len) percent-encoded; '/' kept when keep_slash. */
static void
uri_encode(struct buf *b, const char *s, size_t len, int keep_slash)
{
	static const char	 hexd[] = "0123456789ABCDEF";
	char			 esc[3];
	size_t			 i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/'))
			buf_append(b, &s[i], 1);
		else {
			esc[0] = '%';
			esc[1] = hexd[c >> 4];
			esc[2] = hexd[c & 0x0f];
			buf_append(b, esc, 3);
		}
	}
}

/* Percent-decodes s[0..len) then re-encodes it canonically. */
static char *
query_component(const char *s, size_t len)
{
	struct buf	 dec, enc;
	size_t		 i;
	char		*out;

	buf_init(&dec, 0);
	buf_init(&enc, 0);
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len &&
		    (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			char c = (char)(hi << 4 | lo);

			buf_append(&dec, &c, 1);
			i += 2;
		} else
			buf_append(&dec, &s[i], 1);
	}
	uri_encode(&enc, dec.data != NULL ? dec.data : "", dec.len, 0);
	buf_puts(&enc, "");
	out = buf_detach(&enc, NULL);
	buf_release(&dec);
	return out != NULL ? out : xstrdup("");
}

/* Splits a URL into path and query (pointers into url, with lengths). */
static void
split_url(const char *url, const char **path, size_t *path_len,
    const char **query, size_t *query_len)
{
	const char	*p, *q, *end;

	if ((p = strstr(url, "://")) != NULL) {
		p += 3;
		p += strcspn(p, "/?#");
	} else
		p = url;
	end = p + strcspn(p, "#");
	q = memchr(p, '?', (size_t)(end - p));
	*path = p;
	*path_len = (q != NULL ? q : end) - p;
	*query = q != NULL ? q + 1 : end;
	*query_len = q != NULL ? (size_t)(end - (q + 1)) : 0;
}

static char *
canonical_uri_n(const char *path, size_t len, int flags)
{
	struct buf	 b;
	const char	**seg = NULL;
	size_t		*seglen = NULL, nseg = 0, i, start, j;
	int		 trailing;
	char		*out;

	buf_init(&b, 0);
	if (len == 0 || path == NULL) {
		buf_puts(&b, "/");
		goto done;
	}
	if (flags & SIGV4_NO_NORMALIZE) {
		if (path[0] != '/')
			buf_puts(&b, "/");
		buf_append(&b, path, len);
		buf_puts(&b, "");
		goto done;
	}
	seg = xreallocarray(NULL, len + 1, sizeof(*seg));
	seglen = xreallocarray(NULL, len + 1, sizeof(*seglen));
	trailing = path[len - 1] == '/';
	for (i = 0; i <= len; i = j + 1) {
		start = i;
		for (j = i; j < len && path[j] != '/'; j++)
			;
		if (j == start)
			continue;			/* empty segment */
		if (j - start == 1 && path[start] == '.')
			continue;
		if (j - start == 2 && path[start] == '.' &&
		    path[start + 1] == '.') {
			if (nseg > 0)
				nseg--;
			continue;
		}
		seg[nseg] = path + start;
		seglen[nseg++] = j - start;
	}
	for (i = 0; i < nseg; i++) {
		buf_puts(&b, "/");
		uri_encode(&b, seg[i], seglen[i], 0);
	}
	if (nseg == 0 || trailing)
		buf_puts(&b, "/");
	free(seg);
	free(seglen);
 done:
	out = buf_detach(&b, NULL);
	return out != NULL ? out : xstrdup("/");
}

char *
sigv4_canonical_uri(const char *path, int flags)
{
	return canonical_uri_n(path, path != NULL ? strlen(path) : 0, flags);
}

static int
query_cmp(const void *a, const void *b)
{
	const struct query_pair	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return strcmp(x->value, y->value);
}

static char *
canonical_query_n(const char *query, size_t len)
{
	struct query_pair	*pairs = NULL;
	struct buf		 b;
	size_t			 npairs = 0, i, j, eq;
	char			*out;

	buf_init(&b, 0);
	if (query == NULL)
		len = 0;
	pairs = xreallocarray(NULL, len / 2 + 1, sizeof(*pairs));
	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && query[j] != '&'; j++)
			;
		if (j == i)
			continue;
		for (eq = i; eq < j && query[eq] != '='; eq++)
			;
		pairs[npairs].key = query_component(query + i, eq - i);
		pairs[npairs].value = eq < j ?
		    query_component(query + eq + 1, j - eq - 1) : xstrdup("");
		npairs++;
	}
	qsort(pairs, npairs, sizeof(*pairs), query_cmp);
	buf_puts(&b, "");
	for (i = 0; i < npairs; i++) {
		buf_printf(&b, "%s%s=%s", i > 0 ? "&" : "", pairs[i].key,
		    pairs[i].value);
		free(pairs[i].key);
		free(pairs[i].value);
	}
	free(pairs);
	out = buf_detach(&b, NULL);
	return out != NULL ? out : xstrdup("");
}

char *
sigv4_canonical_query(const char *query)
{
	return canonical_query_n(query, query != NULL ? strlen(query) : 0);
}

char *
sigv4_url_host(const char *url)
{
	CURLU		*u;
	char		*host = NULL, *port = NULL, *scheme = NULL, *out = NULL;

	if ((u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	/* Without CURLU_DEFAULT_PORT, a port is returned only if given. */
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	if (port != NULL &&
	    !((strcasecmp(scheme, "https") == 0 && strcmp(port, "443") == 0) ||
	    (strcasecmp(scheme, "http") == 0 && strcmp(port, "80") == 0)))
		out = xasprintf("%s:%s", host, port);
	else
		out = xstrdup(host);
 out:
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
	return out;
}

/* Lower-cased copy of a header name. */
static char *
lower_dup(const char *s)
{
	char	*d = xstrdup(s), *p;

	for (p = d; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Value trimmed, inner whitespace runs collapsed to one space. */
static char *
trim_value(const char *s)
{
	struct buf	 b;
	const char	*p;
	int		 space = 0;
	char		*out;

	buf_init(&b, 0);
	buf_puts(&b, "");
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	for (p = s; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			space = 1;
			continue;
		}
		if (space)
			buf_puts(&b, " ");
		space = 0;
		buf_append(&b, p, 1);
	}
	out = buf_detach(&b, NULL);
	return out != NULL ? out : xstrdup("");
}

static int
hdr_cmp(const void *a, const void *b)
{
	const struct canon_hdr	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

char *
sigv4_canonical_request(const char *method, const char *url,
    const struct http_header *headers, size_t nheaders,
    const char *payload_hash, int flags, char **signed_headers)
{
	struct canon_hdr	*h;
	struct buf		 b, sh;
	const char		*path, *query;
	size_t			 path_len, query_len, n = 0, i;
	char			*uri, *q, *out;

	split_url(url, &path, &path_len, &query, &query_len);
	uri = canonical_uri_n(path, path_len, flags);
	q = canonical_query_n(query, query_len);

	h = xreallocarray(NULL, nheaders + 1, sizeof(*h));
	for (i = 0; i < nheaders; i++) {
		if (strcasecmp(headers[i].name, "authorization") == 0)
			continue;
		h[n].name = lower_dup(headers[i].name);
		h[n].value = trim_value(headers[i].value != NULL ?
		    headers[i].value : "");
		h[n].idx = i;
		n++;
	}
	qsort(h, n, sizeof(*h), hdr_cmp);

	buf_init(&b, 0);
	buf_init(&sh, 0);
	buf_printf(&b, "%s\n%s\n%s\n", method, uri, q);
	buf_puts(&sh, "");
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
			buf_printf(&b, ",%s", h[i].value);
			continue;
		}
		buf_printf(&b, "%s%s:%s", i > 0 ? "\n" : "", h[i].name,
		    h[i].value);
		buf_printf(&sh, "%s%s", i > 0 ? ";" : "", h[i].name);
	}
	buf_printf(&b, "\n\n%s\n%s", sh.data, payload_hash);
	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
	free(uri);
	free(q);
	*signed_headers = buf_detach(&sh, NULL);
	out = buf_detach(&b, NULL);
	return out;
}

char *
sigv4_string_to_sign(const char *amz_date, const char *region,
    const char *service, const char *canonical_request)
{
	char	 hash[65];

	sha256_hex(canonical_request, strlen(canonical_request), hash);
	return xasprintf("%s\n%s\n%.8s/%s/%s/%s\n%s", SIGV4_ALGORITHM,
	    amz_date, amz_date, region, service, SIGV4_TERMINATOR, hash);
}

static int
hmac256(const void *key, size_t keylen, const char *msg, unsigned char *md,
    unsigned int *mdlen)
{
	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), md, mdlen) == NULL)
		return VGL_ERR_INTERNAL;
	return 0;
}

int
sigv4_signature(const char *secret_access_key, const char *datestamp,
    const char *region, const char *service, const char *string_to_sign,
    char out[65])
{
	static const char	 hexd[] = "0123456789abcdef";
	unsigned char		 k[EVP_MAX_MD_SIZE], sig[EVP_MAX_MD_SIZE];
	unsigned int		 klen = 0, siglen = 0, i;
	char			*secret;
	size_t			 secret_len;
	int			 r = VGL_ERR_INTERNAL;

	secret = xasprintf("AWS4%s", secret_access_key);
	secret_len = strlen(secret);
	if (hmac256(secret, secret_len, datestamp, k, &klen) != 0 ||
	    hmac256(k, klen, region, k, &klen) != 0 ||
	    hmac256(k, klen, service, k, &klen) != 0 ||
	    hmac256(k, klen, SIGV4_TERMINATOR, k, &klen) != 0 ||
	    hmac256(k, klen, string_to_sign, sig, &siglen) != 0)
		goto out;
	for (i = 0; i < siglen && i < 32; i++) {
		out[2 * i] = hexd[sig[i] >> 4];
		out[2 * i + 1] = hexd[sig[i] & 0x0f];
	}
	out[2 * i] = '\0';
	r = 0;
 out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(sig, sizeof(sig));
	freezero(secret, secret_len);
	return r;
}

int
sigv4_amz_date(time_t t, char out[17])
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		return VGL_ERR_INTERNAL;
	return 0;
}

static int
valid_amz_date(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return 0;
	for (i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static const struct http_header *
find_header(const struct http_header *h, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcasecmp(h[i].name, name) == 0)
			return &h[i];
	return NULL;
}

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

void
sigv4_result_release(struct sigv4_result *res)
{
	size_t	 i;

	if (res == NULL)
		return;
	free(res->canonical_request);
	free(res->string_to_sign);
	free(res->signed_headers);
	free(res->authorization);
	for (i = 0; i < res->nadd_headers; i++) {
		free(res->add_headers[i].name);
		freestr_secret(res->add_headers[i].value);
	}
	free(res->add_headers);
	memset(res, 0, sizeof(*res));
}

int
sigv4_sign(const struct sigv4_creds *creds, const char *region,
    const char *service, const char *method, const char *url,
    const struct http_header *headers, size_t nheaders, const void *body,
    size_t body_len, const char *amz_date, int flags,
    struct sigv4_result *out)
{
	struct sigv4_result	 res;
	struct http_header	*all = NULL, *add = NULL;
	const struct http_header *h;
	size_t			 nall = 0, nadd = 0, i;
	char			 datestamp[9];
	char			*host = NULL;
	int			 r = VGL_ERR_USAGE;

	memset(&res, 0, sizeof(res));
	memset(out, 0, sizeof(*out));
	if (creds == NULL || !nonempty(creds->access_key_id) ||
	    !nonempty(creds->secret_access_key) || !nonempty(region) ||
	    !nonempty(service) || !nonempty(method) || url == NULL ||
	    !valid_amz_date(amz_date) || (nheaders > 0 && headers == NULL))
		goto out;
	for (i = 0; i < nheaders; i++)
		if (headers[i].name == NULL || headers[i].value == NULL)
			goto out;
	if ((h = find_header(headers, nheaders, "x-amz-date")) != NULL &&
	    strcmp(h->value, amz_date) != 0)
		goto out;
	if ((h = find_header(headers, nheaders, "x-amz-security-token")) !=
	    NULL && nonempty(creds->session_token) &&
	    strcmp(h->value, creds->session_token) != 0)
		goto out;

	sha256_hex(body != NULL ? body : "", body != NULL ? body_len : 0,
	    res.payload_hash);

	/* Headers to sign: the caller's plus what SigV4 requires. */
	all = xreallocarray(NULL, nheaders + 4, sizeof(*all));
	add = xreallocarray(NULL, 3, sizeof(*add));
	for (i = 0; i < nheaders; i++)
		all[nall++] = headers[i];
	if (find_header(headers, nheaders, "host") == NULL) {
		if ((host = sigv4_url_host(url)) == NULL)
			goto out;
		all[nall].name = (char *)"host";
		all[nall++].value = host;
	}
	if (find_header(headers, nheaders, "x-amz-date") == NULL) {
		add[nadd].name = xstrdup("X-Amz-Date");
		add[nadd++].value = xstrdup(amz_date);
	}
	if (nonempty(creds->session_token) &&
	    find_header(headers, nheaders, "x-amz-security-token") == NULL) {
		add[nadd].name = xstrdup("X-Amz-Security-Token");
		add[nadd++].value = xstrdup(creds->session_token);
	}
	if ((flags & SIGV4_CONTENT_SHA256) &&
	    find_header(headers, nheaders, "x-amz-content-sha256") == NULL) {
		add[nadd].name = xstrdup("X-Amz-Content-Sha256");
		add[nadd++].value = xstrdup(res.payload_hash);
	}
	for (i = 0; i < nadd; i++)
		all[nall++] = add[i];
	res.add_headers = add;
	res.nadd_headers = nadd;
	add = NULL;

	res.canonical_request = sigv4_canonical_request(method, url, all, nall,
	    res.payload_hash, flags, &res.signed_headers);
	res.string_to_sign = sigv4_string_to_sign(amz_date, region, service,
	    res.canonical_request);
	memcpy(datestamp, amz_date, 8);
	datestamp[8] = '\0';
	if ((r = sigv4_signature(creds->secret_access_key, datestamp, region,
	    service, res.string_to_sign, res.signature)) != 0)
		goto out;
	res.authorization = xasprintf("%s Credential=%s/%s/%s/%s/%s, "
	    "SignedHeaders=%s, Signature=%s", SIGV4_ALGORITHM,
	    creds->access_key_id, datestamp, region, service, SIGV4_TERMINATOR,
	    res.signed_headers, res.signature);
	*out = res;
	memset(&res, 0, sizeof(res));	/* transferred */
	r = 0;
 out:
	sigv4_result_release(&res);
	free(add);
	free(all);
	free(host);
	return r;
}

int
sigv4_prepare_at(struct http_req *req, const struct sigv4_signer *s,
    time_t now)
{
	struct sigv4_result	 res;
	char			 amz_date[17];
	char			 hash[65];
	int			 r;

	if (req == NULL || s == NULL)
		return VGL_ERR_USAGE;
	if ((r = sigv4_amz_date(now, amz_date)) != 0)
		return r;
	http_req_set_header(req, "X-Amz-Date", amz_date);
	if (nonempty(s->creds.session_token))
		http_req_set_header(req, "X-Amz-Security-Token",
		    s->creds.session_token);
	if (s->flags & SIGV4_CONTENT_SHA256) {
		sha256_hex(req->body != NULL ? req->body : "",
		    req->body != NULL ? req->body_len : 0, hash);
		http_req_set_header(req, "X-Amz-Content-Sha256", hash);
	}
	if ((r = sigv4_sign(&s->creds, s->region, s->service, req->method,
	    req->url, req->headers, req->nheaders, req->body, req->body_len,
	    amz_date, s->flags, &res)) != 0)
		return r;
	http_req_set_header(req, "Authorization", res.authorization);
	sigv4_result_release(&res);
	return 0;
}

int
sigv4_prepare(struct http_req *req, void *arg)
{
	return sigv4_prepare_at(req, arg, time(NULL));
}
