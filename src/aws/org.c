/*
 * aws/org.c: every account of an AWS organisation in one collection.
 *
 * A source with "organization" lists the organisation's accounts with
 * organizations:ListAccounts (JSON 1.1, NextToken paging, 20 a page) from
 * the management or delegated-administrator account, assumes
 * "role_name" in each ACTIVE account that "include"/"exclude" select
 * (sts:AssumeRole with ExternalId; the temporary secret and token are
 * registered for redaction before the exchange is recorded), and
 * collects each account as a single-account source does, up to
 * "concurrency" accounts at once, each with its own HTTP client (the IAM
 * limits are per account; the source's max_concurrency caps each one).
 * The management account itself is collected with the source's own
 * credentials.  Every row is stamped with its account_id; the table
 * aws_org_accounts lists every account with an `audited` flag and the
 * reason one could not be audited.  An account that cannot be entered
 * (AccessDenied, SUSPENDED) or collected fails the source: it is
 * recorded as failed (the run partial, exit 3) with the accounts named,
 * and each such account yields its own error finding (rules.c).
 * aws_org_members() lists and enters the same accounts for the freeze
 * (aws/freeze.c).
 */
#include "config.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <openssl/crypto.h>

#include "aws/org.h"
#include "aws/aws.h"
#include "buf.h"
#include "diag.h"
#include "http.h"
#include "log.h"
#include "policy.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define ORG_TARGET	"AWSOrganizationsV20161128"
#define ORG_PAGE	20
#define ORG_CONCURRENCY	4
#define ORG_MAX_PAGES	10000

static const char *const org_keys[] = {
	"role_name", "external_id_env", "include", "exclude", "concurrency",
	NULL
};

struct org_acct {
	char		*id;
	char		*name;
	char		*email;
	char		*status;
	char		*joined;
	int		 management;
	int		 audited;	/* selected by include/exclude */
	int		 entered;	/* credentials in hand */
	char		*akid;
	char		*secret;
	char		*token;
	char		*error;
};

struct org {
	struct source_ctx	*ctx;
	struct org_acct		*v;
	size_t			 n;
	size_t			 next;	/* next account for a worker */
	pthread_mutex_t		 mtx;
};

/* Sets why the account was not audited: prefix and reason. */
static void
acct_fail(struct org_acct *a, const char *prefix, const char *why)
{
	char	*m = xasprintf("%s%s", prefix, why != NULL ? why :
	    "unknown error");

	free(a->error);
	a->error = log_redact(m);
	free(m);
}

/* A glob list (account ids or names): 1 if any matches. */
static int
list_has(json_t *list, const struct org_acct *a)
{
	json_t		*v;
	size_t		 i;
	const char	*p;

	json_array_foreach(list, i, v) {
		if ((p = json_string_value(v)) == NULL)
			continue;
		if (fnmatch(p, a->id, 0) == 0 ||
		    (a->name != NULL && fnmatch(p, a->name, 0) == 0))
			return 1;
	}
	return 0;
}

static char *
jdup(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_number(v)) {
		/* JoinedTimestamp: epoch seconds. */
		char	 b[32];

		iso8601_utc((long long)json_number_value(v), b, sizeof(b));
		return xstrdup(b);
	}
	return NULL;
}

/* ListAccounts, every page. */
static int
list_accounts(struct org *o, struct aws_conn *c, char **why)
{
	struct http_req	*q;
	json_t		*body, *doc, *accts, *v;
	json_error_t	 e;
	char		*tok = NULL, *code = NULL;
	size_t		 i, pages = 0;
	int		 r = 0;

	do {
		body = json_pack("{s:i}", "MaxResults", ORG_PAGE);
		if (tok != NULL)
			json_object_set_new(body, "NextToken",
			    json_string(tok));
		q = aws_conn_json(c, "organizations", ORG_TARGET,
		    "ListAccounts", body);
		http_do(o->ctx->http, q);
		if (q->status != 200) {
			*why = aws_req_failure(q, "organizations:ListAccounts",
			    &code);
			free(code);
			http_req_free(q);
			r = VGL_ERR_PROVIDER;
			break;
		}
		doc = json_loadb(q->resp.data, q->resp.len, 0, &e);
		http_req_free(q);
		accts = json_object_get(doc, "Accounts");
		if (!json_is_array(accts)) {
			*why = xstrdup("organizations:ListAccounts: reply has "
			    "no Accounts");
			json_decref(doc);
			r = VGL_ERR_PROVIDER;
			break;
		}
		json_array_foreach(accts, i, v) {
			struct org_acct *a;

			if (!json_is_string(json_object_get(v, "Id")))
				continue;
			o->v = xreallocarray(o->v, o->n + 1, sizeof(*o->v));
			a = &o->v[o->n++];
			memset(a, 0, sizeof(*a));
			a->id = jdup(v, "Id");
			a->name = jdup(v, "Name");
			a->email = jdup(v, "Email");
			a->status = jdup(v, "Status");
			a->joined = jdup(v, "JoinedTimestamp");
		}
		free(tok);
		tok = jdup(doc, "NextToken");
		json_decref(doc);
		if (++pages > ORG_MAX_PAGES) {
			*why = xstrdup("organizations:ListAccounts: "
			    "NextToken never ends");
			r = VGL_ERR_PROVIDER;
			break;
		}
	} while (tok != NULL && *tok != '\0');
	free(tok);
	return r;
}

static char *
xml_text(xmlXPathContext *xp, const char *name)
{
	xmlXPathObject	*o;
	xmlChar		*v;
	char		*path, *s = NULL;

	path = xasprintf("//*[local-name()='Credentials']/"
	    "*[local-name()='%s']", name);
	o = xmlXPathEvalExpression((const xmlChar *)path, xp);
	free(path);
	if (o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr > 0 &&
	    (v = xmlNodeGetContent(o->nodesetval->nodeTab[0])) != NULL) {
		s = xstrdup((const char *)v);
		OPENSSL_cleanse(v, xmlStrlen(v));
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	return s;
}

/* The AssumeRole reply of account a. */
static void
assume_reply(struct org_acct *a, struct http_req *q)
{
	xmlDoc		*doc = NULL;
	xmlXPathContext	*xp;
	char		*why = NULL;

	if (aws_xml_result(q, "sts:AssumeRole", "AssumeRole",
	    (void **)&doc, &why) == NULL) {
		acct_fail(a, "cannot enter the account: ", why);
		free(why);
		xmlFreeDoc(doc);
		return;
	}
	xp = xmlXPathNewContext(doc);
	a->akid = xml_text(xp, "AccessKeyId");
	a->secret = xml_text(xp, "SecretAccessKey");
	a->token = xml_text(xp, "SessionToken");
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	if (a->secret != NULL)
		log_add_secret(a->secret);
	if (a->token != NULL)
		log_add_secret(a->token);
	if (a->akid == NULL || a->secret == NULL || a->token == NULL)
		acct_fail(a, "cannot enter the account: ",
		    "AssumeRole reply has no Credentials");
	else
		a->entered = 1;
}

/* AssumeRole into every selected member account, concurrently. */
static void
assume_all(struct org *o, struct aws_conn *c, const char *role_name,
    const char *external_id)
{
	struct http_req	**qs;
	struct org_acct	**who;
	char		*arn, *ea, *ex, *p;
	size_t		 i, n = 0;

	qs = xcalloc(o->n + 1, sizeof(*qs));
	who = xcalloc(o->n + 1, sizeof(*who));
	for (i = 0; i < o->n; i++) {
		struct org_acct *a = &o->v[i];

		if (!a->audited || a->error != NULL || a->management)
			continue;
		arn = xasprintf("arn:aws:iam::%s:role/%s", a->id, role_name);
		ea = http_escape(arn);
		p = xasprintf("Action=AssumeRole&RoleArn=%s&RoleSessionName="
		    "vigil-audit&DurationSeconds=3600", ea);
		if (external_id != NULL) {
			ex = http_escape(external_id);
			/* The body holds it encoded: redact that form too. */
			log_add_secret(ex);
			free(arn);
			arn = p;
			p = xasprintf("%s&ExternalId=%s", arn, ex);
			free(ex);
		}
		qs[n] = aws_conn_query(c, "sts", p);
		qs[n]->on_response = aws_assume_role_seen;
		who[n++] = a;
		free(arn);
		free(ea);
		free(p);
	}
	if (n > 0)
		http_do_all(o->ctx->http, qs, n);
	for (i = 0; i < n; i++) {
		assume_reply(who[i], qs[i]);
		http_req_free(qs[i]);
	}
	free(qs);
	free(who);
}

/*
 * Lists the organisation's accounts through c, selects them by
 * "include"/"exclude" (*naud: how many) and enters each selected ACTIVE
 * member with AssumeRole (ExternalId from "external_id_env").  0, or an
 * error with *why set.
 */
static int
org_enter(struct org *o, struct aws_conn *c, size_t *naud, char **why)
{
	json_t		*org, *inc, *exc;
	const char	*role_name, *var, *mgmt;
	char		*external_id = NULL;
	size_t		 i;
	int		 r;

	*naud = 0;
	org = json_object_get(o->ctx->ps->obj, "organization");
	role_name = json_string_value(json_object_get(org, "role_name"));
	if (role_name == NULL)
		role_name = "VigilAudit";
	inc = json_object_get(org, "include");
	exc = json_object_get(org, "exclude");
	if ((var = json_string_value(json_object_get(org,
	    "external_id_env"))) != NULL) {
		const char *v = getenv(var);

		/*
		 * A replay needs no secret: the recorded AssumeRole bodies
		 * hold the id redacted, and so will the replayed ones.
		 */
		if ((v == NULL || *v == '\0') && o->ctx->http != NULL &&
		    http_client_replay_time(o->ctx->http) != 0)
			v = "vigil-replay-external-id";
		if (v == NULL || *v == '\0') {
			*why = xasprintf("organization: environment variable %s "
			    "(external_id_env) is not set", var);
			return VGL_ERR_POLICY;
		}
		external_id = xstrdup(v);
		log_add_secret(external_id);
	}
	mgmt = aws_conn_account(c);
	if ((r = list_accounts(o, c, why)) != 0) {
		freestr_secret(external_id);
		return r;
	}
	for (i = 0; i < o->n; i++) {
		struct org_acct *a = &o->v[i];

		a->management = strcmp(a->id, mgmt) == 0;
		a->audited = (inc == NULL || list_has(inc, a)) &&
		    !list_has(exc, a);
		if (!a->audited)
			continue;
		(*naud)++;
		if (a->status == NULL || strcmp(a->status, "ACTIVE") != 0)
			acct_fail(a, "cannot enter the account: it is ",
			    a->status != NULL ? a->status : "of unknown "
			    "status");
	}
	assume_all(o, c, role_name, external_id);
	freestr_secret(external_id);
	return 0;
}

static void *
org_worker(void *arg)
{
	struct org		*o = arg;
	struct source_ctx	 actx;
	struct http_opts	 ho;
	struct org_acct		*a;
	char			*why, *src;
	int			 r;

	for (;;) {
		pthread_mutex_lock(&o->mtx);
		while (o->next < o->n && !(o->v[o->next].audited &&
		    (o->v[o->next].entered || o->v[o->next].management) &&
		    o->v[o->next].error == NULL))
			o->next++;
		a = o->next < o->n ? &o->v[o->next++] : NULL;
		pthread_mutex_unlock(&o->mtx);
		if (a == NULL)
			break;
		actx = *o->ctx;
		actx.resources = 0;
		actx.requests = 0;
		actx.error = NULL;
		actx.account_id = NULL;
		source_http_opts(o->ctx->ps, o->ctx->co, &ho);
		/* Each account records (and replays) on its own. */
		src = xasprintf("%s@%s", o->ctx->ps->name, a->id);
		ho.source = src;
		why = NULL;
		if ((actx.http = http_client_new(&ho)) == NULL)
			r = VGL_ERR_INTERNAL, why = xstrdup("cannot set up "
			    "HTTP client");
		else
			r = aws_collect_account(&actx, a->akid, a->secret,
			    a->token, a->id, &why);
		if (r != 0)
			acct_fail(a, "", why != NULL ? why : vgl_err(r));
		free(why);
		pthread_mutex_lock(&o->mtx);
		o->ctx->resources += actx.resources;
		o->ctx->requests += actx.requests + (actx.http != NULL ?
		    http_client_requests(actx.http) : 0);
		pthread_mutex_unlock(&o->mtx);
		http_client_free(actx.http);
		free(src);
	}
	return NULL;
}

static void
org_release(struct org *o)
{
	size_t	 i;

	for (i = 0; i < o->n; i++) {
		struct org_acct *a = &o->v[i];

		free(a->id);
		free(a->name);
		free(a->email);
		free(a->status);
		free(a->joined);
		free(a->akid);
		freestr_secret(a->secret);
		freestr_secret(a->token);
		free(a->error);
	}
	free(o->v);
}

int
aws_org_collect(struct source_ctx *ctx)
{
	struct org		 o;
	struct aws_conn		*c = NULL;
	json_t			*org, *row;
	char			*why = NULL;
	pthread_t		*tids;
	struct buf		 failed;
	size_t			 i, nt, nfail = 0, naud = 0;
	int			 r, conc;

	memset(&o, 0, sizeof(o));
	o.ctx = ctx;
	pthread_mutex_init(&o.mtx, NULL);
	buf_init(&failed, 0);
	org = json_object_get(ctx->ps->obj, "organization");
	conc = json_is_integer(json_object_get(org, "concurrency")) ?
	    (int)json_integer_value(json_object_get(org, "concurrency")) :
	    ORG_CONCURRENCY;
	if (conc < 1)
		conc = 1;
	if ((r = aws_conn_open(ctx->ps, NULL, ctx->http, &c, &why)) != 0) {
		r = source_fail(ctx, "%s", why != NULL ? why : vgl_err(r));
		goto out;
	}
	if ((r = org_enter(&o, c, &naud, &why)) != 0) {
		r = source_fail(ctx, "%s", why);
		goto out;
	}
	nt = (size_t)conc < naud ? (size_t)conc : naud;
	tids = xcalloc(nt + 1, sizeof(*tids));
	for (i = 0; i < nt; i++)
		if (pthread_create(&tids[i], NULL, org_worker, &o) != 0) {
			tids[i] = 0;
			if (i == 0)	/* no worker at all: do it here */
				org_worker(&o);
			break;
		}
	for (i = 0; i < nt; i++)
		if (tids[i] != 0)
			pthread_join(tids[i], NULL);
	free(tids);
	r = 0;
	for (i = 0; i < o.n; i++) {
		struct org_acct *a = &o.v[i];

		row = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:b, s:b, "
		    "s:s?}", "account_id", a->id, "name", a->name, "email",
		    a->email, "status", a->status, "joined", a->joined,
		    "management", a->management, "audited", a->audited,
		    "error", a->error);
		if ((r = source_put_row(ctx, "aws_org_accounts", row)) != 0)
			goto out;
		if (a->audited && a->error != NULL) {
			buf_printf(&failed, "%s%s (%s)", nfail > 0 ? "; " : "",
			    a->id, a->error);
			nfail++;
		}
	}
	log_info("%s: organisation of %zu accounts, %zu audited, %zu failed",
	    ctx->ps->name, o.n, naud, nfail);
	if (nfail > 0)
		r = source_fail(ctx, "%zu of %zu accounts could not be "
		    "audited: %s", nfail, naud, failed.data);
 out:
	aws_conn_free(c);
	free(why);
	buf_release(&failed);
	org_release(&o);
	pthread_mutex_destroy(&o.mtx);
	return r;
}

int
aws_org_members(const struct policy_source *ps, struct aws_conn *c,
    struct http_client *http, struct aws_org_member **out, size_t *nout,
    char **why)
{
	struct org		 o;
	struct source_ctx	 ctx;
	size_t			 i, naud;
	int			 r;

	*out = NULL;
	*nout = 0;
	memset(&o, 0, sizeof(o));
	memset(&ctx, 0, sizeof(ctx));
	ctx.ps = ps;
	ctx.http = http;
	o.ctx = &ctx;
	pthread_mutex_init(&o.mtx, NULL);
	if ((r = org_enter(&o, c, &naud, why)) == 0) {
		*out = xcalloc(naud + 1, sizeof(**out));
		for (i = 0; i < o.n; i++) {
			struct org_acct		*a = &o.v[i];
			struct aws_org_member	*m;

			if (!a->audited)
				continue;
			m = &(*out)[(*nout)++];
			m->id = a->id;
			m->name = a->name;
			m->management = a->management;
			m->error = a->error;
			if (a->entered && a->error == NULL) {
				m->akid = a->akid;
				m->secret = a->secret;
				m->token = a->token;
				a->akid = a->secret = a->token = NULL;
			}
			a->id = a->name = a->error = NULL;
		}
	}
	org_release(&o);
	pthread_mutex_destroy(&o.mtx);
	return r;
}

void
aws_org_members_free(struct aws_org_member *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		free(v[i].akid);
		freestr_secret(v[i].secret);
		freestr_secret(v[i].token);
		free(v[i].error);
	}
	free(v);
}

void
aws_org_check(const struct policy_source *ps, struct diags *d)
{
	json_t		*org, *v, *e;
	const char	*k;
	size_t		 i;

	if ((org = json_object_get(ps->obj, "organization")) == NULL)
		return;
	if (!json_is_object(org)) {
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"organization\" must be an object", ps->name);
		return;
	}
	json_object_foreach(org, k, v) {
		for (i = 0; org_keys[i] != NULL; i++)
			if (strcmp(k, org_keys[i]) == 0)
				break;
		if (org_keys[i] == NULL)
			diags_add(d, ps->file, ps->line, ps->col, "source "
			    "'%s': unknown key \"organization.%s\"", ps->name,
			    k);
	}
	v = json_object_get(org, "role_name");
	if (v != NULL && (!json_is_string(v) || *json_string_value(v) ==
	    '\0' || strchr(json_string_value(v), ':') != NULL))
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"organization.role_name\" must be a role name (not an "
		    "ARN)", ps->name);
	v = json_object_get(org, "external_id_env");
	if (v != NULL && !json_is_string(v))
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"organization.external_id_env\" must be a string",
		    ps->name);
	v = json_object_get(org, "concurrency");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > 64))
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"organization.concurrency\" must be an integer from 1 "
		    "to 64", ps->name);
	for (i = 0; i < 2; i++) {
		k = i == 0 ? "include" : "exclude";
		v = json_object_get(org, k);
		if (v == NULL)
			continue;
		if (!json_is_array(v)) {
			diags_add(d, ps->file, ps->line, ps->col, "source "
			    "'%s': \"organization.%s\" must be an array of "
			    "account ids or names (globs)", ps->name, k);
			continue;
		}
		{
			size_t j;

			json_array_foreach(v, j, e)
				if (!json_is_string(e))
					diags_add(d, ps->file, ps->line,
					    ps->col, "source '%s': "
					    "\"organization.%s\" must hold "
					    "strings", ps->name, k);
		}
	}
	if (policy_source_str(ps, "assume_role_arn", NULL) != NULL)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"organization\" and \"assume_role_arn\" exclude each "
		    "other (run vigil from the management or delegated "
		    "administrator account)", ps->name);
}
