/*
 * aws/iam-policy.c: IAM policy-document analysis (aws/iam-policy.h).
 *
 * Nothing here decides a finding: the functions turn the documents that
 * GetAccountAuthorizationDetails returned into rows, and the rules under
 * rules/aws/ judge them in SQL.
 *
 * Identity policies: every statement of every policy (managed default
 * version, inline) becomes one aws_iam_statements row, its Action or
 * NotAction patterns lower-cased in SQLite GLOB syntax ('[' escaped), so
 * that `lower(action) GLOB pattern` is IAM's case-insensitive wildcard
 * match.  aws_iam_principal_policies says which policies reach each user
 * (its own and its groups') and role.  A document that cannot be read
 * gives one row with `error` set: the rules report it, never skip it.
 *
 * Trust policies: one aws_iam_role_trust row per principal of every
 * statement.  `Principal "*"`, `{"AWS": "*"}` and an Allow with
 * NotPrincipal are principal_kind "*".  A condition restricts who can
 * assume the role when it tests one of the keys in restricting_keys with
 * a positive operator (not a Not... operator, not ...IfExists, not
 * ForAllValues:) and no value that leaves it open (open_value: only
 * wildcards, a /0 address range, a pattern with a wildcard where the
 * account or organisation is named).  Web identity (OIDC) trusts: the
 * provider is the Federated principal (the host part of an oidc-provider
 * ARN); its subject key is "<provider>:sub" (Cognito: "...:aud");
 * sub_unrestricted is 1 when no positive condition tests that key, or one
 * of its values matches any repository (any_subject: a pattern with a
 * wildcard in or right after the first field's name, "*", "rep*",
 * "repo:*", or in the owner part of "repo:OWNER/...").
 */
#include "config.h"
#include "paths.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/iam-policy.h"
#include "aws/aws.h"
#include "buf.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"


int
aws_iam_action_match(const char *p, const char *s)
{
	const char	*star = NULL, *ss = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			ss = s;
		} else if (*p == '?' || (*p != '\0' &&
		    tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++ss;
		} else
			return 0;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* An IAM pattern as a lower-case GLOB pattern ('[' escaped). */
static json_t *
glob_pattern(const char *s)
{
	struct buf	 b;
	json_t		*v;
	char		 c;

	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		if (*s == '[')
			buf_puts(&b, "[[]");
		else {
			c = (char)tolower((unsigned char)*s);
			buf_append(&b, &c, 1);
		}
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	v = json_string(b.data);
	buf_release(&b);
	return v != NULL ? v : json_string("");
}

/* A string or array of strings as an array; NULL when neither. */
static json_t *
string_list(json_t *v)
{
	json_t	*a, *e;
	size_t	 i;

	if (json_is_string(v)) {
		a = json_array();
		json_array_append(a, v);
		return a;
	}
	if (!json_is_array(v))
		return NULL;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return NULL;
	}
	return json_incref(v);
}

static json_t *
statement_row(json_t *st, size_t idx, char **error)
{
	json_t		*acts, *res, *pats, *e, *row;
	const char	*eff, *akind, *rkind, *s;
	size_t		 i;
	int		 any = 0, self = 1;

	if (!json_is_object(st)) {
		*error = xasprintf("statement %zu is not an object", idx + 1);
		return NULL;
	}
	eff = json_string_value(json_object_get(st, "Effect"));
	if (eff == NULL || (strcmp(eff, "Allow") != 0 &&
	    strcmp(eff, "Deny") != 0)) {
		*error = xasprintf("statement %zu: Effect must be \"Allow\" or "
		    "\"Deny\"", idx + 1);
		return NULL;
	}
	akind = json_object_get(st, "NotAction") != NULL ? "NotAction" :
	    "Action";
	if ((json_object_get(st, "Action") != NULL) ==
	    (json_object_get(st, "NotAction") != NULL) ||
	    (acts = string_list(json_object_get(st, akind))) == NULL) {
		*error = xasprintf("statement %zu: needs exactly one of Action "
		    "and NotAction, a string or a list of strings", idx + 1);
		return NULL;
	}
	rkind = json_object_get(st, "NotResource") != NULL ? "NotResource" :
	    "Resource";
	res = string_list(json_object_get(st, rkind));
	if (res == NULL) {
		json_decref(acts);
		*error = xasprintf("statement %zu: needs Resource or "
		    "NotResource, a string or a list of strings", idx + 1);
		return NULL;
	}
	if (json_object_get(st, "Condition") != NULL &&
	    !json_is_object(json_object_get(st, "Condition"))) {
		json_decref(acts);
		json_decref(res);
		*error = xasprintf("statement %zu: Condition is not an object",
		    idx + 1);
		return NULL;
	}
	pats = json_array();
	json_array_foreach(acts, i, e)
		json_array_append_new(pats, glob_pattern(json_string_value(e)));
	json_array_foreach(res, i, e) {
		s = json_string_value(e);
		if (strcmp(s, "*") == 0)
			any = 1;
		if (strstr(s, "${aws:username}") == NULL)
			self = 0;
	}
	if (json_array_size(res) == 0 || strcmp(rkind, "NotResource") == 0)
		self = 0;
	row = json_pack("{s:I, s:O?, s:s, s:s, s:o, s:s, s:o, s:b, s:b, "
	    "s:O?, s:O}", "idx", (json_int_t)idx, "sid", json_object_get(st,
	    "Sid"), "effect", eff, "action_kind", akind, "actions", pats,
	    "resource_kind", rkind, "resources", res, "resource_any", any,
	    "self_only", self, "condition", json_object_get(st, "Condition"),
	    "raw", st);
	json_decref(acts);
	return row;
}

json_t *
aws_iam_statements(json_t *doc, char **error)
{
	json_t	*st, *out, *row, *s;
	size_t	 i;

	*error = NULL;
	if (!json_is_object(doc)) {
		*error = xstrdup("the policy document is not a JSON object");
		return NULL;
	}
	st = json_object_get(doc, "Statement");
	out = json_array();
	if (json_is_object(st)) {
		if ((row = statement_row(st, 0, error)) == NULL)
			goto bad;
		json_array_append_new(out, row);
		return out;
	}
	if (!json_is_array(st)) {
		*error = xstrdup("the policy document has no Statement");
		goto bad;
	}
	json_array_foreach(st, i, s) {
		if ((row = statement_row(s, i, error)) == NULL)
			goto bad;
		json_array_append_new(out, row);
	}
	return out;
 bad:
	json_decref(out);
	return NULL;
}

/* ---- trust policies ---------------------------------------------------- */

/* Condition keys that limit who may assume a role (case-insensitive). */
static const char *const restricting_keys[] = {
	"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount",
	"aws:PrincipalArn", "aws:SourceAccount", "aws:SourceArn",
	"aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceOwner",
	"aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:userid",
	NULL
};

/* s contains needle, ignoring case. */
static int
has_word(const char *s, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * A positive operator: not StringNot..., ArnNot..., nor ...IfExists, nor
 * Null (operator names compared without regard to case).
 */
static int
positive_operator(const char *op)
{
	size_t	 n = strlen(op);

	if (has_word(op, "Not"))
		return 0;
	if (n >= 8 && strcasecmp(op + n - 8, "IfExists") == 0)
		return 0;
	return strcasecmp(op, "Null") != 0;
}

/* An operator whose values are patterns: ...Like, and Arn... (ArnEquals
 * matches wildcards as ArnLike does). */
static int
pattern_operator(const char *op)
{
	const char	*c = strchr(op, ':');

	return has_word(op, "Like") || strncasecmp(c != NULL ? c + 1 : op,
	    "Arn", 3) == 0;
}

static int
only_wildcards(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != '*' && *s != '?')
			return 0;
	return 1;
}

/* The first n bytes of s hold a wildcard. */
static int
wild_in(const char *s, size_t n)
{
	return strcspn(s, "*?") < n;
}

/*
 * A pattern value (of a ...Like or Arn... operator) that leaves the key's
 * identifying part open, so that a principal of any account or
 * organisation matches: an ARN (aws:PrincipalArn, aws:SourceArn) with a
 * wildcard before or in its account field (or, without an account, in the
 * first part of its resource: an S3 bucket name), an organisation path
 * with a wildcard in its organisation id, an aws:userid with one in its
 * unique id, and for the other keys (ids) any wildcard.
 */
static int
loose_pattern(const char *key, const char *v)
{
	const char	*f;
	size_t		 i, n;

	if (!wild_in(v, strlen(v)))
		return 0;
	if (strcasecmp(key, "aws:PrincipalArn") == 0 ||
	    strcasecmp(key, "aws:SourceArn") == 0) {
		/* arn:partition:service:region:account:resource */
		for (f = v, i = 0; i < 4; i++) {
			n = strcspn(f, ":");
			if (f[n] == '\0' || wild_in(f, n))
				return 1;
			f += n + 1;
		}
		n = strcspn(f, ":");
		if (f[n] == '\0' || wild_in(f, n))
			return 1;
		if (n > 0)
			return 0;
		f += 1;
		n = strcspn(f, "/:");
		return n == 0 || wild_in(f, n);
	}
	if (strcasecmp(key, "aws:PrincipalOrgPaths") == 0 ||
	    strcasecmp(key, "aws:SourceOrgPaths") == 0)
		return wild_in(v, strcspn(v, "/") + 1);
	if (strcasecmp(key, "aws:userid") == 0)
		return wild_in(v, strcspn(v, ":") + 1);
	return 1;
}

/* Values of a condition entry as an array of strings (others dropped). */
static json_t *
cond_values(json_t *v)
{
	json_t	*a = json_array(), *e;
	size_t	 i;

	if (json_is_string(v))
		json_array_append(a, v);
	json_array_foreach(v, i, e) {
		if (json_is_string(e))
			json_array_append(a, e);
	}
	return a;
}

/*
 * 1 when the value does not restrict: only wildcards, a pattern that
 * leaves the account open, or a source address range of every address.
 */
static int
open_value(const char *op, const char *key, const char *v)
{
	size_t	 n = strlen(v);

	if (only_wildcards(v))
		return 1;
	if (pattern_operator(op) && loose_pattern(key, v))
		return 1;
	return strcasecmp(key, "aws:SourceIp") == 0 && n >= 2 &&
	    strcmp(v + n - 2, "/0") == 0;
}

static int
restricting(json_t *cond)
{
	json_t		*keys, *v, *vals, *e;
	const char	*op, *key;
	size_t		 i, k;
	int		 wild;

	json_object_foreach(cond, op, keys) {
		/* ForAllValues: is true when the request lacks the key
		 * (a principal outside any organisation, say). */
		if (!positive_operator(op) || !json_is_object(keys) ||
		    strncasecmp(op, "ForAllValues:", 13) == 0)
			continue;
		json_object_foreach(keys, key, v) {
			for (k = 0; restricting_keys[k] != NULL; k++)
				if (strcasecmp(key, restricting_keys[k]) == 0)
					break;
			if (restricting_keys[k] == NULL)
				continue;
			vals = cond_values(v);
			wild = json_array_size(vals) == 0;
			json_array_foreach(vals, i, e) {
				if (open_value(op, key, json_string_value(e)))
					wild = 1;
			}
			json_decref(vals);
			if (!wild)
				return 1;
		}
	}
	return 0;
}

/* The account of an AWS principal: "123456789012" or field 5 of an ARN. */
static json_t *
principal_account(const char *p)
{
	const char	*s, *e;
	size_t		 i;
	int		 n;

	for (i = 0; isdigit((unsigned char)p[i]); i++)
		;
	if (i == 12 && p[i] == '\0')
		return json_string(p);
	if (strncmp(p, "arn:", 4) != 0)
		return json_null();
	for (s = p, n = 0; n < 4 && s != NULL; n++)
		if ((s = strchr(s, ':')) != NULL)
			s++;
	if (s == NULL || (e = strchr(s, ':')) == NULL || e == s)
		return json_null();
	return json_stringn(s, (size_t)(e - s));
}

/* "arn:aws:iam::1:oidc-provider/host/path" -> "host/path"; SAML: NULL. */
static char *
oidc_provider(const char *fed)
{
	const char	*p;

	if (strstr(fed, ":saml-provider/") != NULL)
		return NULL;
	if ((p = strstr(fed, ":oidc-provider/")) != NULL)
		return xstrdup(p + 15);
	if (strncmp(fed, "arn:", 4) == 0)
		return NULL;
	return xstrdup(fed);
}

/*
 * A subject pattern that matches any repository (or any subject): a
 * wildcard in the first field's name or right after it ("*", "rep*",
 * "repo:*", "project_path:*"), or in the owner part of "repo:OWNER/...".
 */
static int
any_subject(const char *v)
{
	const char	*o;
	size_t		 n, w, c;

	w = strcspn(v, "*?");
	c = strcspn(v, ":");
	if (v[w] != '\0' && (c >= w || c + 1 == w))
		return 1;
	if (strncasecmp(v, "repo:", 5) == 0) {
		o = v + 5;
		n = strcspn(o, "/");
		/* The owner (organisation) part holds a wildcard, or
		 * there is no owner at all. */
		return n == 0 || o[n] == '\0' || strcspn(o, "*?") < n;
	}
	return 0;
}

/* sub_values and sub_unrestricted of an OIDC trust's condition. */
static void
oidc_subject(json_t *cond, const char *provider, json_t *row)
{
	json_t		*keys, *v, *vals, *all, *e;
	const char	*op, *key;
	char		*want;
	size_t		 i;
	int		 found = 0, loose = 0, like;

	want = xasprintf("%s:%s", provider, strcmp(provider,
	    "cognito-identity.amazonaws.com") == 0 ? "aud" : "sub");
	all = json_array();
	json_object_foreach(cond, op, keys) {
		if (!positive_operator(op) || !json_is_object(keys))
			continue;
		like = pattern_operator(op);
		json_object_foreach(keys, key, v) {
			if (strcasecmp(key, want) != 0)
				continue;
			vals = cond_values(v);
			if (json_array_size(vals) > 0)
				found = 1;
			json_array_foreach(vals, i, e) {
				json_array_append(all, e);
				if (like && any_subject(json_string_value(e)))
					loose = 1;
			}
			json_decref(vals);
		}
	}
	json_object_set_new(row, "sub_values", all);
	json_object_set_new(row, "sub_unrestricted", json_boolean(!found ||
	    loose));
	free(want);
}

static void
trust_add(json_t *out, json_t *base, const char *kind, const char *p,
    json_t *cond)
{
	json_t	*row = json_deep_copy(base);
	char	*prov;

	json_object_set_new(row, "principal_kind", json_string(kind));
	json_object_set_new(row, "principal", json_string(p));
	json_object_set_new(row, "principal_account", strcmp(kind, "AWS") ==
	    0 ? principal_account(p) : json_null());
	json_object_set_new(row, "oidc_provider", json_null());
	json_object_set_new(row, "sub_values", json_null());
	json_object_set_new(row, "sub_unrestricted", json_null());
	if (strcmp(kind, "Federated") == 0 && (prov = oidc_provider(p)) !=
	    NULL) {
		json_object_set_new(row, "oidc_provider", json_string(prov));
		oidc_subject(cond, prov, row);
		free(prov);
	}
	json_array_append_new(out, row);
}

static int
trust_statement(json_t *out, json_t *st, size_t idx, char **error)
{
	json_t		*pr, *base, *acts, *cond, *list, *e;
	const char	*eff, *kind;
	size_t		 i;
	int		 notp;

	if (!json_is_object(st)) {
		*error = xasprintf("statement %zu is not an object", idx + 1);
		return -1;
	}
	eff = json_string_value(json_object_get(st, "Effect"));
	if (eff == NULL || (strcmp(eff, "Allow") != 0 &&
	    strcmp(eff, "Deny") != 0)) {
		*error = xasprintf("statement %zu: Effect must be \"Allow\" or "
		    "\"Deny\"", idx + 1);
		return -1;
	}
	notp = json_object_get(st, "NotPrincipal") != NULL;
	pr = json_object_get(st, notp ? "NotPrincipal" : "Principal");
	cond = json_object_get(st, "Condition");
	if (pr == NULL || (cond != NULL && !json_is_object(cond))) {
		*error = xasprintf("statement %zu: %s", idx + 1, pr == NULL ?
		    "no Principal" : "Condition is not an object");
		return -1;
	}
	acts = string_list(json_object_get(st, "Action"));
	base = json_pack("{s:I, s:s, s:o, s:O?, s:b}", "idx",
	    (json_int_t)idx, "effect", eff, "actions", acts != NULL ? acts :
	    json_array(), "condition", cond, "restricting_condition",
	    restricting(cond));
	if (notp && strcmp(eff, "Allow") == 0) {
		/* Everyone but the listed principals. */
		trust_add(out, base, "*", "*", cond);
	} else if (json_is_string(pr) && strcmp(json_string_value(pr), "*") ==
	    0) {
		trust_add(out, base, "*", "*", cond);
	} else if (json_is_object(pr)) {
		json_object_foreach(pr, kind, e) {
			if ((list = string_list(e)) == NULL) {
				*error = xasprintf("statement %zu: Principal "
				    "%s is not a string or a list of strings",
				    idx + 1, kind);
				json_decref(base);
				return -1;
			}
			json_array_foreach(list, i, e) {
				const char *p = json_string_value(e);

				trust_add(out, base, strcmp(kind, "AWS") == 0 &&
				    strcmp(p, "*") == 0 ? "*" : kind, p, cond);
			}
			json_decref(list);
		}
	} else {
		*error = xasprintf("statement %zu: Principal must be \"*\" or "
		    "an object", idx + 1);
		json_decref(base);
		return -1;
	}
	json_decref(base);
	return 0;
}

json_t *
aws_iam_trust(json_t *doc, char **error)
{
	json_t	*st, *out, *s;
	size_t	 i;

	*error = NULL;
	if (!json_is_object(doc)) {
		*error = xstrdup("the trust policy is not a JSON object");
		return NULL;
	}
	out = json_array();
	st = json_object_get(doc, "Statement");
	if (json_is_object(st)) {
		if (trust_statement(out, st, 0, error) != 0)
			goto bad;
		return out;
	}
	if (!json_is_array(st)) {
		*error = xstrdup("the trust policy has no Statement");
		goto bad;
	}
	json_array_foreach(st, i, s) {
		if (trust_statement(out, s, i, error) != 0)
			goto bad;
	}
	return out;
 bad:
	json_decref(out);
	return NULL;
}

/* ---- escalation sets -------------------------------------------------- */

char *
aws_iam_escalation_path(void)
{
	const char	*p;
	char		*s;

	if ((p = getenv("VIGIL_AWS_ESCALATION")) != NULL && *p != '\0')
		return xstrdup(p);
	/* make install keeps the data/ prefix (nobase_). */
	s = xasprintf("%s/data/aws-iam-escalation.json", VIGIL_DATADIR);
	if (access(s, R_OK) == 0)
		return s;
	free(s);
	return xasprintf("%s/data/aws-iam-escalation.json", VIGIL_SRCDIR);
}

int
aws_iam_escalation_load(const char *path, json_t **sets, char **error)
{
	json_error_t	 je;
	json_t		*j, *a, *s, *acts, *e;
	size_t		 i, k;

	*sets = NULL;
	*error = NULL;
	if ((j = json_load_file(path, 0, &je)) == NULL) {
		*error = xasprintf("escalation sets %s: %s (line %d)", path,
		    je.text, je.line);
		return VGL_ERR_IO;
	}
	a = json_object_get(j, "sets");
	if (!json_is_array(a) || json_array_size(a) == 0) {
		*error = xasprintf("escalation sets %s: no \"sets\" list", path);
		json_decref(j);
		return VGL_ERR_PARSE;
	}
	json_array_foreach(a, i, s) {
		acts = json_object_get(s, "actions");
		if (!json_is_string(json_object_get(s, "id")) ||
		    !json_is_array(acts) || json_array_size(acts) == 0) {
			*error = xasprintf("escalation sets %s: set %zu needs "
			    "an \"id\" and a list of \"actions\"", path, i + 1);
			json_decref(j);
			return VGL_ERR_PARSE;
		}
		json_array_foreach(acts, k, e) {
			if (!json_is_string(e) || strpbrk(json_string_value(e),
			    "*?[") != NULL) {
				*error = xasprintf("escalation sets %s: set "
				    "%zu: actions are names without "
				    "wildcards", path, i + 1);
				json_decref(j);
				return VGL_ERR_PARSE;
			}
		}
	}
	*sets = json_incref(a);
	json_decref(j);
	return 0;
}

/* ---- the tables ----------------------------------------------------------- */

/* One policy's statements, or one row with its error. */
static int
put_statements(struct source_ctx *ctx, const char *ref, const char *name,
    const char *kind, const char *owner, json_t *doc, const char *doc_err)
{
	json_t	*rows, *row;
	char	*err = NULL;
	size_t	 i;
	int	 r = 0;

	rows = doc_err == NULL ? aws_iam_statements(doc, &err) : NULL;
	if (rows == NULL) {
		row = json_pack("{s:s, s:s?, s:s, s:s?, s:s}", "policy_ref",
		    ref, "policy_name", name, "policy_kind", kind, "owner_arn",
		    owner, "error", doc_err != NULL ? doc_err : err);
		free(err);
		return source_put_row(ctx, "aws_iam_statements", row);
	}
	json_array_foreach(rows, i, row) {
		json_object_set_new(row, "policy_ref", json_string(ref));
		json_object_set_new(row, "policy_name", name != NULL ?
		    json_string(name) : json_null());
		json_object_set_new(row, "policy_kind", json_string(kind));
		json_object_set_new(row, "owner_arn", owner != NULL ?
		    json_string(owner) : json_null());
		if ((r = source_put_row(ctx, "aws_iam_statements",
		    json_incref(row))) != 0)
			break;
	}
	json_decref(rows);
	return r;
}

/*
 * A principal's inline policies (raw[list]: members of PolicyName and
 * the URL-encoded PolicyDocument): statements and links.
 */
static int
inline_policies(struct source_ctx *ctx, json_t *raw, const char *list,
    const char *owner, json_t *links, const char *via)
{
	json_t		*m, *doc;
	const char	*name, *enc;
	char		*ref;
	size_t		 i;
	int		 r = 0;

	json_array_foreach(json_object_get(raw, list), i, m) {
		name = json_string_value(json_object_get(m, "PolicyName"));
		enc = json_string_value(json_object_get(m, "PolicyDocument"));
		if (name == NULL)
			continue;
		if (owner == NULL)
			continue;
		ref = xasprintf("%s#%s", owner, name);
		doc = aws_policy_decode(enc);
		if (ctx != NULL)
			r = put_statements(ctx, ref, name, "inline", owner,
			    doc, doc == NULL ? "the inline policy document "
			    "is not valid JSON" : NULL);
		json_decref(doc);
		json_array_append_new(links, json_pack("{s:s, s:s}",
		    "policy_ref", ref, "via", via));
		free(ref);
		if (r != 0)
			break;
	}
	return r;
}

static void
attached_links(json_t *p, json_t *links, const char *via)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(json_object_get(p, "attached_policies"), i, v) {
		if (json_is_string(v))
			json_array_append_new(links, json_pack("{s:O, s:s}",
			    "policy_ref", v, "via", via));
	}
}

static int
put_links(struct source_ctx *ctx, json_t *links, json_t *p,
    const char *type, const char *name)
{
	json_t	*l;
	size_t	 i;
	int	 r;

	json_array_foreach(links, i, l) {
		if ((r = source_put_row(ctx, "aws_iam_principal_policies",
		    json_pack("{s:O?, s:s, s:s, s:O, s:O}", "principal_arn",
		    json_object_get(p, "arn"), "principal_type", type,
		    "principal_name", name, "policy_ref", json_object_get(l,
		    "policy_ref"), "via", json_object_get(l, "via")))) != 0)
			return r;
	}
	return 0;
}

static int
managed_statements(struct source_ctx *ctx, json_t *policies, json_t *seen,
    json_t *links)
{
	json_t		*l, *pol;
	const char	*ref;
	size_t		 i;
	int		 r;

	json_array_foreach(links, i, l) {
		ref = json_string_value(json_object_get(l, "policy_ref"));
		if (strncmp(ref, "arn:", 4) != 0 || strchr(ref, '#') != NULL ||
		    json_object_get(seen, ref) != NULL)
			continue;
		json_object_set_new(seen, ref, json_true());
		pol = json_object_get(policies, ref);
		if (pol != NULL)
			continue;	/* written with every managed policy */
		if ((r = put_statements(ctx, ref, NULL, "managed", NULL, NULL,
		    "the attached policy is not in GetAccountAuthorizationDetails"
		    )) != 0)
			return r;
	}
	return 0;
}

static int
role_trust(struct source_ctx *ctx, json_t *ro)
{
	json_t		*doc, *rows, *row, *acct;
	const char	*arn;
	char		*err = NULL;
	size_t		 i;
	int		 r = 0;

	arn = json_string_value(json_object_get(ro, "arn"));
	acct = principal_account(arn != NULL ? arn : "");
	doc = json_object_get(ro, "trust_policy");
	rows = doc != NULL && !json_is_null(doc) ? aws_iam_trust(doc, &err) :
	    NULL;
	if (rows == NULL) {
		row = json_pack("{s:O?, s:O?, s:o, s:s}", "role_arn",
		    json_object_get(ro, "arn"), "role_name", json_object_get(ro,
		    "role_name"), "role_account", acct, "error", err != NULL ?
		    err : "the trust policy is missing or not valid JSON");
		free(err);
		return source_put_row(ctx, "aws_iam_role_trust", row);
	}
	json_array_foreach(rows, i, row) {
		json_object_set(row, "role_arn", json_object_get(ro, "arn"));
		json_object_set(row, "role_name", json_object_get(ro,
		    "role_name"));
		json_object_set(row, "role_account", acct);
		if ((r = source_put_row(ctx, "aws_iam_role_trust",
		    json_incref(row))) != 0)
			break;
	}
	json_decref(rows);
	json_decref(acct);
	return r;
}

static int
escalation_sets(struct source_ctx *ctx, char **why)
{
	json_t		*sets, *s, *a;
	char		*path;
	size_t		 i, k;
	int		 r;

	path = aws_iam_escalation_path();
	r = aws_iam_escalation_load(path, &sets, why);
	free(path);
	if (r != 0)
		return r;
	json_array_foreach(sets, i, s) {
		json_array_foreach(json_object_get(s, "actions"), k, a) {
			if ((r = source_put_row(ctx, "aws_iam_escalation_sets",
			    json_pack("{s:O, s:O?, s:O, s:O, s:O?}", "set_id",
			    json_object_get(s, "id"), "title",
			    json_object_get(s, "title"), "action", a,
			    "actions", json_object_get(s, "actions"),
			    "reference", json_object_get(s, "source")))) != 0)
				goto out;
		}
	}
 out:
	json_decref(sets);
	return r;
}

int
aws_iam_policy_tables(struct source_ctx *ctx, json_t *users, json_t *groups,
    json_t *roles, json_t *policies, char **why)
{
	json_t		*p, *g, *v, *links, *glinks, *seen, *doc;
	const char	*name, *gn;
	char		*via;
	size_t		 i;
	int		 r = 0;

	*why = NULL;
	if ((r = escalation_sets(ctx, why)) != 0)
		return r;
	seen = json_object();
	/* Managed policies: the default version's statements. */
	json_object_foreach(policies, name, p) {
		doc = json_object_get(p, "document");
		if ((r = put_statements(ctx, name, json_string_value(
		    json_object_get(p, "policy_name")), "managed", NULL, doc,
		    json_is_object(doc) ? NULL : "the default version's "
		    "document is missing or not valid JSON")) != 0)
			goto out;
	}
	/* Groups: their inline statements, once; links per member below. */
	glinks = json_object();
	json_object_foreach(groups, gn, g) {
		links = json_array();
		via = xasprintf("group:%s", gn);
		r = inline_policies(ctx, json_object_get(g, "raw"),
		    "GroupPolicyList", json_string_value(json_object_get(g,
		    "arn")), links, via);
		attached_links(g, links, via);
		free(via);
		json_object_set_new(glinks, gn, links);
		if (r != 0 || (r = managed_statements(ctx, policies, seen,
		    links)) != 0)
			break;
	}
	json_object_foreach(users, name, p) {
		if (r != 0)
			break;
		links = json_array();
		r = inline_policies(ctx, json_object_get(p, "raw"),
		    "UserPolicyList", json_string_value(json_object_get(p,
		    "arn")), links, "direct");
		attached_links(p, links, "direct");
		json_array_foreach(json_object_get(p, "groups"), i, v) {
			json_array_extend(links, json_object_get(glinks,
			    json_string_value(v)));
		}
		if (r == 0)
			r = managed_statements(ctx, policies, seen, links);
		if (r == 0)
			r = put_links(ctx, links, p, "user", name);
		json_decref(links);
	}
	json_array_foreach(roles, i, p) {
		if (r != 0)
			break;
		name = json_string_value(json_object_get(p, "role_name"));
		links = json_array();
		r = inline_policies(ctx, json_object_get(p, "raw"),
		    "RolePolicyList", json_string_value(json_object_get(p,
		    "arn")), links, "direct");
		attached_links(p, links, "direct");
		if (r == 0)
			r = managed_statements(ctx, policies, seen, links);
		if (r == 0 && name != NULL)
			r = put_links(ctx, links, p, "role", name);
		if (r == 0)
			r = role_trust(ctx, p);
		json_decref(links);
	}
	json_decref(glinks);
 out:
	json_decref(seen);
	if (r != 0 && *why == NULL)
		*why = xasprintf("cannot store the IAM policy analysis: %s",
		    vgl_err(r));
	return r;
}
