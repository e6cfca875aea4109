/*
 * test-http.c: unit tests for http.c: the pure helpers (backoff,
 * Retry-After, secret headers, insecure URLs), replay from a hand-written
 * recording, and live behaviour (retries, timeouts, deadline, size limit,
 * recording then replay) against a scripted in-process HTTP server.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "vigil.h"
#include "xmalloc.h"

#include "tap.h"

/* Scripted test server. */

struct canned {
	int		 status;
	const char	*headers;	/* extra lines, each ending "\r\n" */
	const char	*body;
	size_t		 body_len;	/* 0: strlen(body) */
	int		 hang;		/* read the request, never answer */
	int		 no_length;	/* body until close */
};

struct server {
	int			 lfd;
	int			 port;
	const struct canned	*script;
	size_t			 nscript;
	size_t			 next;
	atomic_int		 stop;
	SSL_CTX			*tls;	/* serve TLS when set */
	pthread_t		 th;
	pthread_mutex_t		 mtx;
	struct buf		 seen;	/* requests received, concatenated */
};

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for fd to be readable, checking stop; 1 readable, 0 stopped. */
static int
wait_readable(struct server *s, int fd)
{
	struct pollfd	 p;

	for (;;) {
		if (atomic_load(&s->stop))
			return 0;
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, 50) > 0)
			return 1;
	}
}

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void
serve_conn(struct server *s, int fd)
{
	const struct canned	*c = NULL;
	struct buf		 req, out;
	char			 tmp[4096], *end, *cl;
	ssize_t			 n;
	size_t			 want = 0, blen;

	buf_init(&req, 0);
	/* Read headers, then Content-Length bytes of body. */
	for (;;) {
		if (!wait_readable(s, fd))
			goto out;
		if ((n = recv(fd, tmp, sizeof(tmp), 0)) <= 0)
			goto out;
		buf_append(&req, tmp, (size_t)n);
		if ((end = strstr(req.data, "\r\n\r\n")) == NULL)
			continue;
		cl = strcasestr(req.data, "\r\nContent-Length:");
		if (cl != NULL && cl < end)
			want = strtoul(cl + 17, NULL, 10);
		if (req.len >= (size_t)(end + 4 - req.data) + want)
			break;
	}
	pthread_mutex_lock(&s->mtx);
	buf_append(&s->seen, req.data, req.len);
	if (s->next < s->nscript)
		c = &s->script[s->next++];
	pthread_mutex_unlock(&s->mtx);
	if (c == NULL) {
		static const char unscripted[] = "HTTP/1.1 599 Unscripted\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n";

		write_all(fd, unscripted, strlen(unscripted));
		goto out;
	}
	if (c->hang) {
		/* Never answer: wait until the client gives up. */
		while (wait_readable(s, fd)) {
			if (recv(fd, tmp, sizeof(tmp), 0) <= 0)
				break;
		}
		goto out;
	}
	blen = c->body_len > 0 ? c->body_len : strlen(c->body);
	buf_init(&out, 0);
	buf_printf(&out, "HTTP/1.1 %d Scripted\r\n", c->status);
	if (!c->no_length)
		buf_printf(&out, "Content-Length: %zu\r\n", blen);
	buf_printf(&out, "Connection: close\r\n%s\r\n",
	    c->headers != NULL ? c->headers : "");
	buf_append(&out, c->body, blen);
	write_all(fd, out.data, out.len);
	buf_release(&out);
 out:
	buf_release(&req);
	close(fd);
}

/* TLS: one canned 200 per connection. */
static void
serve_tls(struct server *s, int fd)
{
	static const char	 resp[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 6\r\nConnection: close\r\n\r\nsecure";
	struct timeval		 tv = { 2, 0 };
	SSL			*ssl;
	char			 tmp[4096];
	size_t			 len = 0;
	int			 n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((ssl = SSL_new(s->tls)) == NULL)
		goto out;
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) != 1)
		goto out;
	while (len < sizeof(tmp) - 1) {
		if ((n = SSL_read(ssl, tmp + len, (int)(sizeof(tmp) - 1 -
		    len))) <= 0)
			goto out;
		len += (size_t)n;
		tmp[len] = '\0';
		if (strstr(tmp, "\r\n\r\n") != NULL)
			break;
	}
	SSL_write(ssl, resp, (int)strlen(resp));
	SSL_shutdown(ssl);
 out:
	SSL_free(ssl);
	ERR_clear_error();
	close(fd);
}

static void *
server_main(void *arg)
{
	struct server	*s = arg;
	int		 fd;

	while (wait_readable(s, s->lfd)) {
		if ((fd = accept(s->lfd, NULL, NULL)) == -1)
			continue;
		if (s->tls != NULL)
			serve_tls(s, fd);
		else
			serve_conn(s, fd);
	}
	return NULL;
}

static struct server *
server_start_tls(const struct canned *script, size_t n, SSL_CTX *tls)
{
	struct server		*s;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 one = 1;

	s = xcalloc(1, sizeof(*s));
	s->script = script;
	s->nscript = n;
	s->tls = tls;
	atomic_init(&s->stop, 0);
	pthread_mutex_init(&s->mtx, NULL);
	buf_init(&s->seen, 0);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s->lfd, 16) == -1 ||
	    getsockname(s->lfd, (struct sockaddr *)&sin, &len) == -1) {
		perror("test server");
		exit(1);
	}
	s->port = ntohs(sin.sin_port);
	pthread_create(&s->th, NULL, server_main, s);
	return s;
}

static struct server *
server_start(const struct canned *script, size_t n)
{
	return server_start_tls(script, n, NULL);
}

static void
server_stop(struct server *s)
{
	if (s == NULL)
		return;
	atomic_store(&s->stop, 1);
	pthread_join(s->th, NULL);
	close(s->lfd);
	buf_release(&s->seen);
	pthread_mutex_destroy(&s->mtx);
	free(s);
}

static char *
url_for(const struct server *s, const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", s->port, path);
}

/* Options fit for fast tests. */
static void
fast_opts(struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->source = "test";
	o->timeout_s = 5;
	o->deadline_s = 30;
	o->backoff_base_s = 0.01;
	o->backoff_cap_s = 0.05;
	o->max_retries = 3;
}

static int
contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
rm_rf(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void
write_text(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* Pure helpers. */

static void
test_backoff(void)
{
	static const struct {
		int	 attempt;
		double	 r;
		double	 want;
	} t[] = {
		{ 0, 1.0, 0.5 }, { 1, 1.0, 1.0 }, { 2, 1.0, 2.0 },
		{ 3, 1.0, 4.0 }, { 4, 1.0, 8.0 }, { 5, 1.0, 16.0 },
		{ 6, 1.0, 20.0 }, { 40, 1.0, 20.0 },
		{ 0, 0.5, 0.25 }, { 1, 0.5, 0.5 }, { 2, 0.5, 1.0 },
		{ 3, 0.5, 2.0 }, { 4, 0.5, 4.0 }, { 5, 0.5, 8.0 },
		{ 6, 0.5, 10.0 }, { 3, 0.0, 0.0 },
	};
	size_t	 i;
	double	 got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = http_backoff(t[i].attempt, 0.5, 20, t[i].r);
		ok(got > t[i].want - 1e-9 && got < t[i].want + 1e-9,
		    "http_backoff(%d, 0.5, 20, %.1f) = %g (want %g)",
		    t[i].attempt, t[i].r, got, t[i].want);
	}
}

static void
test_retry_after(void)
{
	/* Sun, 06 Nov 1994 08:49:37 GMT */
	const long long	 now = 784111777LL;
	static const struct {
		const char	*in;
		double		 want;
	} t[] = {
		{ "0", 0 },
		{ "5", 5 },
		{ " 7 ", 7 },
		{ "120", 120 },
		{ "Sun, 06 Nov 1994 08:50:37 GMT", 60 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 0 },
		{ "Sun, 06 Nov 1994 07:00:00 GMT", 0 },
		{ "soon", -1 },
		{ "-3", -1 },
		{ "5s", -1 },
		{ "", -1 },
		{ "   ", -1 },
	};
	size_t	 i;
	double	 got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = http_parse_retry_after(t[i].in, now);
		ok(got > t[i].want - 1e-9 && got < t[i].want + 1e-9,
		    "http_parse_retry_after('%s') = %g (want %g)", t[i].in,
		    got, t[i].want);
	}
	ok(http_parse_retry_after(NULL, now) == -1,
	    "http_parse_retry_after(NULL) = -1");
}

static void
test_secret_headers(void)
{
	static const struct {
		const char	*name;
		int		 want;
	} t[] = {
		{ "Authorization", 1 },
		{ "authorization", 1 },
		{ "Proxy-Authorization", 1 },
		{ "X-Amz-Security-Token", 1 },
		{ "Cookie", 1 },
		{ "Set-Cookie", 1 },
		{ "X-Api-Key", 1 },
		{ "X-Auth-Token", 1 },
		{ "X-Goog-Signature", 1 },
		{ "X-Client-Secret", 1 },
		{ "X-Password", 1 },
		{ "Content-Type", 0 },
		{ "Accept", 0 },
		{ "X-Amz-Date", 0 },
		{ "User-Agent", 0 },
		{ "Retry-After", 0 },
		{ "Keep-Alive", 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(http_header_is_secret(t[i].name), t[i].want,
		    "http_header_is_secret('%s')", t[i].name);
}

static void
test_url_insecure(void)
{
	static const struct {
		const char	*url;
		int		 want;
	} t[] = {
		{ "http://127.0.0.1:8080/x", 0 },
		{ "http://127.5.6.7/", 0 },
		{ "http://localhost/", 0 },
		{ "http://LOCALHOST:9/a", 0 },
		{ "http://[::1]:9/", 0 },
		{ "http://example.com/", 1 },
		{ "HTTP://example.com/", 1 },
		{ "https://example.com", 0 },
		{ "http://127.0.0.1.evil.com/", 1 },
		{ "http://localhost.evil.com/", 1 },
		{ "http://127.mail.example.com/", 1 },
		{ "http://localhost./", 1 },
		{ "http://mail.localhost/", 1 },
		{ "http://[::ffff:127.0.0.1]/", 1 },
		{ "http://10.0.0.1/", 1 },
		{ "http://[::2]/", 1 },
		{ "http://user:pw@127.0.0.1/", 0 },
		{ "http://127.0.0.1@example.com/", 1 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(http_url_insecure(t[i].url), t[i].want,
		    "http_url_insecure('%s')", t[i].url);
}

static void
test_escape(void)
{
	char	*e;

	e = http_escape("aZ09-._~ /?&=+%:\xc3\xa9");
	is_str(e, "aZ09-._~%20%2F%3F%26%3D%2B%25%3A%C3%A9",
	    "http_escape keeps the unreserved characters, encodes the rest");
	free(e);
	e = http_escape("");
	is_str(e, "", "http_escape of \"\" is \"\"");
	free(e);
}

static void
test_req_headers(void)
{
	struct http_req	*req;

	req = http_req_new("GET", "https://example.com/");
	http_req_set_header(req, "Accept", "text/plain");
	http_req_set_header(req, "accept", "application/json");
	http_req_set_header(req, "X-One", "1");
	is_int(req->nheaders, 2, "set_header replaces case-insensitively");
	is_str(req->headers[0].value, "application/json",
	    "set_header replaced the value");
	http_req_set_body(req, "abc", 3);
	is_int(req->body_len, 3, "set_body length");
	ok(memcmp(req->body, "abc", 3) == 0, "set_body content");
	http_req_free(req);
}

/* Replay from a hand-written recording. */

#define ITEMS_URL "https://api.example.com/v1/items"

static const char rec1[] =
    "{\"method\": \"GET\", \"url\": \"https://api.example.com/v1/items\",\n"
    " \"request_headers\": {\"Accept\": \"application/json\"},\n"
    " \"request_body\": null, \"status\": 200,\n"
    " \"response_headers\": {\"Content-Type\": \"application/json\",\n"
    "   \"Link\": [\"<a>\", \"<b>\"]},\n"
    " \"body\": \"{\\\"a\\\": 1}\",\n"
    " \"captured_at\": \"2024-05-01T12:00:00Z\"}\n";
static const char rec2[] =
    "{\"method\": \"GET\", \"url\": \"https://api.example.com/v1/page\",\n"
    " \"request_headers\": {}, \"request_body\": null, \"status\": 200,\n"
    " \"response_headers\": {}, \"body\": \"first\"}\n";
static const char rec3[] =
    "{\"method\": \"GET\", \"url\": \"https://api.example.com/v1/page\",\n"
    " \"request_headers\": {}, \"request_body\": null, \"status\": 404,\n"
    " \"response_headers\": {}, \"body\": \"second\"}\n";
static const char rec4[] =
    "{\"method\": \"POST\", \"url\": \"https://api.example.com/v1/q\",\n"
    " \"request_headers\": {}, \"request_body\": \"q=1\", \"status\": 201,\n"
    " \"response_headers\": {}, \"body\": \"posted\"}\n";
static const char rec5[] =
    "{\"method\": \"GET\", \"url\": \"https://api.example.com/v1/bin\",\n"
    " \"request_headers\": {}, \"request_body\": null, \"status\": 200,\n"
    " \"response_headers\": {}, \"body_base64\": \"AAEC/w==\"}\n";
static const char meta[] = "{\"captured_at\": \"2024-05-01T12:00:00Z\"}\n";

static int
replay_get(struct http_client *c, const char *method, const char *url,
    const char *body, struct http_req **out)
{
	struct http_req	*req;
	int		 r;

	req = http_req_new(method, url);
	if (body != NULL)
		http_req_set_body(req, body, strlen(body));
	r = http_do(c, req);
	*out = req;
	return r;
}

static void
test_replay(void)
{
	static const struct {
		const char	*name;
		const char	*text;
	} files[] = {
		{ "000001.json", rec1 }, { "000002.json", rec2 },
		{ "000003.json", rec3 }, { "000004.json", rec4 },
		{ "000005.json", rec5 }, { "meta.json", meta },
	};
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req, *reqs[2];
	char			 tmpl[] = "/tmp/vigil-http-test-XXXXXX";
	char			*dir, *p;
	size_t			 i;
	int			 r;

	if ((dir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	p = xasprintf("%s/test", dir);
	mkdir(p, 0700);
	free(p);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		p = xasprintf("%s/test/%s", dir, files[i].name);
		write_text(p, files[i].text);
		free(p);
	}

	fast_opts(&o);
	o.replay_dir = dir;
	c = http_client_new(&o);
	is_int(http_client_replay_time(c), 1714564800LL,
	    "replay time from meta.json");

	r = replay_get(c, "GET", ITEMS_URL, NULL, &req);
	is_int(r, 0, "replay: recorded GET succeeds");
	is_int(req->status, 200, "replay: status");
	is_str(req->resp.data, "{\"a\": 1}", "replay: body");
	is_str(http_resp_header(req, "content-type"), "application/json",
	    "replay: response header, case-insensitive");
	is_int(req->nresp_headers, 3, "replay: repeated header as array");
	is_str(req->effective_url, "https://api.example.com/v1/items",
	    "replay: effective_url");
	http_req_free(req);

	r = replay_get(c, "GET", ITEMS_URL, NULL, &req);
	is_int(r, VGL_ERR_REPLAY, "replay: an exchange is used only once");
	http_req_free(req);

	reqs[0] = http_req_new("GET", "https://api.example.com/v1/page");
	reqs[1] = http_req_new("GET", "https://api.example.com/v1/page");
	r = http_do_all(c, reqs, 2);
	is_int(r, 0, "replay: http_do_all");
	is_str(reqs[0]->resp.data, "first", "replay: same URL, first in order");
	is_str(reqs[1]->resp.data, "second",
	    "replay: same URL, second in order");
	is_int(reqs[1]->status, 404, "replay: recorded 404 comes back");
	http_req_free(reqs[0]);
	http_req_free(reqs[1]);

	r = replay_get(c, "GET", "https://api.example.com/v1/other", NULL,
	    &req);
	is_int(r, VGL_ERR_REPLAY, "replay: unrecorded URL fails");
	is_int(req->result, VGL_ERR_REPLAY, "replay: req->result set");
	ok(contains(req->error, "no recorded response for GET "
	    "https://api.example.com/v1/other in ") &&
	    contains(req->error, dir), "replay: error says what is missing: %s",
	    req->error ? req->error : "(null)");
	http_req_free(req);

	r = replay_get(c, "POST", "https://api.example.com/v1/q", "q=2", &req);
	is_int(r, VGL_ERR_REPLAY, "replay: different body does not match");
	http_req_free(req);
	r = replay_get(c, "GET", "https://api.example.com/v1/q", "q=1", &req);
	is_int(r, VGL_ERR_REPLAY, "replay: different method does not match");
	http_req_free(req);
	r = replay_get(c, "POST", "https://api.example.com/v1/q", "q=1", &req);
	is_int(r, 0, "replay: POST with the same body matches");
	is_int(req->status, 201, "replay: POST status");
	is_str(req->resp.data, "posted", "replay: POST body");
	http_req_free(req);

	r = replay_get(c, "GET", "https://api.example.com/v1/bin", NULL, &req);
	is_int(r, 0, "replay: base64 body");
	ok(req->resp.len == 4 && memcmp(req->resp.data, "\0\1\2\377", 4) == 0,
	    "replay: base64 body decoded (len %zu)", req->resp.len);
	http_req_free(req);

	r = replay_get(c, "GET", "http://example.com/", NULL, &req);
	is_int(r, VGL_ERR_POLICY, "replay: insecure URL still refused");
	http_req_free(req);

	is_int(http_client_requests(c), 9, "replay: requests counted");
	http_client_free(c);

	/* A source without a recording fails at the first request. */
	o.source = "absent";
	c = http_client_new(&o);
	r = replay_get(c, "GET", ITEMS_URL, NULL, &req);
	is_int(r, VGL_ERR_REPLAY, "replay: missing source directory");
	ok(contains(req->error, "absent"), "replay: error names the source: %s",
	    req->error ? req->error : "(null)");
	is_int(http_client_replay_time(c), 0, "replay: no meta.json, time 0");
	http_req_free(req);
	http_client_free(c);

	/* A broken file is reported. */
	p = xasprintf("%s/test/000006.json", dir);
	write_text(p, "{\"method\": \"GET\"");
	free(p);
	o.source = "test";
	c = http_client_new(&o);
	r = replay_get(c, "GET", ITEMS_URL, NULL, &req);
	is_int(r, VGL_ERR_PARSE, "replay: broken recording file");
	ok(contains(req->error, "000006.json"),
	    "replay: error names the file: %s", req->error ? req->error :
	    "(null)");
	http_req_free(req);
	http_client_free(c);

	rm_rf(dir);
}

/* Live tests against the scripted server. */

static int prepare_calls;

static int
prepare_cb(struct http_req *req, void *arg)
{
	char	 v[16];

	prepare_calls++;
	snprintf(v, sizeof(v), "%d", prepare_calls);
	http_req_set_header(req, "X-Attempt", v);
	return 0;
}

static int
throttle_cb(const struct http_req *req, void *arg)
{
	return strstr(req->resp.data, "Throttling") != NULL;
}

static void
test_retry_after_live(void)
{
	static const struct canned script[] = {
		{ 429, "Retry-After: 1\r\n", "slow down", 0, 0, 0 },
		{ 200, "X-Test: yes\r\n", "hello", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url;
	double			 t0, el;
	int			 r;

	s = server_start(script, 2);
	fast_opts(&o);
	c = http_client_new(&o);
	url = url_for(s, "/a");
	req = http_req_new("GET", url);
	req->prepare = prepare_cb;
	prepare_calls = 0;
	t0 = now_s();
	r = http_do(c, req);
	el = now_s() - t0;
	is_int(r, 0, "429 then 200: success");
	is_int(req->status, 200, "429 then 200: final status");
	is_str(req->resp.data, "hello", "429 then 200: body of final response");
	is_int(req->attempts, 2, "429 then 200: two attempts");
	ok(el >= 1.0 && el < 4.0, "Retry-After: 1 honoured (%.2f s)", el);
	is_str(http_resp_header(req, "X-Test"), "yes",
	    "headers are the final response's");
	ok(http_resp_header(req, "Retry-After") == NULL,
	    "headers of the retried response are gone");
	is_int(prepare_calls, 2, "prepare called before every attempt");
	is_int(http_client_requests(c), 2, "every attempt counted");
	is_str(req->effective_url, url, "effective_url recorded");
	pthread_mutex_lock(&s->mtx);
	ok(contains(s->seen.data, "X-Attempt: 2"),
	    "header set by prepare was sent");
	pthread_mutex_unlock(&s->mtx);
	free(url);
	http_req_free(req);
	http_client_free(c);
	server_stop(s);
}

static void
test_5xx_exhausted(void)
{
	static const struct canned script[] = {
		{ 500, NULL, "boom", 0, 0, 0 },
		{ 503, NULL, "boom", 0, 0, 0 },
		{ 500, NULL, "boom", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url;
	int			 r;

	s = server_start(script, 3);
	fast_opts(&o);
	o.max_retries = 2;
	c = http_client_new(&o);
	url = url_for(s, "/fail");
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, VGL_ERR_HTTP, "5xx x3 with max_retries 2: failure");
	is_int(req->result, VGL_ERR_HTTP, "5xx: req->result");
	is_int(req->attempts, 3, "5xx: 1 + max_retries attempts");
	is_int(req->status, 500, "5xx: last status kept");
	ok(contains(req->error, "HTTP 500 after 3 attempts: GET ") &&
	    contains(req->error, "/fail"), "5xx: error text: %s",
	    req->error ? req->error : "(null)");
	free(url);
	http_req_free(req);
	http_client_free(c);
	server_stop(s);
}

static void
test_no_retry(void)
{
	static const struct canned script[] = {
		{ 404, NULL, "nope", 0, 0, 0 },
		{ 400, NULL, "Throttling", 0, 0, 0 },
		{ 200, NULL, "ok", 0, 0, 0 },
		{ 500, NULL, "once", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url;
	int			 r;

	s = server_start(script, 4);
	fast_opts(&o);
	c = http_client_new(&o);
	url = url_for(s, "/x");
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, 0, "404: a response, not an error");
	is_int(req->status, 404, "404: status");
	is_int(req->attempts, 1, "404: not retried");
	ok(req->error == NULL, "404: no error text");

	req->retry = throttle_cb;
	r = http_do(c, req);
	is_int(r, 0, "400 Throttling with retry cb: retried to success");
	is_int(req->status, 200, "retry cb: final status");
	is_int(req->attempts, 2, "retry cb: two attempts");
	http_req_free(req);
	http_client_free(c);

	o.max_retries = -1;
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, VGL_ERR_HTTP, "max_retries -1: 500 fails at once");
	is_int(req->attempts, 1, "max_retries -1: one attempt");
	ok(contains(req->error, "HTTP 500 after 1 attempt: "),
	    "max_retries -1: error: %s", req->error ? req->error : "(null)");
	free(url);
	http_req_free(req);
	http_client_free(c);
	server_stop(s);
}

static void
test_timeout(void)
{
	static const struct canned script[] = {
		{ 0, NULL, NULL, 0, 1, 0 },
		{ 0, NULL, NULL, 0, 1, 0 },
		{ 0, NULL, NULL, 0, 1, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url;
	double			 t0, el;
	int			 r;

	s = server_start(script, 3);
	fast_opts(&o);
	o.timeout_s = 0.5;
	o.max_retries = 1;
	c = http_client_new(&o);
	url = url_for(s, "/hang");
	req = http_req_new("GET", url);
	t0 = now_s();
	r = http_do(c, req);
	el = now_s() - t0;
	is_int(r, VGL_ERR_TIMEOUT, "silent server: timeout");
	is_int(req->attempts, 2, "timeout: retried once");
	is_int(req->status, 0, "timeout: no status");
	ok(el >= 0.9 && el < 3.0, "timeout: about 2 x 0.5 s (%.2f s)", el);
	ok(contains(req->error, "timed out after ") &&
	    contains(req->error, "(2 attempts): GET "),
	    "timeout: error text: %s", req->error ? req->error : "(null)");
	http_req_free(req);
	http_client_free(c);

	/* The deadline cuts a long per-attempt timeout short. */
	fast_opts(&o);
	o.deadline_s = 0.4;
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	t0 = now_s();
	r = http_do(c, req);
	el = now_s() - t0;
	is_int(r, VGL_ERR_DEADLINE, "deadline: exceeded");
	ok(el < 2.0, "deadline: stopped at the deadline (%.2f s)", el);
	ok(contains(req->error, "deadline"), "deadline: error text: %s",
	    req->error ? req->error : "(null)");
	http_req_free(req);

	/* After the deadline nothing more is sent. */
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, VGL_ERR_DEADLINE, "deadline: later requests fail at once");
	is_int(req->attempts, 0, "deadline: no attempt made");
	free(url);
	http_req_free(req);
	http_client_free(c);
	server_stop(s);
}

static void
test_retry_after_past_deadline(void)
{
	static const struct canned script[] = {
		{ 503, "Retry-After: 60\r\n", "later", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url;
	double			 t0, el;
	int			 r;

	s = server_start(script, 1);
	fast_opts(&o);
	o.deadline_s = 3;
	c = http_client_new(&o);
	url = url_for(s, "/later");
	req = http_req_new("GET", url);
	t0 = now_s();
	r = http_do(c, req);
	el = now_s() - t0;
	is_int(r, VGL_ERR_DEADLINE, "Retry-After past the deadline: fails");
	ok(el < 1.0, "Retry-After past the deadline: no sleep (%.2f s)", el);
	ok(contains(req->error, "Retry-After of 60 s"),
	    "Retry-After past the deadline: error: %s",
	    req->error ? req->error : "(null)");
	free(url);
	http_req_free(req);
	http_client_free(c);
	server_stop(s);
}

static void
test_toobig(void)
{
	static char big[5000];
	static const struct canned script[] = {
		{ 200, NULL, big, 0, 0, 0 },
		{ 200, NULL, big, 0, 0, 1 },
		{ 200, NULL, "small", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url;
	int			 r, i;

	memset(big, 'x', sizeof(big) - 1);
	s = server_start(script, 3);
	fast_opts(&o);
	o.max_body = 1000;
	c = http_client_new(&o);
	url = url_for(s, "/big");
	for (i = 0; i < 2; i++) {
		req = http_req_new("GET", url);
		r = http_do(c, req);
		is_int(r, VGL_ERR_TOOBIG, "oversize body (%s): too big",
		    i == 0 ? "Content-Length" : "until close");
		is_int(req->attempts, 1, "oversize body: not retried");
		ok(contains(req->error, "response larger than 1000 bytes"),
		    "oversize body: error: %s", req->error ? req->error :
		    "(null)");
		http_req_free(req);
	}
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, 0, "small body after big ones");
	is_str(req->resp.data, "small", "small body content");
	free(url);
	http_req_free(req);
	http_client_free(c);
	server_stop(s);
}

static void
test_refused_and_policy(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url;
	int			 fd, r;

	/* A port nobody listens on: bind, read it, close. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd);
	url = xasprintf("http://127.0.0.1:%d/x", ntohs(sin.sin_port));

	fast_opts(&o);
	o.max_retries = 1;
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, VGL_ERR_HTTP, "connection refused: error");
	is_int(req->attempts, 2, "connection refused: retried");
	ok(contains(req->error, "connection refused after 2 attempts: GET ") &&
	    contains(req->error, url), "connection refused: error: %s",
	    req->error ? req->error : "(null)");
	http_req_free(req);

	req = http_req_new("GET", "http://example.com/");
	r = http_do(c, req);
	is_int(r, VGL_ERR_POLICY, "http:// to a remote host refused");
	is_int(req->attempts, 0, "http:// remote: nothing sent");
	ok(contains(req->error, "loopback"), "http:// remote: error: %s",
	    req->error ? req->error : "(null)");
	is_int(http_client_requests(c), 2, "refused: attempts counted");
	http_req_free(req);
	http_client_free(c);

	o.ca_file = "/nonexistent/ca.pem";
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, VGL_ERR_IO, "unreadable ca_file: error");
	ok(contains(req->error, "ca_file"), "unreadable ca_file: error: %s",
	    req->error ? req->error : "(null)");
	http_req_free(req);
	http_client_free(c);
	free(url);
}

/*
 * A rate group paces its own requests and no others: 3 grouped requests
 * at 5 per second take at least 0.4 s, while an ungrouped one is not held
 * back behind them.
 */
static void
test_rate_group(void)
{
	static const struct canned script[] = {
		{ 200, NULL, "g", 0, 0, 0 },
		{ 200, NULL, "g", 0, 0, 0 },
		{ 200, NULL, "g", 0, 0, 0 },
		{ 200, NULL, "g", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*reqs[4];
	char			*url;
	double			 t0, el, el_free;
	int			 r, i;

	s = server_start(script, 4);
	fast_opts(&o);
	o.max_concurrency = 4;
	c = http_client_new(&o);
	http_client_set_rate(c, "route53", 5);
	http_client_set_rate(c, "route53", 5);	/* replaces, no new group */
	url = url_for(s, "/g");
	for (i = 0; i < 4; i++) {
		reqs[i] = http_req_new("GET", url);
		if (i < 3)
			reqs[i]->rate_group = "route53";
	}
	t0 = now_s();
	r = http_do_all(c, reqs, 4);
	el = now_s() - t0;
	is_int(r, 0, "rate group: all succeed");
	ok(el >= 0.39, "rate group: 3 grouped starts at 5/s take >= 0.4 s "
	    "(%.2f s)", el);
	ok(el < 2.0, "rate group: no busy wait or stall (%.2f s)", el);
	for (i = 0; i < 4; i++)
		http_req_free(reqs[i]);
	/* Without a group, the same client is not paced. */
	reqs[0] = http_req_new("GET", url);
	t0 = now_s();
	http_do(c, reqs[0]);
	el_free = now_s() - t0;
	http_req_free(reqs[0]);
	ok(el_free < 0.2, "rate group: an ungrouped request goes at once "
	    "(%.2f s)", el_free);
	free(url);
	http_client_free(c);
	server_stop(s);
}

/*
 * A rate group that reads bucket headers: a request whose route, or a
 * route of the same bucket id, was told Remaining: 0 waits for the reset
 * (other routes do not), and one whose reset is beyond the deadline fails
 * at once with VGL_ERR_DEADLINE instead of being sent.
 */
static void
test_rate_buckets(void)
{
	static const struct canned script[] = {
		{ 200, "X-RateLimit-Bucket: abc\r\nX-RateLimit-Remaining: 4\r\n"
		    "X-RateLimit-Reset-After: 1\r\n", "b", 0, 0, 0 },
		{ 200, "X-RateLimit-Bucket: abc\r\nX-RateLimit-Remaining: 0\r\n"
		    "X-RateLimit-Reset-After: 0.5\r\n", "a", 0, 0, 0 },
		{ 200, NULL, "c", 0, 0, 0 },
		{ 200, NULL, "b", 0, 0, 0 },
		{ 200, "X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset-After: "
		    "100\r\n", "a", 0, 0, 0 },
		{ 200, NULL, "never", 0, 0, 0 },
	};
	static const char *const routes[] = { "b", "a", "c", "b", "a", "a" };
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*q[6];
	char			*url;
	double			 t0, el[6];
	int			 i;

	s = server_start(script, 6);
	fast_opts(&o);
	c = http_client_new(&o);
	http_client_set_rate_buckets(c, "bot");
	url = url_for(s, "/r");
	for (i = 0; i < 6; i++) {
		q[i] = http_req_new("GET", url);
		q[i]->rate_group = "bot";
		q[i]->rate_route = routes[i];
		t0 = now_s();
		http_do(c, q[i]);
		el[i] = now_s() - t0;
	}
	is_int(q[1]->status, 200, "buckets: the exhausting reply arrives");
	ok(el[2] < 0.3, "buckets: another route is not held back (%.2f s)",
	    el[2]);
	ok(el[3] >= 0.3 && q[3]->status == 200, "buckets: a route of the "
	    "same bucket id waits for the reset (%.2f s)", el[3]);
	ok(el[4] < 0.3 && q[4]->status == 200, "buckets: after the reset "
	    "the route goes at once (%.2f s)", el[4]);
	is_int(q[5]->result, VGL_ERR_DEADLINE, "buckets: a reset beyond the "
	    "deadline fails the request");
	ok(q[5]->status == 0 && el[5] < 0.3 && contains(q[5]->error,
	    "bucket of a resets in"), "buckets: ... at once, unsent, saying "
	    "why (%s)", q[5]->error != NULL ? q[5]->error : "");
	for (i = 0; i < 6; i++)
		http_req_free(q[i]);
	free(url);
	http_client_free(c);
	server_stop(s);
}

static void
test_concurrent(void)
{
	static const struct canned script[] = {
		{ 200, NULL, "same", 0, 0, 0 },
		{ 200, NULL, "same", 0, 0, 0 },
		{ 200, NULL, "same", 0, 0, 0 },
		{ 200, NULL, "same", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*reqs[4];
	char			*url;
	double			 t0, el;
	int			 r, i, good = 0;

	s = server_start(script, 4);
	fast_opts(&o);
	o.max_concurrency = 2;
	o.rate_limit_rps = 10;
	c = http_client_new(&o);
	url = url_for(s, "/c");
	for (i = 0; i < 4; i++)
		reqs[i] = http_req_new("GET", url);
	t0 = now_s();
	r = http_do_all(c, reqs, 4);
	el = now_s() - t0;
	is_int(r, 0, "http_do_all: all succeed");
	for (i = 0; i < 4; i++) {
		if (reqs[i]->status == 200 &&
		    strcmp(reqs[i]->resp.data, "same") == 0)
			good++;
		http_req_free(reqs[i]);
	}
	is_int(good, 4, "http_do_all: every request has its response");
	ok(el >= 0.29, "rate limit 10 rps spaces 4 starts (%.2f s)", el);
	is_int(http_client_requests(c), 4, "http_do_all: requests counted");
	free(url);
	http_client_free(c);
	server_stop(s);
}

static void
test_redirect(void)
{
	static const struct canned script[] = {
		{ 302, "Location: /b\r\nX-Hop: 1\r\n", "moved", 0, 0, 0 },
		{ 200, "X-Final: 1\r\n", "landed", 0, 0, 0 },
		{ 302, "Location: /b\r\n", "moved", 0, 0, 0 },
		{ 302, "Location: http://example.com/x\r\n", "moved", 0, 0,
		    0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	char			*url, *url_b;
	int			 r;

	s = server_start(script, 4);
	fast_opts(&o);
	o.follow_https_redirects = 1;
	c = http_client_new(&o);
	url = url_for(s, "/a");
	url_b = url_for(s, "/b");
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, 0, "redirect: followed");
	is_int(req->status, 200, "redirect: final status");
	is_str(req->resp.data, "landed", "redirect: final body only");
	is_str(req->effective_url, url_b, "redirect: effective_url");
	ok(http_resp_header(req, "X-Hop") == NULL &&
	    http_resp_header(req, "X-Final") != NULL,
	    "redirect: headers of the final hop only");
	http_req_free(req);
	http_client_free(c);

	o.follow_https_redirects = 0;
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, 0, "no redirect following: 302 is the response");
	is_int(req->status, 302, "no redirect following: status");
	http_req_free(req);
	http_client_free(c);

	o.follow_https_redirects = 1;
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, VGL_ERR_HTTP, "redirect to remote http:// refused");
	ok(contains(req->error, "redirect refused"),
	    "redirect to remote http://: error: %s",
	    req->error ? req->error : "(null)");
	http_req_free(req);
	req = http_req_new("GET", "ftp://127.0.0.1/x");
	r = http_do(c, req);
	is_int(r, VGL_ERR_HTTP, "ftp:// refused");
	ok(contains(req->error, "unsupported URL"), "ftp://: error: %s",
	    req->error ? req->error : "(null)");
	is_int(req->attempts, 0, "ftp://: nothing sent");
	http_req_free(req);
	http_client_free(c);
	free(url);
	free(url_b);
	server_stop(s);
}

static void
test_record_replay(void)
{
	static const struct canned script[] = {
		{ 200, "Set-Cookie: sid=cookieval999\r\n"
		    "Content-Type: text/plain\r\n",
		    "data body sup3rs3cr3tkey end", 0, 0, 0 },
		{ 200, NULL, "\0\1\377bin", 6, 0, 0 },
		{ 201, NULL, "created", 0, 0, 0 },
	};
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	struct stat		 st;
	struct buf		 file;
	char			 tmpl[] = "/tmp/vigil-http-test-XXXXXX";
	char			*dir, *url, *url2, *url3, *p;
	int			 r;

	if ((dir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	log_add_secret("sup3rs3cr3tkey");
	s = server_start(script, 3);
	url = url_for(s, "/data?key=sup3rs3cr3tkey");
	url2 = url_for(s, "/bin");
	url3 = url_for(s, "/post");

	fast_opts(&o);
	o.source = "rec";
	o.record_dir = dir;
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	http_req_set_header(req, "Authorization", "Bearer tok-abcdef-123456");
	http_req_set_header(req, "X-Custom", "plain");
	r = http_do(c, req);
	is_int(r, 0, "record: live GET");
	is_str(req->resp.data, "data body sup3rs3cr3tkey end",
	    "record: live body unchanged");
	http_req_free(req);
	req = http_req_new("GET", url2);
	r = http_do(c, req);
	is_int(r, 0, "record: binary GET");
	http_req_free(req);
	req = http_req_new("POST", url3);
	http_req_set_body(req, "{\"x\": 1}", 8);
	r = http_do(c, req);
	is_int(r, 0, "record: POST");
	http_req_free(req);
	http_client_free(c);

	pthread_mutex_lock(&s->mtx);
	ok(contains(s->seen.data, "Authorization: Bearer tok-abcdef-123456"),
	    "record: the secret header was sent to the server");
	pthread_mutex_unlock(&s->mtx);
	server_stop(s);

	p = xasprintf("%s/rec", dir);
	memset(&st, 0, sizeof(st));
	r = stat(p, &st);
	ok(r == 0 && (st.st_mode & 0777) == 0700,
	    "record: source directory mode 0700 (%o)",
	    (unsigned)(st.st_mode & 0777));
	free(p);
	p = xasprintf("%s/rec/000001.json", dir);
	memset(&st, 0, sizeof(st));
	r = stat(p, &st);
	ok(r == 0 && (st.st_mode & 0777) == 0600,
	    "record: file mode 0600 (%o)", (unsigned)(st.st_mode & 0777));
	buf_init(&file, 0);
	r = buf_read_file(&file, p);
	is_int(r, 0, "record: 000001.json readable");
	ok(!contains(file.data, "tok-abcdef-123456"),
	    "record: Authorization value absent");
	ok(!contains(file.data, "sup3rs3cr3tkey"),
	    "record: registered secret absent");
	ok(!contains(file.data, "cookieval999"), "record: Set-Cookie absent");
	ok(contains(file.data, "\"Authorization\": \"[REDACTED]\""),
	    "record: Authorization redacted");
	ok(contains(file.data, "\"X-Custom\": \"plain\""),
	    "record: ordinary header kept");
	ok(contains(file.data, "\"status\": 200") &&
	    contains(file.data, "\"method\": \"GET\"") &&
	    contains(file.data, "\"captured_at\": \""),
	    "record: method, status, captured_at");
	buf_release(&file);
	free(p);
	p = xasprintf("%s/rec/000002.json", dir);
	buf_init(&file, 0);
	buf_read_file(&file, p);
	ok(contains(file.data, "\"body_base64\": \"AAH/Ymlu\"") &&
	    !contains(file.data, "\"body\":"),
	    "record: binary body as body_base64");
	buf_release(&file);
	free(p);
	p = xasprintf("%s/rec/meta.json", dir);
	buf_init(&file, 0);
	r = buf_read_file(&file, p);
	ok(r == 0 && contains(file.data, "\"captured_at\": \"20"),
	    "record: meta.json with captured_at");
	buf_release(&file);
	free(p);

	/* Replay with the server gone. */
	o.record_dir = NULL;
	o.replay_dir = dir;
	c = http_client_new(&o);
	ok(http_client_replay_time(c) > 1700000000LL,
	    "replay of recording: capture time");
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, 0, "replay of recording: GET");
	is_int(req->status, 200, "replay of recording: status");
	is_str(req->resp.data, "data body [REDACTED] end",
	    "replay of recording: body (secret redacted)");
	is_str(http_resp_header(req, "Content-Type"), "text/plain",
	    "replay of recording: header");
	http_req_free(req);
	req = http_req_new("GET", url2);
	r = http_do(c, req);
	ok(r == 0 && req->resp.len == 6 &&
	    memcmp(req->resp.data, "\0\1\377bin", 6) == 0,
	    "replay of recording: binary body");
	http_req_free(req);
	req = http_req_new("POST", url3);
	http_req_set_body(req, "{\"x\": 1}", 8);
	r = http_do(c, req);
	is_int(r, 0, "replay of recording: POST with body");
	is_int(req->status, 201, "replay of recording: POST status");
	http_req_free(req);
	is_int(http_client_requests(c), 3, "replay of recording: requests");
	http_client_free(c);

	free(url);
	free(url2);
	free(url3);
	log_clear_secrets();
	rm_rf(dir);
}

/* A self-signed certificate for 127.0.0.1, written to pem_path. */
static SSL_CTX *
make_tls(const char *pem_path)
{
	EVP_PKEY	*k;
	X509		*x;
	X509_NAME	*name;
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;
	SSL_CTX		*ctx;
	FILE		*f;

	k = EVP_EC_gen("P-256");
	x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"vigil test", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    "IP:127.0.0.1");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    "critical,CA:TRUE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, k, EVP_sha256());
	if ((f = fopen(pem_path, "w")) == NULL) {
		perror(pem_path);
		exit(1);
	}
	PEM_write_X509(f, x);
	fclose(f);
	ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(ctx, x);
	SSL_CTX_use_PrivateKey(ctx, k);
	X509_free(x);
	EVP_PKEY_free(k);
	return ctx;
}

static void
test_tls(void)
{
	struct server		*s;
	struct http_opts	 o;
	struct http_client	*c;
	struct http_req		*req;
	SSL_CTX			*tls;
	char			 tmpl[] = "/tmp/vigil-http-test-XXXXXX";
	char			*dir, *pem, *url;
	int			 r;

	if ((dir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	pem = xasprintf("%s/ca.pem", dir);
	tls = make_tls(pem);
	s = server_start_tls(NULL, 0, tls);
	url = xasprintf("https://127.0.0.1:%d/tls", s->port);

	fast_opts(&o);
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, VGL_ERR_HTTP, "TLS: unknown issuer refused");
	is_int(req->attempts, 1, "TLS: verification failure not retried");
	ok(contains(req->error, "TLS error"), "TLS: error: %s",
	    req->error ? req->error : "(null)");
	http_req_free(req);
	http_client_free(c);

	o.ca_file = pem;
	c = http_client_new(&o);
	req = http_req_new("GET", url);
	r = http_do(c, req);
	is_int(r, 0, "TLS: ca_file adds a trust anchor");
	is_int(req->status, 200, "TLS: status");
	is_str(req->resp.data, "secure", "TLS: body");
	http_req_free(req);
	http_client_free(c);

	server_stop(s);
	SSL_CTX_free(tls);
	free(url);
	free(pem);
	rm_rf(dir);
}

static size_t
sink_cb(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* A GET of url on easy; returns the curl result. */
static CURLcode
easy_get(CURL *easy, const char *url)
{
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, 5L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, sink_cb);
	return curl_easy_perform(easy);
}

/*
 * ca_file adds to the default store, on any distribution: a handle whose
 * default CA bundle is elsewhere (CURLOPT_CAINFO stands for a
 * distribution's built-in path, e.g. /etc/pki/tls/certs/ca-bundle.crt)
 * must still trust that bundle's CA once ca_file is applied, and trust
 * ca_file's CA too.  Replacing the default store (CAINFO_BLOB of a
 * hard-coded Debian bundle plus ca_file) fails the first check.
 */
static void
test_ca_adds(void)
{
	struct server	*sys_srv, *extra_srv;
	struct http_ca	*ca = NULL;
	SSL_CTX		*sys_tls, *extra_tls;
	CURL		*easy;
	char		 tmpl[] = "/tmp/vigil-http-test-XXXXXX";
	char		*dir, *sys_pem, *extra_pem, *sys_url, *extra_url;
	char		*bad, *why = NULL;
	FILE		*f;
	int		 r;

	if ((dir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	sys_pem = xasprintf("%s/system-bundle.pem", dir);
	extra_pem = xasprintf("%s/extra-ca.pem", dir);
	sys_tls = make_tls(sys_pem);
	extra_tls = make_tls(extra_pem);
	sys_srv = server_start_tls(NULL, 0, sys_tls);
	extra_srv = server_start_tls(NULL, 0, extra_tls);
	sys_url = xasprintf("https://127.0.0.1:%d/", sys_srv->port);
	extra_url = xasprintf("https://127.0.0.1:%d/", extra_srv->port);

	r = http_ca_load(extra_pem, &ca, &why);
	is_int(r, 0, "ca: load %s", why != NULL ? why : "");
	free(why);
	why = NULL;

	/* Control: the default store alone trusts only its own CA. */
	easy = curl_easy_init();
	curl_easy_setopt(easy, CURLOPT_CAINFO, sys_pem);
	is_int(easy_get(easy, sys_url), CURLE_OK,
	    "ca: control: the default store trusts its CA");
	is_int(easy_get(easy, extra_url), CURLE_PEER_FAILED_VERIFICATION,
	    "ca: control: the extra CA is not trusted by default");
	curl_easy_cleanup(easy);

	easy = curl_easy_init();
	curl_easy_setopt(easy, CURLOPT_CAINFO, sys_pem);
	is_int(http_ca_apply(ca, easy, &why), 0, "ca: apply %s",
	    why != NULL ? why : "");
	free(why);
	why = NULL;
	is_int(easy_get(easy, sys_url), CURLE_OK,
	    "ca: with ca_file, the default store is still trusted");
	is_int(easy_get(easy, extra_url), CURLE_OK,
	    "ca: with ca_file, its CA is trusted too");
	curl_easy_cleanup(easy);
	http_ca_free(ca);
	ca = NULL;

	/* Bad files: clear errors, nothing loaded. */
	bad = xasprintf("%s/bad.pem", dir);
	f = fopen(bad, "w");
	fputs("not a certificate\n", f);
	fclose(f);
	is_int(http_ca_load(bad, &ca, &why), VGL_ERR_IO, "ca: no PEM: error");
	ok(ca == NULL && contains(why, "holds no PEM certificate"),
	    "ca: no PEM: %s", why != NULL ? why : "(null)");
	free(why);
	why = NULL;
	f = fopen(bad, "w");
	fputs("-----BEGIN CERTIFICATE-----\nAAAAnotbase64!!\n"
	    "-----END CERTIFICATE-----\n", f);
	fclose(f);
	is_int(http_ca_load(bad, &ca, &why), VGL_ERR_IO,
	    "ca: corrupt PEM: error");
	ok(ca == NULL && contains(why, "invalid certificate"),
	    "ca: corrupt PEM: %s", why != NULL ? why : "(null)");
	free(why);
	why = NULL;
	is_int(http_ca_apply(NULL, NULL, &why), 0, "ca: apply NULL: nothing");
	http_ca_free(NULL);

	server_stop(sys_srv);
	server_stop(extra_srv);
	SSL_CTX_free(sys_tls);
	SSL_CTX_free(extra_tls);
	free(sys_url);
	free(extra_url);
	free(sys_pem);
	free(extra_pem);
	free(bad);
	rm_rf(dir);
}

int
main(void)
{
	const char	*v;

	if ((v = getenv("TEST_HTTP_DEBUG")) != NULL && *v != '\0')
		log_set_level(LOG_DEBUG);
	else
		log_set_level(LOG_QUIET);
	http_global_init();
	test_backoff();
	test_retry_after();
	test_secret_headers();
	test_url_insecure();
	test_escape();
	test_req_headers();
	test_replay();
	test_retry_after_live();
	test_5xx_exhausted();
	test_no_retry();
	test_timeout();
	test_retry_after_past_deadline();
	test_toobig();
	test_refused_and_policy();
	test_concurrent();
	test_rate_group();
	test_rate_buckets();
	test_redirect();
	test_record_replay();
	test_tls();
	test_ca_adds();
	http_global_cleanup();
	return done_testing();
}
