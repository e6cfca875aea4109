/*
 * atlassian/collect.c: the Atlassian Cloud source (type "atlassian").
 *
 * Two credentials, two APIs (apis.md section 3):
 *   - the organization admin API (endpoints.admin, default
 *     https://api.atlassian.com) with the org API key as a Bearer token:
 *     GET /admin/v1/orgs/{org}/users (managed accounts, cursor paging via
 *     links.next) gives every user with status and last_active, and
 *     GET /admin/v2/orgs/{org}/directories/-/users?roleIds=atlassian/
 *     org-admin gives the organization admins (a role, not a group), and
 *     GET /admin/api-access/v1/orgs/{org}/api-tokens every user API token
 *     of the managed accounts with its last use (needs the key's
 *     read:tokens:admin scope; when the API refuses it with 403 or 404,
 *     atlassian_coverage says so and atlassian.api_token_stale reports
 *     the gap instead of passing);
 *   - the site API (endpoints.site, default the `site` value) with Basic
 *     email:api_token: GET /rest/api/3/group/bulk and, for each group,
 *     GET /rest/api/3/group/member (offset paging, isLast), the groups
 *     fetched concurrently.
 *
 * Rate limits: 429 (and 503) with Retry-After are retried by http.c; when
 * an answer says X-RateLimit-Remaining: 0, the next request waits for
 * X-RateLimit-Reset (bounded).  Both secrets, and the Basic credential
 * derived from them, are registered for redaction.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "http.h"
#include "log.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const char atlassian_schema[] =
"CREATE TABLE IF NOT EXISTS atlassian_users(run INTEGER NOT NULL,\n"
"  source TEXT, account_id TEXT, email TEXT, name TEXT, status TEXT,\n"
"  last_active TEXT, is_org_admin INTEGER, account_type TEXT,\n"
"  raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS atlassian_users_run ON\n"
"  atlassian_users(run, account_id);\n"
"CREATE TABLE IF NOT EXISTS atlassian_group_members(run INTEGER NOT NULL,\n"
"  source TEXT, group_name TEXT, group_id TEXT, account_id TEXT,\n"
"  raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS atlassian_group_members_run ON\n"
"  atlassian_group_members(run, group_name);\n"
"CREATE TABLE IF NOT EXISTS atlassian_api_tokens(run INTEGER NOT NULL,\n"
"  source TEXT, token_id TEXT, account_id TEXT, email TEXT, label TEXT,\n"
"  status TEXT, created TEXT, expires TEXT, last_active TEXT, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS atlassian_api_tokens_run ON\n"
"  atlassian_api_tokens(run, account_id);\n"
"CREATE TABLE IF NOT EXISTS atlassian_coverage(run INTEGER NOT NULL,\n"
"  source TEXT, item TEXT, available INTEGER, detail TEXT, raw TEXT);\n";

static const char *const atlassian_keys[] = {
	"org_id", "admin_api_key_env", "site", "email", "api_token_env",
	"deadline_s", NULL
};

/* How the policy checker checks its keys (struct policy_type). */
static const struct policy_key atlassian_kinds[] = {
	{ "org_id", POLICY_STRING },
	{ "email", POLICY_STRING },
	{ "site", POLICY_URL },
	{ "admin_api_key", POLICY_SECRET },
	{ "api_token", POLICY_SECRET },
	{ NULL, 0 }
};

static const char *const atlassian_endpoint_keys[] = {
	"admin", "site", NULL
};

#define ATL_ORG_ADMIN_ROLE	"atlassian/org-admin"
#define ATL_PAGE		50	/* group/bulk and group/member */
#define ATL_V2_LIMIT		100	/* the v2 directory maximum */
#define ATL_MAX_PAGES		10000	/* a loop guard */
#define ATL_MAX_RESET_WAIT	60	/* seconds */

struct atl {
	struct source_ctx	*ctx;
	char			*admin;		/* base URLs, no trailing / */
	char			*site;
	char			*org;		/* org_id, URL-encoded */
	char			*bearer;	/* "Bearer KEY" or NULL */
	char			*basic;		/* "Basic B64" or NULL */
	long long		 wait_until;	/* X-RateLimit-Reset */
};

/*
 * The cursor in a links.next value: a bare cursor, or a full URL whose
 * "cursor" query parameter is taken (the request is rebuilt on the
 * configured endpoint, so the key never goes to a host named by a reply).
 * NULL when there is none.
 */
static char *
next_cursor(json_t *page)
{
	const char	*n, *c, *e;
	char		*cur, *d;
	size_t		 i, j;

	n = json_string_value(json_object_get(json_object_get(page, "links"),
	    "next"));
	if (n == NULL || *n == '\0')
		return NULL;
	if (strstr(n, "://") == NULL && n[0] != '/' && n[0] != '?')
		return xstrdup(n);
	if ((c = strchr(n, '?')) == NULL)
		return NULL;
	for (c++; c != NULL && *c != '\0'; c = e != NULL ? e + 1 : NULL) {
		e = strchr(c, '&');
		if (strncmp(c, "cursor=", 7) != 0)
			continue;
		c += 7;
		cur = xstrndup(c, e != NULL ? (size_t)(e - c) : strlen(c));
		/* Percent-decode; it is encoded again when sent. */
		d = cur;
		for (i = j = 0; cur[i] != '\0'; i++) {
			if (cur[i] == '%' && isxdigit((unsigned char)cur[i +
			    1]) && isxdigit((unsigned char)cur[i + 2])) {
				char h[3] = { cur[i + 1], cur[i + 2], '\0' };
				d[j++] = (char)strtol(h, NULL, 16);
				i += 2;
			} else
				d[j++] = cur[i] == '+' ? ' ' : cur[i];
		}
		d[j] = '\0';
		return cur;
	}
	return NULL;
}

/* Sleeps until the X-RateLimit-Reset an exhausted answer announced. */
static void
pace(struct atl *a)
{
	long long	 now = (long long)time(NULL), w;
	struct timespec	 ts;

	if (a->wait_until <= now)
		return;
	w = a->wait_until - now;
	if (w > ATL_MAX_RESET_WAIT)
		w = ATL_MAX_RESET_WAIT;
	log_info("%s: rate limit exhausted; waiting %lld s for its reset",
	    a->ctx->ps->name, w);
	ts.tv_sec = (time_t)w;
	ts.tv_nsec = 0;
	nanosleep(&ts, NULL);
	a->wait_until = 0;
}

/* Notes X-RateLimit-Remaining: 0 with its X-RateLimit-Reset. */
static void
note_limits(struct atl *a, const struct http_req *q)
{
	const char	*rem, *reset;
	long long	 t;
	char		*end;
	long		 v;

	rem = http_resp_header(q, "X-RateLimit-Remaining");
	reset = http_resp_header(q, "X-RateLimit-Reset");
	if (rem == NULL || reset == NULL)
		return;
	v = strtol(rem, &end, 10);
	if (end == rem || v > 0)
		return;
	if (iso8601_parse(reset, &t) != 0) {
		/* Some answers give epoch seconds. */
		t = strtoll(reset, &end, 10);
		if (end == reset)
			return;
	}
	if (t > a->wait_until)
		a->wait_until = t;
}

static struct http_req *
atl_req(struct atl *a, int site, const char *url)
{
	struct http_req	*q;

	q = http_req_new("GET", url);
	http_req_set_header(q, "Accept", "application/json");
	if (site && a->basic != NULL)
		http_req_set_header(q, "Authorization", a->basic);
	else if (!site && a->bearer != NULL)
		http_req_set_header(q, "Authorization", a->bearer);
	return q;
}

/*
 * Checks an answer and parses its JSON body into *out.  On failure,
 * returns an error with ctx->error saying which call failed and why.
 */
static int
atl_answer(struct atl *a, struct http_req *q, int site, const char *what,
    json_t **out)
{
	struct source_ctx	*ctx = a->ctx;
	json_error_t		 jerr;
	const char		*hint = "";

	*out = NULL;
	note_limits(a, q);
	if (q->result != 0 && q->status == 0)
		return source_fail(ctx, "%s: %s", what, q->error != NULL ?
		    q->error : vgl_err(q->result));
	if (q->status == 401)
		hint = site ? " (check email and api_token_env)" :
		    " (check admin_api_key_env)";
	else if (q->status == 403)
		hint = site ? " (the site account lacks a permission: group "
		    "members need Administer Jira, groups Browse users and "
		    "groups)" : " (the API key cannot read this "
		    "organization)";
	else if (q->status == 404 && !site)
		hint = " (check org_id)";
	if (q->status != 200)
		return source_fail(ctx, "%s: HTTP %ld%s%s%s", what, q->status,
		    hint, q->result != 0 && q->error != NULL ? ": " : "",
		    q->result != 0 && q->error != NULL ? q->error : "");
	*out = json_loadb(q->resp.data, q->resp.len, 0, &jerr);
	if (*out == NULL || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return source_fail(ctx, "%s: malformed JSON at line %d "
		    "column %d: %s", what, jerr.line, jerr.column,
		    jerr.text[0] != '\0' ? jerr.text : "not an object");
	}
	/*
	 * Every list vigil reads is a page: "data" (organization API) or
	 * "values" (site API).  An object without either (a proxy's or a
	 * portal's answer) is not an empty list: taking it as one would
	 * pass the source as clean.
	 */
	if (!json_is_array(json_object_get(*out, site ? "values" : "data"))) {
		json_decref(*out);
		*out = NULL;
		return source_fail(ctx, "%s: the answer is not an Atlassian "
		    "page (no \"%s\" array) from %s: check endpoints.%s",
		    what, site ? "values" : "data", q->url,
		    site ? "site" : "admin");
	}
	return 0;
}

/* One GET with pacing; the parsed object in *out. */
static int
atl_get(struct atl *a, int site, const char *url, const char *what,
    json_t **out)
{
	struct http_req	*q;
	int		 r;

	pace(a);
	q = atl_req(a, site, url);
	http_do(a->ctx->http, q);
	r = atl_answer(a, q, site, what, out);
	http_req_free(q);
	return r;
}

static char *
norm_time(const char *s)
{
	long long	 t;
	char		 out[32];

	if (s == NULL || *s == '\0')
		return NULL;
	if (iso8601_parse(s, &t) != 0)
		return xstrdup(s);
	iso8601_utc(t, out, sizeof(out));
	return xstrdup(out);
}

/*
 * The next cursor of a page of `what`, in *cur (freed and replaced).
 * Returns 0, or fails the source when links.next is there but cannot be
 * followed (no cursor in it, or the same cursor again).
 */
static int
follow_cursor(struct atl *a, json_t *page, char **cur, const char *what)
{
	json_t	*n;
	char	*c;

	n = json_object_get(json_object_get(page, "links"), "next");
	c = next_cursor(page);
	if (c == NULL && n != NULL && !json_is_null(n) &&
	    !(json_is_string(n) && *json_string_value(n) == '\0')) {
		free(*cur);
		*cur = NULL;
		return source_fail(a->ctx, "%s: links.next has no cursor to "
		    "follow; the list would be incomplete", what);
	}
	if (c != NULL && *cur != NULL && strcmp(c, *cur) == 0) {
		free(c);
		free(*cur);
		*cur = NULL;
		return source_fail(a->ctx, "%s: links.next gives the same "
		    "cursor again; the list would be incomplete", what);
	}
	free(*cur);
	*cur = c;
	return 0;
}

/* A page of an offset list (isLast): fails when it cannot be followed. */
static int
offset_page_end(struct atl *a, json_t *page, size_t start, int *done,
    const char *what)
{
	size_t	n = json_array_size(json_object_get(page, "values"));

	*done = json_is_true(json_object_get(page, "isLast"));
	if (!*done && n == 0 && !json_is_false(json_object_get(page,
	    "isLast")))
		*done = 1;	/* no isLast: an empty page is the end */
	else if (!*done && n == 0)
		return source_fail(a->ctx, "%s: the page at startAt=%zu is "
		    "empty but isLast is false; the list would be incomplete",
		    what, start);
	return 0;
}

/* Managed accounts (v1): users is an object account_id -> row. */
static int
fetch_users(struct atl *a, json_t *users, json_t *order)
{
	json_t		*page, *u, *row;
	const char	*id;
	char		*url, *cur = NULL, *ec, *la;
	size_t		 i;
	int		 r = 0, n;

	for (n = 0; n < ATL_MAX_PAGES; n++) {
		if (cur == NULL)
			url = xasprintf("%s/admin/v1/orgs/%s/users", a->admin,
			    a->org);
		else {
			ec = http_escape(cur);
			url = xasprintf("%s/admin/v1/orgs/%s/users?cursor=%s",
			    a->admin, a->org, ec);
			free(ec);
		}
		r = atl_get(a, 0, url, "organization users", &page);
		free(url);
		if (r != 0)
			break;
		json_array_foreach(json_object_get(page, "data"), i, u) {
			if ((id = json_string_value(json_object_get(u,
			    "account_id"))) == NULL)
				continue;
			la = norm_time(json_string_value(json_object_get(u,
			    "last_active")));
			row = json_pack("{s:s, s:O, s:O, s:O, s:s?, s:i, "
			    "s:O, s:O}", "account_id", id,
			    "email", json_object_get(u, "email") != NULL ?
			    json_object_get(u, "email") : json_null(),
			    "name", json_object_get(u, "name") != NULL ?
			    json_object_get(u, "name") : json_null(),
			    "status", json_object_get(u, "account_status") !=
			    NULL ? json_object_get(u, "account_status") :
			    json_null(), "last_active", la, "is_org_admin", 0,
			    "account_type", json_object_get(u,
			    "account_type") != NULL ? json_object_get(u,
			    "account_type") : json_null(), "raw", u);
			free(la);
			if (json_object_get(users, id) == NULL)
				json_array_append_new(order, json_string(id));
			json_object_set_new(users, id, row);
		}
		r = follow_cursor(a, page, &cur, "organization users");
		json_decref(page);
		if (r != 0 || cur == NULL)
			break;
	}
	if (r == 0 && cur != NULL)
		r = source_fail(a->ctx, "organization users: more than %d "
		    "pages", ATL_MAX_PAGES);
	free(cur);
	return r;
}

/* Organization admins (v2 directory, filtered by role). */
static int
fetch_admins(struct atl *a, json_t *users, json_t *order)
{
	json_t		*page, *u, *row, *roles, *v;
	const char	*id, *role;
	char		*url, *cur = NULL, *ec;
	size_t		 i, j;
	int		 r = 0, n, admin;

	for (n = 0; n < ATL_MAX_PAGES; n++) {
		ec = cur != NULL ? http_escape(cur) : NULL;
		url = xasprintf("%s/admin/v2/orgs/%s/directories/-/users?"
		    "limit=%d&roleIds=%s%s%s", a->admin, a->org, ATL_V2_LIMIT,
		    "atlassian%2Forg-admin", ec != NULL ? "&cursor=" : "",
		    ec != NULL ? ec : "");
		free(ec);
		r = atl_get(a, 0, url, "organization admins", &page);
		free(url);
		if (r != 0)
			break;
		json_array_foreach(json_object_get(page, "data"), i, u) {
			if ((id = json_string_value(json_object_get(u,
			    "accountId"))) == NULL)
				continue;
			/* Trust platformRoles[] when the answer has it. */
			roles = json_object_get(u, "platformRoles");
			admin = !json_is_array(roles);
			json_array_foreach(roles, j, v) {
				role = json_string_value(v);
				if (role == NULL)
					role = json_string_value(
					    json_object_get(v, "roleId"));
				if (role != NULL && strcmp(role,
				    ATL_ORG_ADMIN_ROLE) == 0)
					admin = 1;
			}
			if (!admin)
				continue;
			if ((row = json_object_get(users, id)) != NULL) {
				json_object_set_new(row, "is_org_admin",
				    json_integer(1));
				continue;
			}
			/* An admin outside the managed accounts. */
			row = json_pack("{s:s, s:O, s:O, s:O, s:n, s:i, "
			    "s:n, s:O}", "account_id", id,
			    "email", json_object_get(u, "email") != NULL ?
			    json_object_get(u, "email") : json_null(),
			    "name", json_object_get(u, "name") != NULL ?
			    json_object_get(u, "name") : json_null(),
			    "status", json_object_get(u, "accountStatus") !=
			    NULL ? json_object_get(u, "accountStatus") :
			    json_null(), "last_active", "is_org_admin", 1,
			    "account_type", "raw", u);
			json_array_append_new(order, json_string(id));
			json_object_set_new(users, id, row);
		}
		r = follow_cursor(a, page, &cur, "organization admins");
		json_decref(page);
		if (r != 0 || cur == NULL)
			break;
	}
	if (r == 0 && cur != NULL)
		r = source_fail(a->ctx, "organization admins: more than %d "
		    "pages", ATL_MAX_PAGES);
	free(cur);
	return r;
}

/* A JSON string member as a new ISO-8601 UTC time (NULL: none). */
static json_t *
jtime(json_t *o, const char *k)
{
	char	*t;
	json_t	*v;

	if ((t = norm_time(json_string_value(json_object_get(o, k)))) ==
	    NULL)
		return json_null();
	v = json_string(t);
	free(t);
	return v;
}

/* Member k of o (borrowed), or JSON null. */
static json_t *
jopt(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return v != NULL ? v : json_null();
}

/*
 * One atlassian_coverage row: whether a kind of data (item) could be
 * read, and why not.
 */
static int
put_coverage(struct atl *a, const char *item, int available,
    const char *detail)
{
	json_t	*row;
	int	 r;

	row = json_pack("{s:s, s:i, s:s?, s:n}", "item", item,
	    "available", available, "detail", detail, "raw");
	r = snap_insert(a->ctx->snap, "atlassian_coverage", a->ctx->ps->name,
	    row);
	json_decref(row);
	return r;
}

/*
 * User API tokens of the managed accounts (API access API, cursor
 * paging via links.next).  A 403 or 404 (an API key without the
 * read:tokens:admin scope, or an organization where the API is not
 * offered) is not a failure of the source: it is written to
 * atlassian_coverage as unavailable, and atlassian.api_token_stale
 * reports it.  Any other error fails the source.
 */
static int
fetch_api_tokens(struct atl *a)
{
	struct http_req	*q;
	json_t		*page, *t, *user, *row;
	const char	*id;
	char		*url, *cur = NULL, *ec, *why;
	size_t		 i;
	int		 r = 0, n;

	for (n = 0; n < ATL_MAX_PAGES; n++) {
		ec = cur != NULL ? http_escape(cur) : NULL;
		url = xasprintf("%s/admin/api-access/v1/orgs/%s/api-tokens%s%s",
		    a->admin, a->org, ec != NULL ? "?cursor=" : "",
		    ec != NULL ? ec : "");
		free(ec);
		pace(a);
		q = atl_req(a, 0, url);
		free(url);
		http_do(a->ctx->http, q);
		if (q->result == 0 && (q->status == 403 || q->status == 404)) {
			note_limits(a, q);
			why = xasprintf("GET /admin/api-access/v1/orgs/ORG/"
			    "api-tokens answered HTTP %ld%s", q->status,
			    q->status == 403 ? " (the organization API key "
			    "lacks the read:tokens:admin scope)" : " (not "
			    "offered for this organization)");
			log_warn("%s: user API tokens unavailable: %s",
			    a->ctx->ps->name, why);
			http_req_free(q);
			r = put_coverage(a, "api_tokens", 0, why);
			free(why);
			goto out;
		}
		r = atl_answer(a, q, 0, "organization API tokens", &page);
		http_req_free(q);
		if (r != 0)
			goto out;
		json_array_foreach(json_object_get(page, "data"), i, t) {
			if ((id = json_string_value(json_object_get(t, "id")))
			    == NULL)
				continue;
			user = json_object_get(t, "user");
			row = json_pack("{s:s, s:O, s:O, s:O, s:O, s:o, s:o, "
			    "s:o, s:O}", "token_id", id,
			    "account_id", jopt(user, "id"),
			    "email", jopt(user, "email"),
			    "label", jopt(t, "label"),
			    "status", jopt(t, "status"),
			    "created", jtime(t, "createdAt"),
			    "expires", jtime(t, "expiresAt"),
			    "last_active", jtime(t, "lastActiveAt"),
			    "raw", t);
			r = snap_insert(a->ctx->snap, "atlassian_api_tokens",
			    a->ctx->ps->name, row);
			json_decref(row);
			if (r != 0)
				break;
			a->ctx->resources++;
		}
		if (r == 0)
			r = follow_cursor(a, page, &cur,
			    "organization API tokens");
		json_decref(page);
		if (r != 0 || cur == NULL)
			break;
	}
	if (r == 0 && cur != NULL)
		r = source_fail(a->ctx, "organization API tokens: more than "
		    "%d pages", ATL_MAX_PAGES);
	if (r == 0)
		r = put_coverage(a, "api_tokens", 1, NULL);
 out:
	free(cur);
	return r;
}

/* Site groups: a JSON array of {name, groupId} objects in *groups. */
static int
fetch_groups(struct atl *a, json_t *groups)
{
	json_t	*page, *vals, *g;
	char	*url;
	size_t	 i, start = 0;
	int	 r = 0, n, done = 0;

	for (n = 0; n < ATL_MAX_PAGES; n++) {
		url = xasprintf("%s/rest/api/3/group/bulk?startAt=%zu&"
		    "maxResults=%d", a->site, start, ATL_PAGE);
		r = atl_get(a, 1, url, "site groups", &page);
		free(url);
		if (r != 0)
			break;
		vals = json_object_get(page, "values");
		json_array_foreach(vals, i, g) {
			if (json_string_value(json_object_get(g, "groupId"))
			    != NULL)
				json_array_append(groups, g);
		}
		r = offset_page_end(a, page, start, &done, "site groups");
		start += json_array_size(vals);
		json_decref(page);
		if (r != 0 || done)
			break;
	}
	if (r == 0 && !done)
		r = source_fail(a->ctx, "site groups: more than %d pages",
		    ATL_MAX_PAGES);
	return r;
}

/*
 * Members of every group, the groups concurrently: each round asks the
 * next page of every group not finished yet.
 */
static int
fetch_members(struct atl *a, json_t *groups)
{
	struct source_ctx	*ctx = a->ctx;
	struct http_req		**reqs;
	size_t			*start, *idx, i, j, k, ng, nq;
	char			*url, *gid, *what;
	unsigned char		*done;
	json_t			*page, *vals, *m, *g, *row;
	const char		*id, *gname;
	int			 r = 0, round, last;

	ng = json_array_size(groups);
	if (ng == 0)
		return 0;
	reqs = xcalloc(ng, sizeof(*reqs));
	start = xcalloc(ng, sizeof(*start));
	idx = xcalloc(ng, sizeof(*idx));
	done = xcalloc(ng, 1);
	for (round = 0; round < ATL_MAX_PAGES && r == 0; round++) {
		pace(a);
		for (i = nq = 0; i < ng; i++) {
			if (done[i])
				continue;
			g = json_array_get(groups, i);
			gid = http_escape(json_string_value(json_object_get(g,
			    "groupId")));
			url = xasprintf("%s/rest/api/3/group/member?groupId=%s"
			    "&includeInactiveUsers=true&startAt=%zu&"
			    "maxResults=%d", a->site, gid, start[i], ATL_PAGE);
			reqs[nq] = atl_req(a, 1, url);
			idx[nq++] = i;
			free(gid);
			free(url);
		}
		if (nq == 0)
			break;
		http_do_all(ctx->http, reqs, nq);
		for (k = 0; k < nq; k++) {
			i = idx[k];
			g = json_array_get(groups, i);
			gname = json_string_value(json_object_get(g, "name"));
			if (gname == NULL)
				gname = json_string_value(json_object_get(g,
				    "groupId"));
			if (r != 0)
				continue;
			what = xasprintf("members of group '%s'", gname);
			r = atl_answer(a, reqs[k], 1, what, &page);
			free(what);
			if (r != 0)
				continue;
			vals = json_object_get(page, "values");
			json_array_foreach(vals, j, m) {
				if ((id = json_string_value(json_object_get(m,
				    "accountId"))) == NULL)
					continue;
				row = json_pack("{s:s, s:O, s:s, s:O}",
				    "group_name", gname, "group_id",
				    json_object_get(g, "groupId"), "account_id",
				    id, "raw", m);
				r = snap_insert(ctx->snap,
				    "atlassian_group_members", ctx->ps->name, row);
				json_decref(row);
				if (r != 0)
					break;
				ctx->resources++;
			}
			if (r == 0) {
				what = xasprintf("members of group '%s'", gname);
				r = offset_page_end(a, page, start[i], &last,
				    what);
				free(what);
				done[i] = (unsigned char)last;
			}
			start[i] += json_array_size(vals);
			json_decref(page);
		}
		for (k = 0; k < nq; k++)
			http_req_free(reqs[k]);
	}
	for (i = 0; i < ng && r == 0; i++) {
		if (!done[i])
			r = source_fail(ctx, "group members: more than %d "
			    "pages", ATL_MAX_PAGES);
	}
	free(reqs);
	free(start);
	free(idx);
	free(done);
	return r;
}

/*
 * Fails the source for secret what that could not be read; an unset
 * variable is named, as the other sources do.
 */
static int
atl_secret_fail(struct source_ctx *ctx, const char *what, const char *key,
    int r, const char *why)
{
	const char	*var = json_string_value(json_object_get(ctx->ps->obj,
			    key));

	if (why != NULL)
		return source_fail(ctx, "cannot read %s: %s", what, why);
	if (r == VGL_ERR_NOTFOUND && var != NULL)
		return source_fail(ctx, "cannot read %s: environment variable "
		    "%s (%s) is not set", what, var, key);
	if (r == VGL_ERR_NOTFOUND)
		return source_fail(ctx, "cannot read %s: %s is not set", what,
		    key);
	return source_fail(ctx, "cannot read %s: %s", what, vgl_err(r));
}

/* Reads both secrets (live mode) into a->bearer and a->basic. */
static int
atl_creds(struct atl *a)
{
	struct source_ctx	*ctx = a->ctx;
	const char		*email;
	char			*key = NULL, *tok = NULL, *why = NULL, *pair;
	char			*b64;
	size_t			 n;
	int			 r;

	r = policy_secret(ctx->ps->obj, "admin_api_key", NULL, &key, &why);
	if (r != 0) {
		r = atl_secret_fail(ctx, "the organization API key",
		    "admin_api_key_env", r, why);
		goto out;
	}
	r = policy_secret(ctx->ps->obj, "api_token", NULL, &tok, &why);
	if (r != 0) {
		r = atl_secret_fail(ctx, "the site API token",
		    "api_token_env", r, why);
		goto out;
	}
	email = policy_source_str(ctx->ps, "email", "");
	a->bearer = xasprintf("Bearer %s", key);
	pair = xasprintf("%s:%s", email, tok);
	n = strlen(pair);
	b64 = xcalloc(4 * ((n + 2) / 3) + 1, 1);
	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)pair, (int)n);
	log_add_secret(b64);
	a->basic = xasprintf("Basic %s", b64);
	freestr_secret(pair);
	freestr_secret(b64);
 out:
	free(why);
	freestr_secret(key);
	freestr_secret(tok);
	return r;
}

static int
atlassian_collect(struct source_ctx *ctx)
{
	struct atl	 a;
	json_t		*users, *order, *groups, *v;
	const char	*id;
	size_t		 i;
	int		 r;

	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	users = json_object();
	order = json_array();
	groups = json_array();
	a.admin = source_endpoint(ctx->ps, "admin",
	    "https://api.atlassian.com");
	a.site = source_endpoint(ctx->ps, "site", policy_source_str(ctx->ps,
	    "site", NULL));
	a.org = http_escape(policy_source_str(ctx->ps, "org_id", ""));
	if (http_client_replay_time(ctx->http) == 0 &&
	    (r = atl_creds(&a)) != 0)
		goto out;
	if ((r = fetch_users(&a, users, order)) != 0 ||
	    (r = fetch_admins(&a, users, order)) != 0 ||
	    (r = fetch_api_tokens(&a)) != 0)
		goto out;
	json_array_foreach(order, i, v) {
		id = json_string_value(v);
		if ((r = snap_insert(ctx->snap, "atlassian_users",
		    ctx->ps->name, json_object_get(users, id))) != 0)
			goto out;
		ctx->resources++;
	}
	if ((r = fetch_groups(&a, groups)) != 0)
		goto out;
	r = fetch_members(&a, groups);
 out:
	json_decref(users);
	json_decref(order);
	json_decref(groups);
	free(a.admin);
	free(a.site);
	free(a.org);
	freestr_secret(a.bearer);
	freestr_secret(a.basic);
	return r;
}

static void
atlassian_check(const struct policy_source *ps, struct diags *d)
{
	static const char *const req[] = {
		"org_id", "site", "email", NULL
	};
	const char	*s;
	size_t		 i;

	for (i = 0; req[i] != NULL; i++) {
		s = policy_source_str(ps, req[i], NULL);
		if (s == NULL || *s == '\0')
			diags_add(d, ps->file, ps->line, ps->col, "source "
			    "'%s': \"%s\" is required", ps->name, req[i]);
	}
	if (json_object_get(ps->obj, "admin_api_key_env") == NULL &&
	    json_object_get(ps->obj, "admin_api_key_file") == NULL)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"admin_api_key_env\" is required", ps->name);
	if (json_object_get(ps->obj, "api_token_env") == NULL &&
	    json_object_get(ps->obj, "api_token_file") == NULL)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"api_token_env\" is required", ps->name);
}

/* Its accounts in the identities view (store.c). */
static const struct identity_part atlassian_identity[] = {
	{ "atlassian_users", "account_id email name status is_org_admin",
	  NULL, NULL,
	  "SELECT lower(email), 'atlassian', source, account_id, name, "
	  "CASE WHEN lower(status) = 'active' THEN 1 ELSE 0 END, "
	  "coalesce(is_org_admin, 0) FROM temp.atlassian_users" },
	{ NULL, NULL, NULL, NULL, NULL }
};

/* Natural keys for drift (drift.c). */
static const struct drift_table atlassian_drift[] = {
	{ "atlassian_api_tokens",	"token_id", NULL, NULL, NULL },
	{ "atlassian_coverage",		"item", NULL, NULL, NULL },
	{ "atlassian_group_members",	"group_name,account_id", NULL, NULL,
	  NULL },
	{ "atlassian_users",		"account_id", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct source_type source_atlassian = {
	.name = "atlassian",
	.identity = atlassian_identity,
	.drift = atlassian_drift,
	.keys = atlassian_keys,
	.endpoint_keys = atlassian_endpoint_keys,
	.kinds = atlassian_kinds,
	.http = 1,
	.follow_redirects = 0,
	.schema = atlassian_schema,
	.check = atlassian_check,
	.collect = atlassian_collect,
};
