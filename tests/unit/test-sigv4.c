/*
 * test-sigv4.c: SigV4 signing against the AWS SigV4 test suite vectors in
 * tests/data/sigv4/ (see SOURCE.md there), plus table tests of the
 * canonicalisation pieces and of the http prepare hook.
 */
#include "config.h"
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "http.h"
#include "aws/sigv4.h"
#include "vigil.h"
#include "xmalloc.h"

#include "tap.h"

#define SUITE_AKID	"AKIDEXAMPLE"
#define SUITE_SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_DATE	"20150830T123600Z"
#define SUITE_TIME	1440938160	/* 2015-08-30T12:36:00Z */

static const char *vectors[] = {
	"get-header-key-duplicate",
	"get-header-value-multiline",
	"get-header-value-order",
	"get-header-value-trim",
	"get-relative",
	"get-relative-relative",
	"get-slash",
	"get-slash-dot-slash",
	"get-slash-pointless-dot",
	"get-slashes",
	"get-space",
	"get-unreserved",
	"get-utf8",
	"get-vanilla",
	"get-vanilla-empty-query-key",
	"get-vanilla-query",
	"get-vanilla-query-order-key",
	"get-vanilla-query-order-key-case",
	"get-vanilla-query-order-value",
	"get-vanilla-query-unreserved",
	"get-vanilla-utf8-query",
	"post-header-key-case",
	"post-header-key-sort",
	"post-header-value-case",
	"post-sts-header-after",
	"post-sts-header-before",
	"post-vanilla",
	"post-vanilla-empty-query-value",
	"post-vanilla-query",
	"post-x-www-form-urlencoded",
	"post-x-www-form-urlencoded-parameters",
};

struct parsed_req {
	char			*method;
	char			*uri;
	struct http_header	*headers;
	size_t			 nheaders;
	char			*body;
	size_t			 body_len;
};

static const char *
srcdir(void)
{
	const char	*s;

	if ((s = getenv("TEST_SRCDIR")) != NULL && *s != '\0')
		return s;
	return VIGIL_SRCDIR;
}

static char *
slurp(const char *name, const char *ext)
{
	struct buf	 b;
	char		*path;

	path = xasprintf("%s/tests/data/sigv4/%s/%s.%s", srcdir(), name, name,
	    ext);
	buf_init(&b, 0);
	if (buf_read_file(&b, path) != 0) {
		printf("# cannot read %s\n", path);
		buf_release(&b);
		free(path);
		return NULL;
	}
	free(path);
	return buf_detach(&b, NULL);
}

static void
add_header(struct parsed_req *p, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	p->headers = xreallocarray(p->headers, p->nheaders + 1,
	    sizeof(*p->headers));
	p->headers[p->nheaders].name = xstrndup(name, nlen);
	p->headers[p->nheaders].value = xstrndup(value, vlen);
	p->nheaders++;
}

/*
 * Parses the suite's HTTP request text: "METHOD URI HTTP/1.1", header
 * lines "Name:value" (a line starting with white space continues the
 * previous header and counts as another value of it), a blank line, body.
 */
static int
parse_req(const char *text, struct parsed_req *p)
{
	const char	*line, *eol, *sp, *last, *colon, *v;

	memset(p, 0, sizeof(*p));
	eol = text + strcspn(text, "\n");
	if ((sp = memchr(text, ' ', (size_t)(eol - text))) == NULL)
		return -1;
	for (last = eol; last > sp && last[-1] != ' '; last--)
		;
	if (last <= sp + 1)
		return -1;
	p->method = xstrndup(text, (size_t)(sp - text));
	p->uri = xstrndup(sp + 1, (size_t)(last - 1 - (sp + 1)));
	for (line = *eol != '\0' ? eol + 1 : eol; *line != '\0';
	    line = *eol != '\0' ? eol + 1 : eol) {
		eol = line + strcspn(line, "\n");
		if (eol == line) {		/* blank line: body follows */
			p->body = xstrdup(eol + 1);
			p->body_len = strlen(p->body);
			break;
		}
		if (*line == ' ' || *line == '\t') {
			if (p->nheaders == 0)
				return -1;
			for (v = line; v < eol && (*v == ' ' || *v == '\t');
			    v++)
				;
			add_header(p, p->headers[p->nheaders - 1].name,
			    strlen(p->headers[p->nheaders - 1].name), v,
			    (size_t)(eol - v));
			continue;
		}
		if ((colon = memchr(line, ':', (size_t)(eol - line))) == NULL)
			return -1;
		add_header(p, line, (size_t)(colon - line), colon + 1,
		    (size_t)(eol - colon - 1));
	}
	return 0;
}

static void
free_req(struct parsed_req *p)
{
	size_t	 i;

	for (i = 0; i < p->nheaders; i++) {
		free(p->headers[i].name);
		free(p->headers[i].value);
	}
	free(p->headers);
	free(p->method);
	free(p->uri);
	free(p->body);
}

static const char *
req_header(const struct parsed_req *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nheaders; i++)
		if (strcasecmp(p->headers[i].name, name) == 0)
			return p->headers[i].value;
	return "";
}

static void
test_vector(const char *name)
{
	struct sigv4_creds	 creds = { SUITE_AKID, SUITE_SECRET, NULL };
	struct sigv4_result	 res;
	struct parsed_req	 p;
	char			*req, *creq, *sts, *authz, *sreq, *url, *line;
	int			 r;

	req = slurp(name, "req");
	creq = slurp(name, "creq");
	sts = slurp(name, "sts");
	authz = slurp(name, "authz");
	sreq = slurp(name, "sreq");
	ok(req && creq && sts && authz && sreq, "%s: vector files read", name);
	if (!(req && creq && sts && authz && sreq))
		goto out;
	ok(parse_req(req, &p) == 0, "%s: request parsed", name);
	url = xasprintf("https://%s%s", req_header(&p, "host"), p.uri);
	r = sigv4_sign(&creds, "us-east-1", "service", p.method, url,
	    p.headers, p.nheaders, p.body, p.body_len, SUITE_DATE, 0, &res);
	is_int(r, 0, "%s: signed", name);
	if (r == 0) {
		is_str(res.canonical_request, creq, "%s: canonical request",
		    name);
		is_str(res.string_to_sign, sts, "%s: string to sign", name);
		is_str(res.authorization, authz, "%s: authorization", name);
		line = xasprintf("\nAuthorization: %s", res.authorization);
		ok(strstr(sreq, line) != NULL,
		    "%s: signed request carries the Authorization line", name);
		free(line);
		is_int(res.nadd_headers, 0, "%s: no header to add", name);
		sigv4_result_release(&res);
	}
	free(url);
	free_req(&p);
 out:
	free(req);
	free(creq);
	free(sts);
	free(authz);
	free(sreq);
}

/*
 * post-sts-header-before again, the token coming from the credentials
 * instead of the request: the same signature, and the token header is
 * returned to be sent.
 */
static void
test_session_token(void)
{
	struct sigv4_creds	 creds = { SUITE_AKID, SUITE_SECRET, NULL };
	struct sigv4_result	 res;
	struct parsed_req	 p;
	char			*req, *authz, *token;
	size_t			 i, n = 0;
	int			 r;

	req = slurp("post-sts-header-before", "req");
	authz = slurp("post-sts-header-before", "authz");
	ok(req != NULL && authz != NULL && parse_req(req, &p) == 0,
	    "session token: vector read");
	if (req == NULL || authz == NULL)
		goto out;
	token = xstrdup(req_header(&p, "x-amz-security-token"));
	ok(strlen(token) > 100, "session token: token found in vector");
	for (i = 0; i < p.nheaders; i++)
		if (strcasecmp(p.headers[i].name, "x-amz-security-token") != 0)
			p.headers[n++] = p.headers[i];
		else {
			free(p.headers[i].name);
			free(p.headers[i].value);
		}
	p.nheaders = n;
	creds.session_token = token;
	r = sigv4_sign(&creds, "us-east-1", "service", "POST",
	    "https://example.amazonaws.com/", p.headers, p.nheaders, NULL, 0,
	    SUITE_DATE, 0, &res);
	is_int(r, 0, "session token: signed");
	if (r == 0) {
		is_str(res.authorization, authz,
		    "session token: same authorization as the vector");
		ok(strstr(res.signed_headers, "x-amz-security-token") != NULL,
		    "session token: header is signed");
		is_int(res.nadd_headers, 1, "session token: one header to add");
		if (res.nadd_headers == 1) {
			is_str(res.add_headers[0].name, "X-Amz-Security-Token",
			    "session token: header name");
			is_str(res.add_headers[0].value, token,
			    "session token: header value");
		}
		sigv4_result_release(&res);
	}
	free(token);
	free_req(&p);
 out:
	free(req);
	free(authz);
}

/*
 * The IAM example of the AWS "create a signed request" guide: GET
 * https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08.
 */
static void
test_iam_guide_example(void)
{
	struct sigv4_creds	 creds = { SUITE_AKID, SUITE_SECRET, NULL };
	struct http_header	 h[] = {
		{ "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8" },
	};
	struct sigv4_result	 res;
	int			 r;

	r = sigv4_sign(&creds, "us-east-1", "iam", "GET",
	    "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
	    h, 1, NULL, 0, SUITE_DATE, 0, &res);
	is_int(r, 0, "iam example: signed");
	if (r != 0)
		return;
	is_str(res.canonical_request,
	    "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
	    "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
	    "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
	    "content-type;host;x-amz-date\n"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "iam example: canonical request");
	is_str(res.signature,
	    "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
	    "iam example: signature");
	is_int(res.nadd_headers, 1, "iam example: X-Amz-Date to add");
	if (res.nadd_headers == 1)
		is_str(res.add_headers[0].value, SUITE_DATE,
		    "iam example: X-Amz-Date value");
	ok(strstr(res.canonical_request, SUITE_SECRET) == NULL &&
	    strstr(res.string_to_sign, SUITE_SECRET) == NULL &&
	    strstr(res.authorization, SUITE_SECRET) == NULL,
	    "iam example: secret appears in no output");
	sigv4_result_release(&res);
}

static void
test_uri(void)
{
	static const struct {
		const char	*in;
		int		 flags;
		const char	*exp;
	} t[] = {
		{ "", 0, "/" },
		{ "/", 0, "/" },
		{ "/a b", 0, "/a%20b" },
		{ "/a%20b", 0, "/a%2520b" },	/* wire form encoded again */
		{ "//a//b/", 0, "/a/b/" },
		{ "/a/./b/../c", 0, "/a/c" },
		{ "/a/b/..", 0, "/a" },
		{ "/../..", 0, "/" },
		{ "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset", 0,
		    "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset" },
		{ "/a:b@c", 0, "/a%3Ab%40c" },
		{ "/a//b", SIGV4_NO_NORMALIZE, "/a//b" },
	};
	size_t	 i;
	char	*got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = sigv4_canonical_uri(t[i].in, t[i].flags);
		is_str(got, t[i].exp, "canonical uri '%s'", t[i].in);
		free(got);
	}
}

static void
test_query(void)
{
	static const struct {
		const char	*in;
		const char	*exp;
	} t[] = {
		{ "", "" },
		{ "b=2&a=1", "a=1&b=2" },
		{ "a=2&a=1", "a=1&a=2" },
		{ "a=x%2fy", "a=x%2Fy" },
		{ "a=x y", "a=x%20y" },
		{ "a=1+2", "a=1%2B2" },
		{ "k", "k=" },
		{ "k=", "k=" },
		{ "%zz=1", "%25zz=1" },
		{ "a=1&&b=2", "a=1&b=2" },
		{ "name=%2A.example.com.&type=A", "name=%2A.example.com.&type=A" },
		{ "Z=1&a=1", "Z=1&a=1" },	/* byte order: upper first */
	};
	size_t	 i;
	char	*got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = sigv4_canonical_query(t[i].in);
		is_str(got, t[i].exp, "canonical query '%s'", t[i].in);
		free(got);
	}
}

static void
test_host(void)
{
	static const struct {
		const char	*in;
		const char	*exp;
	} t[] = {
		{ "https://iam.amazonaws.com/", "iam.amazonaws.com" },
		{ "http://127.0.0.1:8080/x?y=1", "127.0.0.1:8080" },
		{ "https://h.example:443/", "h.example" },
		{ "http://h.example:80", "h.example" },
		{ "https://h.example:8443/", "h.example:8443" },
		{ "http://[::1]:9/", "[::1]:9" },
		{ "not a url", NULL },
	};
	size_t	 i;
	char	*got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = sigv4_url_host(t[i].in);
		is_str(got, t[i].exp, "host of '%s'", t[i].in);
		free(got);
	}
}

static void
test_errors(void)
{
	struct sigv4_creds	 creds = { SUITE_AKID, SUITE_SECRET, NULL };
	struct sigv4_creds	 nokey = { SUITE_AKID, "", NULL };
	struct http_header	 other_date[] = {
		{ "X-Amz-Date", "20150830T123601Z" },
	};
	struct sigv4_result	 res;
	char			 d[17];

	is_int(sigv4_sign(&creds, "us-east-1", "iam", "GET",
	    "https://iam.amazonaws.com/", NULL, 0, NULL, 0, "2015-08-30", 0,
	    &res), VGL_ERR_USAGE, "bad amz_date refused");
	is_int(sigv4_sign(&creds, "us-east-1", "iam", "GET",
	    "https://iam.amazonaws.com/", other_date, 1, NULL, 0, SUITE_DATE,
	    0, &res), VGL_ERR_USAGE, "X-Amz-Date header differing refused");
	is_int(sigv4_sign(&nokey, "us-east-1", "iam", "GET",
	    "https://iam.amazonaws.com/", NULL, 0, NULL, 0, SUITE_DATE, 0,
	    &res), VGL_ERR_USAGE, "empty secret refused");
	is_int(sigv4_sign(&creds, "", "iam", "GET",
	    "https://iam.amazonaws.com/", NULL, 0, NULL, 0, SUITE_DATE, 0,
	    &res), VGL_ERR_USAGE, "empty region refused");
	is_int(sigv4_amz_date(SUITE_TIME, d), 0, "amz date formatted");
	is_str(d, SUITE_DATE, "amz date value");
}

static void
test_content_sha256(void)
{
	struct sigv4_creds	 creds = { SUITE_AKID, SUITE_SECRET, NULL };
	struct sigv4_result	 res;
	int			 r;

	r = sigv4_sign(&creds, "us-east-1", "s3", "PUT",
	    "https://b.s3.amazonaws.com/k", NULL, 0, "abc", 3, SUITE_DATE,
	    SIGV4_CONTENT_SHA256, &res);
	is_int(r, 0, "content sha256: signed");
	if (r != 0)
		return;
	is_str(res.payload_hash,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "content sha256: payload hash");
	is_str(res.signed_headers, "host;x-amz-content-sha256;x-amz-date",
	    "content sha256: signed headers");
	is_int(res.nadd_headers, 2, "content sha256: two headers to add");
	sigv4_result_release(&res);
}

static const char *
get_header(const struct http_req *req, const char *name, size_t *count)
{
	const char	*v = NULL;
	size_t		 i;

	*count = 0;
	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0) {
			v = req->headers[i].value;
			(*count)++;
		}
	return v;
}

static void
test_prepare(void)
{
	struct sigv4_signer	 s;
	struct http_req		*req;
	const char		*body = "Action=ListUsers&Version=2010-05-08";
	const char		*v;
	char			*first;
	size_t			 n, nheaders;

	memset(&s, 0, sizeof(s));
	s.creds.access_key_id = SUITE_AKID;
	s.creds.secret_access_key = SUITE_SECRET;
	s.creds.session_token = "FAKETOKEN0123456789";
	s.region = "us-east-1";
	s.service = "iam";
	req = http_req_new("POST", "https://iam.amazonaws.com/");
	http_req_set_header(req, "Content-Type",
	    "application/x-www-form-urlencoded; charset=utf-8");
	http_req_set_body(req, body, strlen(body));
	is_int(sigv4_prepare_at(req, &s, SUITE_TIME), 0, "prepare: signed");
	v = get_header(req, "X-Amz-Date", &n);
	is_str(v, SUITE_DATE, "prepare: X-Amz-Date set");
	v = get_header(req, "X-Amz-Security-Token", &n);
	is_str(v, "FAKETOKEN0123456789", "prepare: token header set");
	v = get_header(req, "Authorization", &n);
	ok(v != NULL && strstr(v, "SignedHeaders=content-type;host;x-amz-date;"
	    "x-amz-security-token, Signature=") != NULL &&
	    strstr(v, "Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
	    "aws4_request") != NULL, "prepare: Authorization '%s'",
	    v != NULL ? v : "(null)");
	first = xstrdup(v != NULL ? v : "");
	nheaders = req->nheaders;
	/* A retry a second later: replaced, not duplicated. */
	is_int(sigv4_prepare_at(req, &s, SUITE_TIME + 1), 0,
	    "prepare: signed again");
	is_int(req->nheaders, nheaders, "prepare: no header duplicated");
	v = get_header(req, "Authorization", &n);
	is_int(n, 1, "prepare: one Authorization");
	ok(v != NULL && strcmp(v, first) != 0,
	    "prepare: new signature for the new time");
	v = get_header(req, "X-Amz-Date", &n);
	is_str(v, "20150830T123601Z", "prepare: X-Amz-Date updated");
	free(first);
	http_req_free(req);
}

int
main(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		test_vector(vectors[i]);
	test_session_token();
	test_iam_guide_example();
	test_uri();
	test_query();
	test_host();
	test_errors();
	test_content_sha256();
	test_prepare();
	return done_testing();
}
