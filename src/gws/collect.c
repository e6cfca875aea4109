/*
 * gws/collect.c: the Google Workspace source (type "google_workspace"):
 * the Admin SDK Directory API, read-only (docs/apis.md section 2).
 *
 * Authentication is the service account JWT bearer flow (RFC 7523) with
 * domain-wide delegation: the JSON key file (a secret file) gives
 * client_email, private_key and private_key_id; a JWT {iss: client_email,
 * sub: the policy's subject, scope, aud: the token URL, iat, exp: iat +
 * 3600} is signed RS256 with OpenSSL and exchanged at the token URL for an
 * access token sent as "Authorization: Bearer".  The key, the JWT and the
 * access token are registered for redaction before they can reach a log
 * or a recording (the token reply through the on_response hook).  The key
 * file's token_uri is not used: the token URL is endpoints.oauth2 or
 * Google's, as the policy says.  In replay no token is requested.
 *
 * Enumeration: users.list (500 per page), roles.list (100) and
 * roleAssignments.list (200), first pages together, further pages one
 * after another; then tokens.list and asps.list for every user,
 * concurrently (Google has no bulk source of grants or app passwords),
 * and the Reports API user usage report for all users at once (1000 per
 * page; 2SV and security key enrollment) for the newest date that has
 * data.  2SV enforcement per organizational unit is not an API object:
 * the rules group the users' isEnforcedIn2Sv by orgUnitPath.  403 and
 * 429 replies whose reason is a rate or quota limit are retried by the
 * HTTP layer's backoff (gws_retry); any other error fails the source with
 * Google's reason and message.
 *
 * A lastLoginTime of 1970-01-01T00:00:00Z means "never signed in" and is
 * stored as NULL.  Role assignments to groups have a NULL email and the
 * group id in assigned_to.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const char gws_schema[] =
"CREATE TABLE IF NOT EXISTS gws_users(run INTEGER NOT NULL, source TEXT,\n"
"  email TEXT, user_id TEXT, is_admin INTEGER, is_delegated_admin INTEGER,\n"
"  enrolled_2sv INTEGER, enforced_2sv INTEGER, suspended INTEGER,\n"
"  archived INTEGER, last_login TEXT, created TEXT, org_unit TEXT,\n"
"  raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS gws_users_run ON gws_users(run, email);\n"
"CREATE TABLE IF NOT EXISTS gws_role_assignments(run INTEGER NOT NULL,\n"
"  source TEXT, email TEXT, assigned_to TEXT, assignee_type TEXT,\n"
"  role_id TEXT, role_name TEXT, is_super_admin INTEGER,\n"
"  scope_type TEXT, org_unit_id TEXT, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS gws_role_assignments_run ON\n"
"  gws_role_assignments(run, email);\n"
"CREATE TABLE IF NOT EXISTS gws_tokens(run INTEGER NOT NULL, source TEXT,\n"
"  email TEXT, client_id TEXT, display_text TEXT, scopes TEXT,\n"
"  anonymous INTEGER, native_app INTEGER, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS gws_tokens_run ON gws_tokens(run, email);\n"
"CREATE TABLE IF NOT EXISTS gws_asps(run INTEGER NOT NULL, source TEXT,\n"
"  email TEXT, code_id TEXT, name TEXT, created TEXT, last_used TEXT,\n"
"  raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS gws_asps_run ON gws_asps(run, email);\n"
"CREATE TABLE IF NOT EXISTS gws_usage(run INTEGER NOT NULL, source TEXT,\n"
"  email TEXT, profile_id TEXT, date TEXT, is_2sv_enrolled INTEGER,\n"
"  is_2sv_enforced INTEGER, num_security_keys INTEGER,\n"
"  num_passkeys INTEGER, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS gws_usage_run ON gws_usage(run, email);\n";

static const char *const gws_keys[] = {
	"service_account_key_file", "subject", "customer", "deadline_s", NULL
};

/* How the policy checker checks its keys (struct policy_type). */
static const struct policy_key gws_kinds[] = {
	{ "subject", POLICY_STRING },
	{ "customer", POLICY_STRING },
	{ NULL, 0 }
};

static const char *const gws_endpoint_keys[] = {
	"oauth2", "admin", NULL
};

#define GWS_TOKEN_URL	"https://oauth2.googleapis.com/token"
#define GWS_ADMIN_URL	"https://admin.googleapis.com"
#define GWS_API_PATH	"/admin/directory/v1"
#define GWS_REPORTS_PATH "/admin/reports/v1"
#define GWS_SCOPE_PFX	"https://www.googleapis.com/auth/"
#define GWS_SCOPES \
	GWS_SCOPE_PFX "admin.directory.user.readonly " \
	GWS_SCOPE_PFX "admin.directory.rolemanagement.readonly " \
	GWS_SCOPE_PFX "admin.directory.user.security " \
	GWS_SCOPE_PFX "admin.reports.usage.readonly"
#define GWS_JWT_LIFE	3600
/* Google's default: 2,400 queries per minute per user and project. */
#define GWS_RPS		30
/*
 * The Reports API user usage report: 1000 users per page; report dates
 * are Pacific time (UTC-8) and lag a few days, so the newest date with
 * data is searched from yesterday backwards, at most GWS_USAGE_DAYS days.
 */
#define GWS_USAGE_PAGE	1000
#define GWS_USAGE_DAYS	7
#define GWS_REPORTS_RPS	10
#define GWS_USAGE_PARAMS \
	"accounts:is_2sv_enrolled,accounts:is_2sv_enforced," \
	"accounts:num_security_keys,accounts:num_passkeys_enrolled"

struct gws {
	struct source_ctx	*ctx;
	struct http_client	*http;
	int			 replay;
	char			*token_url;
	char			*api;		/* admin base + GWS_API_PATH */
	char			*reports;	/* admin base + GWS_REPORTS_PATH */
	char			*customer;	/* URL-escaped */
	char			*bearer;	/* "Bearer TOKEN" (secret) */
	long long		 token_expires;
	/* Service account. */
	char			*email;
	char			*key_id;
	EVP_PKEY		*pkey;
	const char		*subject;
	json_t			*users;		/* array of user objects */
	json_t			*roles;		/* roleId -> role object */
};

/* ---- JWT ------------------------------------------------------------- */

/* base64url without padding (RFC 7515 section 2), via EVP_EncodeBlock. */
static char *
b64url(const unsigned char *p, size_t len)
{
	unsigned char	*out;
	int		 n, i;

	out = xmalloc(4 * ((len + 2) / 3) + 1);
	n = EVP_EncodeBlock(out, p, (int)len);
	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	return (char *)out;
}

static char *
b64url_json(json_t *o)
{
	char	*s, *r;

	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (s == NULL)
		return NULL;
	r = b64url((const unsigned char *)s, strlen(s));
	free(s);
	return r;
}

/* The signed JWT assertion for the token request, or NULL (*why set). */
static char *
gws_jwt(struct gws *g, long long now, char **why)
{
	json_t		*hdr, *claims;
	char		*h = NULL, *c = NULL, *input = NULL, *sig64 = NULL;
	char		*jwt = NULL;
	unsigned char	*sig = NULL;
	size_t		 siglen = 0;
	EVP_MD_CTX	*md = NULL;

	hdr = json_pack("{s:s, s:s}", "alg", "RS256", "typ", "JWT");
	if (g->key_id != NULL)
		json_object_set_new(hdr, "kid", json_string(g->key_id));
	claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "iss", g->email,
	    "sub", g->subject, "scope", GWS_SCOPES, "aud", g->token_url,
	    "iat", (json_int_t)now, "exp", (json_int_t)(now + GWS_JWT_LIFE));
	if (hdr == NULL || claims == NULL || (h = b64url_json(hdr)) == NULL ||
	    (c = b64url_json(claims)) == NULL) {
		*why = xstrdup("cannot build the JWT");
		goto out;
	}
	input = xasprintf("%s.%s", h, c);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, g->pkey) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)input,
	    strlen(input)) != 1) {
		*why = xstrdup("cannot sign the JWT with the service account "
		    "key (OpenSSL)");
		goto out;
	}
	sig = xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input,
	    strlen(input)) != 1) {
		*why = xstrdup("cannot sign the JWT with the service account "
		    "key (OpenSSL)");
		goto out;
	}
	sig64 = b64url(sig, siglen);
	jwt = xasprintf("%s.%s", input, sig64);
 out:
	EVP_MD_CTX_free(md);
	json_decref(hdr);
	json_decref(claims);
	free(h);
	free(c);
	free(input);
	free(sig);
	free(sig64);
	return jwt;
}

/*
 * Reads the service account key file (JSON): client_email, private_key
 * (PEM), private_key_id.  The file text and the PEM are registered as
 * secrets (policy_secret registers the file's text).
 */
static int
gws_read_key(struct gws *g, char **why)
{
	json_t		*k = NULL;
	json_error_t	 je;
	const char	*pem, *em, *kid, *type;
	char		*text = NULL, *w = NULL;
	BIO		*bio = NULL;
	int		 r;

	r = policy_secret(g->ctx->ps->obj, "service_account_key", NULL, &text,
	    &w);
	if (r == VGL_ERR_NOTFOUND) {
		*why = xstrdup("no service account key: "
		    "service_account_key_file is not set");
		return VGL_ERR_POLICY;
	} else if (r != 0) {
		*why = xasprintf("cannot read the service account key: %s",
		    w != NULL ? w : vgl_err(r));
		free(w);
		return VGL_ERR_POLICY;
	}
	r = VGL_ERR_POLICY;
	if ((k = json_loads(text, 0, &je)) == NULL || !json_is_object(k)) {
		/* je.text may quote the key: give the position only. */
		*why = xasprintf("service account key file is not a JSON "
		    "object (line %d column %d)", k == NULL ? je.line : 1,
		    k == NULL ? je.column : 1);
		goto out;
	}
	type = json_string_value(json_object_get(k, "type"));
	pem = json_string_value(json_object_get(k, "private_key"));
	em = json_string_value(json_object_get(k, "client_email"));
	kid = json_string_value(json_object_get(k, "private_key_id"));
	if (type != NULL && strcmp(type, "service_account") != 0) {
		*why = xasprintf("service account key file has type \"%s\", "
		    "not \"service_account\"", type);
		goto out;
	}
	if (pem == NULL || em == NULL || *em == '\0') {
		*why = xstrdup("service account key file lacks private_key "
		    "or client_email");
		goto out;
	}
	log_add_secret(pem);
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL ||
	    (g->pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) ==
	    NULL) {
		*why = xstrdup("service account key file: private_key is not "
		    "a PEM private key");
		goto out;
	}
	if (EVP_PKEY_get_base_id(g->pkey) != EVP_PKEY_RSA) {
		*why = xstrdup("service account key file: private_key is not "
		    "an RSA key");
		goto out;
	}
	g->email = xstrdup(em);
	g->key_id = kid != NULL && *kid != '\0' ? xstrdup(kid) : NULL;
	r = 0;
 out:
	BIO_free(bio);
	json_decref(k);
	freestr_secret(text);
	return r;
}

/*
 * on_response of the token request: registers the access token for
 * redaction before the exchange is written to a recording.
 */
static void
token_seen(struct http_req *q, void *arg)
{
	json_t		*j;
	const char	*t;

	(void)arg;
	if ((j = json_loadb(q->resp.data, q->resp.len, 0, NULL)) == NULL)
		return;
	if ((t = json_string_value(json_object_get(j, "access_token"))) !=
	    NULL)
		log_add_secret(t);
	if ((t = json_string_value(json_object_get(j, "id_token"))) != NULL)
		log_add_secret(t);
	json_decref(j);
}

/* Gets an access token (RFC 7523 section 2.1). */
static int
gws_token(struct gws *g, char **why)
{
	struct http_req	*q;
	json_t		*j = NULL;
	const char	*tok, *err, *desc;
	char		*jwt, *body;
	long long	 now = (long long)time(NULL);
	json_int_t	 life;
	int		 r = VGL_ERR_PROVIDER;

	if ((jwt = gws_jwt(g, now, why)) == NULL)
		return VGL_ERR_INTERNAL;
	log_add_secret(jwt);
	body = xasprintf("grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3A"
	    "grant-type%%3Ajwt-bearer&assertion=%s", jwt);
	q = http_req_new("POST", g->token_url);
	http_req_set_header(q, "Content-Type",
	    "application/x-www-form-urlencoded");
	http_req_set_body(q, body, strlen(body));
	q->on_response = token_seen;
	http_do(g->http, q);
	if (q->result != 0) {
		*why = xasprintf("token request: %s", q->error != NULL ?
		    q->error : vgl_err(q->result));
		goto out;
	}
	j = json_loadb(q->resp.data, q->resp.len, 0, NULL);
	if (q->status != 200) {
		err = json_string_value(json_object_get(j, "error"));
		desc = json_string_value(json_object_get(j,
		    "error_description"));
		*why = xasprintf("token request: HTTP %ld%s%s%s%s", q->status,
		    err != NULL ? " " : "", err != NULL ? err : "",
		    desc != NULL ? ": " : "", desc != NULL ? desc : "");
		goto out;
	}
	tok = json_string_value(json_object_get(j, "access_token"));
	if (tok == NULL || *tok == '\0') {
		*why = xstrdup("token request: reply has no access_token");
		goto out;
	}
	log_add_secret(tok);
	freestr_secret(g->bearer);
	g->bearer = xasprintf("Bearer %s", tok);
	life = json_integer_value(json_object_get(j, "expires_in"));
	g->token_expires = now + (life > 0 ? life : 3600);
	r = 0;
 out:
	json_decref(j);
	http_req_free(q);
	freestr_secret(body);
	freestr_secret(jwt);
	return r;
}

/* Refreshes the access token a minute before it expires. */
static int
gws_token_fresh(struct gws *g, char **why)
{
	if (g->replay || (g->bearer != NULL &&
	    (long long)time(NULL) < g->token_expires - 60))
		return 0;
	return gws_token(g, why);
}

/* ---- Admin SDK requests ------------------------------------------------ */

/* The reason of a Google error reply ({"error": {"errors": [...]}}). */
static char *
error_reason(const struct http_req *q, char **msg)
{
	json_t		*j, *e;
	const char	*s;
	char		*reason = NULL;

	if (msg != NULL)
		*msg = NULL;
	if ((j = json_loadb(q->resp.data, q->resp.len, 0, NULL)) == NULL)
		return NULL;
	e = json_object_get(j, "error");
	s = json_string_value(json_object_get(json_array_get(
	    json_object_get(e, "errors"), 0), "reason"));
	if (s == NULL)
		s = json_string_value(json_object_get(e, "status"));
	if (s != NULL)
		reason = xstrdup(s);
	if (msg != NULL && (s = json_string_value(json_object_get(e,
	    "message"))) != NULL)
		*msg = xstrdup(s);
	json_decref(j);
	return reason;
}

/* http_retry_cb: Google's rate and quota limits inside 403/429. */
static int
gws_retry(const struct http_req *q, void *arg)
{
	char	*reason;
	int	 t;

	(void)arg;
	if (q->status != 403 && q->status != 429)
		return 0;
	if ((reason = error_reason(q, NULL)) == NULL)
		return 0;
	t = strcmp(reason, "rateLimitExceeded") == 0 ||
	    strcmp(reason, "userRateLimitExceeded") == 0 ||
	    strcmp(reason, "quotaExceeded") == 0 ||
	    strcmp(reason, "RESOURCE_EXHAUSTED") == 0;
	free(reason);
	return t;
}

static struct http_req *
api_req(struct gws *g, const char *path)
{
	struct http_req	*q;
	char		*url;

	url = xasprintf("%s/%s", g->api, path);
	q = http_req_new("GET", url);
	if (g->bearer != NULL)
		http_req_set_header(q, "Authorization", g->bearer);
	q->retry = gws_retry;
	q->rate_group = "gws-admin";
	free(url);
	return q;
}

/* A list request; page: pageToken or NULL. */
static struct http_req *
list_req(struct gws *g, const char *what, const char *page)
{
	struct http_req	*q;
	char		*p, *t = page != NULL ? http_escape(page) : NULL;

	if (strcmp(what, "users") == 0)
		p = xasprintf("users?customer=%s&maxResults=500&"
		    "projection=basic%s%s", g->customer, t != NULL ?
		    "&pageToken=" : "", t != NULL ? t : "");
	else if (strcmp(what, "roles") == 0)
		p = xasprintf("customer/%s/roles?maxResults=100%s%s",
		    g->customer, t != NULL ? "&pageToken=" : "",
		    t != NULL ? t : "");
	else
		p = xasprintf("customer/%s/roleassignments?maxResults=200%s%s",
		    g->customer, t != NULL ? "&pageToken=" : "",
		    t != NULL ? t : "");
	q = api_req(g, p);
	free(p);
	free(t);
	return q;
}

/*
 * The JSON reply of a request, or NULL with *why set (what: the call).
 * ok404: a 404 gives an empty object.
 */
static json_t *
api_reply(const struct http_req *q, const char *what, int ok404, char **why)
{
	json_t		*j;
	json_error_t	 je;
	char		*reason, *msg;

	if (ok404 && q->result == 0 && q->status == 404)
		return json_object();
	if (q->result != 0 || q->status < 200 || q->status >= 300) {
		msg = NULL;
		reason = q->status >= 400 ? error_reason(q, &msg) : NULL;
		if (reason == NULL) {
			/* A message without a reason (a 500's body). */
			free(msg);
			msg = NULL;
		}
		if (q->result != 0 && reason != NULL)
			*why = xasprintf("%s: %s: %s (%s)", what, reason,
			    msg != NULL ? msg : "", q->error != NULL ?
			    q->error : vgl_err(q->result));
		else if (q->result != 0)
			*why = xasprintf("%s: %s", what, q->error != NULL ?
			    q->error : vgl_err(q->result));
		else if (reason != NULL)
			*why = xasprintf("%s: HTTP %ld %s: %s", what,
			    q->status, reason, msg != NULL ? msg : "");
		else
			*why = xasprintf("%s: HTTP %ld from %s", what,
			    q->status, q->url);
		free(reason);
		free(msg);
		return NULL;
	}
	if ((j = json_loadb(q->resp.data, q->resp.len, 0, &je)) == NULL ||
	    !json_is_object(j)) {
		*why = xasprintf("%s: malformed JSON at line %d column %d: %s",
		    what, je.line, je.column, j == NULL ? je.text :
		    "not an object");
		json_decref(j);
		return NULL;
	}
	/*
	 * Every Admin SDK and Reports API reply names its "kind"; an object
	 * without one (a proxy's answer, a 200 error page) is not a reply:
	 * taking it as an empty list would pass the source as clean.
	 */
	if (!json_is_string(json_object_get(j, "kind"))) {
		*why = xasprintf("%s: the answer is not an Admin SDK reply "
		    "(no \"kind\") from %s: check endpoints.admin", what,
		    q->url);
		json_decref(j);
		return NULL;
	}
	return j;
}

/*
 * One page of a list: appends items[key] to out (array) or, for roles,
 * into the roleId map; *next gets nextPageToken or NULL.
 */
static int
list_page(struct gws *g, const struct http_req *q, const char *what,
    const char *key, json_t *out, char **next, char **why)
{
	json_t		*j, *items, *it;
	const char	*s;
	size_t		 i;

	*next = NULL;
	if ((j = api_reply(q, what, 0, why)) == NULL)
		return VGL_ERR_PROVIDER;
	items = json_object_get(j, key);
	json_array_foreach(items, i, it) {
		if (json_is_array(out))
			json_array_append(out, it);
		else if ((s = json_string_value(json_object_get(it,
		    "roleId"))) != NULL)
			json_object_set(out, s, it);
		else if (json_is_integer(json_object_get(it, "roleId"))) {
			char *id = xasprintf("%lld", (long long)
			    json_integer_value(json_object_get(it, "roleId")));
			json_object_set(out, id, it);
			free(id);
		}
	}
	if ((s = json_string_value(json_object_get(j, "nextPageToken"))) !=
	    NULL && *s != '\0')
		*next = xstrdup(s);
	json_decref(j);
	return 0;
}

/* The remaining pages of a list, one after another. */
static int
list_rest(struct gws *g, const char *what, const char *key, json_t *out,
    char *next, char **why)
{
	struct http_req	*q;
	json_t		*seen = json_object();
	char		*n;
	int		 r = 0;

	while (r == 0 && next != NULL) {
		if ((r = gws_token_fresh(g, why)) != 0)
			break;
		json_object_set_new(seen, next, json_true());
		q = list_req(g, what, next);
		http_do(g->http, q);
		r = list_page(g, q, what, key, out, &n, why);
		http_req_free(q);
		/* A token seen before would loop until the deadline. */
		if (r == 0 && n != NULL && json_object_get(seen, n) != NULL) {
			*why = xasprintf("%s: nextPageToken repeats %s; the "
			    "list would be incomplete", what, strcmp(n,
			    next) == 0 ? "the token just followed" :
			    "an earlier page's token");
			free(n);
			n = NULL;
			r = VGL_ERR_PROVIDER;
		}
		free(next);
		next = n;
	}
	free(next);
	json_decref(seen);
	return r;
}

/* ---- rows ------------------------------------------------------------ */

static int
put_row(struct gws *g, const char *table, json_t *row)
{
	return source_put_row(g->ctx, table, row);
}

/* ISO-8601 UTC (seconds) of a Google time; never (epoch 0) is NULL. */
static json_t *
gtime(json_t *v)
{
	const char	*s = json_string_value(v);
	long long	 t;
	char		 out[32];

	if (s == NULL || *s == '\0')
		return json_null();
	if (iso8601_parse(s, &t) != 0)
		return json_string(s);
	if (t <= 0)
		return json_null();
	iso8601_utc(t, out, sizeof(out));
	return json_string(out);
}

static char *
lower(const char *s)
{
	char	*d = xstrdup(s != NULL ? s : "");
	size_t	 i;

	for (i = 0; d[i] != '\0'; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static int
jbool(json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* Member k of o (borrowed), or JSON null. */
static json_t *
jopt(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return v != NULL ? v : json_null();
}

/* A JSON value (string or number) as a new string, or NULL. */
static char *
jid(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	return NULL;
}

static int
write_users(struct gws *g)
{
	json_t		*u, *row;
	size_t		 i;
	char		*email;
	int		 r;

	json_array_foreach(g->users, i, u) {
		email = lower(json_string_value(json_object_get(u,
		    "primaryEmail")));
		row = json_pack("{s:s, s:O, s:b, s:b, s:b, s:b, s:b, s:b, "
		    "s:o, s:o, s:O, s:O}",
		    "email", email,
		    "user_id", jopt(u, "id"),
		    "is_admin", jbool(u, "isAdmin"),
		    "is_delegated_admin", jbool(u, "isDelegatedAdmin"),
		    "enrolled_2sv", jbool(u, "isEnrolledIn2Sv"),
		    "enforced_2sv", jbool(u, "isEnforcedIn2Sv"),
		    "suspended", jbool(u, "suspended"),
		    "archived", jbool(u, "archived"),
		    "last_login", gtime(json_object_get(u, "lastLoginTime")),
		    "created", gtime(json_object_get(u, "creationTime")),
		    "org_unit", jopt(u, "orgUnitPath"),
		    "raw", u);
		free(email);
		if ((r = put_row(g, "gws_users", row)) != 0)
			return r;
	}
	return 0;
}

/* The lower-cased primary email of the user with that id, or NULL. */
static char *
user_email(struct gws *g, const char *id)
{
	json_t	*u;
	size_t	 i;
	char	*uid;
	int	 same;

	json_array_foreach(g->users, i, u) {
		uid = jid(json_object_get(u, "id"));
		same = uid != NULL && strcmp(uid, id) == 0;
		free(uid);
		if (same)
			return lower(json_string_value(json_object_get(u,
			    "primaryEmail")));
	}
	return NULL;
}

static int
write_assignments(struct gws *g, json_t *assignments)
{
	json_t		*a, *role, *row;
	size_t		 i;
	char		*rid, *to, *email;
	const char	*type;
	int		 r;

	json_array_foreach(assignments, i, a) {
		rid = jid(json_object_get(a, "roleId"));
		to = jid(json_object_get(a, "assignedTo"));
		type = json_string_value(json_object_get(a, "assigneeType"));
		role = rid != NULL ? json_object_get(g->roles, rid) : NULL;
		email = to != NULL && (type == NULL || strcmp(type, "user") ==
		    0) ? user_email(g, to) : NULL;
		row = json_pack("{s:s?, s:s?, s:s?, s:s?, s:O, s:b, s:O, "
		    "s:O, s:O}",
		    "email", email, "assigned_to", to, "assignee_type", type,
		    "role_id", rid,
		    "role_name", jopt(role, "roleName"),
		    "is_super_admin", jbool(role, "isSuperAdminRole"),
		    "scope_type", jopt(a, "scopeType"),
		    "org_unit_id", jopt(a, "orgUnitId"),
		    "raw", a);
		free(rid);
		free(to);
		free(email);
		if ((r = put_row(g, "gws_role_assignments", row)) != 0)
			return r;
	}
	return 0;
}

/*
 * users/ID/PATH for every user, concurrently (one call per user): each
 * item of a reply becomes a row of table (row(email, item), email the
 * user's, lower-cased); a reply that fails is "LIST for EMAIL".
 */
static int
per_user(struct gws *g, const char *path, const char *list,
    const char *table, json_t *(*row)(const char *email, json_t *item),
    char **why)
{
	struct http_req	**q;
	json_t		*u, *j, *t;
	size_t		 i, k, n = json_array_size(g->users);
	char		*key, *p, *email, *what;
	int		 r = 0;

	if (n == 0)
		return 0;
	if ((r = gws_token_fresh(g, why)) != 0)
		return r;
	q = xcalloc(n, sizeof(*q));
	json_array_foreach(g->users, i, u) {
		key = jid(json_object_get(u, "id"));
		if (key == NULL)
			key = xstrdup(json_string_value(json_object_get(u,
			    "primaryEmail")) != NULL ? json_string_value(
			    json_object_get(u, "primaryEmail")) : "");
		p = http_escape(key);
		free(key);
		key = xasprintf("users/%s/%s", p, path);
		q[i] = api_req(g, key);
		free(key);
		free(p);
	}
	http_do_all(g->http, q, n);
	for (i = 0; i < n && r == 0; i++) {
		u = json_array_get(g->users, i);
		email = lower(json_string_value(json_object_get(u,
		    "primaryEmail")));
		what = xasprintf("%s for %s", list, email);
		if ((j = api_reply(q[i], what, 1, why)) == NULL) {
			r = VGL_ERR_PROVIDER;
			free(what);
			free(email);
			break;
		}
		json_array_foreach(json_object_get(j, "items"), k, t) {
			if ((r = put_row(g, table, row(email, t))) != 0)
				break;
		}
		json_decref(j);
		free(what);
		free(email);
	}
	for (i = 0; i < n; i++)
		http_req_free(q[i]);
	free(q);
	return r;
}

/* A gws_tokens row. */
static json_t *
token_row(const char *email, json_t *t)
{
	json_t	*row, *sc = json_object_get(t, "scopes");

	row = json_pack("{s:s, s:O, s:O, s:O, s:b, s:b, s:O}",
	    "email", email,
	    "client_id", jopt(t, "clientId"),
	    "display_text", jopt(t, "displayText"),
	    "scopes", json_is_array(sc) ? sc : json_array(),
	    "anonymous", jbool(t, "anonymous"),
	    "native_app", jbool(t, "nativeApp"),
	    "raw", t);
	if (!json_is_array(sc))
		json_decref(json_object_get(row, "scopes"));
	return row;
}

/* tokens.list for every user, concurrently (one call per user). */
static int
tokens(struct gws *g, char **why)
{
	return per_user(g, "tokens", "tokens.list", "gws_tokens", token_row,
	    why);
}

/*
 * The time of a Google int64 millisecond epoch (a string or a number) as
 * ISO-8601 UTC; 0 or absent (never) is NULL.
 */
static json_t *
ms_time(json_t *v)
{
	const char	*s;
	char		*end, out[32];
	long long	 ms;

	if (json_is_integer(v))
		ms = (long long)json_integer_value(v);
	else if ((s = json_string_value(v)) != NULL && *s != '\0') {
		ms = strtoll(s, &end, 10);
		if (*end != '\0')
			return json_string(s);
	} else
		return json_null();
	if (ms <= 0)
		return json_null();
	iso8601_utc(ms / 1000, out, sizeof(out));
	return json_string(out);
}

/* A gws_asps row. */
static json_t *
asp_row(const char *email, json_t *a)
{
	json_t	*row;
	char	*code = jid(json_object_get(a, "codeId"));

	row = json_pack("{s:s, s:s?, s:O, s:o, s:o, s:O}",
	    "email", email,
	    "code_id", code,
	    "name", jopt(a, "name"),
	    "created", ms_time(json_object_get(a, "creationTime")),
	    "last_used", ms_time(json_object_get(a, "lastTimeUsed")),
	    "raw", a);
	free(code);
	return row;
}

/*
 * asps.list for every user, concurrently (one call per user: Google has
 * no bulk source of app-specific passwords).  Every user is asked, not
 * only those enrolled in 2SV today: an app password created while 2SV
 * was on is not documented to die when 2SV is turned off.
 */
static int
asps(struct gws *g, char **why)
{
	return per_user(g, "asps", "asps.list", "gws_asps", asp_row, why);
}

/* A usage report request for date (YYYY-MM-DD); page: pageToken or NULL. */
static struct http_req *
usage_req(struct gws *g, const char *date, const char *page)
{
	struct http_req	*q;
	char		*url, *t = page != NULL ? http_escape(page) : NULL;
	char		*params = http_escape(GWS_USAGE_PARAMS);
	int		 mine = strcmp(g->customer, "my_customer") == 0;

	url = xasprintf("%s/usage/users/all/dates/%s?parameters=%s&"
	    "maxResults=%d%s%s%s%s", g->reports, date, params, GWS_USAGE_PAGE, mine ? "" : "&customerId=", mine ? "" :
	    g->customer, t != NULL ? "&pageToken=" : "", t != NULL ? t : "");
	q = http_req_new("GET", url);
	if (g->bearer != NULL)
		http_req_set_header(q, "Authorization", g->bearer);
	q->retry = gws_retry;
	q->rate_group = "gws-reports";
	free(url);
	free(t);
	free(params);
	return q;
}

/*
 * 1 when a usage report answer says the date has no data yet: HTTP 400
 * "Data for dates later than ... is not yet available", or a warning
 * DATA_NOT_AVAILABLE or PARTIAL_DATA_AVAILABLE (Reports API reference,
 * UsageReports.warnings).
 */
static int
usage_not_ready(const struct http_req *q)
{
	json_t		*j, *w;
	const char	*c;
	char		*msg = NULL, *reason;
	size_t		 i;
	int		 nr = 0;

	if (q->result != 0)
		return 0;
	if (q->status == 400) {
		reason = error_reason(q, &msg);
		nr = msg != NULL && strstr(msg, "not yet available") != NULL;
		free(reason);
		free(msg);
		return nr;
	}
	if (q->status != 200 ||
	    (j = json_loadb(q->resp.data, q->resp.len, 0, NULL)) == NULL)
		return 0;
	json_array_foreach(json_object_get(j, "warnings"), i, w) {
		c = json_string_value(json_object_get(w, "code"));
		if (c != NULL && (strcmp(c, "DATA_NOT_AVAILABLE") == 0 ||
		    strcmp(c, "PARTIAL_DATA_AVAILABLE") == 0))
			nr = 1;
	}
	json_decref(j);
	return nr;
}

/* A usage report parameter's value: intValue (a string), else boolValue. */
static json_t *
usage_param(json_t *report, const char *name)
{
	json_t		*p, *v;
	const char	*n, *s;
	char		*end;
	long long	 x;
	size_t		 i;

	json_array_foreach(json_object_get(report, "parameters"), i, p) {
		n = json_string_value(json_object_get(p, "name"));
		if (n == NULL || strcmp(n, name) != 0)
			continue;
		if ((v = json_object_get(p, "boolValue")) != NULL &&
		    json_is_boolean(v))
			return json_integer(json_is_true(v));
		v = json_object_get(p, "intValue");
		if (json_is_integer(v))
			return json_integer(json_integer_value(v));
		if ((s = json_string_value(v)) != NULL) {
			x = strtoll(s, &end, 10);
			if (end != s && *end == '\0')
				return json_integer(x);
		}
		return json_null();
	}
	return json_null();
}

/*
 * The Reports API user usage report for every user at once
 * (userUsageReport.get with userKey "all"), for the newest date that
 * has data: report dates are Pacific time (UTC-8) and lag by a few days,
 * so it starts at yesterday there and steps back a day while Google
 * answers that the date is not available yet.  When no date of the last
 * GWS_USAGE_DAYS has data, gws_usage stays empty and the rules that
 * read it report every admin as unknown rather than passing.
 */
static int
usage_report(struct gws *g, char **why)
{
	struct http_req	*q;
	json_t		*all, *j, *rep, *ent, *row;
	const char	*s;
	char		 date[16], day[32], *next = NULL, *prev = NULL, *email;
	char		*what;
	long long	 now;
	size_t		 i;
	int		 back, r = 0, ready;

	now = g->replay ? http_client_replay_time(g->http) :
	    (long long)time(NULL);
	all = json_array();
	for (back = 1; back <= GWS_USAGE_DAYS; back++) {
		iso8601_utc(now - 8 * 3600 - (long long)back * 86400, day,
		    sizeof(day));
		snprintf(date, sizeof(date), "%.10s", day);
		ready = 1;
		free(prev);
		prev = NULL;
		do {
			if ((r = gws_token_fresh(g, why)) != 0)
				goto out;
			q = usage_req(g, date, next);
			free(next);
			next = NULL;
			http_do(g->http, q);
			if (usage_not_ready(q)) {
				http_req_free(q);
				ready = 0;
				break;
			}
			what = xasprintf("usage report for %s", date);
			j = api_reply(q, what, 0, why);
			free(what);
			http_req_free(q);
			if (j == NULL) {
				r = VGL_ERR_PROVIDER;
				goto out;
			}
			json_array_foreach(json_object_get(j, "usageReports"),
			    i, rep)
				json_array_append(all, rep);
			if ((s = json_string_value(json_object_get(j,
			    "nextPageToken"))) != NULL && *s != '\0') {
				if (prev != NULL && strcmp(prev, s) == 0) {
					*why = xasprintf("usage report for %s: "
					    "nextPageToken repeats the token "
					    "just followed; the report would "
					    "be incomplete", date);
					json_decref(j);
					r = VGL_ERR_PROVIDER;
					goto out;
				}
				next = xstrdup(s);
			}
			json_decref(j);
			free(prev);
			prev = next != NULL ? xstrdup(next) : NULL;
		} while (next != NULL);
		if (ready)
			break;
		json_array_clear(all);
		log_info("%s: usage report for %s is not available yet",
		    g->ctx->ps->name, date);
	}
	if (back > GWS_USAGE_DAYS) {
		log_warn("%s: no usage report in the last %d days: security "
		    "key enrollment is unknown", g->ctx->ps->name,
		    GWS_USAGE_DAYS);
		goto out;
	}
	json_array_foreach(all, i, rep) {
		ent = json_object_get(rep, "entity");
		s = json_string_value(json_object_get(ent, "userEmail"));
		if (s == NULL)
			continue;
		email = lower(s);
		row = json_pack("{s:s, s:O, s:s, s:o, s:o, s:o, s:o, s:O}",
		    "email", email,
		    "profile_id", jopt(ent, "profileId"),
		    "date", date,
		    "is_2sv_enrolled", usage_param(rep,
		    "accounts:is_2sv_enrolled"),
		    "is_2sv_enforced", usage_param(rep,
		    "accounts:is_2sv_enforced"),
		    "num_security_keys", usage_param(rep,
		    "accounts:num_security_keys"),
		    "num_passkeys", usage_param(rep,
		    "accounts:num_passkeys_enrolled"),
		    "raw", rep);
		free(email);
		if ((r = put_row(g, "gws_usage", row)) != 0)
			goto out;
	}
 out:
	free(prev);
	free(next);
	json_decref(all);
	return r;
}

/* ---- the collector ------------------------------------------------------ */

static void
gws_release(struct gws *g)
{
	free(g->token_url);
	free(g->api);
	free(g->reports);
	free(g->customer);
	freestr_secret(g->bearer);
	free(g->email);
	free(g->key_id);
	EVP_PKEY_free(g->pkey);
	json_decref(g->users);
	json_decref(g->roles);
}

static int
gws_collect_all(struct gws *g, char **why)
{
	struct http_req	*q[3] = { NULL, NULL, NULL };
	json_t		*assignments;
	char		*nu = NULL, *nr = NULL, *na = NULL;
	size_t		 i;
	int		 r;

	g->users = json_array();
	g->roles = json_object();
	assignments = json_array();
	if ((r = gws_token_fresh(g, why)) != 0)
		goto out;
	q[0] = list_req(g, "users", NULL);
	q[1] = list_req(g, "roles", NULL);
	q[2] = list_req(g, "roleassignments", NULL);
	http_do_all(g->http, q, 3);
	if ((r = list_page(g, q[0], "users.list", "users", g->users, &nu,
	    why)) != 0 ||
	    (r = list_page(g, q[1], "roles.list", "items", g->roles, &nr,
	    why)) != 0 ||
	    (r = list_page(g, q[2], "roleAssignments.list", "items",
	    assignments, &na, why)) != 0)
		goto out;
	r = list_rest(g, "users", "users", g->users, nu, why);
	nu = NULL;
	if (r != 0)
		goto out;
	r = list_rest(g, "roles", "items", g->roles, nr, why);
	nr = NULL;
	if (r != 0)
		goto out;
	r = list_rest(g, "roleassignments", "items", assignments, na, why);
	na = NULL;
	if (r != 0)
		goto out;
	if ((r = tokens(g, why)) != 0 || (r = asps(g, why)) != 0 ||
	    (r = usage_report(g, why)) != 0 || (r = write_users(g)) != 0 ||
	    (r = write_assignments(g, assignments)) != 0)
		goto out;
 out:
	for (i = 0; i < 3; i++)
		http_req_free(q[i]);
	free(nu);
	free(nr);
	free(na);
	json_decref(assignments);
	return r;
}

static int
gws_collect(struct source_ctx *ctx)
{
	struct gws	 g;
	json_t		*eps;
	const char	*s;
	char		*why = NULL, *admin;
	int		 r = 0;

	memset(&g, 0, sizeof(g));
	g.ctx = ctx;
	g.http = ctx->http;
	g.replay = http_client_replay_time(ctx->http) != 0;
	g.subject = policy_source_str(ctx->ps, "subject", NULL);
	/* The token URL is a full URL: no fallback to "endpoint". */
	eps = json_object_get(ctx->ps->obj, "endpoints");
	s = json_string_value(json_object_get(eps, "oauth2"));
	g.token_url = xstrdup(s != NULL ? s : GWS_TOKEN_URL);
	admin = source_endpoint(ctx->ps, "admin", GWS_ADMIN_URL);
	g.api = xasprintf("%s%s", admin, GWS_API_PATH);
	g.reports = xasprintf("%s%s", admin, GWS_REPORTS_PATH);
	free(admin);
	g.customer = http_escape(policy_source_str(ctx->ps, "customer",
	    "my_customer"));
	http_client_set_rate(ctx->http, "gws-admin", GWS_RPS);
	http_client_set_rate(ctx->http, "gws-reports", GWS_REPORTS_RPS);
	if (!g.replay) {
		if (g.subject == NULL) {
			why = xstrdup("no \"subject\" (the admin to "
			    "impersonate)");
			r = VGL_ERR_POLICY;
			goto out;
		}
		if ((r = gws_read_key(&g, &why)) != 0)
			goto out;
	}
	r = gws_collect_all(&g, &why);
 out:
	if (r != 0)
		r = source_fail(ctx, "%s", why != NULL ? why : vgl_err(r));
	free(why);
	gws_release(&g);
	return r;
}

static void
gws_check(const struct policy_source *ps, struct diags *d)
{
	const char	*s;
	json_t		*v;

	s = policy_source_str(ps, "subject", NULL);
	if (s == NULL || strchr(s, '@') == NULL)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"subject\" must be the email of the admin to "
		    "impersonate", ps->name);
	if (json_object_get(ps->obj, "service_account_key_file") == NULL &&
	    json_object_get(ps->obj, "service_account_key_env") == NULL)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"service_account_key_file\" (the service account's "
		    "JSON key) is required", ps->name);
	v = json_object_get(ps->obj, "customer");
	if (v != NULL && (!json_is_string(v) || *json_string_value(v) == '\0'))
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"customer\" must be a customer id or \"my_customer\"",
		    ps->name);
}

/* Rule providers (rules/gws) that stand for google_workspace. */
static const char *const gws_rule_providers[] = { "gws", NULL };

/* Its accounts in the identities view (store.c). */
static const struct identity_part gws_identity[] = {
	{ "gws_users", "email suspended is_admin", NULL, NULL,
	  "SELECT lower(email), 'google_workspace', source, email, email, "
	  "CASE WHEN suspended = 1 THEN 0 ELSE 1 END, coalesce(is_admin, 0) "
	  "FROM temp.gws_users" },
	{ NULL, NULL, NULL, NULL, NULL }
};

/*
 * Natural keys for drift (drift.c); gws_usage.date is not compared: the
 * usage report's date moves with every run.
 */
static const struct drift_table gws_drift[] = {
	{ "gws_asps",			"email,code_id", NULL, NULL, NULL },
	{ "gws_role_assignments",	"email,role_name", NULL, NULL, NULL },
	{ "gws_tokens",			"email,client_id", NULL, NULL, NULL },
	{ "gws_usage",			"email", "date", NULL, NULL },
	{ "gws_users",			"email", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct source_type source_gws = {
	.name = "google_workspace",
	.rule_providers = gws_rule_providers,
	.identity = gws_identity,
	.drift = gws_drift,
	.keys = gws_keys,
	.endpoint_keys = gws_endpoint_keys,
	.kinds = gws_kinds,
	.http = 1,
	.schema = gws_schema,
	.check = gws_check,
	.collect = gws_collect,
};
