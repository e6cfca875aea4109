/*
 * aws/freeze.c: the AWS side of the freeze (SPEC section 8; docs/apis.md
 * 1.5, 1.7, 1.8): live state, steps, writes and their undo.
 *
 * Live state: GetAccountAuthorizationDetails (users, roles and local
 * managed policies with their attachments; all pages), ListAccessKeys per
 * user, Route 53 Domains ListDomains (TransferLock).  Writes go through
 * the write connection of aws.h (freeze.credentials.NAME, else the
 * source's own credentials).
 *
 * Who is frozen:
 * - aws.deny_mutations: one customer-managed policy vigil-freeze-HASH
 *   (HASH: the first 12 hex digits of the SHA-256 of its document) that
 *   denies aws_denied_actions on "*", attached to every IAM user and role
 *   except break_glass.aws principals, the identity running the freeze
 *   (an assumed-role session counts as its role) and service-linked
 *   roles (path /aws-service-role/: AWS refuses to change them).  Groups
 *   are not used: every member is already covered as a user, and a
 *   group attachment would also reach break-glass users and the caller
 *   through their membership.
 * - aws.deactivate_access_keys: every Active key of a user that is not
 *   break-glass, except the key running the freeze.
 * - route53.domain_transfer_lock: EnableDomainTransferLock on every
 *   domain without the lock, polling GetOperationDetail.
 * The root user is never touched.
 *
 * Organisation ("organization" on the source): the accounts it selects,
 * listed and entered by aws/org.c as the collection does (AssumeRole of
 * role_name with the ExternalId; the temporary secrets are registered
 * for redaction); the management account with the write connection.
 * Everything above happens per account: each step carries
 * params.account_id, the deny policy is created in each account (the
 * step's target is its ARN: the name is the same everywhere), the role
 * the freeze entered with is never frozen, and a break-glass ARN spares
 * the principal of the account in its ARN.  An account that cannot be
 * entered is reported by fa_unreachable (NOT FROZEN; apply exits 4).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "aws/aws.h"
#include "aws/org.h"
#include "freeze.h"
#include "http.h"
#include "log.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define DOMAINS_TARGET	"Route53Domains_v20140515"
/* Bound on waiting for one Route 53 Domains operation (seconds). */
#define OP_WAIT_S	120

/* One account the freeze acts in. */
struct fa_acct {
	char				*id;
	char				*name;		/* in the organisation */
	struct aws_conn			*conn;		/* NULL: not entered */
	int				 own_conn;	/* conn is its own */
	char				*error;		/* why not entered */
	char				*caller;	/* ARN */
	char				*caller_role;	/* name, or NULL */
	char				*caller_user;	/* name, or NULL */
	const struct policy_source	*ps;
	struct http_client		*http;
	int				 org;	/* steps name the account */
	/* Live state (fa_read). */
	json_t				*users;	/* [{name, arn, path, attached, keys}] */
	json_t				*roles;	/* [{name, arn, path, attached}] */
	json_t				*policies; /* arn -> name (local) */
	json_t				*domains; /* name -> lock (bool) */
};

struct freeze_aws {
	const struct policy_source	*ps;
	struct http_client		*http;
	struct aws_conn			*conn;	/* the source's own account */
	int				 org;	/* "organization": v[] selected */
	struct fa_acct			*v;
	size_t				 n;
};

/* ---- small XML helpers ------------------------------------------------- */

static json_t *
jtext(const xmlNode *n, const char *name)
{
	char	*s = aws_xml_text(n, name);
	json_t	*j = s != NULL ? json_string(s) : json_null();

	free(s);
	return j;
}

/* ARNs of AttachedManagedPolicies/member/PolicyArn. */
static json_t *
attached_arns(const xmlNode *m)
{
	xmlNode	*c;
	json_t	*a = json_array();
	char	*s;

	c = aws_xml_child(m, "AttachedManagedPolicies");
	for (c = c != NULL ? c->children : NULL; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((s = aws_xml_text(c, "PolicyArn")) != NULL)
			json_array_append_new(a, json_string(s));
		free(s);
	}
	return a;
}

static int
in_array(json_t *a, const char *s)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void	fa_free(void *);

/* ---- connection ------------------------------------------------------------ */

/* Account a entered through conn: its caller identity. */
static void
acct_enter(struct freeze_aws *f, struct fa_acct *a, struct aws_conn *conn,
    int own)
{
	const char	*arn, *s, *e;

	a->conn = conn;
	a->own_conn = own;
	a->ps = f->ps;
	a->http = f->http;
	a->org = f->org;
	arn = aws_conn_caller_arn(conn);
	a->caller = xstrdup(arn != NULL ? arn : "");
	/* arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION -> ROLE. */
	if ((s = strstr(a->caller, ":assumed-role/")) != NULL) {
		s += strlen(":assumed-role/");
		e = strchr(s, '/');
		a->caller_role = e != NULL ? xstrndup(s, (size_t)(e - s)) :
		    xstrdup(s);
	} else if (strstr(a->caller, ":user/") != NULL)
		/* User names are unique whatever the path: the last part. */
		a->caller_user = xstrdup(strrchr(a->caller, '/') + 1);
}

/*
 * An organisation: the accounts "include"/"exclude" select, each member
 * entered with AssumeRole as the collection does (aws/org.c); the
 * management account with the write connection itself.
 */
static int
open_org(struct freeze_aws *f, char **why)
{
	struct aws_org_member	*m;
	struct aws_conn		*c;
	size_t			 i, n;
	char			*w;
	int			 r;

	if ((r = aws_org_members(f->ps, f->conn, f->http, &m, &n, why)) != 0)
		return r;
	f->v = xcalloc(n + 1, sizeof(*f->v));
	for (i = 0; i < n; i++) {
		struct fa_acct *a = &f->v[f->n++];

		a->id = xstrdup(m[i].id);
		a->name = m[i].name != NULL ? xstrdup(m[i].name) : NULL;
		if (m[i].error != NULL)
			a->error = xstrdup(m[i].error);
		else if (m[i].management)
			acct_enter(f, a, f->conn, 0);
		else if (m[i].akid == NULL)
			a->error = xstrdup("cannot enter the account");
		else if ((r = aws_conn_enter(f->conn, m[i].akid, m[i].secret,
		    m[i].token, m[i].id, &c, &w)) != 0) {
			a->error = xasprintf("cannot enter the account: %s",
			    w != NULL ? w : vgl_err(r));
			free(w);
		} else
			acct_enter(f, a, c, 1);
	}
	aws_org_members_free(m, n);
	return 0;
}

static int
fa_open(const struct policy *p, const struct policy_source *ps,
    void **out, int *own, char **why)
{
	struct freeze_aws	*f;
	struct http_opts	 o;
	json_t			*creds;
	int			 r;

	*out = NULL;
	f = xcalloc(1, sizeof(*f));
	f->ps = ps;
	source_http_opts(ps, NULL, &o);
	o.max_retries = 3;
	f->http = http_client_new(&o);
	creds = json_object_get(json_object_get(p->freeze, "credentials"),
	    ps->name);
	*own = creds == NULL;
	if ((r = aws_conn_open(ps, creds, f->http, &f->conn, why)) != 0) {
		fa_free(f);
		return r;
	}
	if (json_object_get(ps->obj, "organization") != NULL) {
		f->org = 1;
		if ((r = open_org(f, why)) != 0) {
			fa_free(f);
			return r;
		}
	} else {
		f->v = xcalloc(1, sizeof(*f->v));
		f->n = 1;
		f->v[0].id = xstrdup(aws_conn_account(f->conn));
		acct_enter(f, &f->v[0], f->conn, 0);
	}
	*out = f;
	return 0;
}

static void
fa_free(void *arg)
{
	struct freeze_aws *f = arg;
	size_t		 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		struct fa_acct *a = &f->v[i];

		if (a->own_conn)
			aws_conn_free(a->conn);
		free(a->id);
		free(a->name);
		free(a->error);
		free(a->caller);
		free(a->caller_role);
		free(a->caller_user);
		json_decref(a->users);
		json_decref(a->roles);
		json_decref(a->policies);
		json_decref(a->domains);
	}
	free(f->v);
	aws_conn_free(f->conn);
	http_client_free(f->http);
	free(f);
}

static const char *
fa_caller(const void *arg)
{
	const struct freeze_aws *f = arg;
	const char	*arn = aws_conn_caller_arn(f->conn);

	return arn != NULL ? arn : "";
}

/* The account a step acts in: params.account_id, else the only one. */
static struct fa_acct *
step_acct(struct freeze_aws *f, json_t *step)
{
	const char	*id;
	size_t		 i;

	id = json_string_value(json_object_get(json_object_get(step,
	    "params"), "account_id"));
	if (id == NULL)
		return f->n > 0 ? &f->v[0] : NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].id, id) == 0)
			return &f->v[i];
	return NULL;
}

static size_t
fa_unreachable(void *arg, FILE *out)
{
	struct freeze_aws *f = arg;
	size_t		 i, n = 0;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].conn != NULL)
			continue;
		n++;
		if (out != NULL)
			fprintf(out, "  account %s%s%s%s: NOT FROZEN: %s\n",
			    f->v[i].id, f->v[i].name != NULL ? " (" : "",
			    f->v[i].name != NULL ? f->v[i].name : "",
			    f->v[i].name != NULL ? ")" : "", f->v[i].error);
	}
	return n;
}

/* ---- live state ------------------------------------------------------------ */

static int
read_gaad(struct fa_acct *f, char **why)
{
	struct http_req	*q;
	xmlNode		*res, *m, *l;
	void		*doc;
	char		*marker = NULL, *params, *em, *s;
	int		 r = 0, more;

	do {
		em = marker != NULL ? http_escape(marker) : NULL;
		params = xasprintf("Action=GetAccountAuthorizationDetails&"
		    "Filter.member.1=User&Filter.member.2=Role&"
		    "Filter.member.3=LocalManagedPolicy&MaxItems=1000%s%s",
		    em != NULL ? "&Marker=" : "", em != NULL ? em : "");
		free(em);
		free(marker);
		marker = NULL;
		q = aws_conn_query(f->conn, "iam", params);
		free(params);
		http_do(f->http, q);
		res = aws_xml_result(q, "GetAccountAuthorizationDetails",
		    "GetAccountAuthorizationDetails", &doc, why);
		if (res == NULL) {
			xmlFreeDoc(doc);
			http_req_free(q);
			return VGL_ERR_PROVIDER;
		}
		l = aws_xml_child(res, "UserDetailList");
		for (m = l != NULL ? l->children : NULL; m != NULL;
		    m = m->next) {
			if (m->type != XML_ELEMENT_NODE)
				continue;
			json_array_append_new(f->users, json_pack("{s:o, s:o, "
			    "s:o, s:o, s:[]}", "name", jtext(m, "UserName"),
			    "arn", jtext(m, "Arn"), "path", jtext(m, "Path"),
			    "attached", attached_arns(m), "keys"));
		}
		l = aws_xml_child(res, "RoleDetailList");
		for (m = l != NULL ? l->children : NULL; m != NULL;
		    m = m->next) {
			if (m->type != XML_ELEMENT_NODE)
				continue;
			json_array_append_new(f->roles, json_pack("{s:o, s:o, "
			    "s:o, s:o}", "name", jtext(m, "RoleName"), "arn",
			    jtext(m, "Arn"), "path", jtext(m, "Path"),
			    "attached", attached_arns(m)));
		}
		l = aws_xml_child(res, "Policies");
		for (m = l != NULL ? l->children : NULL; m != NULL;
		    m = m->next) {
			char *arn;

			if (m->type != XML_ELEMENT_NODE)
				continue;
			arn = aws_xml_text(m, "Arn");
			s = aws_xml_text(m, "PolicyName");
			if (arn != NULL && s != NULL)
				json_object_set_new(f->policies, arn,
				    json_string(s));
			free(arn);
			free(s);
		}
		s = aws_xml_text(res, "IsTruncated");
		more = s != NULL && strcmp(s, "true") == 0;
		free(s);
		if (more && (marker = aws_xml_text(res, "Marker")) == NULL) {
			*why = xstrdup("GetAccountAuthorizationDetails: "
			    "truncated reply without a Marker");
			r = VGL_ERR_PROVIDER;
		}
		xmlFreeDoc(doc);
		http_req_free(q);
	} while (r == 0 && marker != NULL);
	free(marker);
	return r;
}

static int
read_keys(struct fa_acct *f, char **why)
{
	struct http_req	**q;
	xmlNode		*res, *m, *l;
	void		*doc;
	json_t		*u;
	char		*e, *params, *id, *st;
	size_t		 i, n;
	int		 r = 0;

	n = json_array_size(f->users);
	q = xcalloc(n + 1, sizeof(*q));
	json_array_foreach(f->users, i, u) {
		e = http_escape(jstr(u, "name"));
		params = xasprintf("Action=ListAccessKeys&UserName=%s&"
		    "MaxItems=1000", e);
		q[i] = aws_conn_query(f->conn, "iam", params);
		free(params);
		free(e);
	}
	if (n > 0)
		http_do_all(f->http, q, n);
	for (i = 0; i < n && r == 0; i++) {
		u = json_array_get(f->users, i);
		res = aws_xml_result(q[i], "ListAccessKeys", "ListAccessKeys",
		    &doc, why);
		if (res == NULL) {
			r = VGL_ERR_PROVIDER;
			xmlFreeDoc(doc);
			break;
		}
		/* A user has at most two keys: one page. */
		l = aws_xml_child(res, "AccessKeyMetadata");
		for (m = l != NULL ? l->children : NULL; m != NULL;
		    m = m->next) {
			if (m->type != XML_ELEMENT_NODE)
				continue;
			id = aws_xml_text(m, "AccessKeyId");
			st = aws_xml_text(m, "Status");
			if (id != NULL && st != NULL)
				json_array_append_new(json_object_get(u,
				    "keys"), json_pack("{s:s, s:s}", "id", id,
				    "status", st));
			free(id);
			free(st);
		}
		xmlFreeDoc(doc);
	}
	for (i = 0; i < n; i++)
		http_req_free(q[i]);
	free(q);
	return r;
}

/* One JSON 1.1 call to Route 53 Domains; *out the reply object. */
static int
domains_call(struct fa_acct *f, const char *op, json_t *body,
    json_t **out, char **why)
{
	struct http_req	*q;
	json_error_t	 je;
	int		 r = 0;

	*out = NULL;
	q = aws_conn_json(f->conn, "route53domains", DOMAINS_TARGET, op,
	    body);
	http_do(f->http, q);
	if ((*why = aws_req_failure(q, op, NULL)) != NULL)
		r = VGL_ERR_PROVIDER;
	else if ((*out = json_loadb(q->resp.data != NULL ? q->resp.data : "",
	    q->resp.len, 0, &je)) == NULL || !json_is_object(*out)) {
		*why = xasprintf("%s: malformed JSON reply", op);
		json_decref(*out);
		*out = NULL;
		r = VGL_ERR_PROVIDER;
	}
	http_req_free(q);
	return r;
}

static int
read_domains(struct fa_acct *f, char **why)
{
	json_t		*o, *b, *d;
	char		*marker = NULL;
	const char	*m;
	size_t		 i;
	int		 r;

	do {
		b = json_pack("{s:i}", "MaxItems", 100);
		if (marker != NULL)
			json_object_set_new(b, "Marker", json_string(marker));
		free(marker);
		marker = NULL;
		if ((r = domains_call(f, "ListDomains", b, &o, why)) != 0)
			return r;
		json_array_foreach(json_object_get(o, "Domains"), i, d) {
			if (jstr(d, "DomainName") != NULL)
				json_object_set_new(f->domains,
				    jstr(d, "DomainName"), json_boolean(
				    json_is_true(json_object_get(d,
				    "TransferLock"))));
		}
		if ((m = jstr(o, "NextPageMarker")) != NULL && *m != '\0')
			marker = xstrdup(m);
		json_decref(o);
	} while (marker != NULL);
	return 0;
}

static int
acct_read(struct fa_acct *f, char **why)
{
	int	 r;

	json_decref(f->users);
	json_decref(f->roles);
	json_decref(f->policies);
	json_decref(f->domains);
	f->users = json_array();
	f->roles = json_array();
	f->policies = json_object();
	f->domains = json_object();
	if ((r = read_gaad(f, why)) != 0 || (r = read_keys(f, why)) != 0 ||
	    (r = read_domains(f, why)) != 0)
		return r;
	return 0;
}

/* ---- plan ---------------------------------------------------------------- */

static int
has_action(const struct policy *p, const char *a)
{
	return in_array(json_object_get(p->freeze, "actions"), a);
}

static json_t *
step_new(struct fa_acct *f, const char *action, const char *op,
    const char *target, json_t *params, json_t *prior)
{
	/* In an organisation every step names its account. */
	if (f->org)
		json_object_set_new(params, "account_id", json_string(f->id));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "source",
	    f->ps->name, "action", action, "op", op, "target", target,
	    "params", params, "prior", prior);
}

/* The deny policy: document, name and ARN. */
static void
deny_policy(struct fa_acct *f, const struct policy *p, char **doc,
    char **name, char **arn)
{
	json_t	*d, *acts;
	char	 h[65];

	acts = json_object_get(p->freeze, "aws_denied_actions");
	d = json_pack("{s:s, s:[{s:s, s:s, s:O, s:s}]}", "Version",
	    "2012-10-17", "Statement", "Sid", "VigilFreeze", "Effect", "Deny",
	    "Action", acts, "Resource", "*");
	*doc = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	sha256_hex(*doc, strlen(*doc), h);
	h[12] = '\0';
	*name = xasprintf("vigil-freeze-%s", h);
	*arn = xasprintf("arn:aws:iam::%s:policy/%s",
	    aws_conn_account(f->conn), *name);
}

static int
skip_principal(struct fa_acct *f, json_t *bg, json_t *e, int role,
    FILE *out)
{
	const char	*arn = jstr(e, "arn"), *path = jstr(e, "path");

	if (arn == NULL)
		return 1;
	if (in_array(bg, arn)) {
		if (out != NULL)
			fprintf(out, "  skip %s: break-glass\n", arn);
		return 1;
	}
	if ((role && f->caller_role != NULL && jstr(e, "name") != NULL &&
	    strcmp(f->caller_role, jstr(e, "name")) == 0) ||
	    (!role && f->caller_user != NULL && jstr(e, "name") != NULL &&
	    strcmp(f->caller_user, jstr(e, "name")) == 0)) {
		if (out != NULL)
			fprintf(out, "  skip %s: runs this freeze\n", arn);
		return 1;
	}
	if (role && path != NULL && strncmp(path, "/aws-service-role/",
	    18) == 0) {
		if (out != NULL)
			fprintf(out, "  skip %s: service-linked role\n", arn);
		return 1;
	}
	return 0;
}

static int
acct_plan(struct fa_acct *f, const struct policy *p, json_t *steps,
    FILE *out, char **why)
{
	json_t		*bg, *e, *k;
	char		*doc, *name, *arn;
	const char	*akid = aws_conn_access_key_id(f->conn), *dn;
	size_t		 i, j;

	(void)why;
	bg = json_object_get(json_object_get(p->freeze, "break_glass"), "aws");
	deny_policy(f, p, &doc, &name, &arn);
	if (has_action(p, "aws.deny_mutations")) {
		if (json_object_get(f->policies, arn) == NULL)
			/* Its name is the same in every account: the ARN. */
			json_array_append_new(steps, step_new(f,
			    "aws.deny_mutations", "create_policy", f->org ? arn :
			    name,
			    json_pack("{s:s, s:s, s:s}", "name", name,
			    "arn", arn, "document", doc),
			    json_pack("{s:b}", "exists", 0)));
		json_array_foreach(f->users, i, e) {
			if (skip_principal(f, bg, e, 0, out))
				continue;
			if (in_array(json_object_get(e, "attached"), arn))
				continue;
			json_array_append_new(steps, step_new(f,
			    "aws.deny_mutations", "attach_user_policy",
			    jstr(e, "arn"), json_pack("{s:s, s:s}", "user_name",
			    jstr(e, "name"), "policy_arn", arn),
			    json_pack("{s:b}", "attached", 0)));
		}
		json_array_foreach(f->roles, i, e) {
			if (skip_principal(f, bg, e, 1, out))
				continue;
			if (in_array(json_object_get(e, "attached"), arn))
				continue;
			json_array_append_new(steps, step_new(f,
			    "aws.deny_mutations", "attach_role_policy",
			    jstr(e, "arn"), json_pack("{s:s, s:s}", "role_name",
			    jstr(e, "name"), "policy_arn", arn),
			    json_pack("{s:b}", "attached", 0)));
		}
	}
	if (has_action(p, "aws.deactivate_access_keys")) {
		json_array_foreach(f->users, i, e) {
			if (in_array(bg, jstr(e, "arn"))) {
				if (out != NULL && json_array_size(
				    json_object_get(e, "keys")) > 0)
					fprintf(out, "  keep the keys of %s: "
					    "break-glass\n", jstr(e, "arn"));
				continue;
			}
			json_array_foreach(json_object_get(e, "keys"), j, k) {
				if (akid != NULL && strcmp(jstr(k, "id"),
				    akid) == 0) {
					if (out != NULL)
						fprintf(out, "  keep key %s "
						    "of %s: runs this freeze\n",
						    akid, jstr(e, "arn"));
					continue;
				}
				if (strcmp(jstr(k, "status"), "Active") != 0)
					continue;
				json_array_append_new(steps, step_new(f,
				    "aws.deactivate_access_keys",
				    "deactivate_key", jstr(k, "id"),
				    json_pack("{s:s, s:s}", "user_name",
				    jstr(e, "name"), "user_arn",
				    jstr(e, "arn")), json_pack("{s:s}",
				    "status", jstr(k, "status"))));
			}
		}
	}
	if (has_action(p, "route53.domain_transfer_lock")) {
		json_object_foreach(f->domains, dn, e) {
			if (json_is_true(e))
				continue;
			json_array_append_new(steps, step_new(f,
			    "route53.domain_transfer_lock",
			    "enable_transfer_lock", dn, json_pack("{s:s}",
			    "domain", dn), json_pack("{s:b}", "transfer_lock",
			    0)));
		}
	}
	free(doc);
	free(name);
	free(arn);
	return 0;
}

/* ---- checks ---------------------------------------------------------------- */

static json_t *
find_by(json_t *list, const char *key, const char *val)
{
	json_t	*e;
	size_t	 i;

	json_array_foreach(list, i, e)
		if (jstr(e, key) != NULL && strcmp(jstr(e, key), val) == 0)
			return e;
	return NULL;
}

/* The live status of a key ("Active", "Inactive"), or NULL if gone. */
static const char *
key_status(struct fa_acct *f, const char *id)
{
	json_t	*u, *k;
	size_t	 i;

	json_array_foreach(f->users, i, u) {
		if ((k = find_by(json_object_get(u, "keys"), "id", id)) !=
		    NULL)
			return jstr(k, "status");
	}
	return NULL;
}

/* 1 attached, 0 not, -1 principal gone. */
static int
attached(struct fa_acct *f, json_t *step)
{
	json_t		*e;
	const char	*op = jstr(step, "op");

	e = find_by(strcmp(op, "attach_user_policy") == 0 ? f->users :
	    f->roles, "arn", jstr(step, "target"));
	if (e == NULL)
		return -1;
	return in_array(json_object_get(e, "attached"),
	    jstr(json_object_get(step, "params"), "policy_arn"));
}

static int
acct_holds(struct fa_acct *f, json_t *step)
{
	const char	*op = jstr(step, "op"), *t = jstr(step, "target");
	const char	*s;
	json_t		*d;

	if (strcmp(op, "create_policy") == 0)
		return json_object_get(f->policies,
		    jstr(json_object_get(step, "params"), "arn")) != NULL;
	if (strcmp(op, "attach_user_policy") == 0 ||
	    strcmp(op, "attach_role_policy") == 0)
		/* A deleted principal has no access left either. */
		return attached(f, step) != 0;
	if (strcmp(op, "deactivate_key") == 0)
		return (s = key_status(f, t)) == NULL ||
		    strcmp(s, "Active") != 0;
	if (strcmp(op, "enable_transfer_lock") == 0)
		return (d = json_object_get(f->domains, t)) == NULL ||
		    json_is_true(d);
	return 0;
}

static int
acct_restored(struct fa_acct *f, json_t *step)
{
	const char	*op = jstr(step, "op"), *t = jstr(step, "target");
	json_t		*prior = json_object_get(step, "prior"), *d;
	const char	*s;

	if (strcmp(op, "create_policy") == 0)
		return 1;	/* deleted, or kept detached (see thaw) */
	if (strcmp(op, "attach_user_policy") == 0 ||
	    strcmp(op, "attach_role_policy") == 0)
		return attached(f, step) != 1;
	if (strcmp(op, "deactivate_key") == 0)
		return (s = key_status(f, t)) == NULL ||
		    (jstr(prior, "status") != NULL &&
		    strcmp(s, jstr(prior, "status")) == 0);
	if (strcmp(op, "enable_transfer_lock") == 0)
		return (d = json_object_get(f->domains, t)) == NULL ||
		    json_is_true(d) == json_is_true(json_object_get(prior,
		    "transfer_lock"));
	return 0;
}

static int
acct_locks_out(struct fa_acct *f, json_t *step)
{
	const char	*op = jstr(step, "op"), *t = jstr(step, "target");
	const char	*akid = aws_conn_access_key_id(f->conn);
	json_t		*params = json_object_get(step, "params");

	if (strcmp(op, "attach_user_policy") == 0)
		return f->caller_user != NULL && jstr(params, "user_name") !=
		    NULL && strcmp(jstr(params, "user_name"),
		    f->caller_user) == 0;
	if (strcmp(op, "attach_role_policy") == 0)
		return f->caller_role != NULL && jstr(params, "role_name") !=
		    NULL && strcmp(jstr(params, "role_name"),
		    f->caller_role) == 0;
	if (strcmp(op, "deactivate_key") == 0)
		return akid != NULL && strcmp(t, akid) == 0;
	return 0;
}

/* ---- writes ---------------------------------------------------------------- */

/* One IAM Query write; *code gets the AWS error code on failure. */
static int
iam_write(struct fa_acct *f, const char *action, const char *params,
    char **code, char **why)
{
	struct http_req	*q;
	char		*body;
	int		 r = 0;

	body = xasprintf("Action=%s&%s", action, params);
	q = aws_conn_query(f->conn, "iam", body);
	free(body);
	http_do(f->http, q);
	if ((*why = aws_req_failure(q, action, code)) != NULL)
		r = VGL_ERR_PROVIDER;
	http_req_free(q);
	return r;
}

static char *
kv(const char *k1, const char *v1, const char *k2, const char *v2,
    const char *k3, const char *v3)
{
	char	*e1, *e2, *e3 = NULL, *s;

	e1 = http_escape(v1);
	e2 = http_escape(v2);
	if (k3 != NULL)
		e3 = http_escape(v3);
	s = xasprintf("%s=%s&%s=%s%s%s%s%s", k1, e1, k2, e2,
	    k3 != NULL ? "&" : "", k3 != NULL ? k3 : "", k3 != NULL ? "=" :
	    "", e3 != NULL ? e3 : "");
	free(e1);
	free(e2);
	free(e3);
	return s;
}

/* A transfer lock change, waiting for its operation to succeed. */
static int
domain_lock(struct fa_acct *f, const char *domain, int on, char **why)
{
	const char	*op = on ? "EnableDomainTransferLock" :
			    "DisableDomainTransferLock", *st;
	json_t		*o;
	char		*id;
	struct timespec	 ts = { 0, 500000000L };
	time_t		 t0 = time(NULL);
	int		 r;

	if ((r = domains_call(f, op, json_pack("{s:s}", "DomainName",
	    domain), &o, why)) != 0)
		return r;
	if (jstr(o, "OperationId") == NULL) {
		json_decref(o);
		*why = xasprintf("%s: reply has no OperationId", op);
		return VGL_ERR_PROVIDER;
	}
	id = xstrdup(jstr(o, "OperationId"));
	json_decref(o);
	for (;;) {
		if ((r = domains_call(f, "GetOperationDetail", json_pack(
		    "{s:s}", "OperationId", id), &o, why)) != 0)
			break;
		st = jstr(o, "Status");
		if (st != NULL && strcmp(st, "SUCCESSFUL") == 0) {
			json_decref(o);
			break;
		}
		if (st == NULL || strcmp(st, "ERROR") == 0 ||
		    strcmp(st, "FAILED") == 0) {
			*why = xasprintf("%s %s: operation %s ended %s%s%s", op,
			    domain, id, st != NULL ? st : "without a status",
			    jstr(o, "Message") != NULL ? ": " : "",
			    jstr(o, "Message") != NULL ? jstr(o, "Message") :
			    "");
			json_decref(o);
			r = VGL_ERR_PROVIDER;
			break;
		}
		json_decref(o);
		if (time(NULL) - t0 > OP_WAIT_S) {
			*why = xasprintf("%s %s: operation %s not done after "
			    "%d s", op, domain, id, OP_WAIT_S);
			r = VGL_ERR_TIMEOUT;
			break;
		}
		nanosleep(&ts, NULL);
	}
	free(id);
	return r;
}

static int
acct_exec(struct fa_acct *f, json_t *step, char **why)
{
	json_t		*pa = json_object_get(step, "params");
	const char	*op = jstr(step, "op"), *t = jstr(step, "target");
	char		*params, *code = NULL;
	int		 r;

	*why = NULL;
	if (strcmp(op, "create_policy") == 0) {
		params = kv("PolicyName", jstr(pa, "name"), "PolicyDocument",
		    jstr(pa, "document"), "Description",
		    "vigil freeze: deny mutations (vigil freeze thaw removes "
		    "it)");
		r = iam_write(f, "CreatePolicy", params, &code, why);
		/* A re-run after a crash: the policy is there already. */
		if (r != 0 && code != NULL && strcmp(code,
		    "EntityAlreadyExists") == 0) {
			free(*why);
			*why = NULL;
			r = 0;
		}
	} else if (strcmp(op, "attach_user_policy") == 0) {
		params = kv("UserName", jstr(pa, "user_name"), "PolicyArn",
		    jstr(pa, "policy_arn"), NULL, NULL);
		r = iam_write(f, "AttachUserPolicy", params, &code, why);
	} else if (strcmp(op, "attach_role_policy") == 0) {
		params = kv("RoleName", jstr(pa, "role_name"), "PolicyArn",
		    jstr(pa, "policy_arn"), NULL, NULL);
		r = iam_write(f, "AttachRolePolicy", params, &code, why);
	} else if (strcmp(op, "deactivate_key") == 0) {
		params = kv("AccessKeyId", t, "Status", "Inactive", "UserName",
		    jstr(pa, "user_name"));
		r = iam_write(f, "UpdateAccessKey", params, &code, why);
	} else if (strcmp(op, "enable_transfer_lock") == 0) {
		return domain_lock(f, t, 1, why);
	} else {
		*why = xasprintf("unknown step '%s'", op);
		return VGL_ERR_INTERNAL;
	}
	free(params);
	free(code);
	return r;
}

static int
acct_undo(struct fa_acct *f, json_t *step, char **note, char **why)
{
	json_t		*pa = json_object_get(step, "params");
	json_t		*prior = json_object_get(step, "prior");
	const char	*op = jstr(step, "op"), *t = jstr(step, "target");
	char		*params = NULL, *code = NULL;
	int		 r = 0;

	*note = *why = NULL;
	if (strcmp(op, "create_policy") == 0) {
		if (json_is_true(json_object_get(prior, "exists")))
			return 0;
		code = http_escape(jstr(pa, "arn"));
		params = xasprintf("PolicyArn=%s", code);
		free(code);
		code = NULL;
		r = iam_write(f, "DeletePolicy", params, &code, why);
		if (r != 0 && code != NULL && strcmp(code, "NoSuchEntity") ==
		    0) {
			free(*why);
			*why = NULL;
			r = 0;
		} else if (r != 0 && code != NULL && (strcmp(code,
		    "InvalidAction") == 0 || strcmp(code,
		    "UnknownOperationException") == 0)) {
			*note = xasprintf("the IAM endpoint does not support "
			    "DeletePolicy: policy %s is left in place, attached "
			    "to no principal", jstr(pa, "arn"));
			free(*why);
			*why = NULL;
			r = 0;
		}
	} else if (strcmp(op, "attach_user_policy") == 0 ||
	    strcmp(op, "attach_role_policy") == 0) {
		int user = strcmp(op, "attach_user_policy") == 0;

		if (json_is_true(json_object_get(prior, "attached")))
			return 0;
		params = kv(user ? "UserName" : "RoleName", jstr(pa, user ?
		    "user_name" : "role_name"), "PolicyArn",
		    jstr(pa, "policy_arn"), NULL, NULL);
		r = iam_write(f, user ? "DetachUserPolicy" :
		    "DetachRolePolicy", params, &code, why);
		/* Already detached (or the principal is gone). */
		if (r != 0 && code != NULL && strcmp(code, "NoSuchEntity") ==
		    0) {
			free(*why);
			*why = NULL;
			r = 0;
		}
	} else if (strcmp(op, "deactivate_key") == 0) {
		/* The exact prior value: an Inactive key stays Inactive. */
		if (jstr(prior, "status") == NULL ||
		    strcmp(jstr(prior, "status"), "Active") != 0)
			return 0;
		params = kv("AccessKeyId", t, "Status", "Active", "UserName",
		    jstr(pa, "user_name"));
		r = iam_write(f, "UpdateAccessKey", params, &code, why);
	} else if (strcmp(op, "enable_transfer_lock") == 0) {
		if (json_is_true(json_object_get(prior, "transfer_lock")))
			return 0;
		return domain_lock(f, t, 0, why);
	} else {
		*why = xasprintf("unknown step '%s'", op);
		return VGL_ERR_INTERNAL;
	}
	free(params);
	free(code);
	return r;
}

static json_t *
acct_snapshot(struct fa_acct *f)
{
	json_t		*s = json_object(), *u, *k, *d;
	const char	*dn;
	char		*key;
	size_t		 i, j;

	json_array_foreach(f->users, i, u) {
		json_array_foreach(json_object_get(u, "keys"), j, k) {
			key = xasprintf("deactivate_key:%s", jstr(k, "id"));
			json_object_set_new(s, key, json_pack("{s:s?}",
			    "status", jstr(k, "status")));
			free(key);
		}
	}
	json_object_foreach(f->domains, dn, d) {
		key = xasprintf("enable_transfer_lock:%s", dn);
		json_object_set_new(s, key, json_pack("{s:b}",
		    "transfer_lock", json_is_true(d)));
		free(key);
	}
	return s;
}

/* ---- text ---------------------------------------------------------------- */

static char *
fa_step_text(json_t *step)
{
	json_t		*pa = json_object_get(step, "params");
	const char	*op = jstr(step, "op"), *t = jstr(step, "target");
	const char	*pol = jstr(pa, "policy_arn");
	const char	*acct = jstr(pa, "account_id");
	char		*text, *s;

	if (strcmp(op, "create_policy") == 0)
		text = xasprintf("create IAM policy %s: %s", t,
		    jstr(pa, "document") != NULL ? jstr(pa, "document") : "");
	else if (strcmp(op, "attach_user_policy") == 0)
		text = xasprintf("attach %s to user %s", pol != NULL ?
		    strrchr(pol, '/') + 1 : "?", t);
	else if (strcmp(op, "attach_role_policy") == 0)
		text = xasprintf("attach %s to role %s", pol != NULL ?
		    strrchr(pol, '/') + 1 : "?", t);
	else if (strcmp(op, "deactivate_key") == 0)
		text = xasprintf("deactivate access key %s of user %s "
		    "(Active -> Inactive)", t, jstr(pa, "user_arn"));
	else if (strcmp(op, "enable_transfer_lock") == 0)
		text = xasprintf("enable the transfer lock of domain %s", t);
	else
		text = xasprintf("%s %s", op, t);
	if (acct == NULL)
		return text;
	s = xasprintf("in account %s: %s", acct, text);
	free(text);
	return s;
}

/* ---- over the accounts --------------------------------------------------- */

static int
fa_read(void *arg, char **why)
{
	struct freeze_aws *f = arg;
	size_t		 i;
	char		*w;
	int		 r;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].conn == NULL)
			continue;	/* fa_unreachable reports it */
		if ((r = acct_read(&f->v[i], why)) != 0) {
			if (f->org) {
				w = *why;
				*why = xasprintf("account %s: %s", f->v[i].id,
				    w != NULL ? w : vgl_err(r));
				free(w);
			}
			return r;
		}
	}
	return 0;
}

static int
fa_plan(void *arg, const struct policy *p, json_t *steps, FILE *out,
    char **why)
{
	struct freeze_aws *f = arg;
	size_t		 i, n;
	int		 r;

	for (i = 0; i < f->n; i++) {
		struct fa_acct *a = &f->v[i];

		if (a->conn == NULL)
			continue;
		n = json_array_size(steps);
		if ((r = acct_plan(a, p, steps, out, why)) != 0)
			return r;
		if (f->org && out != NULL)
			fprintf(out, "  account %s%s%s%s: %zu step%s, as %s\n",
			    a->id, a->name != NULL ? " (" : "",
			    a->name != NULL ? a->name : "",
			    a->name != NULL ? ")" : "",
			    json_array_size(steps) - n,
			    json_array_size(steps) - n == 1 ? "" : "s",
			    a->caller);
	}
	return 0;
}

static json_t *
fa_snapshot(void *arg)
{
	struct freeze_aws *f = arg;
	json_t		*all = json_object(), *one;
	size_t		 i;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].conn == NULL)
			continue;
		one = acct_snapshot(&f->v[i]);
		json_object_update(all, one);
		json_decref(one);
	}
	return all;
}

/* The entered account of step, or NULL with *why (if why) set. */
static struct fa_acct *
entered(struct freeze_aws *f, json_t *step, char **why)
{
	struct fa_acct	*a = step_acct(f, step);

	if (a != NULL && a->conn != NULL)
		return a;
	if (why != NULL)
		*why = xasprintf("account %s: %s", jstr(json_object_get(step,
		    "params"), "account_id") != NULL ? jstr(json_object_get(
		    step, "params"), "account_id") : "?", a == NULL ? "not "
		    "selected by organization.include/exclude" : a->error);
	return NULL;
}

static int
fa_holds(void *arg, json_t *step)
{
	struct fa_acct	*a = entered(arg, step, NULL);

	return a != NULL && acct_holds(a, step);
}

static int
fa_restored(void *arg, json_t *step)
{
	struct fa_acct	*a = entered(arg, step, NULL);

	return a != NULL && acct_restored(a, step);
}

static int
fa_locks_out(void *arg, json_t *step)
{
	struct fa_acct	*a = entered(arg, step, NULL);

	return a != NULL && acct_locks_out(a, step);
}

static int
fa_exec(void *arg, json_t *step, char **why)
{
	struct fa_acct	*a;

	*why = NULL;
	if ((a = entered(arg, step, why)) == NULL)
		return VGL_ERR_PROVIDER;
	return acct_exec(a, step, why);
}

static int
fa_undo(void *arg, json_t *step, char **note, char **why)
{
	struct fa_acct	*a;

	*note = *why = NULL;
	if ((a = entered(arg, step, why)) == NULL)
		return VGL_ERR_PROVIDER;
	return acct_undo(a, step, note, why);
}

/* ---- the provider's freeze operations ------------------------------------ */

static const char *const fa_actions[] = {
	"aws.deny_mutations", "aws.deactivate_access_keys",
	"route53.domain_transfer_lock", NULL
};

const char *const aws_freeze_keys[] = { "aws_denied_actions", NULL };

void
aws_check_freeze(json_t *fz, struct policy_check *c)
{
	json_t	*val;

	if ((val = json_object_get(fz, "aws_denied_actions")) != NULL &&
	    !policy_is_strarray(val))
		policy_check_error(c, "aws_denied_actions",
		    "'aws_denied_actions' must be an array of strings");
}

static int
fa_check(const struct policy *p, int apply)
{
	if (has_action(p, "aws.deny_mutations") && json_array_size(
	    json_object_get(p->freeze, "aws_denied_actions")) == 0) {
		log_error("freeze: aws.deny_mutations needs a non-empty "
		    "\"aws_denied_actions\"");
		return VGL_EXIT_USAGE;
	}
	if (apply && json_array_size(json_object_get(json_object_get(
	    p->freeze, "break_glass"), "aws")) == 0) {
		log_error("freeze: refusing to apply: break_glass.aws is empty; "
		    "name at least one principal (role or user ARN) that keeps "
		    "access during the freeze");
		return VGL_EXIT_USAGE;
	}
	return 0;
}

static const char *
fa_held_sql(const char *op, int *gone_holds)
{
	/* The deny policy gone is broken; anything else gone holds. */
	*gone_holds = strcmp(op, "create_policy") != 0;
	if (strcmp(op, "attach_user_policy") == 0)
		return "SELECT EXISTS (SELECT 1 FROM json_each(attached_policies) "
		    "WHERE value = ?4) FROM main.aws_iam_users WHERE "
		    "run = ?1 AND source = ?2 AND arn = ?3";
	if (strcmp(op, "attach_role_policy") == 0)
		return "SELECT EXISTS (SELECT 1 FROM json_each(attached_policies) "
		    "WHERE value = ?4) FROM main.aws_iam_roles WHERE "
		    "run = ?1 AND source = ?2 AND arn = ?3";
	if (strcmp(op, "deactivate_key") == 0)
		return "SELECT status <> 'Active' FROM main.aws_iam_access_keys "
		    "WHERE run = ?1 AND source = ?2 AND access_key_id = ?3";
	if (strcmp(op, "enable_transfer_lock") == 0)
		return "SELECT transfer_lock = 1 FROM main.route53_domains WHERE "
		    "run = ?1 AND source = ?2 AND domain = ?3";
	if (strcmp(op, "create_policy") == 0)
		return "SELECT 1 FROM main.aws_iam_policies WHERE run = ?1 AND "
		    "source = ?2 AND arn = ?4";
	return NULL;
}

/* The deny policy a create_policy step made. */
static const char *
fa_created(json_t *step)
{
	if (strcmp(jstr(step, "op"), "create_policy") != 0)
		return NULL;
	return jstr(json_object_get(step, "params"), "arn");
}

const struct freeze_ops aws_freeze_ops = {
	.actions = fa_actions,
	.check = fa_check,
	.open = fa_open,
	.free = fa_free,
	.caller = fa_caller,
	.read = fa_read,
	.plan = fa_plan,
	.unreachable = fa_unreachable,
	.snapshot = fa_snapshot,
	.holds = fa_holds,
	.restored = fa_restored,
	.locks_out = fa_locks_out,
	.exec = fa_exec,
	.undo = fa_undo,
	.step_text = fa_step_text,
	.held_sql = fa_held_sql,
	.created = fa_created,
};
