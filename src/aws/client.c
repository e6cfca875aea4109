/*
 * aws/client.c: the AWS client shared by the aws source's parts: the
 * setup of a source's credentials, endpoints and SigV4 signers, signed
 * Query, JSON 1.1 and REST requests, error replies (aws.h), XML and JSON
 * reply reading, paging helpers, STS (AssumeRole, GetCallerIdentity) and
 * the connections of aws.h used by writers (the freeze).
 *
 * Every request is signed with SigV4 for the real service and region,
 * whatever the endpoint.  AWS throttling codes inside 400 replies are
 * retried by the HTTP layer's backoff (aws_retry); any other AWS error
 * fails the request with the AWS code and message.  XML is read with
 * libxml2 by local element names (namespaces ignored), JSON with jansson.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <openssl/crypto.h>

#include "aws/aws.h"
#include "aws/aws-int.h"
#include "log.h"
#include "aws/sigv4.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

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

int
is_element(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    (name == NULL || strcmp((const char *)n->name, name) == 0);
}

xmlNode *
aws_xml_child(const xmlNode *n, const char *name)
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
xmlNode *
xpath(const xmlNode *n, const char *path)
{
	char	*p, *s, *e;
	xmlNode	*cur = (xmlNode *)n;

	p = s = xstrdup(path);
	while (cur != NULL && s != NULL && *s != '\0') {
		if ((e = strchr(s, '/')) != NULL)
			*e++ = '\0';
		cur = aws_xml_child(cur, s);
		s = e;
	}
	free(p);
	return cur;
}

/* Text of the element at path below n, or NULL when absent. */
char *
aws_xml_text(const xmlNode *n, const char *path)
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

int
xbool(const xmlNode *n, const char *path)
{
	char	*s = aws_xml_text(n, path);
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
		c = err != NULL ? aws_xml_text(err, "Code") : NULL;
		if (c != NULL && *c != '\0') {
			*code = error_code_clean(c);
			*message = aws_xml_text(err, "Message");
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

/* ---- setup and requests ---------------------------------------------- */

void
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

void
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

/*
 * The region and every service's endpoint of source ps, and Route 53's
 * pace on a->http.
 */
static void
aws_set_endpoints(struct aws *a, const struct policy_source *ps)
{
	char	*def;
	size_t	 i;

	/*
	 * Route 53 allows 5 requests per second per account, for all its
	 * calls together: pace them before the limit hits, not after.
	 */
	http_client_set_rate(a->http, "route53", 5);
	a->region = xstrdup(policy_source_str(ps, "region", "us-east-1"));
	for (i = 0; i < AWS_NSVC; i++) {
		def = aws_svcs[i].sign_region == NULL ?
		    xasprintf("%s%s.amazonaws.com", aws_svcs[i].url,
		    a->region) : xstrdup(aws_svcs[i].url);
		a->ep[i] = source_endpoint(ps, aws_svcs[i].key, def);
		free(def);
	}
}

int
aws_init(struct aws *a, const struct policy_source *ps,
    struct http_client *http, char **error)
{
	memset(a, 0, sizeof(*a));
	*error = NULL;
	a->ps = ps;
	a->http = http;
	a->replay = http_client_replay_time(http) != 0;
	aws_set_endpoints(a, ps);
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

/* A Query-protocol request; params is "Action=X[&k=v...]", encoded. */
struct http_req *
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
struct http_req *
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

struct http_req *
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
char *
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
xmlNode *
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
	res = aws_xml_child(root, name);
	free(name);
	if (res == NULL)
		*why = xasprintf("%s: reply has no %sResult element", what,
		    result);
	return res;
}

/* XML element -> JSON, for `raw`: lists of <member>/<entry> -> arrays. */
json_t *
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
		t = aws_xml_text(n, NULL);
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
json_t *
member_texts(const xmlNode *list, const char *path)
{
	json_t	*a = json_array();
	xmlNode	*c;
	char	*t;

	for (c = list != NULL ? list->children : NULL; c != NULL; c = c->next) {
		if (!is_element(c, "member"))
			continue;
		if ((t = aws_xml_text(c, path)) != NULL)
			json_array_append_new(a, json_string(t));
		free(t);
	}
	return a;
}

int
put_row(struct aws *a, const char *table, json_t *row)
{
	return source_put_row(a->ctx, table, row);
}

json_t *
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
void
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
int
sts_assume_role(struct aws *a, const char *role_arn, char **why)
{
	struct http_req		*q;
	xmlDoc			*doc = NULL;
	xmlNode			*res;
	char			*p, *arn, *sess, *akid, *sk, *tok;
	int			 r = VGL_ERR_PROVIDER;

	arn = http_escape(role_arn);
	sess = http_escape("vigil-audit");
	p = xasprintf("Action=AssumeRole&RoleArn=%s&RoleSessionName=%s&"
	    "DurationSeconds=3600", arn, sess);
	q = query_req(a, SVC_STS, p);
	q->on_response = assume_role_seen;
	http_do(a->http, q);
	if ((res = xml_result(q, "AssumeRole", "AssumeRole", &doc, why)) ==
	    NULL)
		goto out;
	akid = aws_xml_text(res, "Credentials/AccessKeyId");
	sk = aws_xml_text(res, "Credentials/SecretAccessKey");
	tok = aws_xml_text(res, "Credentials/SessionToken");
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

int
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
	a->account_id = aws_xml_text(res, "Account");
	a->caller_arn = aws_xml_text(res, "Arn");
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

/*
 * Fails (*why) when a page's next marker is the one that asked for it:
 * the list would not advance.  *next is freed then.
 */
int
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

/* ---- Route 53 Domains ------------------------------------------------ */

int
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
	aws_set_endpoints(a, ps);
	/* A replay needs no credentials (and signs nothing). */
	a->replay = http_client_replay_time(http) != 0;
	if (!a->replay && (r = aws_read_creds(a, error)) != 0)
		goto out;
	aws_set_signers(a);
	c->base_akid = a->akid != NULL ? xstrdup(a->akid) : NULL;
	role = policy_source_str(&c->cps, "assume_role_arn", NULL);
	if (role != NULL && !a->replay &&
	    (r = sts_assume_role(a, role, error)) != 0)
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
