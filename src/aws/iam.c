/*
 * aws/iam.c: IAM collection of the aws source: the credential report,
 * GetAccountAuthorizationDetails, the account summary and password
 * policy, access keys, virtual MFA devices, and the aws_iam_* and
 * aws_account rows; plus the pure IAM helpers of aws.h (admin analysis,
 * policy decoding, credential report parsing).
 *
 * Admin detection (is_admin, allows_full_admin, admin_reason; aws.h and
 * docs/schema.md): an Allow statement whose Action matches every action
 * or whose NotAction leaves every other action allowed, on every resource
 * (Resource "*" or a NotResource), with or without a Condition (named in
 * admin_reason).  An unconditional Deny of "*" on "*" among the same
 * principal's effective policies cancels it; other denies and permissions
 * boundaries are not evaluated: the result over-reports rather than
 * misses an administrator.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <openssl/evp.h>

#include "aws/aws.h"
#include "aws/aws-int.h"
#include "buf.h"
#include "log.h"
#include "aws/sigv4.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"


/* An Action pattern that matches every action: "*", "**", "*:*", ... */
static int
all_actions(const char *s)
{
	size_t	i, colons = 0;

	if (*s == '\0' || *s == ':')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ':') {
			if (++colons > 1 || s[i + 1] == '\0')
				return 0;
		} else if (s[i] != '*')
			return 0;
	}
	return 1;
}

/*
 * A Resource pattern that matches every resource: "*", or an ARN pattern
 * with nothing fixed but "arn" and the partition ("arn:*",
 * "arn:aws:*:*:*:*").
 */
static int
all_resources(const char *s)
{
	static const char *const parts[] = { "aws", "aws-cn", "aws-us-gov",
	    NULL };
	char	*d, *seg, *save = NULL;
	int	 i, n = 0, ok = 1, last_star = 0;

	if (strspn(s, "*") == strlen(s))
		return *s != '\0';
	if (strncasecmp(s, "arn:", 4) != 0)
		return 0;
	d = xstrdup(s + 4);
	for (seg = strtok_r(d, ":", &save); seg != NULL && ok;
	    seg = strtok_r(NULL, ":", &save), n++) {
		last_star = strspn(seg, "*") == strlen(seg);
		if (last_star)
			continue;
		ok = 0;
		for (i = 0; n == 0 && parts[i] != NULL; i++) {
			if (strcasecmp(seg, parts[i]) == 0)
				ok = 1;
		}
	}
	free(d);
	/* Empty segments (arn:aws:s3:::*) are fixed, so not "every". */
	return ok && last_star && strstr(s, "::") == NULL;
}

/* 1 when v (a string or an array of strings) has an element for which
 * pred is true. */
static int
any_of(json_t *v, int (*pred)(const char *))
{
	json_t	*e;
	size_t	 i;

	if (json_is_string(v))
		return pred(json_string_value(v));
	json_array_foreach(v, i, e) {
		if (json_is_string(e) && pred(json_string_value(e)))
			return 1;
	}
	return 0;
}

/* Compact JSON of v, keys sorted; "?" when it cannot be encoded. */
static char *
compact(json_t *v)
{
	char	*j, *s;

	if ((j = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_ENCODE_ANY)) == NULL)
		return xstrdup("?");
	s = xstrdup(j);
	free(j);
	return s;
}

/*
 * Why one statement allows every action on every resource, or NULL.
 * Counted: Allow with an Action matching every action or a NotAction that
 * does not exclude every action, on a Resource matching every resource or
 * a NotResource that does not exclude every resource, with or without a
 * Condition (named in the reason).
 */
static char *
statement_admin_reason(json_t *st)
{
	json_t		*act, *nact, *res, *nres, *cond;
	const char	*eff, *sid;
	char		*a, *r, *c = NULL, *out;

	if (!json_is_object(st))
		return NULL;
	eff = json_string_value(json_object_get(st, "Effect"));
	if (eff == NULL || strcmp(eff, "Allow") != 0)
		return NULL;
	act = json_object_get(st, "Action");
	nact = json_object_get(st, "NotAction");
	res = json_object_get(st, "Resource");
	nres = json_object_get(st, "NotResource");
	cond = json_object_get(st, "Condition");
	if (act != NULL) {
		if (!any_of(act, all_actions))
			return NULL;
		a = xstrdup("Action \"*\"");
	} else if (nact != NULL) {
		if (any_of(nact, all_actions))
			return NULL;
		r = compact(nact);
		a = xasprintf("NotAction %s (every other action)", r);
		free(r);
	} else
		return NULL;
	if (res != NULL) {
		if (!any_of(res, all_resources)) {
			free(a);
			return NULL;
		}
		r = xstrdup("Resource \"*\"");
	} else if (nres != NULL) {
		if (any_of(nres, all_resources)) {
			free(a);
			return NULL;
		}
		c = compact(nres);
		r = xasprintf("NotResource %s (every other resource)", c);
		free(c);
		c = NULL;
	} else {
		free(a);
		return NULL;
	}
	if (cond != NULL && !(json_is_object(cond) &&
	    json_object_size(cond) == 0))
		c = compact(cond);
	sid = json_string_value(json_object_get(st, "Sid"));
	out = xasprintf("%s%s%sAllow %s on %s%s%s", sid != NULL ?
	    "statement '" : "", sid != NULL ? sid : "", sid != NULL ?
	    "': " : "", a, r, c != NULL ? " under Condition " : "",
	    c != NULL ? c : "");
	free(a);
	free(r);
	free(c);
	return out;
}

/* 1 when the statement is an unconditional Deny of every action on
 * every resource. */
static int
statement_denies_all(json_t *st)
{
	const char	*eff;

	if (!json_is_object(st))
		return 0;
	eff = json_string_value(json_object_get(st, "Effect"));
	if (eff == NULL || strcmp(eff, "Deny") != 0)
		return 0;
	if (json_object_get(st, "NotAction") != NULL ||
	    json_object_get(st, "NotResource") != NULL ||
	    json_object_get(st, "Condition") != NULL)
		return 0;
	return any_of(json_object_get(st, "Action"), all_actions) &&
	    any_of(json_object_get(st, "Resource"), all_resources);
}

char *
aws_policy_admin_reason(json_t *doc)
{
	json_t	*st, *s;
	size_t	 i;
	char	*r;

	st = json_object_get(doc, "Statement");
	if (json_is_object(st))
		return statement_admin_reason(st);
	json_array_foreach(st, i, s) {
		if ((r = statement_admin_reason(s)) != NULL)
			return r;
	}
	return NULL;
}

int
aws_policy_denies_all(json_t *doc)
{
	json_t	*st, *s;
	size_t	 i;

	st = json_object_get(doc, "Statement");
	if (json_is_object(st))
		return statement_denies_all(st);
	json_array_foreach(st, i, s) {
		if (statement_denies_all(s))
			return 1;
	}
	return 0;
}

int
aws_policy_allows_full_admin(json_t *doc)
{
	char	*r;

	if (aws_policy_denies_all(doc))
		return 0;
	r = aws_policy_admin_reason(doc);
	free(r);
	return r != NULL;
}

json_t *
aws_policy_decode(const char *encoded)
{
	json_error_t	 je;
	json_t		*j;
	char		*dec;

	if (encoded == NULL)
		return NULL;
	if ((dec = xmlURIUnescapeString(encoded, 0, NULL)) == NULL)
		return NULL;
	j = json_loads(dec, 0, &je);
	xmlFree(dec);
	if (j == NULL)
		j = json_loads(encoded, 0, &je);
	return j;
}

int
aws_credential_report_parse(const char *csv, size_t len, json_t **rows,
    char **error)
{
	json_t		*recs, *rec, *hdr, *out, *o;
	struct buf	 f;
	size_t		 i, j, line = 1;
	int		 inq = 0, field_started = 0, r = -1;

	*rows = NULL;
	*error = NULL;
	recs = json_array();
	rec = json_array();
	buf_init(&f, 0);
	for (i = 0; i <= len; i++) {
		char	 c = i < len ? csv[i] : '\0';
		int	 end = i == len;

		if (inq) {
			if (end) {
				*error = xasprintf("credential report: "
				    "unterminated quoted field at line %zu",
				    line);
				goto out;
			}
			if (c == '"' && i + 1 < len && csv[i + 1] == '"') {
				buf_append(&f, "\"", 1);
				i++;
			} else if (c == '"')
				inq = 0;
			else {
				if (c == '\n')
					line++;
				buf_append(&f, &c, 1);
			}
			continue;
		}
		if (c == '"' && f.len == 0 && !field_started) {
			inq = 1;
			field_started = 1;
			continue;
		}
		if (c == ',' || c == '\n' || c == '\r' || end) {
			if (c == '\r' && i + 1 < len && csv[i + 1] == '\n')
				i++;
			if (!(end || c == '\n' || c == '\r') ||
			    json_array_size(rec) > 0 || f.len > 0 ||
			    field_started)
				json_array_append_new(rec, json_stringn(
				    f.data != NULL ? f.data : "", f.len));
			buf_reset(&f);
			field_started = 0;
			if (c != ',') {
				if (json_array_size(rec) > 0)
					json_array_append(recs, rec);
				json_decref(rec);
				rec = json_array();
				line++;
			}
			continue;
		}
		buf_append(&f, &c, 1);
		field_started = 1;
	}
	if ((hdr = json_array_get(recs, 0)) == NULL) {
		*error = xstrdup("credential report: empty");
		goto out;
	}
	out = json_array();
	for (i = 1; i < json_array_size(recs); i++) {
		json_t *row = json_array_get(recs, i);

		if (json_array_size(row) != json_array_size(hdr)) {
			*error = xasprintf("credential report: row %zu has "
			    "%zu fields, the header %zu", i + 1,
			    json_array_size(row), json_array_size(hdr));
			json_decref(out);
			goto out;
		}
		o = json_object();
		for (j = 0; j < json_array_size(hdr); j++) {
			const char *k = json_string_value(json_array_get(hdr,
			    j));
			if (k != NULL && *k != '\0')
				json_object_set(o, k, json_array_get(row, j));
		}
		json_array_append_new(out, o);
	}
	*rows = out;
	r = 0;
 out:
	json_decref(rec);
	json_decref(recs);
	buf_release(&f);
	return r;
}

char *
aws_iso_time(const char *s)
{
	char		 tmp[64], out[32];
	const char	*dot;
	long long	 t;
	size_t		 n;

	if (s == NULL || *s == '\0' || !isdigit((unsigned char)*s))
		return NULL;
	/* Drop fractional seconds: 2026-01-05T12:00:00.123Z. */
	if ((dot = strchr(s, '.')) != NULL && dot - s < 40) {
		n = (size_t)(dot - s);
		memcpy(tmp, s, n);
		dot++;
		while (isdigit((unsigned char)*dot))
			dot++;
		snprintf(tmp + n, sizeof(tmp) - n, "%s", dot);
	} else
		snprintf(tmp, sizeof(tmp), "%s", s);
	if (iso8601_parse(tmp, &t) != 0)
		return NULL;
	iso8601_utc(t, out, sizeof(out));
	return xstrdup(out);
}

/* ---- IAM ------------------------------------------------------------ */

/* Inline policies of a principal: names, and whether any is admin. */
/* Inline policy names; docs gets name -> decoded document. */
static json_t *
inline_policies(const xmlNode *list, json_t *docs)
{
	json_t	*names = json_array(), *doc;
	xmlNode	*c;
	char	*n, *d;

	for (c = list != NULL ? list->children : NULL; c != NULL; c = c->next) {
		if (!is_element(c, "member"))
			continue;
		n = aws_xml_text(c, "PolicyName");
		d = aws_xml_text(c, "PolicyDocument");
		if (n != NULL)
			json_array_append_new(names, json_string(n));
		doc = aws_policy_decode(d);
		if (n != NULL)
			json_object_set_new(docs, n, doc != NULL ? doc :
			    json_null());
		else
			json_decref(doc);
		free(n);
		free(d);
	}
	return names;
}

static void
gaad_user(struct aws *a, const xmlNode *m)
{
	json_t	*u, *docs;
	char	*name, *c;

	if ((name = aws_xml_text(m, "UserName")) == NULL)
		return;
	u = json_object();
	json_object_set_new(u, "arn", jstr_own(aws_xml_text(m, "Arn")));
	json_object_set_new(u, "user_name", json_string(name));
	json_object_set_new(u, "user_id", jstr_own(aws_xml_text(m, "UserId")));
	json_object_set_new(u, "path", jstr_own(aws_xml_text(m, "Path")));
	c = aws_xml_text(m, "CreateDate");
	json_object_set_new(u, "created", jstr_own(aws_iso_time(c)));
	free(c);
	json_object_set_new(u, "groups", member_texts(aws_xml_child(m, "GroupList"),
	    NULL));
	json_object_set_new(u, "attached_policies", member_texts(aws_xml_child(m,
	    "AttachedManagedPolicies"), "PolicyArn"));
	docs = json_object();
	json_object_set_new(u, "inline_policy_names", inline_policies(
	    aws_xml_child(m, "UserPolicyList"), docs));
	json_object_set_new(u, "inline_docs", docs);
	json_object_set_new(u, "raw", xml_json(m));
	json_object_set_new(a->users, name, u);
	free(name);
}

static void
gaad_group(struct aws *a, const xmlNode *m)
{
	json_t	*g, *docs;
	char	*name, *c;

	if ((name = aws_xml_text(m, "GroupName")) == NULL)
		return;
	g = json_object();
	json_object_set_new(g, "arn", jstr_own(aws_xml_text(m, "Arn")));
	json_object_set_new(g, "group_name", json_string(name));
	json_object_set_new(g, "group_id", jstr_own(aws_xml_text(m, "GroupId")));
	json_object_set_new(g, "path", jstr_own(aws_xml_text(m, "Path")));
	c = aws_xml_text(m, "CreateDate");
	json_object_set_new(g, "created", jstr_own(aws_iso_time(c)));
	free(c);
	json_object_set_new(g, "attached_policies", member_texts(aws_xml_child(m,
	    "AttachedManagedPolicies"), "PolicyArn"));
	docs = json_object();
	json_object_set_new(g, "inline_policy_names", inline_policies(
	    aws_xml_child(m, "GroupPolicyList"), docs));
	json_object_set_new(g, "inline_docs", docs);
	json_object_set_new(g, "raw", xml_json(m));
	json_object_set_new(a->groups, name, g);
	free(name);
}

static void
gaad_role(struct aws *a, const xmlNode *m)
{
	json_t	*ro, *docs;
	char	*c;

	ro = json_object();
	json_object_set_new(ro, "arn", jstr_own(aws_xml_text(m, "Arn")));
	json_object_set_new(ro, "role_name", jstr_own(aws_xml_text(m, "RoleName")));
	json_object_set_new(ro, "role_id", jstr_own(aws_xml_text(m, "RoleId")));
	json_object_set_new(ro, "path", jstr_own(aws_xml_text(m, "Path")));
	c = aws_xml_text(m, "CreateDate");
	json_object_set_new(ro, "created", jstr_own(aws_iso_time(c)));
	free(c);
	c = aws_xml_text(m, "AssumeRolePolicyDocument");
	json_object_set_new(ro, "trust_policy", c != NULL ?
	    aws_policy_decode(c) : json_null());
	if (json_object_get(ro, "trust_policy") == NULL)
		json_object_set_new(ro, "trust_policy", json_null());
	free(c);
	json_object_set_new(ro, "attached_policies", member_texts(aws_xml_child(m,
	    "AttachedManagedPolicies"), "PolicyArn"));
	docs = json_object();
	json_object_set_new(ro, "inline_policy_names", inline_policies(
	    aws_xml_child(m, "RolePolicyList"), docs));
	json_object_set_new(ro, "inline_docs", docs);
	c = aws_xml_text(m, "RoleLastUsed/LastUsedDate");
	json_object_set_new(ro, "last_used", jstr_own(aws_iso_time(c)));
	free(c);
	json_object_set_new(ro, "last_used_region", jstr_own(aws_xml_text(m,
	    "RoleLastUsed/Region")));
	json_object_set_new(ro, "raw", xml_json(m));
	json_array_append_new(a->roles, ro);
}

static void
gaad_policy(struct aws *a, const xmlNode *m)
{
	json_t	*p, *doc = NULL;
	xmlNode	*v;
	char	*arn, *c;
	long	 n;

	if ((arn = aws_xml_text(m, "Arn")) == NULL)
		return;
	p = json_object();
	json_object_set_new(p, "arn", json_string(arn));
	json_object_set_new(p, "policy_name", jstr_own(aws_xml_text(m,
	    "PolicyName")));
	json_object_set_new(p, "policy_id", jstr_own(aws_xml_text(m, "PolicyId")));
	json_object_set_new(p, "aws_managed", json_boolean(strncmp(arn,
	    "arn:aws:iam::aws:", 17) == 0));
	json_object_set_new(p, "default_version", jstr_own(aws_xml_text(m,
	    "DefaultVersionId")));
	c = aws_xml_text(m, "AttachmentCount");
	n = c != NULL ? strtol(c, NULL, 10) : 0;
	free(c);
	json_object_set_new(p, "attachment_count", json_integer(n));
	for (v = aws_xml_child(aws_xml_child(m, "PolicyVersionList"), NULL); v != NULL;
	    v = v->next) {
		if (!is_element(v, "member") || !xbool(v, "IsDefaultVersion"))
			continue;
		c = aws_xml_text(v, "Document");
		doc = aws_policy_decode(c);
		free(c);
		break;
	}
	c = doc != NULL && !aws_policy_denies_all(doc) ?
	    aws_policy_admin_reason(doc) : NULL;
	json_object_set_new(p, "allows_full_admin", json_boolean(c != NULL));
	json_object_set_new(p, "admin_reason", jstr_own(c));
	json_object_set_new(p, "document", doc != NULL ? doc : json_null());
	json_object_set_new(p, "raw", xml_json(m));
	json_object_set_new(a->policies, arn, p);
	free(arn);
}

/* One GetAccountAuthorizationDetails page; *marker gets the next. */
int
gaad_page(struct aws *a, struct http_req *q, char **marker, char **why)
{
	xmlDoc	*doc;
	xmlNode	*res, *m;

	*marker = NULL;
	if ((res = xml_result(q, "GetAccountAuthorizationDetails",
	    "GetAccountAuthorizationDetails", &doc, why)) == NULL) {
		xmlFreeDoc(doc);
		return VGL_ERR_PROVIDER;
	}
	for (m = aws_xml_child(aws_xml_child(res, "UserDetailList"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_user(a, m);
	for (m = aws_xml_child(aws_xml_child(res, "GroupDetailList"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_group(a, m);
	for (m = aws_xml_child(aws_xml_child(res, "RoleDetailList"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_role(a, m);
	for (m = aws_xml_child(aws_xml_child(res, "Policies"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_policy(a, m);
	if (xbool(res, "IsTruncated")) {
		*marker = aws_xml_text(res, "Marker");
		if (*marker == NULL || **marker == '\0') {
			free(*marker);
			*marker = NULL;
			*why = xstrdup("GetAccountAuthorizationDetails: "
			    "IsTruncated without a Marker");
			xmlFreeDoc(doc);
			return VGL_ERR_PROVIDER;
		}
	}
	xmlFreeDoc(doc);
	return 0;
}

struct http_req *
gaad_req(struct aws *a, const char *marker)
{
	struct http_req	*q;
	char		*p, *m = NULL;

	if (marker != NULL)
		m = http_escape(marker);
	p = xasprintf("Action=GetAccountAuthorizationDetails&"
	    "Filter.member.1=User&Filter.member.2=Role&Filter.member.3=Group&"
	    "Filter.member.4=LocalManagedPolicy&"
	    "Filter.member.5=AWSManagedPolicy&MaxItems=1000%s%s",
	    m != NULL ? "&Marker=" : "", m != NULL ? m : "");
	q = query_req(a, SVC_IAM, p);
	free(p);
	free(m);
	return q;
}

int
summary_parse(struct aws *a, struct http_req *q, char **why)
{
	xmlDoc	*doc;
	xmlNode	*res, *e;
	char	*k, *v;

	if ((res = xml_result(q, "GetAccountSummary", "GetAccountSummary",
	    &doc, why)) == NULL) {
		xmlFreeDoc(doc);
		return VGL_ERR_PROVIDER;
	}
	a->summary = json_object();
	for (e = aws_xml_child(aws_xml_child(res, "SummaryMap"), NULL); e != NULL;
	    e = e->next) {
		if (!is_element(e, "entry"))
			continue;
		k = aws_xml_text(e, "key");
		v = aws_xml_text(e, "value");
		if (k != NULL && v != NULL)
			json_object_set_new(a->summary, k,
			    json_integer(strtoll(v, NULL, 10)));
		free(k);
		free(v);
	}
	xmlFreeDoc(doc);
	return 0;
}

/* GetAccountPasswordPolicy: NoSuchEntity means "no policy" (NULL). */
int
pwpolicy_parse(struct aws *a, struct http_req *q, char **why)
{
	xmlDoc	*doc;
	xmlNode	*res, *pp, *c;
	char	*code, *t, *end;
	long long n;

	if (q->status == 404 && (*why = req_failure(q, "x", &code)) != NULL) {
		free(*why);
		*why = NULL;
		if (code != NULL && strcmp(code, "NoSuchEntity") == 0) {
			free(code);
			return 0;
		}
		free(code);
	}
	if ((res = xml_result(q, "GetAccountPasswordPolicy",
	    "GetAccountPasswordPolicy", &doc, why)) == NULL) {
		xmlFreeDoc(doc);
		return VGL_ERR_PROVIDER;
	}
	a->pwpolicy = json_object();
	pp = aws_xml_child(res, "PasswordPolicy");
	for (c = pp != NULL ? pp->children : NULL; c != NULL; c = c->next) {
		if (!is_element(c, NULL))
			continue;
		t = aws_xml_text(c, NULL);
		n = strtoll(t, &end, 10);
		if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)
			json_object_set_new(a->pwpolicy, (const char *)c->name,
			    json_boolean(*t == 't'));
		else if (*t != '\0' && *end == '\0')
			json_object_set_new(a->pwpolicy, (const char *)c->name,
			    json_integer(n));
		else
			json_object_set_new(a->pwpolicy, (const char *)c->name,
			    json_string(t));
		free(t);
	}
	xmlFreeDoc(doc);
	return 0;
}

/* GenerateCredentialReport -> its State, or NULL with *why. */
char *
report_state(struct http_req *q, char **why)
{
	xmlDoc	*doc;
	xmlNode	*res;
	char	*s = NULL;

	if ((res = xml_result(q, "GenerateCredentialReport",
	    "GenerateCredentialReport", &doc, why)) != NULL &&
	    (s = aws_xml_text(res, "State")) == NULL)
		*why = xstrdup("GenerateCredentialReport: reply has no State");
	xmlFreeDoc(doc);
	return s;
}

/*
 * GetCredentialReport: 0 with a->report set; 1 when the report is still
 * being generated (ReportInProgress, ReportNotPresent); else an error.
 */
static int
report_parse(struct aws *a, struct http_req *q, char **why)
{
	xmlDoc		*doc;
	xmlNode		*res;
	json_t		*rows, *row;
	char		*code = NULL, *b64 = NULL, *csv = NULL, *err;
	const char	*user;
	size_t		 i, j, len, pad = 0;
	int		 n, r = VGL_ERR_PROVIDER;

	if (q->result == 0 && (q->status == 404 || q->status == 410)) {
		*why = req_failure(q, "GetCredentialReport", &code);
		if (code != NULL && (strcmp(code, "ReportInProgress") == 0 ||
		    strcmp(code, "ReportNotPresent") == 0)) {
			free(code);
			free(*why);
			*why = NULL;
			return 1;
		}
		free(code);
		return VGL_ERR_PROVIDER;
	}
	if ((res = xml_result(q, "GetCredentialReport", "GetCredentialReport",
	    &doc, why)) == NULL)
		goto out;
	if ((b64 = aws_xml_text(res, "Content")) == NULL) {
		*why = xstrdup("GetCredentialReport: reply has no Content");
		goto out;
	}
	/* Strip whitespace, then decode (EVP_DecodeBlock counts padding). */
	for (i = j = 0; b64[i] != '\0'; i++)
		if (!isspace((unsigned char)b64[i]))
			b64[j++] = b64[i];
	b64[j] = '\0';
	len = j;
	if (len % 4 != 0 || len > INT32_MAX) {
		*why = xstrdup("GetCredentialReport: Content is not base64");
		goto out;
	}
	csv = xmalloc(len / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock((unsigned char *)csv, (unsigned char *)b64,
	    (int)len)) < 0) {
		*why = xstrdup("GetCredentialReport: Content is not base64");
		goto out;
	}
	if (len > 0 && b64[len - 1] == '=')
		pad++;
	if (len > 1 && b64[len - 2] == '=')
		pad++;
	len = (size_t)n - pad;
	csv[len] = '\0';
	if (aws_credential_report_parse(csv, len, &rows, &err) != 0) {
		*why = xasprintf("GetCredentialReport: %s", err);
		free(err);
		goto out;
	}
	a->report = json_object();
	json_array_foreach(rows, i, row) {
		if ((user = json_string_value(json_object_get(row, "user"))) !=
		    NULL)
			json_object_set(a->report, user, row);
	}
	json_decref(rows);
	r = 0;
 out:
	xmlFreeDoc(doc);
	free(b64);
	free(csv);
	return r;
}

static int
report_true(json_t *row, const char *col)
{
	const char *s = json_string_value(json_object_get(row, col));

	return s != NULL && strcmp(s, "true") == 0;
}

/* The report's value of col as JSON: 1/0 for true/false, else null. */
static json_t *
report_bool(json_t *row, const char *col)
{
	const char *s = json_string_value(json_object_get(row, col));

	if (s == NULL)
		return json_null();
	if (strcmp(s, "true") == 0)
		return json_integer(1);
	if (strcmp(s, "false") == 0)
		return json_integer(0);
	return json_null();
}

static json_t *
report_time(json_t *row, const char *col)
{
	return jstr_own(aws_iso_time(json_string_value(json_object_get(row,
	    col))));
}

/* A report value other than N/A-like, or NULL. */
static json_t *
report_str(json_t *row, const char *col)
{
	const char *s = json_string_value(json_object_get(row, col));

	if (s == NULL || *s == '\0' || strcmp(s, "N/A") == 0 ||
	    strcmp(s, "no_information") == 0 ||
	    strcmp(s, "not_supported") == 0)
		return json_null();
	return json_string(s);
}

/* 1 when the report shows an access key (active or not) for the user. */
static int
report_has_key(json_t *row)
{
	const char	*s;
	int		 i;
	char		 col[64];

	for (i = 1; i <= 2; i++) {
		snprintf(col, sizeof(col), "access_key_%d_active", i);
		if (report_true(row, col))
			return 1;
		snprintf(col, sizeof(col), "access_key_%d_last_rotated", i);
		s = json_string_value(json_object_get(row, col));
		if (s != NULL && isdigit((unsigned char)*s))
			return 1;
	}
	return 0;
}

/*
 * Admin verdict over a principal's effective policies: the first
 * statement that allows "*" on "*" (its policy named) unless one of the
 * documents denies every action on every resource without a condition.
 */
struct admin_scan {
	char	*reason;
	int	 denied;
};

static void
scan_doc(struct admin_scan *s, json_t *doc, const char *where)
{
	char	*r;

	if (!json_is_object(doc))
		return;
	if (aws_policy_denies_all(doc))
		s->denied = 1;
	if (s->reason == NULL && (r = aws_policy_admin_reason(doc)) != NULL) {
		s->reason = xasprintf("%s: %s", where, r);
		free(r);
	}
}

/* Scans p's inline and attached policies; prefix: "" or "group G: ". */
static void
scan_principal(struct aws *a, json_t *p, const char *prefix,
    struct admin_scan *s)
{
	json_t		*v, *pol;
	const char	*name;
	size_t		 i;
	char		*w;

	json_object_foreach(json_object_get(p, "inline_docs"), name, v) {
		w = xasprintf("%sinline policy '%s'", prefix, name);
		scan_doc(s, v, w);
		free(w);
	}
	json_array_foreach(json_object_get(p, "attached_policies"), i, v) {
		if (json_string_value(v) == NULL)
			continue;
		pol = json_object_get(a->policies, json_string_value(v));
		w = xasprintf("%spolicy %s", prefix, json_string_value(v));
		scan_doc(s, json_object_get(pol, "document"), w);
		free(w);
	}
}

/* Sets p's is_admin and admin_reason; a user's groups count too. */
static int
principal_admin(struct aws *a, json_t *p, int with_groups)
{
	struct admin_scan	 s = { NULL, 0 };
	json_t			*v, *g;
	size_t			 i;
	char			*pre;

	scan_principal(a, p, "", &s);
	json_array_foreach(with_groups ? json_object_get(p, "groups") : NULL,
	    i, v) {
		if ((g = json_object_get(a->groups, json_string_value(v))) ==
		    NULL)
			continue;
		pre = xasprintf("group %s: ", json_string_value(v));
		scan_principal(a, g, pre, &s);
		free(pre);
	}
	if (s.denied) {
		free(s.reason);
		s.reason = NULL;
	}
	json_object_set_new(p, "admin_reason", jstr_own(s.reason));
	return s.reason != NULL;
}

int
write_iam(struct aws *a)
{
	json_t		*u, *g, *ro, *p, *row, *rep, *v, *members;
	const char	*name, *gn;
	size_t		 i, j;
	void		*tmp;
	int		 r, admin, nkeys;

	json_object_foreach_safe(a->policies, tmp, name, p) {
		row = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, "
		    "s:O}", "arn", json_object_get(p, "arn"), "policy_name",
		    json_object_get(p, "policy_name"), "policy_id",
		    json_object_get(p, "policy_id"), "aws_managed",
		    json_object_get(p, "aws_managed"), "default_version",
		    json_object_get(p, "default_version"), "document",
		    json_object_get(p, "document"), "attachment_count",
		    json_object_get(p, "attachment_count"),
		    "allows_full_admin", json_object_get(p,
		    "allows_full_admin"), "raw", json_object_get(p, "raw"));
		json_object_set(row, "admin_reason", json_object_get(p,
		    "admin_reason"));
		if ((r = put_row(a, "aws_iam_policies", row)) != 0)
			return r;
	}
	json_object_foreach_safe(a->groups, tmp, gn, g) {
		members = json_array();
		json_object_foreach(a->users, name, u) {
			json_array_foreach(json_object_get(u, "groups"), j, v) {
				if (strcmp(json_string_value(v), gn) == 0)
					json_array_append_new(members,
					    json_string(name));
			}
		}
		admin = principal_admin(a, g, 0);
		json_object_set_new(g, "is_admin", json_boolean(admin));
		row = json_pack("{s:O, s:s, s:O, s:O, s:O, s:o, s:O, s:O, "
		    "s:b, s:O}", "arn", json_object_get(g, "arn"),
		    "group_name", gn, "group_id", json_object_get(g,
		    "group_id"), "path", json_object_get(g, "path"), "created",
		    json_object_get(g, "created"), "members", members,
		    "attached_policies", json_object_get(g,
		    "attached_policies"), "inline_policy_names",
		    json_object_get(g, "inline_policy_names"), "is_admin",
		    admin, "raw", json_object_get(g, "raw"));
		json_object_set(row, "admin_reason", json_object_get(g,
		    "admin_reason"));
		if ((r = put_row(a, "aws_iam_groups", row)) != 0)
			return r;
	}
	json_object_foreach_safe(a->users, tmp, name, u) {
		admin = principal_admin(a, u, 1);
		rep = json_object_get(a->report, name);
		nkeys = report_true(rep, "access_key_1_active") +
		    report_true(rep, "access_key_2_active");
		row = json_pack("{s:O, s:s, s:O, s:O, s:O, s:o, s:o, s:o, "
		    "s:o, s:i, s:O, s:O, s:O, s:b, s:{s:O, s:O}}",
		    "arn", json_object_get(u, "arn"), "user_name", name,
		    "user_id", json_object_get(u, "user_id"), "path",
		    json_object_get(u, "path"), "created", json_object_get(u,
		    "created"), "password_enabled", report_bool(rep,
		    "password_enabled"), "password_last_used",
		    report_time(rep, "password_last_used"),
		    "password_last_changed", report_time(rep,
		    "password_last_changed"), "mfa_active", report_bool(rep,
		    "mfa_active"), "active_access_keys", nkeys, "groups",
		    json_object_get(u, "groups"), "attached_policies",
		    json_object_get(u, "attached_policies"),
		    "inline_policy_names", json_object_get(u,
		    "inline_policy_names"), "is_admin", admin, "raw",
		    "authorization_details", json_object_get(u, "raw"),
		    "credential_report", rep != NULL ? rep : json_null());
		json_object_set(row, "admin_reason", json_object_get(u,
		    "admin_reason"));
		if ((r = put_row(a, "aws_iam_users", row)) != 0)
			return r;
	}
	json_array_foreach(a->roles, i, ro) {
		admin = principal_admin(a, ro, 0);
		row = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, "
		    "s:b, s:O, s:O, s:O}", "arn", json_object_get(ro, "arn"),
		    "role_name", json_object_get(ro, "role_name"), "role_id",
		    json_object_get(ro, "role_id"), "path", json_object_get(ro,
		    "path"), "created", json_object_get(ro, "created"),
		    "trust_policy", json_object_get(ro, "trust_policy"),
		    "attached_policies", json_object_get(ro,
		    "attached_policies"), "inline_policy_names",
		    json_object_get(ro, "inline_policy_names"), "is_admin",
		    admin, "last_used", json_object_get(ro, "last_used"),
		    "last_used_region", json_object_get(ro,
		    "last_used_region"), "raw", json_object_get(ro, "raw"));
		json_object_set(row, "admin_reason", json_object_get(ro,
		    "admin_reason"));
		if ((r = put_row(a, "aws_iam_roles", row)) != 0)
			return r;
	}
	return 0;
}

int
write_account(struct aws *a)
{
	json_t		*root, *row, *last = NULL;
	const char	*s;
	char		*t;
	int		 i;
	char		 col[64];

	root = json_object_get(a->report, "<root_account>");
	for (i = 1; i <= 2; i++) {
		snprintf(col, sizeof(col), "access_key_%d_last_used_date", i);
		s = json_string_value(json_object_get(root, col));
		if ((t = aws_iso_time(s)) == NULL)
			continue;
		if (last == NULL || strcmp(t, json_string_value(last)) > 0) {
			json_decref(last);
			last = json_string(t);
		}
		free(t);
	}
	row = json_pack("{s:s, s:s?, s:O?, s:O?, s:o, s:o, s:O?, s:O?, "
	    "s:{s:O?, s:O?, s:O?}}", "account_id", a->account_id,
	    "caller_arn", a->caller_arn, "root_mfa_enabled",
	    json_object_get(a->summary, "AccountMFAEnabled"),
	    "root_access_keys_present", json_object_get(a->summary,
	    "AccountAccessKeysPresent"), "root_password_last_used",
	    report_time(root, "password_last_used"),
	    "root_access_key_last_used", last != NULL ? last : json_null(),
	    "password_policy", a->pwpolicy, "summary", a->summary, "raw",
	    "summary", a->summary, "password_policy", a->pwpolicy,
	    "credential_report_root", root);
	if (row == NULL)
		return VGL_ERR_INTERNAL;
	/* Without the summary, fall back on the report's root row. */
	if (json_object_get(row, "root_mfa_enabled") == NULL)
		json_object_set_new(row, "root_mfa_enabled", report_bool(root,
		    "mfa_active"));
	if (json_object_get(row, "root_access_keys_present") == NULL)
		json_object_set_new(row, "root_access_keys_present",
		    json_integer(report_true(root, "access_key_1_active") ||
		    report_true(root, "access_key_2_active")));
	if (json_object_get(row, "password_policy") == NULL)
		json_object_set_new(row, "password_policy", json_null());
	return put_row(a, "aws_account", row);
}

/* One user's ListAccessKeys: the next Marker and the keys seen so far. */
struct key_list {
	const char	*name;
	char		*marker;
	int		 seen, done;
};

/* The ListAccessKeys request for l's next page. */
static struct http_req *
keys_req(struct aws *a, const struct key_list *l)
{
	struct http_req	*q;
	char		*p, *e, *m = NULL;

	e = http_escape(l->name);
	if (l->marker != NULL)
		m = http_escape(l->marker);
	p = xasprintf("Action=ListAccessKeys&UserName=%s&MaxItems=1000%s%s",
	    e, m != NULL ? "&Marker=" : "", m != NULL ? m : "");
	q = query_req(a, SVC_IAM, p);
	free(p);
	free(e);
	free(m);
	return q;
}

/* Stores the keys of one ListAccessKeys page of user l->name. */
static int
keys_page(struct aws *a, struct key_list *l, const xmlNode *res)
{
	json_t		*row, *out;
	const xmlNode	*m;
	char		*kid, *st, *cr, *c, col[64];
	int		 r = 0, s, slot;

	row = json_object_get(a->report, l->name);
	for (m = aws_xml_child(aws_xml_child(res, "AccessKeyMetadata"), NULL);
	    m != NULL && r == 0; m = m->next) {
		if (!is_element(m, "member"))
			continue;
		l->seen++;
		kid = aws_xml_text(m, "AccessKeyId");
		st = aws_xml_text(m, "Status");
		c = aws_xml_text(m, "CreateDate");
		cr = aws_iso_time(c);
		free(c);
		/* The report slot whose last_rotated is the key's creation
		 * time; else the key's position over all pages. */
		slot = l->seen <= 2 ? l->seen : 0;
		for (s = 1; s <= 2 && cr != NULL; s++) {
			snprintf(col, sizeof(col),
			    "access_key_%d_last_rotated", s);
			c = aws_iso_time(json_string_value(
			    json_object_get(row, col)));
			if (c != NULL && strcmp(c, cr) == 0)
				slot = s;
			free(c);
		}
		out = json_pack("{s:s?, s:s, s:O?, s:s?, s:s?}",
		    "access_key_id", kid, "user_name", l->name,
		    "user_arn", json_object_get(json_object_get(
		    a->users, l->name), "arn"), "status", st,
		    "created", cr);
		if (slot > 0) {
			snprintf(col, sizeof(col),
			    "access_key_%d_last_used_date", slot);
			json_object_set_new(out, "last_used",
			    report_time(row, col));
			snprintf(col, sizeof(col),
			    "access_key_%d_last_used_service", slot);
			json_object_set_new(out, "last_used_service",
			    report_str(row, col));
			snprintf(col, sizeof(col),
			    "access_key_%d_last_used_region", slot);
			json_object_set_new(out, "last_used_region",
			    report_str(row, col));
		}
		json_object_set_new(out, "raw", xml_json(m));
		r = put_row(a, "aws_iam_access_keys", out);
		free(kid);
		free(st);
		free(cr);
	}
	return r;
}

/*
 * ListAccessKeys for every user whose report row shows a key, the users
 * concurrently; each round asks the next page (Marker) of every user
 * whose last page said IsTruncated.  A page that cannot be followed (no
 * Marker, or the same Marker again) fails the source.
 */
int
access_keys(struct aws *a, char **why)
{
	struct http_req	**reqs;
	struct key_list	 *ls;
	json_t		 *row;
	const char	 *name;
	xmlDoc		 *doc;
	xmlNode		 *res;
	char		 *m, *what;
	size_t		  n = 0, nq, i, *idx;
	int		  r = 0;

	ls = xcalloc(json_object_size(a->report) + 1, sizeof(*ls));
	json_object_foreach(a->report, name, row) {
		if (strcmp(name, "<root_account>") == 0 ||
		    !report_has_key(row) ||
		    json_object_get(a->users, name) == NULL)
			continue;
		ls[n++].name = name;
	}
	reqs = xcalloc(n + 1, sizeof(*reqs));
	idx = xcalloc(n + 1, sizeof(*idx));
	while (r == 0) {
		for (i = nq = 0; i < n; i++) {
			if (ls[i].done)
				continue;
			reqs[nq] = keys_req(a, &ls[i]);
			idx[nq++] = i;
		}
		if (nq == 0)
			break;
		http_do_all(a->http, reqs, nq);
		for (i = 0; i < nq && r == 0; i++) {
			struct key_list	*l = &ls[idx[i]];

			what = xasprintf("ListAccessKeys for %s", l->name);
			res = xml_result(reqs[i], what, "ListAccessKeys", &doc,
			    why);
			if (res == NULL || (r = keys_page(a, l, res)) != 0) {
				if (r == 0)
					r = VGL_ERR_PROVIDER;
				xmlFreeDoc(doc);
				free(what);
				break;
			}
			if (!xbool(res, "IsTruncated"))
				l->done = 1;
			else if ((m = aws_xml_text(res, "Marker")) == NULL ||
			    *m == '\0' || (l->marker != NULL &&
			    strcmp(m, l->marker) == 0)) {
				*why = xasprintf("%s: IsTruncated %s", what,
				    m == NULL || *m == '\0' ? "without a Marker" :
				    "with the same Marker again");
				free(m);
				r = VGL_ERR_PROVIDER;
			} else {
				free(l->marker);
				l->marker = m;
			}
			xmlFreeDoc(doc);
			free(what);
		}
		for (i = 0; i < nq; i++)
			http_req_free(reqs[i]);
	}
	for (i = 0; i < n; i++)
		free(ls[i].marker);
	free(ls);
	free(reqs);
	free(idx);
	return r;
}

/* ---- virtual MFA devices ---------------------------------------------- */

/*
 * ListVirtualMFADevices (AssignmentStatus Any, all pages): every virtual
 * MFA device, root's included (User/Arn "arn:...:root", serial
 * ".../mfa/root-account-mfa-device").  A user whose MFA is active but who
 * holds no device of this list uses a hardware or FIDO device.
 */
struct http_req *
vmfa_req(struct aws *a, const char *marker)
{
	struct http_req	*q;
	char		*p, *m = NULL;

	if (marker != NULL)
		m = http_escape(marker);
	p = xasprintf("Action=ListVirtualMFADevices&AssignmentStatus=Any&"
	    "MaxItems=1000%s%s", m != NULL ? "&Marker=" : "", m != NULL ? m :
	    "");
	q = query_req(a, SVC_IAM, p);
	free(p);
	free(m);
	return q;
}

int
vmfa_page(struct aws *a, struct http_req *q, char **marker, char **why)
{
	xmlDoc	*doc;
	xmlNode	*res, *m;
	char	*serial, *arn, *c, *t;
	size_t	 n;
	int	 r = 0, root;

	*marker = NULL;
	if ((res = xml_result(q, "ListVirtualMFADevices",
	    "ListVirtualMFADevices", &doc, why)) == NULL) {
		xmlFreeDoc(doc);
		return VGL_ERR_PROVIDER;
	}
	for (m = aws_xml_child(aws_xml_child(res, "VirtualMFADevices"), NULL); m != NULL &&
	    r == 0; m = m->next) {
		if (!is_element(m, "member"))
			continue;
		if ((serial = aws_xml_text(m, "SerialNumber")) == NULL)
			continue;
		arn = aws_xml_text(m, "User/Arn");
		n = arn != NULL ? strlen(arn) : 0;
		root = (n > 5 && strcmp(arn + n - 5, ":root") == 0) ||
		    (strlen(serial) > 24 && strcmp(serial + strlen(serial) -
		    24, "/root-account-mfa-device") == 0);
		c = aws_xml_text(m, "EnableDate");
		t = aws_iso_time(c);
		free(c);
		r = put_row(a, "aws_iam_virtual_mfa", json_pack("{s:s, s:o, "
		    "s:o, s:b, s:o, s:o}", "serial_number", serial, "user_arn",
		    jstr_own(arn), "user_name", jstr_own(aws_xml_text(m,
		    "User/UserName")), "is_root", root, "enable_date",
		    jstr_own(t), "raw", xml_json(m)));
		free(serial);
	}
	if (r == 0 && xbool(res, "IsTruncated")) {
		*marker = aws_xml_text(res, "Marker");
		if (*marker == NULL || **marker == '\0') {
			free(*marker);
			*marker = NULL;
			*why = xstrdup("ListVirtualMFADevices: IsTruncated "
			    "without a Marker");
			r = VGL_ERR_PROVIDER;
		}
	}
	xmlFreeDoc(doc);
	return r;
}

/* ---- the collection ---------------------------------------------------- */

/*
 * The credential report: GenerateCredentialReport said state; fetch it,
 * polling with short sleeps while AWS is still generating it.
 */
int
credential_report(struct aws *a, struct http_req *get, char **why)
{
	struct http_req	*q;
	struct timespec	 ts;
	char		*st;
	double		 waited = 0, nap = 0.25;
	int		 r, done;

	q = get;
	for (;;) {
		if (q == NULL) {
			q = query_req(a, SVC_IAM, "Action=GetCredentialReport");
			http_do(a->http, q);
		}
		r = report_parse(a, q, why);
		if (q != get)
			http_req_free(q);
		q = NULL;
		if (r != 1)
			return r;
		/* Still being generated: wait, ask again until COMPLETE. */
		source_status(a->ctx, "waiting for the credential report");
		for (done = 0; !done; ) {
			if (waited >= REPORT_WAIT_S) {
				source_status(a->ctx, NULL);
				*why = xasprintf("the credential report was "
				    "not ready after %d s", REPORT_WAIT_S);
				return VGL_ERR_TIMEOUT;
			}
			if (!a->replay) {
				ts.tv_sec = (time_t)nap;
				ts.tv_nsec = (long)((nap - (double)ts.tv_sec) *
				    1e9);
				nanosleep(&ts, NULL);
			}
			waited += nap;
			nap = nap * 2 > 4 ? 4 : nap * 2;
			q = query_req(a, SVC_IAM,
			    "Action=GenerateCredentialReport");
			http_do(a->http, q);
			st = report_state(q, why);
			http_req_free(q);
			q = NULL;
			if (st == NULL) {
				source_status(a->ctx, NULL);
				return VGL_ERR_PROVIDER;
			}
			done = strcmp(st, "COMPLETE") == 0;
			free(st);
		}
		source_status(a->ctx, NULL);
	}
}
