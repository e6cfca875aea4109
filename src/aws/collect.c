/*
 * aws/collect.c: the AWS source (type "aws"): IAM, STS, Route 53 and
 * Route 53 Domains, read-only, plus the SSM parameter reader of aws.h.
 *
 * The cheapest complete enumeration (docs/apis.md section 1):
 *   STS   [AssumeRole], GetCallerIdentity
 *   IAM   GenerateCredentialReport, GetCredentialReport (users, passwords,
 *         MFA, key use), GetAccountAuthorizationDetails (every user,
 *         group, role and managed policy with documents; all pages),
 *         GetAccountSummary (root MFA and keys), GetAccountPasswordPolicy,
 *         ListAccessKeys only for users whose report shows a key (the
 *         report has no key ids)
 *   Route 53          ListHostedZones, ListResourceRecordSets per zone
 *   Route 53 Domains  ListDomains, GetDomainDetail per domain
 * Independent calls go out together through http_do_all().  Every
 * request is signed with SigV4 for the real service and region, whatever
 * the endpoint.  AWS throttling codes inside 400 replies are retried by
 * the HTTP layer's backoff (aws_retry); any other AWS error fails the
 * source with the AWS code and message.  XML is read with libxml2 by
 * local element names (namespaces ignored), JSON with jansson.
 *
 * Lists are followed to their last page (IAM Marker, Route 53 NextMarker
 * and NextRecordName/Type/Identifier, Route 53 Domains NextPageMarker); a
 * truncated page that cannot be followed fails the source.
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
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "aws/iam-policy.h"
#include "aws/org.h"
#include "aws/aws.h"
#include "buf.h"
#include "log.h"
#include "aws/sigv4.h"
#include "source.h"
#include "store.h"
#include "vigil.h"
#include "xmalloc.h"

static const char aws_schema[] =
"CREATE TABLE IF NOT EXISTS aws_account(run INTEGER NOT NULL, source TEXT,\n"
"  account_id TEXT, caller_arn TEXT, root_mfa_enabled INTEGER,\n"
"  root_access_keys_present INTEGER, root_password_last_used TEXT,\n"
"  root_access_key_last_used TEXT, password_policy TEXT, summary TEXT,\n"
"  raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_account_run ON aws_account(run, account_id);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_users(run INTEGER NOT NULL, source TEXT,\n"
"  arn TEXT, user_name TEXT, user_id TEXT, path TEXT, created TEXT,\n"
"  password_enabled INTEGER, password_last_used TEXT,\n"
"  password_last_changed TEXT, mfa_active INTEGER,\n"
"  active_access_keys INTEGER, groups TEXT, attached_policies TEXT,\n"
"  inline_policy_names TEXT, is_admin INTEGER, admin_reason TEXT,\n"
"  raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_users_run ON aws_iam_users(run, arn);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_access_keys(run INTEGER NOT NULL,\n"
"  source TEXT, access_key_id TEXT, user_name TEXT, user_arn TEXT,\n"
"  status TEXT, created TEXT, last_used TEXT, last_used_service TEXT,\n"
"  last_used_region TEXT, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_access_keys_run\n"
"  ON aws_iam_access_keys(run, access_key_id);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_roles(run INTEGER NOT NULL, source TEXT,\n"
"  arn TEXT, role_name TEXT, role_id TEXT, path TEXT, created TEXT,\n"
"  trust_policy TEXT, attached_policies TEXT, inline_policy_names TEXT,\n"
"  is_admin INTEGER, last_used TEXT, last_used_region TEXT, raw TEXT,\n"
"  admin_reason TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_roles_run ON aws_iam_roles(run, arn);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_groups(run INTEGER NOT NULL, source TEXT,\n"
"  arn TEXT, group_name TEXT, group_id TEXT, path TEXT, created TEXT,\n"
"  members TEXT, attached_policies TEXT, inline_policy_names TEXT,\n"
"  is_admin INTEGER, raw TEXT, admin_reason TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_groups_run ON aws_iam_groups(run, arn);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_policies(run INTEGER NOT NULL,\n"
"  source TEXT, arn TEXT, policy_name TEXT, policy_id TEXT,\n"
"  aws_managed INTEGER, default_version TEXT, document TEXT,\n"
"  attachment_count INTEGER, allows_full_admin INTEGER, raw TEXT,\n"
"  admin_reason TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_policies_run\n"
"  ON aws_iam_policies(run, arn);\n"
"CREATE TABLE IF NOT EXISTS route53_zones(run INTEGER NOT NULL, source TEXT,\n"
"  zone_id TEXT, name TEXT, private INTEGER, record_count INTEGER,\n"
"  comment TEXT, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS route53_zones_run ON route53_zones(run, zone_id);\n"
"CREATE TABLE IF NOT EXISTS route53_records(run INTEGER NOT NULL,\n"
"  source TEXT, zone_id TEXT, name TEXT, type TEXT, ttl INTEGER,\n"
"  value TEXT, set_identifier TEXT, alias INTEGER, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS route53_records_run\n"
"  ON route53_records(run, zone_id, name, type);\n"
"CREATE TABLE IF NOT EXISTS route53_domains(run INTEGER NOT NULL,\n"
"  source TEXT, domain TEXT, transfer_lock INTEGER, auto_renew INTEGER,\n"
"  expires TEXT, status TEXT, registrar TEXT, nameservers TEXT,\n"
"  dnssec TEXT, created TEXT, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS route53_domains_run\n"
"  ON route53_domains(run, domain);\n"
AWS_ORG_SCHEMA
AWS_IAM_POLICY_SCHEMA;

static const char *const aws_keys[] = {
	"region", "access_key_id_env", "secret_access_key_env",
	"session_token_env", "assume_role_arn", "account_id", "deadline_s",
	"organization",
	NULL
};

static const char *const aws_endpoint_keys[] = {
	"iam", "sts", "route53", "route53domains", "ssm", "organizations", NULL
};

#define IAM_VERSION	"2010-05-08"
#define STS_VERSION	"2011-06-15"
#define R53_PATH	"/2013-04-01"
#define DOMAINS_TARGET	"Route53Domains_v20140515"
#define SSM_TARGET	"AmazonSSM"
/* Bound on waiting for the credential report (seconds). */
#define REPORT_WAIT_S	60

enum aws_svc {
	SVC_IAM, SVC_STS, SVC_R53, SVC_R53D, SVC_SSM, SVC_ORG, AWS_NSVC
};

/*
 * Endpoint key, default URL (regional ones end in '.': region and
 * ".amazonaws.com" are appended), fixed signing region.
 */
static const struct {
	const char	*key;
	const char	*url;
	const char	*sign_region;	/* NULL: the source's region */
	const char	*service;
} aws_svcs[AWS_NSVC] = {
	{ "iam", "https://iam.amazonaws.com", "us-east-1", "iam" },
	{ "sts", "https://sts.", NULL, "sts" },
	{ "route53", "https://route53.amazonaws.com", "us-east-1", "route53" },
	{ "route53domains", "https://route53domains.us-east-1.amazonaws.com",
	    "us-east-1", "route53domains" },
	{ "ssm", "https://ssm.", NULL, "ssm" },
	/* Organizations: one global endpoint, signed for us-east-1. */
	{ "organizations", "https://organizations.us-east-1.amazonaws.com",
	    "us-east-1", "organizations" },
};

struct aws {
	struct source_ctx		*ctx;	/* NULL outside a collection */
	const struct policy_source	*ps;
	struct http_client		*http;
	int				 replay;
	char				*akid;
	char				*secret;
	char				*token;
	char				*region;
	char				*ep[AWS_NSVC];
	struct sigv4_signer		 sg[AWS_NSVC];
	int				 member; /* organisation */
	/* Collected state. */
	char				*account_id;
	char				*caller_arn;
	json_t				*users;		/* name -> object */
	json_t				*groups;	/* name -> object */
	json_t				*roles;		/* array */
	json_t				*policies;	/* arn -> object */
	json_t				*report;	/* user -> row */
	json_t				*summary;	/* key -> integer */
	json_t				*pwpolicy;	/* object or NULL */
};

/* ---- pure helpers (aws.h) ------------------------------------------- */

int
aws_throttling_code(const char *code)
{
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException", NULL
	};
	size_t	 i;

	if (code == NULL)
		return 0;
	for (i = 0; codes[i] != NULL; i++) {
		if (strcmp(code, codes[i]) == 0)
			return 1;
	}
	return 0;
}

/* "aws.protocol#Code:http://..." -> "Code". */
static char *
error_code_clean(const char *s)
{
	const char	*p;
	size_t		 n;

	if ((p = strrchr(s, '#')) != NULL)
		s = p + 1;
	n = strcspn(s, ":");
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	return n > 0 ? xstrndup(s, n) : NULL;
}

static int
is_element(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    (name == NULL || strcmp((const char *)n->name, name) == 0);
}

static xmlNode *
xchild(const xmlNode *n, const char *name)
{
	xmlNode	*c;

	if (n == NULL)
		return NULL;
	for (c = n->children; c != NULL; c = c->next) {
		if (is_element(c, name))
			return c;
	}
	return NULL;
}

/* Descends "A/B/C" by element local names. */
static xmlNode *
xpath(const xmlNode *n, const char *path)
{
	char	*p, *s, *e;
	xmlNode	*cur = (xmlNode *)n;

	p = s = xstrdup(path);
	while (cur != NULL && s != NULL && *s != '\0') {
		if ((e = strchr(s, '/')) != NULL)
			*e++ = '\0';
		cur = xchild(cur, s);
		s = e;
	}
	free(p);
	return cur;
}

/* Text of the element at path below n, or NULL when absent. */
static char *
xtext(const xmlNode *n, const char *path)
{
	xmlNode	*c;
	xmlChar	*t;
	char	*s;

	if ((c = path != NULL ? xpath(n, path) : (xmlNode *)n) == NULL)
		return NULL;
	if ((t = xmlNodeGetContent(c)) == NULL)
		return xstrdup("");
	s = xstrdup((const char *)t);
	xmlFree(t);
	return s;
}

static int
xbool(const xmlNode *n, const char *path)
{
	char	*s = xtext(n, path);
	int	 v = s != NULL && strcasecmp(s, "true") == 0;

	free(s);
	return v;
}

/* Finds the first element named name anywhere below n (depth first). */
static xmlNode *
xfind(const xmlNode *n, const char *name)
{
	xmlNode	*c, *f;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next) {
		if (!is_element(c, NULL))
			continue;
		if (strcmp((const char *)c->name, name) == 0)
			return c;
		if ((f = xfind(c, name)) != NULL)
			return f;
	}
	return NULL;
}

static xmlDoc *
xml_read(const char *data, size_t len, char **error)
{
	xmlParserCtxt	*pc;
	xmlDoc		*doc;
	const xmlError	*e;
	char		*msg;
	size_t		 n;

	*error = NULL;
	if (len > INT32_MAX) {
		*error = xstrdup("XML reply too large");
		return NULL;
	}
	if ((pc = xmlNewParserCtxt()) == NULL) {
		*error = xstrdup("cannot create an XML parser");
		return NULL;
	}
	doc = xmlCtxtReadMemory(pc, data != NULL ? data : "", (int)len,
	    "aws.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL || !pc->wellFormed || xmlDocGetRootElement(doc) ==
	    NULL) {
		e = xmlCtxtGetLastError(pc);
		if (e != NULL && e->message != NULL) {
			msg = xstrdup(e->message);
			n = strlen(msg);
			while (n > 0 && isspace((unsigned char)msg[n - 1]))
				msg[--n] = '\0';
			*error = xasprintf("malformed XML at line %d: %s",
			    e->line, msg);
			free(msg);
		} else
			*error = xstrdup("malformed XML: no document element");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(pc);
	return doc;
}

int
aws_error_parse(const char *body, size_t len, const char *errtype,
    char **code, char **message)
{
	json_t		*j;
	json_error_t	 je;
	xmlDoc		*doc;
	xmlNode		*err;
	const char	*s;
	char		*why, *c;

	*code = *message = NULL;
	if (body != NULL && len > 0 && (j = json_loadb(body, len, 0, &je)) !=
	    NULL) {
		if ((s = json_string_value(json_object_get(j, "__type"))) ==
		    NULL && (s = json_string_value(json_object_get(j,
		    "code"))) == NULL)
			s = errtype;
		if (s != NULL)
			*code = error_code_clean(s);
		if ((s = json_string_value(json_object_get(j, "message"))) ==
		    NULL)
			s = json_string_value(json_object_get(j, "Message"));
		if (s != NULL && *s != '\0')
			*message = xstrdup(s);
		json_decref(j);
		if (*code == NULL) {
			free(*message);
			*message = NULL;
			return -1;
		}
		return 0;
	}
	if (body != NULL && len > 0 && (doc = xml_read(body, len, &why)) !=
	    NULL) {
		err = xmlDocGetRootElement(doc);
		if (!is_element(err, "Error"))
			err = xfind(err, "Error");
		c = err != NULL ? xtext(err, "Code") : NULL;
		if (c != NULL && *c != '\0') {
			*code = error_code_clean(c);
			*message = xtext(err, "Message");
		}
		free(c);
		xmlFreeDoc(doc);
		if (*code != NULL)
			return 0;
		free(*message);
		*message = NULL;
		return -1;
	} else if (body != NULL && len > 0)
		free(why);
	if (errtype != NULL && (*code = error_code_clean(errtype)) != NULL)
		return 0;
	return -1;
}

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

int
aws_ssm_parse_parameter(const char *body, size_t len, char **value,
    char **error)
{
	json_t		*j, *v;
	json_error_t	 je;

	*value = *error = NULL;
	if ((j = json_loadb(body != NULL ? body : "", len, 0, &je)) == NULL) {
		*error = xasprintf("malformed SSM JSON at line %d column "
		    "%d: %s", je.line, je.column, je.text);
		return -1;
	}
	v = json_object_get(json_object_get(j, "Parameter"), "Value");
	if (!json_is_string(v)) {
		*error = xstrdup("SSM reply has no Parameter.Value");
		json_decref(j);
		return -1;
	}
	*value = xstrdup(json_string_value(v));
	json_decref(j);
	return 0;
}

/* ---- setup and requests ---------------------------------------------- */

static void
aws_release(struct aws *a)
{
	size_t	 i;

	free(a->akid);
	freestr_secret(a->secret);
	freestr_secret(a->token);
	free(a->region);
	for (i = 0; i < AWS_NSVC; i++)
		free(a->ep[i]);
	free(a->account_id);
	free(a->caller_arn);
	json_decref(a->users);
	json_decref(a->groups);
	json_decref(a->roles);
	json_decref(a->policies);
	json_decref(a->report);
	json_decref(a->summary);
	json_decref(a->pwpolicy);
	memset(a, 0, sizeof(*a));
}

static void
aws_set_signers(struct aws *a)
{
	size_t	 i;

	for (i = 0; i < AWS_NSVC; i++) {
		a->sg[i].creds.access_key_id = a->akid;
		a->sg[i].creds.secret_access_key = a->secret;
		a->sg[i].creds.session_token = a->token;
		a->sg[i].region = aws_svcs[i].sign_region != NULL ?
		    aws_svcs[i].sign_region : a->region;
		a->sg[i].service = aws_svcs[i].service;
		a->sg[i].flags = 0;
	}
}

/* The env var a secret `base` is read from (for messages). */
static const char *
secret_var(const struct policy_source *ps, const char *base,
    const char *def)
{
	char		*k = xasprintf("%s_env", base);
	const char	*v = policy_source_str(ps, k, def);

	free(k);
	return v;
}

/*
 * Reads the credentials (live mode).  The access key id is not a secret
 * (it appears in ListAccessKeys replies), so an _env form is read without
 * registering it for redaction; the secret key and token are.
 */
static int
aws_read_creds(struct aws *a, char **error)
{
	const char	*var, *v;
	char		*why = NULL;
	int		 r;

	if (policy_source_str(a->ps, "access_key_id_file", NULL) != NULL) {
		if ((r = policy_secret(a->ps->obj, "access_key_id", NULL,
		    &a->akid, &why)) != 0) {
			*error = xasprintf("cannot read the access key id: %s",
			    why != NULL ? why : vgl_err(r));
			free(why);
			return VGL_ERR_POLICY;
		}
	} else {
		var = policy_source_str(a->ps, "access_key_id_env",
		    "AWS_ACCESS_KEY_ID");
		if ((v = getenv(var)) == NULL || *v == '\0') {
			*error = xasprintf("no AWS credentials: environment "
			    "variable %s is not set", var);
			return VGL_ERR_POLICY;
		}
		a->akid = xstrdup(v);
	}
	r = policy_secret(a->ps->obj, "secret_access_key",
	    "AWS_SECRET_ACCESS_KEY", &a->secret, &why);
	if (r == VGL_ERR_NOTFOUND) {
		*error = xasprintf("no AWS credentials: environment variable "
		    "%s is not set", secret_var(a->ps, "secret_access_key",
		    "AWS_SECRET_ACCESS_KEY"));
		return VGL_ERR_POLICY;
	} else if (r != 0) {
		*error = xasprintf("cannot read the secret access key: %s",
		    why != NULL ? why : vgl_err(r));
		free(why);
		return VGL_ERR_POLICY;
	}
	r = policy_secret(a->ps->obj, "session_token", "AWS_SESSION_TOKEN",
	    &a->token, &why);
	if (r == VGL_ERR_NOTFOUND && (policy_source_str(a->ps,
	    "session_token_env", NULL) != NULL || policy_source_str(a->ps,
	    "session_token_file", NULL) != NULL)) {
		*error = xasprintf("no AWS session token: environment "
		    "variable %s is not set", secret_var(a->ps,
		    "session_token", "AWS_SESSION_TOKEN"));
		return VGL_ERR_POLICY;
	} else if (r != 0 && r != VGL_ERR_NOTFOUND) {
		*error = xasprintf("cannot read the session token: %s",
		    why != NULL ? why : vgl_err(r));
		free(why);
		return VGL_ERR_POLICY;
	}
	return 0;
}

static int
aws_init(struct aws *a, const struct policy_source *ps,
    struct http_client *http, char **error)
{
	char	*def;
	size_t	 i;

	memset(a, 0, sizeof(*a));
	*error = NULL;
	a->ps = ps;
	a->http = http;
	a->replay = http_client_replay_time(http) != 0;
	/*
	 * Route 53 allows 5 requests per second per account, for all its
	 * calls together: pace them before the limit hits, not after.
	 */
	http_client_set_rate(http, "route53", 5);
	a->region = xstrdup(policy_source_str(ps, "region", "us-east-1"));
	for (i = 0; i < AWS_NSVC; i++) {
		def = aws_svcs[i].sign_region == NULL ?
		    xasprintf("%s%s.amazonaws.com", aws_svcs[i].url,
		    a->region) : xstrdup(aws_svcs[i].url);
		a->ep[i] = source_endpoint(ps, aws_svcs[i].key, def);
		free(def);
	}
	if (!a->replay && aws_read_creds(a, error) != 0)
		return VGL_ERR_POLICY;
	aws_set_signers(a);
	return 0;
}

/* http_retry_cb: AWS throttling inside a 4xx reply. */
static int
aws_retry(const struct http_req *q, void *arg)
{
	char	*code, *msg;
	int	 t;

	(void)arg;
	if (aws_error_parse(q->resp.data, q->resp.len, http_resp_header(q,
	    "x-amzn-ErrorType"), &code, &msg) != 0)
		return 0;
	t = aws_throttling_code(code);
	free(code);
	free(msg);
	return t;
}

static void
aws_sign(struct aws *a, struct http_req *q, enum aws_svc svc)
{
	if (!a->replay)
		q->prepare = sigv4_prepare;
	q->cb_arg = &a->sg[svc];
	q->retry = aws_retry;
	if (svc == SVC_R53)
		q->rate_group = "route53";
}

/* Form/URL component encoding (RFC 3986 unreserved kept). */
static char *
aws_escape(const char *s)
{
	char	*e, *r;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return xstrdup("");
	r = xstrdup(e);
	curl_free(e);
	return r;
}

/* A Query-protocol request; params is "Action=X[&k=v...]", encoded. */
static struct http_req *
query_req(struct aws *a, enum aws_svc svc, const char *params)
{
	struct http_req	*q;
	char		*url, *body;

	url = xasprintf("%s/", a->ep[svc]);
	q = http_req_new("POST", url);
	body = xasprintf("%s&Version=%s", params, svc == SVC_STS ?
	    STS_VERSION : IAM_VERSION);
	http_req_set_header(q, "Content-Type",
	    "application/x-www-form-urlencoded; charset=utf-8");
	http_req_set_body(q, body, strlen(body));
	aws_sign(a, q, svc);
	free(body);
	free(url);
	return q;
}

/* A JSON 1.1 request; steals body. */
static struct http_req *
json_req(struct aws *a, enum aws_svc svc, const char *target,
    const char *op, json_t *body)
{
	struct http_req	*q;
	char		*url, *text, *t;

	url = xasprintf("%s/", a->ep[svc]);
	q = http_req_new("POST", url);
	t = xasprintf("%s.%s", target, op);
	text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	http_req_set_header(q, "Content-Type", "application/x-amz-json-1.1");
	http_req_set_header(q, "X-Amz-Target", t);
	http_req_set_body(q, text, strlen(text));
	aws_sign(a, q, svc);
	json_decref(body);
	free(text);
	free(t);
	free(url);
	return q;
}

static struct http_req *
get_req(struct aws *a, enum aws_svc svc, const char *path)
{
	struct http_req	*q;
	char		*url;

	url = xasprintf("%s%s", a->ep[svc], path);
	q = http_req_new("GET", url);
	aws_sign(a, q, svc);
	free(url);
	return q;
}

/*
 * Why a request failed, in words (what: the operation), or NULL when it
 * got a 2xx reply.  *code gets the AWS error code when there is one.
 */
static char *
req_failure(const struct http_req *q, const char *what, char **codep)
{
	char	*code = NULL, *msg = NULL, *s;

	if (codep != NULL)
		*codep = NULL;
	if (q->result == 0 && q->status >= 200 && q->status < 300)
		return NULL;
	if (q->status >= 400)
		aws_error_parse(q->resp.data, q->resp.len, http_resp_header(q,
		    "x-amzn-ErrorType"), &code, &msg);
	if (q->result != 0 && code != NULL)
		s = xasprintf("%s: %s%s%s (%s)", what, code, msg != NULL ?
		    ": " : "", msg != NULL ? msg : "", q->error != NULL ?
		    q->error : vgl_err(q->result));
	else if (q->result != 0)
		s = xasprintf("%s: %s", what, q->error != NULL ? q->error :
		    vgl_err(q->result));
	else if (code != NULL)
		s = xasprintf("%s: %s%s%s (HTTP %ld)", what, code, msg != NULL
		    ? ": " : "", msg != NULL ? msg : "", q->status);
	else
		s = xasprintf("%s: HTTP %ld from %s", what, q->status, q->url);
	free(msg);
	if (codep != NULL)
		*codep = code;
	else
		free(code);
	return s;
}

/*
 * The <ActionResult> element of a Query reply, or of root for REST-XML
 * (result NULL).  On error sets *why and returns NULL; *docp owns it.
 */
static xmlNode *
xml_result(const struct http_req *q, const char *what, const char *result,
    xmlDoc **docp, char **why)
{
	xmlNode	*root, *res;
	char	*err, *name;

	*docp = NULL;
	if ((*why = req_failure(q, what, NULL)) != NULL)
		return NULL;
	if ((*docp = xml_read(q->resp.data, q->resp.len, &err)) == NULL) {
		*why = xasprintf("%s: %s", what, err);
		free(err);
		return NULL;
	}
	root = xmlDocGetRootElement(*docp);
	if (result == NULL)
		return root;
	name = xasprintf("%sResult", result);
	res = xchild(root, name);
	free(name);
	if (res == NULL)
		*why = xasprintf("%s: reply has no %sResult element", what,
		    result);
	return res;
}

/* XML element -> JSON, for `raw`: lists of <member>/<entry> -> arrays. */
static json_t *
xml_json(const xmlNode *n)
{
	xmlNode		*c;
	json_t		*o, *v, *old, *a, *multi;
	const char	*key;
	int		 nel = 0, list = 1;
	char		*t;

	for (c = n->children; c != NULL; c = c->next) {
		if (!is_element(c, NULL))
			continue;
		nel++;
		if (strcmp((const char *)c->name, "member") != 0)
			list = 0;
	}
	if (nel == 0) {
		t = xtext(n, NULL);
		v = json_string(t);
		free(t);
		return v != NULL ? v : json_null();
	}
	if (list) {
		a = json_array();
		for (c = n->children; c != NULL; c = c->next) {
			if (is_element(c, NULL))
				json_array_append_new(a, xml_json(c));
		}
		return a;
	}
	o = json_object();
	multi = json_object();
	for (c = n->children; c != NULL; c = c->next) {
		if (!is_element(c, NULL))
			continue;
		v = xml_json(c);
		key = (const char *)c->name;
		if ((old = json_object_get(o, key)) == NULL) {
			json_object_set_new(o, key, v);
			continue;
		}
		/* A repeated element: its values become an array. */
		if ((a = json_object_get(multi, key)) == NULL) {
			a = json_array();
			json_array_append(a, old);
			json_object_set_new(multi, key, a);
			json_object_set(o, key, a);
		}
		json_array_append_new(a, v);
	}
	json_decref(multi);
	return o;
}

/* Text values of every <member> (or of path below each member). */
static json_t *
member_texts(const xmlNode *list, const char *path)
{
	json_t	*a = json_array();
	xmlNode	*c;
	char	*t;

	for (c = list != NULL ? list->children : NULL; c != NULL; c = c->next) {
		if (!is_element(c, "member"))
			continue;
		if ((t = xtext(c, path)) != NULL)
			json_array_append_new(a, json_string(t));
		free(t);
	}
	return a;
}

static int
put_row(struct aws *a, const char *table, json_t *row)
{
	return source_put_row(a->ctx, table, row);
}

static json_t *
jstr_own(char *s)
{
	json_t	*v = s != NULL ? json_string(s) : json_null();

	free(s);
	return v != NULL ? v : json_null();
}

/* ---- STS ------------------------------------------------------------ */

/*
 * Registers the temporary secret and token of an AssumeRole reply for
 * redaction before the HTTP layer records the exchange.
 */
static void
assume_role_seen(struct http_req *q, void *arg)
{
	xmlDoc		*doc;
	xmlXPathContext	*xp;
	xmlXPathObject	*o;
	int		 i;
	static const char *const paths[] = {
		"//*[local-name()='SecretAccessKey']",
		"//*[local-name()='SessionToken']",
	};

	(void)arg;
	if (q->status != 200 || (doc = xmlReadMemory(q->resp.data,
	    (int)q->resp.len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING)) == NULL)
		return;
	xp = xmlXPathNewContext(doc);
	for (i = 0; xp != NULL && i < 2; i++) {
		o = xmlXPathEvalExpression((const xmlChar *)paths[i], xp);
		if (o != NULL && o->nodesetval != NULL &&
		    o->nodesetval->nodeNr > 0) {
			xmlChar *v = xmlNodeGetContent(
			    o->nodesetval->nodeTab[0]);
			if (v != NULL) {
				log_add_secret((const char *)v);
				OPENSSL_cleanse(v, xmlStrlen(v));
				xmlFree(v);
			}
		}
		xmlXPathFreeObject(o);
	}
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
}

/*
 * AssumeRole: the temporary credentials replace the source's.  The reply's
 * secret and token are registered for redaction by assume_role_seen()
 * before the exchange is recorded; in replay AssumeRole is skipped
 * (replay needs no credentials).
 */
static int
sts_assume_role(struct aws *a, const char *role_arn, char **why)
{
	struct http_req		*q;
	xmlDoc			*doc = NULL;
	xmlNode			*res;
	char			*p, *arn, *sess, *akid, *sk, *tok;
	int			 r = VGL_ERR_PROVIDER;

	arn = aws_escape(role_arn);
	sess = aws_escape("vigil-audit");
	p = xasprintf("Action=AssumeRole&RoleArn=%s&RoleSessionName=%s&"
	    "DurationSeconds=3600", arn, sess);
	q = query_req(a, SVC_STS, p);
	q->on_response = assume_role_seen;
	http_do(a->http, q);
	if ((res = xml_result(q, "AssumeRole", "AssumeRole", &doc, why)) ==
	    NULL)
		goto out;
	akid = xtext(res, "Credentials/AccessKeyId");
	sk = xtext(res, "Credentials/SecretAccessKey");
	tok = xtext(res, "Credentials/SessionToken");
	if (sk != NULL)
		log_add_secret(sk);
	if (tok != NULL)
		log_add_secret(tok);
	if (akid == NULL || sk == NULL || tok == NULL) {
		*why = xstrdup("AssumeRole: reply has no Credentials");
		free(akid);
		freestr_secret(sk);
		freestr_secret(tok);
		goto out;
	}
	free(a->akid);
	freestr_secret(a->secret);
	freestr_secret(a->token);
	a->akid = akid;
	a->secret = sk;
	a->token = tok;
	aws_set_signers(a);
	log_info("%s: assumed role %s", a->ps->name, role_arn);
	r = 0;
 out:
	xmlFreeDoc(doc);
	http_req_free(q);
	free(p);
	free(arn);
	free(sess);
	return r;
}

static int
sts_identity(struct aws *a, char **why)
{
	struct http_req	*q;
	xmlDoc		*doc = NULL;
	xmlNode		*res;
	const char	*want;
	int		 r = VGL_ERR_PROVIDER;

	q = query_req(a, SVC_STS, "Action=GetCallerIdentity");
	http_do(a->http, q);
	if ((res = xml_result(q, "GetCallerIdentity", "GetCallerIdentity",
	    &doc, why)) == NULL)
		goto out;
	a->account_id = xtext(res, "Account");
	a->caller_arn = xtext(res, "Arn");
	if (a->account_id == NULL || *a->account_id == '\0') {
		*why = xstrdup("GetCallerIdentity: reply has no Account");
		goto out;
	}
	want = policy_source_str(a->ps, "account_id", NULL);
	/* In an organisation, account_id names the management account. */
	if (want != NULL && !a->member && strcmp(want, a->account_id) != 0) {
		*why = xasprintf("credentials belong to account %s, policy "
		    "expects %s", a->account_id, want);
		goto out;
	}
	r = 0;
 out:
	xmlFreeDoc(doc);
	http_req_free(q);
	return r;
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
		n = xtext(c, "PolicyName");
		d = xtext(c, "PolicyDocument");
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

	if ((name = xtext(m, "UserName")) == NULL)
		return;
	u = json_object();
	json_object_set_new(u, "arn", jstr_own(xtext(m, "Arn")));
	json_object_set_new(u, "user_name", json_string(name));
	json_object_set_new(u, "user_id", jstr_own(xtext(m, "UserId")));
	json_object_set_new(u, "path", jstr_own(xtext(m, "Path")));
	c = xtext(m, "CreateDate");
	json_object_set_new(u, "created", jstr_own(aws_iso_time(c)));
	free(c);
	json_object_set_new(u, "groups", member_texts(xchild(m, "GroupList"),
	    NULL));
	json_object_set_new(u, "attached_policies", member_texts(xchild(m,
	    "AttachedManagedPolicies"), "PolicyArn"));
	docs = json_object();
	json_object_set_new(u, "inline_policy_names", inline_policies(
	    xchild(m, "UserPolicyList"), docs));
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

	if ((name = xtext(m, "GroupName")) == NULL)
		return;
	g = json_object();
	json_object_set_new(g, "arn", jstr_own(xtext(m, "Arn")));
	json_object_set_new(g, "group_name", json_string(name));
	json_object_set_new(g, "group_id", jstr_own(xtext(m, "GroupId")));
	json_object_set_new(g, "path", jstr_own(xtext(m, "Path")));
	c = xtext(m, "CreateDate");
	json_object_set_new(g, "created", jstr_own(aws_iso_time(c)));
	free(c);
	json_object_set_new(g, "attached_policies", member_texts(xchild(m,
	    "AttachedManagedPolicies"), "PolicyArn"));
	docs = json_object();
	json_object_set_new(g, "inline_policy_names", inline_policies(
	    xchild(m, "GroupPolicyList"), docs));
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
	json_object_set_new(ro, "arn", jstr_own(xtext(m, "Arn")));
	json_object_set_new(ro, "role_name", jstr_own(xtext(m, "RoleName")));
	json_object_set_new(ro, "role_id", jstr_own(xtext(m, "RoleId")));
	json_object_set_new(ro, "path", jstr_own(xtext(m, "Path")));
	c = xtext(m, "CreateDate");
	json_object_set_new(ro, "created", jstr_own(aws_iso_time(c)));
	free(c);
	c = xtext(m, "AssumeRolePolicyDocument");
	json_object_set_new(ro, "trust_policy", c != NULL ?
	    aws_policy_decode(c) : json_null());
	if (json_object_get(ro, "trust_policy") == NULL)
		json_object_set_new(ro, "trust_policy", json_null());
	free(c);
	json_object_set_new(ro, "attached_policies", member_texts(xchild(m,
	    "AttachedManagedPolicies"), "PolicyArn"));
	docs = json_object();
	json_object_set_new(ro, "inline_policy_names", inline_policies(
	    xchild(m, "RolePolicyList"), docs));
	json_object_set_new(ro, "inline_docs", docs);
	c = xtext(m, "RoleLastUsed/LastUsedDate");
	json_object_set_new(ro, "last_used", jstr_own(aws_iso_time(c)));
	free(c);
	json_object_set_new(ro, "last_used_region", jstr_own(xtext(m,
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

	if ((arn = xtext(m, "Arn")) == NULL)
		return;
	p = json_object();
	json_object_set_new(p, "arn", json_string(arn));
	json_object_set_new(p, "policy_name", jstr_own(xtext(m,
	    "PolicyName")));
	json_object_set_new(p, "policy_id", jstr_own(xtext(m, "PolicyId")));
	json_object_set_new(p, "aws_managed", json_boolean(strncmp(arn,
	    "arn:aws:iam::aws:", 17) == 0));
	json_object_set_new(p, "default_version", jstr_own(xtext(m,
	    "DefaultVersionId")));
	c = xtext(m, "AttachmentCount");
	n = c != NULL ? strtol(c, NULL, 10) : 0;
	free(c);
	json_object_set_new(p, "attachment_count", json_integer(n));
	for (v = xchild(xchild(m, "PolicyVersionList"), NULL); v != NULL;
	    v = v->next) {
		if (!is_element(v, "member") || !xbool(v, "IsDefaultVersion"))
			continue;
		c = xtext(v, "Document");
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

/*
 * Fails (*why) when a page's next marker is the one that asked for it:
 * the list would not advance.  *next is freed then.
 */
static int
marker_advances(const char *prev, char **next, const char *what,
    char **why)
{
	if (prev == NULL || *next == NULL || strcmp(prev, *next) != 0)
		return 0;
	free(*next);
	*next = NULL;
	*why = xasprintf("%s: the next page marker is the one just sent; "
	    "the list cannot be followed", what);
	return VGL_ERR_PROVIDER;
}

/* One GetAccountAuthorizationDetails page; *marker gets the next. */
static int
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
	for (m = xchild(xchild(res, "UserDetailList"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_user(a, m);
	for (m = xchild(xchild(res, "GroupDetailList"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_group(a, m);
	for (m = xchild(xchild(res, "RoleDetailList"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_role(a, m);
	for (m = xchild(xchild(res, "Policies"), NULL); m != NULL;
	    m = m->next)
		if (is_element(m, "member"))
			gaad_policy(a, m);
	if (xbool(res, "IsTruncated")) {
		*marker = xtext(res, "Marker");
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

static struct http_req *
gaad_req(struct aws *a, const char *marker)
{
	struct http_req	*q;
	char		*p, *m = NULL;

	if (marker != NULL)
		m = aws_escape(marker);
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

static int
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
	for (e = xchild(xchild(res, "SummaryMap"), NULL); e != NULL;
	    e = e->next) {
		if (!is_element(e, "entry"))
			continue;
		k = xtext(e, "key");
		v = xtext(e, "value");
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
static int
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
	pp = xchild(res, "PasswordPolicy");
	for (c = pp != NULL ? pp->children : NULL; c != NULL; c = c->next) {
		if (!is_element(c, NULL))
			continue;
		t = xtext(c, NULL);
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
static char *
report_state(struct http_req *q, char **why)
{
	xmlDoc	*doc;
	xmlNode	*res;
	char	*s = NULL;

	if ((res = xml_result(q, "GenerateCredentialReport",
	    "GenerateCredentialReport", &doc, why)) != NULL &&
	    (s = xtext(res, "State")) == NULL)
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
	if ((b64 = xtext(res, "Content")) == NULL) {
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

static int
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

static int
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

	e = aws_escape(l->name);
	if (l->marker != NULL)
		m = aws_escape(l->marker);
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
	for (m = xchild(xchild(res, "AccessKeyMetadata"), NULL);
	    m != NULL && r == 0; m = m->next) {
		if (!is_element(m, "member"))
			continue;
		l->seen++;
		kid = xtext(m, "AccessKeyId");
		st = xtext(m, "Status");
		c = xtext(m, "CreateDate");
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
static int
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
			else if ((m = xtext(res, "Marker")) == NULL ||
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

/* ---- Route 53 --------------------------------------------------------- */

/* Lower-case, no trailing dot, octal escapes (\052) decoded. */
static char *
dns_name(const char *s)
{
	struct buf	 b;
	size_t		 i, n;
	char		 c;

	buf_init(&b, 0);
	n = strlen(s);
	while (n > 1 && s[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n + 1 && isdigit((unsigned char)
		    s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
		    isdigit((unsigned char)s[i + 3])) {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') *
			    8 + (s[i + 3] - '0'));
			i += 3;
		} else
			c = s[i];
		c = (char)tolower((unsigned char)c);
		buf_append(&b, &c, 1);
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_detach(&b, NULL);
}

struct zone {
	char	*id;
	char	*next_name, *next_type, *next_ident;
	int	 more;
};

static int
zones_page(struct aws *a, struct http_req *q, struct zone **zones,
    size_t *nz, char **marker, char **why)
{
	xmlDoc	*doc;
	xmlNode	*root, *hz;
	char	*id, *name, *cmt, *cnt, *p;
	int	 r = 0;

	*marker = NULL;
	if ((root = xml_result(q, "ListHostedZones", NULL, &doc, why)) ==
	    NULL) {
		xmlFreeDoc(doc);
		return VGL_ERR_PROVIDER;
	}
	for (hz = xchild(xchild(root, "HostedZones"), NULL); hz != NULL &&
	    r == 0; hz = hz->next) {
		if (!is_element(hz, "HostedZone"))
			continue;
		if ((id = xtext(hz, "Id")) == NULL)
			continue;
		p = strrchr(id, '/');
		*zones = xreallocarray(*zones, *nz + 1, sizeof(**zones));
		memset(&(*zones)[*nz], 0, sizeof(**zones));
		(*zones)[*nz].id = xstrdup(p != NULL ? p + 1 : id);
		name = xtext(hz, "Name");
		cmt = xtext(hz, "Config/Comment");
		cnt = xtext(hz, "ResourceRecordSetCount");
		r = put_row(a, "route53_zones", json_pack("{s:s, s:o, s:b, "
		    "s:o, s:s?, s:o}", "zone_id", (*zones)[*nz].id, "name",
		    jstr_own(name != NULL ? dns_name(name) : NULL), "private",
		    xbool(hz, "Config/PrivateZone"), "record_count",
		    cnt != NULL ? json_integer(strtoll(cnt, NULL, 10)) :
		    json_null(), "comment", cmt, "raw", xml_json(hz)));
		(*nz)++;
		free(id);
		free(name);
		free(cmt);
		free(cnt);
	}
	if (r == 0 && xbool(root, "IsTruncated") &&
	    (*marker = xtext(root, "NextMarker")) == NULL) {
		*why = xstrdup("ListHostedZones: IsTruncated without "
		    "NextMarker");
		r = VGL_ERR_PROVIDER;
	}
	xmlFreeDoc(doc);
	return r;
}

static struct http_req *
rrset_req(struct aws *a, struct zone *z)
{
	struct http_req	*q;
	struct buf	 b;
	char		*e;

	buf_init(&b, 0);
	e = aws_escape(z->id);
	buf_printf(&b, "%s/hostedzone/%s/rrset?maxitems=300", R53_PATH, e);
	free(e);
	if (z->next_name != NULL) {
		e = aws_escape(z->next_name);
		buf_printf(&b, "&name=%s", e);
		free(e);
	}
	if (z->next_type != NULL) {
		e = aws_escape(z->next_type);
		buf_printf(&b, "&type=%s", e);
		free(e);
	}
	if (z->next_ident != NULL) {
		e = aws_escape(z->next_ident);
		buf_printf(&b, "&identifier=%s", e);
		free(e);
	}
	q = get_req(a, SVC_R53, b.data);
	q->user = z;
	buf_release(&b);
	return q;
}

static int
rrsets_page(struct aws *a, struct http_req *q, char **why)
{
	struct zone	*z = q->user;
	xmlDoc		*doc;
	xmlNode		*root, *rs, *rr;
	json_t		*raw;
	char		*name, *type, *ttl, *ident, *v, *alias;
	char		*pn, *pt, *pi;
	int		 r = 0;

	/* The position that asked for this page, to see it advance. */
	pn = z->next_name;
	pt = z->next_type;
	pi = z->next_ident;
	z->next_name = z->next_type = z->next_ident = NULL;
	z->more = 0;
	if ((root = xml_result(q, "ListResourceRecordSets", NULL, &doc,
	    why)) == NULL) {
		xmlFreeDoc(doc);
		free(pn);
		free(pt);
		free(pi);
		return VGL_ERR_PROVIDER;
	}
	for (rs = xchild(xchild(root, "ResourceRecordSets"), NULL);
	    rs != NULL && r == 0; rs = rs->next) {
		if (!is_element(rs, "ResourceRecordSet"))
			continue;
		v = xtext(rs, "Name");
		name = dns_name(v != NULL ? v : "");
		free(v);
		type = xtext(rs, "Type");
		ttl = xtext(rs, "TTL");
		ident = xtext(rs, "SetIdentifier");
		raw = xml_json(rs);
		alias = xtext(rs, "AliasTarget/DNSName");
		if (alias != NULL) {
			v = xstrdup(alias);
			r = put_row(a, "route53_records", json_pack("{s:s, "
			    "s:s, s:s?, s:n, s:s, s:s?, s:b, s:O}",
			    "zone_id", z->id, "name", name, "type", type,
			    "ttl", "value", v, "set_identifier", ident,
			    "alias", 1, "raw", raw));
			free(v);
		}
		for (rr = xchild(xchild(rs, "ResourceRecords"), NULL);
		    rr != NULL && r == 0; rr = rr->next) {
			if (!is_element(rr, "ResourceRecord"))
				continue;
			v = xtext(rr, "Value");
			r = put_row(a, "route53_records", json_pack("{s:s, "
			    "s:s, s:s?, s:o, s:s?, s:s?, s:b, s:O}",
			    "zone_id", z->id, "name", name, "type", type,
			    "ttl", ttl != NULL ? json_integer(strtoll(ttl,
			    NULL, 10)) : json_null(), "value", v,
			    "set_identifier", ident, "alias", 0, "raw", raw));
			free(v);
		}
		json_decref(raw);
		free(alias);
		free(name);
		free(type);
		free(ttl);
		free(ident);
	}
	if (r == 0 && xbool(root, "IsTruncated")) {
		z->more = 1;
		z->next_name = xtext(root, "NextRecordName");
		z->next_type = xtext(root, "NextRecordType");
		z->next_ident = xtext(root, "NextRecordIdentifier");
		if (z->next_name == NULL) {
			*why = xstrdup("ListResourceRecordSets: IsTruncated "
			    "without NextRecordName");
			r = VGL_ERR_PROVIDER;
		} else if (pn != NULL && strcmp(pn, z->next_name) == 0 &&
		    (pt == NULL) == (z->next_type == NULL) && (pt == NULL ||
		    strcmp(pt, z->next_type) == 0) && (pi == NULL) ==
		    (z->next_ident == NULL) && (pi == NULL ||
		    strcmp(pi, z->next_ident) == 0)) {
			*why = xstrdup("ListResourceRecordSets: the next "
			    "page position is the one just sent; the list "
			    "cannot be followed");
			r = VGL_ERR_PROVIDER;
		}
	}
	xmlFreeDoc(doc);
	free(pn);
	free(pt);
	free(pi);
	return r;
}

/* Every zone's records, one page of every zone per round. */
static int
route53_records(struct aws *a, struct zone *zones, size_t nz, char **why)
{
	struct http_req	**reqs;
	size_t		 i, n;
	int		 r = 0;

	reqs = xcalloc(nz + 1, sizeof(*reqs));
	for (i = 0; i < nz; i++)
		zones[i].more = 1;
	while (r == 0) {
		for (i = n = 0; i < nz; i++)
			if (zones[i].more)
				reqs[n++] = rrset_req(a, &zones[i]);
		if (n == 0)
			break;
		http_do_all(a->http, reqs, n);
		for (i = 0; i < n; i++) {
			if (r == 0)
				r = rrsets_page(a, reqs[i], why);
			http_req_free(reqs[i]);
			reqs[i] = NULL;
		}
	}
	free(reqs);
	return r;
}

/* ---- Route 53 Domains ------------------------------------------------ */

static int
json_reply(const struct http_req *q, const char *what, json_t **out,
    char **why)
{
	json_error_t	 je;

	*out = NULL;
	if ((*why = req_failure(q, what, NULL)) != NULL)
		return VGL_ERR_PROVIDER;
	*out = json_loadb(q->resp.data != NULL ? q->resp.data : "",
	    q->resp.len, 0, &je);
	if (*out == NULL || !json_is_object(*out)) {
		*why = xasprintf("%s: malformed JSON at line %d column %d: "
		    "%s", what, je.line, je.column, *out == NULL ? je.text :
		    "not an object");
		json_decref(*out);
		*out = NULL;
		return VGL_ERR_PROVIDER;
	}
	return 0;
}

static json_t *
epoch_iso(json_t *v)
{
	char	 out[32];

	if (!json_is_number(v))
		return json_null();
	iso8601_utc((long long)json_number_value(v), out, sizeof(out));
	return json_string(out);
}

static struct http_req *
domains_req(struct aws *a, const char *marker)
{
	json_t	*b;

	b = json_pack("{s:i}", "MaxItems", 100);
	if (marker != NULL)
		json_object_set_new(b, "Marker", json_string(marker));
	return json_req(a, SVC_R53D, DOMAINS_TARGET, "ListDomains", b);
}

/* One ListDomains page: appends the summaries to list. */
static int
domains_page(struct http_req *q, json_t *list, char **marker, char **why)
{
	json_t		*o, *d;
	size_t		 i;
	const char	*m;

	*marker = NULL;
	if (json_reply(q, "ListDomains", &o, why) != 0)
		return VGL_ERR_PROVIDER;
	json_array_foreach(json_object_get(o, "Domains"), i, d) {
		if (json_is_string(json_object_get(d, "DomainName")))
			json_array_append(list, d);
	}
	if ((m = json_string_value(json_object_get(o, "NextPageMarker"))) !=
	    NULL && *m != '\0')
		*marker = xstrdup(m);
	json_decref(o);
	return 0;
}

static int
status_has(json_t *list, const char *what)
{
	json_t		*v;
	size_t		 i;
	const char	*s;

	json_array_foreach(list, i, v) {
		if ((s = json_string_value(v)) != NULL &&
		    strcasecmp(s, what) == 0)
			return 1;
	}
	return 0;
}

static int
domain_details(struct aws *a, json_t *list, char **why)
{
	struct http_req	**reqs;
	json_t		*d, *o, *ns, *names, *sl, *v;
	const char	*name;
	char		*dn;
	size_t		 i, j, n;
	int		 r = 0, lock;

	n = json_array_size(list);
	reqs = xcalloc(n + 1, sizeof(*reqs));
	json_array_foreach(list, i, d) {
		reqs[i] = json_req(a, SVC_R53D, DOMAINS_TARGET,
		    "GetDomainDetail", json_pack("{s:O}", "DomainName",
		    json_object_get(d, "DomainName")));
	}
	if (n > 0)
		http_do_all(a->http, reqs, n);
	for (i = 0; i < n && r == 0; i++) {
		d = json_array_get(list, i);
		name = json_string_value(json_object_get(d, "DomainName"));
		if ((r = json_reply(reqs[i], "GetDomainDetail", &o, why)) != 0)
			break;
		sl = json_object_get(o, "StatusList");
		lock = status_has(sl, "clientTransferProhibited") ||
		    status_has(sl, "serverTransferProhibited") ||
		    (sl == NULL && json_is_true(json_object_get(d,
		    "TransferLock")));
		names = json_array();
		json_array_foreach(json_object_get(o, "Nameservers"), j, ns) {
			if ((v = json_object_get(ns, "Name")) != NULL &&
			    json_is_string(v)) {
				dn = dns_name(json_string_value(v));
				json_array_append_new(names, json_string(dn));
				free(dn);
			}
		}
		dn = dns_name(name);
		v = json_object_get(o, "ExpirationDate");
		r = put_row(a, "route53_domains", json_pack("{s:s, s:b, s:b, "
		    "s:o, s:O, s:O?, s:o, s:O?, s:o, s:O}", "domain", dn,
		    "transfer_lock", lock, "auto_renew",
		    json_object_get(o, "AutoRenew") != NULL ?
		    json_is_true(json_object_get(o, "AutoRenew")) :
		    json_is_true(json_object_get(d, "AutoRenew")), "expires",
		    epoch_iso(v != NULL ? v : json_object_get(d, "Expiry")),
		    "status", sl != NULL ? sl : json_null(), "registrar",
		    json_object_get(o, "RegistrarName"), "nameservers", names,
		    "dnssec", json_object_get(o, "DnsSec"), "created",
		    epoch_iso(json_object_get(o, "CreationDate")), "raw", o));
		free(dn);
		json_decref(o);
	}
	for (i = 0; i < n; i++)
		http_req_free(reqs[i]);
	free(reqs);
	return r;
}

/* ---- virtual MFA devices ---------------------------------------------- */

/*
 * ListVirtualMFADevices (AssignmentStatus Any, all pages): every virtual
 * MFA device, root's included (User/Arn "arn:...:root", serial
 * ".../mfa/root-account-mfa-device").  A user whose MFA is active but who
 * holds no device of this list uses a hardware or FIDO device.
 */
static struct http_req *
vmfa_req(struct aws *a, const char *marker)
{
	struct http_req	*q;
	char		*p, *m = NULL;

	if (marker != NULL)
		m = aws_escape(marker);
	p = xasprintf("Action=ListVirtualMFADevices&AssignmentStatus=Any&"
	    "MaxItems=1000%s%s", m != NULL ? "&Marker=" : "", m != NULL ? m :
	    "");
	q = query_req(a, SVC_IAM, p);
	free(p);
	free(m);
	return q;
}

static int
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
	for (m = xchild(xchild(res, "VirtualMFADevices"), NULL); m != NULL &&
	    r == 0; m = m->next) {
		if (!is_element(m, "member"))
			continue;
		if ((serial = xtext(m, "SerialNumber")) == NULL)
			continue;
		arn = xtext(m, "User/Arn");
		n = arn != NULL ? strlen(arn) : 0;
		root = (n > 5 && strcmp(arn + n - 5, ":root") == 0) ||
		    (strlen(serial) > 24 && strcmp(serial + strlen(serial) -
		    24, "/root-account-mfa-device") == 0);
		c = xtext(m, "EnableDate");
		t = aws_iso_time(c);
		free(c);
		r = put_row(a, "aws_iam_virtual_mfa", json_pack("{s:s, s:o, "
		    "s:o, s:b, s:o, s:o}", "serial_number", serial, "user_arn",
		    jstr_own(arn), "user_name", jstr_own(xtext(m,
		    "User/UserName")), "is_root", root, "enable_date",
		    jstr_own(t), "raw", xml_json(m)));
		free(serial);
	}
	if (r == 0 && xbool(res, "IsTruncated")) {
		*marker = xtext(res, "Marker");
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
static int
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

static int
aws_collect_all(struct aws *a, char **why)
{
	enum { Q_GEN, Q_GAAD, Q_SUM, Q_PWD, Q_ZONES, Q_DOMS, Q_VMFA, Q_N };
	struct http_req	*q[Q_N], *q2[1];
	struct zone	*zones = NULL;
	json_t		*doms;
	char		*marker = NULL, *prev = NULL, *st = NULL, *e, *p;
	size_t		 nz = 0, i;
	int		 r;

	memset(q, 0, sizeof(q));
	doms = json_array();
	a->users = json_object();
	a->groups = json_object();
	a->roles = json_array();
	a->policies = json_object();

	/* Round 1: everything that needs nothing else. */
	q[Q_GEN] = query_req(a, SVC_IAM, "Action=GenerateCredentialReport");
	q[Q_GAAD] = gaad_req(a, NULL);
	q[Q_SUM] = query_req(a, SVC_IAM, "Action=GetAccountSummary");
	q[Q_PWD] = query_req(a, SVC_IAM, "Action=GetAccountPasswordPolicy");
	q[Q_ZONES] = get_req(a, SVC_R53, R53_PATH "/hostedzone?maxitems=100");
	q[Q_DOMS] = domains_req(a, NULL);
	q[Q_VMFA] = vmfa_req(a, NULL);
	http_do_all(a->http, q, Q_N);

	if ((st = report_state(q[Q_GEN], why)) == NULL) {
		r = VGL_ERR_PROVIDER;
		goto out;
	}
	if ((r = summary_parse(a, q[Q_SUM], why)) != 0 ||
	    (r = pwpolicy_parse(a, q[Q_PWD], why)) != 0)
		goto out;
	/* Authorization details: the remaining pages one after another. */
	r = gaad_page(a, q[Q_GAAD], &marker, why);
	while (r == 0 && marker != NULL) {
		q2[0] = gaad_req(a, marker);
		free(prev);
		prev = marker;
		http_do(a->http, q2[0]);
		r = gaad_page(a, q2[0], &marker, why);
		http_req_free(q2[0]);
		if (r == 0)
			r = marker_advances(prev, &marker,
			    "GetAccountAuthorizationDetails", why);
	}
	if (r != 0)
		goto out;
	r = zones_page(a, q[Q_ZONES], &zones, &nz, &marker, why);
	while (r == 0 && marker != NULL) {
		e = aws_escape(marker);
		p = xasprintf(R53_PATH "/hostedzone?maxitems=100&marker=%s",
		    e);
		q2[0] = get_req(a, SVC_R53, p);
		free(e);
		free(p);
		free(prev);
		prev = marker;
		http_do(a->http, q2[0]);
		r = zones_page(a, q2[0], &zones, &nz, &marker, why);
		http_req_free(q2[0]);
		if (r == 0)
			r = marker_advances(prev, &marker, "ListHostedZones",
			    why);
	}
	if (r != 0)
		goto out;
	r = vmfa_page(a, q[Q_VMFA], &marker, why);
	while (r == 0 && marker != NULL) {
		q2[0] = vmfa_req(a, marker);
		free(marker);
		http_do(a->http, q2[0]);
		r = vmfa_page(a, q2[0], &marker, why);
		http_req_free(q2[0]);
	}
	if (r != 0)
		goto out;
	r = domains_page(q[Q_DOMS], doms, &marker, why);
	while (r == 0 && marker != NULL) {
		q2[0] = domains_req(a, marker);
		free(prev);
		prev = marker;
		http_do(a->http, q2[0]);
		r = domains_page(q2[0], doms, &marker, why);
		http_req_free(q2[0]);
		if (r == 0)
			r = marker_advances(prev, &marker, "ListDomains", why);
	}
	if (r != 0)
		goto out;
	for (i = 0; i < Q_N; i++) {
		http_req_free(q[i]);
		q[i] = NULL;
	}

	/* Round 2: the report, the records of every zone, domain details. */
	q[0] = query_req(a, SVC_IAM, "Action=GetCredentialReport");
	http_do(a->http, q[0]);
	if ((r = credential_report(a, q[0], why)) != 0)
		goto out;
	if ((r = route53_records(a, zones, nz, why)) != 0 ||
	    (r = domain_details(a, doms, why)) != 0)
		goto out;
	/* Round 3: key ids of the users that have keys. */
	if ((r = access_keys(a, why)) != 0 || (r = write_iam(a)) != 0 ||
	    (r = write_account(a)) != 0)
		goto out;
	/* Policy documents, trust policies, escalation sets (new file). */
	if ((r = aws_iam_policy_tables(a->ctx, a->users, a->groups, a->roles,
	    a->policies, why)) != 0)
		goto out;
 out:
	for (i = 0; i < Q_N; i++)
		http_req_free(q[i]);
	for (i = 0; i < nz; i++) {
		free(zones[i].id);
		free(zones[i].next_name);
		free(zones[i].next_type);
		free(zones[i].next_ident);
	}
	free(zones);
	free(marker);
	free(prev);
	free(st);
	json_decref(doms);
	return r;
}

static int
aws_collect(struct source_ctx *ctx)
{
	struct aws	 a;
	const char	*role;
	char		*why = NULL;
	int		 r;

	xmlInitParser();
	if (json_object_get(ctx->ps->obj, "organization") != NULL)
		return aws_org_collect(ctx);
	if ((r = aws_init(&a, ctx->ps, ctx->http, &why)) != 0)
		goto out;
	a.ctx = ctx;
	role = policy_source_str(ctx->ps, "assume_role_arn", NULL);
	if (role != NULL && !a.replay &&
	    (r = sts_assume_role(&a, role, &why)) != 0)
		goto out;
	if ((r = sts_identity(&a, &why)) != 0)
		goto out;
	ctx->account_id = a.account_id;
	r = aws_collect_all(&a, &why);
	ctx->account_id = NULL;
 out:
	if (r != 0)
		r = source_fail(ctx, "%s", why != NULL ? why : vgl_err(r));
	free(why);
	aws_release(&a);
	return r;
}

/*
 * One account of an organisation (aws/org.c): ctx->http is the account's
 * own client; akid/secret/token are its temporary credentials (NULL: the
 * source's own, for the management account).  The identity must be
 * account; every row is stamped with it.
 */
int
aws_collect_account(struct source_ctx *ctx, const char *akid,
    const char *secret, const char *token, const char *account, char **why)
{
	struct aws	 a;
	int		 r;

	*why = NULL;
	if ((r = aws_init(&a, ctx->ps, ctx->http, why)) != 0)
		goto out;
	a.ctx = ctx;
	if (akid != NULL) {
		free(a.akid);
		freestr_secret(a.secret);
		freestr_secret(a.token);
		a.akid = xstrdup(akid);
		a.secret = xstrdup(secret);
		a.token = token != NULL ? xstrdup(token) : NULL;
		aws_set_signers(&a);
	}
	a.member = 1;
	if ((r = sts_identity(&a, why)) != 0)
		goto out;
	if (strcmp(a.account_id, account) != 0) {
		*why = xasprintf("credentials belong to account %s, not %s",
		    a.account_id, account);
		r = VGL_ERR_PROVIDER;
		goto out;
	}
	ctx->account_id = account;
	r = aws_collect_all(&a, why);
 out:
	aws_release(&a);
	return r;
}

void
aws_assume_role_seen(struct http_req *q, void *arg)
{
	assume_role_seen(q, arg);
}

/* ---- SSM ---------------------------------------------------------------- */

/*
 * Registers a decrypted parameter value for redaction before the HTTP
 * layer records the exchange: it may be a secret.
 */
static void
ssm_value_seen(struct http_req *q, void *arg)
{
	char	*v = NULL, *why = NULL;

	(void)arg;
	if (q->status == 200 && aws_ssm_parse_parameter(q->resp.data,
	    q->resp.len, &v, &why) == 0)
		log_add_secret(v);
	freestr_secret(v);
	free(why);
}

int
aws_ssm_get_parameter(const struct policy *pol,
    const struct policy_source *ps, struct http_client *http,
    const char *name, int secret, char **value, char **error)
{
	struct aws	 a;
	struct http_req	*q = NULL;
	json_t		*b;
	char		*why = NULL;
	int		 r;

	(void)pol;
	*value = *error = NULL;
	if ((r = aws_init(&a, ps, http, &why)) != 0)
		goto out;
	b = json_pack("{s:s, s:b}", "Name", name, "WithDecryption", 1);
	q = json_req(&a, SVC_SSM, SSM_TARGET, "GetParameter", b);
	if (secret)
		q->on_response = ssm_value_seen;
	http_do(http, q);
	if ((why = req_failure(q, "GetParameter", NULL)) != NULL) {
		r = VGL_ERR_PROVIDER;
		goto out;
	}
	if (aws_ssm_parse_parameter(q->resp.data, q->resp.len, value,
	    &why) != 0) {
		r = VGL_ERR_PARSE;
		goto out;
	}
	if (secret)
		log_add_secret(*value);
 out:
	if (r != 0) {
		*error = log_redact(why != NULL ? why : vgl_err(r));
		free(why);
	}
	http_req_free(q);
	aws_release(&a);
	return r;
}

/* ---- connections for writers (aws.h: the freeze) ------------------------ */

struct aws_conn {
	struct aws		 a;
	struct policy_source	 cps;	/* the credentials' "source" */
	char			*base_akid;	/* before any AssumeRole */
};

static const char *const aws_conn_svc_names[AWS_NSVC] = {
	"iam", "sts", "route53", "route53domains", "ssm", "organizations"
};

int
aws_conn_open(const struct policy_source *ps, json_t *creds,
    struct http_client *http, struct aws_conn **out, char **error)
{
	struct aws_conn	*c;
	struct aws	*a;
	const char	*role;
	char		*def;
	size_t		 i;
	int		 r;

	*out = NULL;
	*error = NULL;
	xmlInitParser();
	c = xcalloc(1, sizeof(*c));
	a = &c->a;
	c->cps = *ps;
	if (creds != NULL)
		c->cps.obj = creds;
	a->ps = &c->cps;
	a->http = http;
	http_client_set_rate(http, "route53", 5);
	a->region = xstrdup(policy_source_str(ps, "region", "us-east-1"));
	for (i = 0; i < AWS_NSVC; i++) {
		def = aws_svcs[i].sign_region == NULL ?
		    xasprintf("%s%s.amazonaws.com", aws_svcs[i].url,
		    a->region) : xstrdup(aws_svcs[i].url);
		a->ep[i] = source_endpoint(ps, aws_svcs[i].key, def);
		free(def);
	}
	if ((r = aws_read_creds(a, error)) != 0)
		goto out;
	aws_set_signers(a);
	c->base_akid = xstrdup(a->akid);
	role = policy_source_str(&c->cps, "assume_role_arn", NULL);
	if (role != NULL && (r = sts_assume_role(a, role, error)) != 0)
		goto out;
	/* The account check uses the source's own account_id. */
	a->ps = ps;
	r = sts_identity(a, error);
	a->ps = &c->cps;
 out:
	if (r != 0) {
		aws_conn_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void
aws_conn_free(struct aws_conn *c)
{
	if (c == NULL)
		return;
	aws_release(&c->a);
	free(c->base_akid);
	free(c);
}

int
aws_conn_enter(const struct aws_conn *base, const char *akid,
    const char *secret, const char *token, const char *account,
    struct aws_conn **out, char **error)
{
	struct aws_conn	*c;
	struct aws	*a;
	size_t		 i;
	int		 r;

	*out = NULL;
	*error = NULL;
	c = xcalloc(1, sizeof(*c));
	a = &c->a;
	c->cps = base->cps;
	a->ps = &c->cps;
	a->http = base->a.http;
	a->region = xstrdup(base->a.region);
	for (i = 0; i < AWS_NSVC; i++)
		a->ep[i] = xstrdup(base->a.ep[i]);
	a->akid = xstrdup(akid);
	a->secret = xstrdup(secret);
	a->token = token != NULL ? xstrdup(token) : NULL;
	aws_set_signers(a);
	c->base_akid = xstrdup(akid);
	a->member = 1;
	if ((r = sts_identity(a, error)) == 0 && strcmp(a->account_id,
	    account) != 0) {
		*error = xasprintf("credentials belong to account %s, not %s",
		    a->account_id, account);
		r = VGL_ERR_PROVIDER;
	}
	if (r != 0) {
		aws_conn_free(c);
		return r;
	}
	*out = c;
	return 0;
}

const char *
aws_conn_caller_arn(const struct aws_conn *c)
{
	return c->a.caller_arn;
}

const char *
aws_conn_account(const struct aws_conn *c)
{
	return c->a.account_id;
}

const char *
aws_conn_access_key_id(const struct aws_conn *c)
{
	return c->base_akid;
}

static int
aws_conn_svc(const char *service)
{
	int	 i;

	for (i = 0; i < AWS_NSVC; i++)
		if (strcmp(service, aws_conn_svc_names[i]) == 0)
			return i;
	return -1;
}

struct http_req *
aws_conn_query(struct aws_conn *c, const char *service, const char *params)
{
	int	 svc = aws_conn_svc(service);

	if (svc != SVC_IAM && svc != SVC_STS)
		return NULL;
	return query_req(&c->a, svc, params);
}

struct http_req *
aws_conn_json(struct aws_conn *c, const char *service, const char *target,
    const char *op, json_t *body)
{
	int	 svc = aws_conn_svc(service);

	if (svc != SVC_R53D && svc != SVC_SSM && svc != SVC_ORG) {
		json_decref(body);
		return NULL;
	}
	return json_req(&c->a, svc, target, op, body);
}

char *
aws_req_failure(const struct http_req *q, const char *what, char **code)
{
	return req_failure(q, what, code);
}

void *
aws_xml_result(const struct http_req *q, const char *what,
    const char *result, void **docp, char **why)
{
	xmlDoc	*doc = NULL;
	xmlNode	*n;

	n = xml_result(q, what, result, &doc, why);
	*docp = doc;
	return n;
}

/* ---- the type ------------------------------------------------------------ */

static void
aws_check(const struct policy_source *ps, struct diags *d)
{
	const char	*s;
	size_t		 i;

	if ((s = policy_source_str(ps, "region", NULL)) != NULL) {
		for (i = 0; s[i] != '\0'; i++)
			if (!islower((unsigned char)s[i]) &&
			    !isdigit((unsigned char)s[i]) && s[i] != '-')
				break;
		if (i == 0 || s[i] != '\0')
			diags_add(d, ps->file, ps->line, ps->col, "source "
			    "'%s': \"region\" must look like \"us-east-1\"",
			    ps->name);
	}
	if ((s = policy_source_str(ps, "account_id", NULL)) != NULL) {
		for (i = 0; isdigit((unsigned char)s[i]); i++)
			;
		if (i != 12 || s[i] != '\0')
			diags_add(d, ps->file, ps->line, ps->col, "source "
			    "'%s': \"account_id\" must be 12 digits",
			    ps->name);
	}
	if ((s = policy_source_str(ps, "assume_role_arn", NULL)) != NULL &&
	    strncmp(s, "arn:", 4) != 0)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"assume_role_arn\" must be a role ARN (arn:aws:iam::"
		    "ACCOUNT:role/NAME)", ps->name);
	aws_org_check(ps, d);
}

const struct source_type source_aws = {
	.name = "aws",
	.keys = aws_keys,
	.endpoint_keys = aws_endpoint_keys,
	.http = 1,
	.schema = aws_schema,
	.check = aws_check,
	.collect = aws_collect,
	.freeze = &aws_freeze_ops,
};
