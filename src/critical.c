/*
 * critical.c: critical values (pins, SPEC section 7; critical.h).
 *
 * Every HTTP pin (http_json, http_body, rdap) is read concurrently
 * through one http_client whose source name is "critical_values", so a
 * --record DIR holds them under DIR/critical_values/ and --replay answers
 * them from there; aws_ssm pins go through the same client (signed by
 * aws/collect.c).  dns pins are asked one after another (dns/collect.c);
 * their answer sets are recorded in DIR/critical_values.dns/.
 *
 * A pin that is not public has its observed value registered with
 * log_add_secret() as soon as it is known (the HTTP response callback
 * runs before the exchange is recorded), so logs and recordings show the
 * redaction mark instead.  Only the SHA-256 of the value is kept.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/aws.h"
#include "buf.h"
#include "critical.h"
#include "dns/dns.h"
#include "http.h"
#include "log.h"
#include "record.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define CV_SOURCE	"critical_values"
#define CV_PUBLIC_MAX	65536	/* longest observed value stored */
#define CV_RDAP_DEFAULT	"https://rdap.org"

struct pin {
	json_t			*obj;		/* the pin (borrowed) */
	json_t			*src;		/* its "source" */
	const char		*type;
	struct critical_result	*res;
	struct http_req		*req;
	char			*value;		/* observed, or NULL */
	char			 value_sha256[65]; /* replayed dns: hash only */
	int			 public;
	int			 replay;
};

static const char *const type_keys[][6] = {
	{ "http_json", "url", "pointer", NULL },
	{ "http_body", "url", NULL },
	{ "dns", "name", "rrtype", "nameserver", "timeout_s", NULL },
	{ "aws_ssm", "source", "parameter", NULL },
	{ "rdap", "domain", "field", "endpoint", "source", NULL },
};

static const char *const rdap_fields[] = {
	"nameservers", "status", "registrar", "expires", NULL
};

static const char *
src_str(json_t *src, const char *key)
{
	return json_string_value(json_object_get(src, key));
}

/* The problems of one pin. */
struct whys {
	char	**v;
	size_t	  n;
};

static void __attribute__((format(printf, 2, 3)))
why_add(struct whys *w, const char *fmt, ...)
{
	va_list	 ap;

	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	va_start(ap, fmt);
	w->v[w->n++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/*
 * Checks that s names a source of type type in the policy; suggests the
 * nearest name of such a source when it does not.
 */
static void
check_source_ref(const struct policy *p, const char *s, const char *type,
    struct whys *w)
{
	const struct policy_source	 *ps;
	const char			**names;
	const char			 *near;
	size_t				  i, n = 0;

	if ((ps = policy_source_find(p, s)) != NULL && ps->type != NULL &&
	    strcmp(ps->type, type) == 0)
		return;
	names = xcalloc(p->nsources + 1, sizeof(*names));
	for (i = 0; i < p->nsources; i++)
		if (p->sources[i].name != NULL && p->sources[i].type != NULL &&
		    strcmp(p->sources[i].type, type) == 0)
			names[n++] = p->sources[i].name;
	if (ps != NULL)
		why_add(w, "source '%s' is a %s source, not %s", s,
		    ps->type != NULL ? ps->type : "?", type);
	else if ((near = diag_suggest(s, names, n)) != NULL)
		why_add(w, "no %s source named '%s' in the policy; did you "
		    "mean '%s'?", type, s, near);
	else
		why_add(w, "no %s source named '%s' in the policy", type, s);
	free(names);
}

/* The problems of a pin's "source" object. */
static void
source_problems(const struct policy *p, json_t *pin, struct whys *w)
{
	json_t		*src, *v;
	const char	*type, *key, *s, *near;
	size_t		 i, j;
	int		 known;

	src = json_object_get(pin, "source");
	if (!json_is_object(src)) {
		why_add(w, "'source' must be an object with a 'type'");
		return;
	}
	if ((type = src_str(src, "type")) == NULL) {
		why_add(w, "'source' has no 'type'");
		return;
	}
	for (i = 0; i < sizeof(type_keys) / sizeof(type_keys[0]); i++)
		if (strcmp(type_keys[i][0], type) == 0)
			break;
	if (i == sizeof(type_keys) / sizeof(type_keys[0])) {
		why_add(w, "unknown source type '%s'; use http_json, "
		    "http_body, dns, aws_ssm or rdap", type);
		return;
	}
	json_object_foreach(src, key, v) {
		if (strcmp(key, "type") == 0)
			continue;
		known = 0;
		for (j = 1; type_keys[i][j] != NULL; j++)
			if (strcmp(type_keys[i][j], key) == 0)
				known = 1;
		if (!known) {
			for (j = 1; type_keys[i][j] != NULL; j++)
				;
			near = diag_suggest(key, &type_keys[i][1], j - 1);
			if (near != NULL)
				why_add(w, "unknown key '%s' in a %s source; "
				    "did you mean '%s'?", key, type, near);
			else
				why_add(w, "unknown key '%s' in a %s source",
				    key, type);
			continue;
		}
		if (strcmp(key, "timeout_s") == 0 ? !json_is_number(v) :
		    !json_is_string(v))
			why_add(w, "'%s' must be a %s", key,
			    strcmp(key, "timeout_s") == 0 ? "number" :
			    "string");
	}
	/* The first keys of each type are required (bar rdap's options). */
	for (j = 1; j <= 2 && type_keys[i][j] != NULL; j++) {
		if (strcmp(type, "http_body") == 0 && j == 2)
			break;
		if (json_object_get(src, type_keys[i][j]) == NULL)
			why_add(w, "a %s source needs '%s'", type,
			    type_keys[i][j]);
	}
	if ((s = src_str(src, "url")) != NULL) {
		if (strncmp(s, "https://", 8) != 0 &&
		    strncmp(s, "http://", 7) != 0)
			why_add(w, "'url' must be an http(s) URL");
		else if (http_url_insecure(s))
			why_add(w, "plain http:// is allowed only to "
			    "loopback addresses");
	}
	if ((s = src_str(src, "pointer")) != NULL && *s != '\0' && *s != '/')
		why_add(w, "'pointer' must be a JSON Pointer (RFC 6901): "
		    "empty or starting with '/'");
	if (strcmp(type, "aws_ssm") == 0 &&
	    (s = src_str(src, "source")) != NULL)
		check_source_ref(p, s, "aws", w);
	if (strcmp(type, "rdap") == 0) {
		if ((s = src_str(src, "field")) != NULL) {
			for (j = 0; rdap_fields[j] != NULL; j++)
				if (strcmp(rdap_fields[j], s) == 0)
					break;
			if (rdap_fields[j] == NULL)
				why_add(w, "unknown rdap field '%s'; use "
				    "nameservers, status, registrar or "
				    "expires", s);
		}
		if ((s = src_str(src, "source")) != NULL)
			check_source_ref(p, s, "rdap", w);
		if ((s = src_str(src, "endpoint")) != NULL &&
		    http_url_insecure(s))
			why_add(w, "plain http:// is allowed only to "
			    "loopback addresses");
	}
}

/*
 * Every reason a pin cannot be read as written, added to w (none: the
 * pin is fine).
 */
static void
pin_problems(const struct policy *p, json_t *pin, struct whys *w)
{
	json_t		*v;
	const char	*s, *type;

	if (!json_is_object(pin)) {
		why_add(w, "a critical value must be an object");
		return;
	}
	source_problems(p, pin, w);
	v = json_object_get(pin, "expect_sha256");
	if (v != NULL) {
		s = json_string_value(v);
		if (s == NULL || strlen(s) != 64 ||
		    strspn(s, "0123456789abcdefABCDEF") != 64)
			why_add(w, "'expect_sha256' must be 64 hex digits");
		if (json_object_get(pin, "expect") != NULL)
			why_add(w, "give 'expect' or 'expect_sha256', not "
			    "both");
	} else if (json_object_get(pin, "expect") == NULL)
		why_add(w, "a critical value needs 'expect' or "
		    "'expect_sha256'");
	type = src_str(json_object_get(pin, "source"), "type");
	if (type != NULL && strcmp(type, "http_body") == 0 && v == NULL)
		why_add(w, "an http_body value is pinned with "
		    "'expect_sha256'");
}

/* The first reason a pin cannot be read, or NULL.  A new string. */
static char *
pin_problem(const struct policy *p, json_t *pin)
{
	struct whys	 w = { NULL, 0 };
	char		*r = NULL;
	size_t		 i;

	pin_problems(p, pin, &w);
	for (i = 0; i < w.n; i++) {
		if (i == 0)
			r = w.v[i];
		else
			free(w.v[i]);
	}
	free(w.v);
	return r;
}

void
critical_check(const struct policy *p, struct diags *dg)
{
	struct whys	 w;
	json_t		*pin;
	size_t		 i, j;
	const char	*name;

	json_array_foreach(p->critical_values, i, pin) {
		/* The loader reported it (validate checks a policy with
		 * errors too). */
		if (!json_is_object(pin))
			continue;
		memset(&w, 0, sizeof(w));
		pin_problems(p, pin, &w);
		name = json_string_value(json_object_get(pin, "name"));
		for (j = 0; j < w.n; j++) {
			if (i < p->ncv_pos && p->cv_pos[i].file != NULL)
				diags_add(dg, p->cv_pos[i].file,
				    p->cv_pos[i].line, p->cv_pos[i].col,
				    "critical_values[%zu] ('%s'): %s", i,
				    name != NULL ? name : "?", w.v[j]);
			else
				diags_add(dg, p->path, 0, 0, "critical_values"
				    "[%zu] ('%s'): %s", i,
				    name != NULL ? name : "?", w.v[j]);
			free(w.v[j]);
		}
		free(w.v);
	}
}

json_t *
critical_json_pointer(json_t *doc, const char *ptr, const char **why)
{
	json_t		*cur = doc;
	const char	*p = ptr, *end;
	struct buf	 tok;
	char		*e;
	long		 idx;

	*why = NULL;
	if (ptr == NULL || *ptr == '\0')
		return doc;
	if (*ptr != '/') {
		*why = "not a JSON Pointer";
		return NULL;
	}
	buf_init(&tok, 0);
	while (cur != NULL && *p == '/') {
		p++;
		end = p + strcspn(p, "/");
		buf_reset(&tok);
		for (; p < end; p++) {
			if (*p == '~' && p + 1 < end && (p[1] == '0' ||
			    p[1] == '1')) {
				buf_append(&tok, p[1] == '0' ? "~" : "/", 1);
				p++;
			} else if (*p == '~') {
				*why = "bad '~' escape in the pointer";
				cur = NULL;
				goto out;
			} else
				buf_append(&tok, p, 1);
		}
		buf_append(&tok, "", 1);
		if (json_is_object(cur))
			cur = json_object_get(cur, tok.data);
		else if (json_is_array(cur)) {
			errno = 0;
			idx = strtol(tok.data, &e, 10);
			if (tok.data[0] < '0' || tok.data[0] > '9' ||
			    *e != '\0' || errno != 0 || (tok.data[0] == '0' &&
			    tok.data[1] != '\0') || idx < 0)
				cur = NULL;
			else
				cur = json_array_get(cur, (size_t)idx);
		} else
			cur = NULL;
	}
	if (cur == NULL)
		*why = "the pointer names no value in the response";
 out:
	buf_release(&tok);
	return cur;
}

char *
critical_value_text(json_t *v)
{
	char	*s;

	if (json_is_string(v))
		return xstrndup(json_string_value(v), json_string_length(v));
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	return s != NULL ? s : xstrdup("null");
}

/* ---- reading ------------------------------------------------------------ */

static void
pin_fail(struct pin *pn, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pin_fail(struct pin *pn, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw;

	if (pn->res->error != NULL)
		return;
	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	pn->res->error = log_redact(raw);
	free(raw);
}

/* Sets the observed value (takes v); registers it unless public. */
static void
pin_value(struct pin *pn, char *v)
{
	if (!pn->public)
		log_add_secret(v);
	free(pn->value);
	pn->value = v;
}

static char *
rdap_field(json_t *obj, const char *field)
{
	json_t		*a, *e, *x, *out;
	const char	*s;
	size_t		 i, j;
	char		*r, *n;

	out = json_array();
	if (strcmp(field, "nameservers") == 0) {
		json_array_foreach(json_object_get(obj, "nameservers"), i, e) {
			if ((s = src_str(e, "ldhName")) == NULL)
				continue;
			n = xstrdup(s);
			for (j = 0; n[j] != '\0'; j++)
				n[j] = (char)tolower((unsigned char)n[j]);
			while (j > 0 && n[j - 1] == '.')
				n[--j] = '\0';
			json_array_append_new(out, json_string(n));
			free(n);
		}
	} else if (strcmp(field, "status") == 0) {
		json_array_foreach(json_object_get(obj, "status"), i, e)
			if (json_is_string(e))
				json_array_append(out, e);
	} else if (strcmp(field, "registrar") == 0) {
		json_array_foreach(json_object_get(obj, "entities"), i, e) {
			int reg = 0;

			json_array_foreach(json_object_get(e, "roles"), j, x)
				if ((s = json_string_value(x)) != NULL &&
				    strcasecmp(s, "registrar") == 0)
					reg = 1;
			if (!reg)
				continue;
			a = json_array_get(json_object_get(e, "vcardArray"), 1);
			json_array_foreach(a, j, x) {
				if ((s = json_string_value(json_array_get(x,
				    0))) != NULL && strcmp(s, "fn") == 0 &&
				    json_is_string(json_array_get(x, 3))) {
					json_array_append(out,
					    json_array_get(x, 3));
					break;
				}
			}
			break;
		}
	} else {	/* expires */
		json_array_foreach(json_object_get(obj, "events"), i, e) {
			s = src_str(e, "eventAction");
			if (s != NULL && strcasecmp(s, "expiration") == 0 &&
			    json_is_string(json_object_get(e, "eventDate"))) {
				long long	 t;
				char		 d[32];

				s = src_str(e, "eventDate");
				if (iso8601_parse(s, &t) == 0) {
					iso8601_utc(t, d, sizeof(d));
					json_array_append_new(out,
					    json_string(d));
				} else
					json_array_append_new(out,
					    json_string(s));
				break;
			}
		}
	}
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	/* Sorted and joined, so that order in the answer does not count. */
	for (i = 1; i < json_array_size(out); i++)
		for (j = i; j > 0 && strcmp(json_string_value(
		    json_array_get(out, j - 1)), json_string_value(
		    json_array_get(out, j))) > 0; j--) {
			x = json_incref(json_array_get(out, j - 1));
			json_array_set(out, j - 1, json_array_get(out, j));
			json_array_set_new(out, j, x);
		}
	{
		struct buf b;

		buf_init(&b, 0);
		json_array_foreach(out, i, e)
			buf_printf(&b, "%s%s", i > 0 ? "," : "",
			    json_string_value(e));
		buf_append(&b, "", 1);
		r = xstrdup(b.data);
		buf_release(&b);
	}
	json_decref(out);
	return r;
}

/*
 * The final response of an HTTP pin, before it is recorded: extracts the
 * value (and registers it for redaction unless the pin is public).
 */
static void
http_done(struct http_req *q, void *arg)
{
	struct pin	*pn = arg;
	json_t		*doc, *v;
	json_error_t	 je;
	const char	*why, *ptr;

	if (q->status < 200 || q->status > 299 || pn->value != NULL ||
	    pn->res->error != NULL)
		return;		/* errors: reported after http_do_all */
	if (strcmp(pn->type, "http_body") == 0) {
		pin_value(pn, xstrndup(q->resp.data != NULL ? q->resp.data :
		    "", q->resp.len));
		return;
	}
	doc = json_loadb(q->resp.data != NULL ? q->resp.data : "",
	    q->resp.len, JSON_DECODE_ANY, &je);
	if (doc == NULL) {
		pin_fail(pn, "the response of %s is not JSON: %s", q->url,
		    je.text);
		return;
	}
	if (strcmp(pn->type, "rdap") == 0) {
		char *val = rdap_field(doc, src_str(pn->src, "field"));

		if (val == NULL)
			pin_fail(pn, "the RDAP answer for %s has no %s",
			    src_str(pn->src, "domain"),
			    src_str(pn->src, "field"));
		else
			pin_value(pn, val);
		json_decref(doc);
		return;
	}
	ptr = src_str(pn->src, "pointer");
	if ((v = critical_json_pointer(doc, ptr, &why)) == NULL)
		pin_fail(pn, "JSON pointer '%s' in %s: %s", ptr, q->url, why);
	else
		pin_value(pn, critical_value_text(v));
	json_decref(doc);
}

static char *
rdap_url(const struct policy *p, json_t *src)
{
	const struct policy_source *ps = NULL;
	const char	*s;
	char		*base, *u;
	size_t		 i, n;

	if ((s = src_str(src, "endpoint")) != NULL)
		base = xstrdup(s);
	else {
		if ((s = src_str(src, "source")) != NULL)
			ps = policy_source_find(p, s);
		for (i = 0; ps == NULL && i < p->nsources; i++)
			if (strcmp(p->sources[i].type, "rdap") == 0)
				ps = &p->sources[i];
		base = ps != NULL ? source_endpoint(ps, NULL,
		    CV_RDAP_DEFAULT) : xstrdup(CV_RDAP_DEFAULT);
	}
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	u = xasprintf("%s/domain/%s", base, src_str(src, "domain"));
	free(base);
	return u;
}

/*
 * dns: record/replay of the answer sets, one exchange per pin ({"name",
 * and "value", "sha256" or "error"}) in DIR/critical_values.dns/
 * (record.h); replay gives them as an object by pin name.
 */
static json_t *
dns_replay_load(const struct collect_opts *co)
{
	json_t	*a, *e, *byname = json_object();
	char	*dir, *why = NULL;
	size_t	 i;

	dir = xasprintf("%s/" CV_SOURCE ".dns", co->replay_dir);
	if (record_load_dir(dir, &a, &why) == 0) {
		json_array_foreach(a, i, e) {
			if (json_is_string(json_object_get(e, "name")))
				json_object_set(byname,
				    src_str(e, "name"), e);
		}
		json_decref(a);
	}
	free(why);
	free(dir);
	return byname;
}

static void
dns_record_save(const struct collect_opts *co, json_t *rec)
{
	const char	*name;
	json_t		*e, *o;
	char		*dir;
	unsigned long	 seq = 0;

	dir = xasprintf("%s/" CV_SOURCE ".dns", co->record_dir);
	json_object_foreach(rec, name, e) {
		o = json_deep_copy(e);
		json_object_set_new(o, "name", json_string(name));
		if (record_write_next(dir, &seq, o, NULL) != 0)
			log_error("cannot write recording in '%s': %s", dir,
			    strerror(errno));
		json_decref(o);
	}
	free(dir);
}

static void
read_dns(const struct policy *p, struct pin *pn,
    const struct collect_opts *co, json_t *rec)
{
	const struct policy_source *ps = NULL;
	const char	*ns;
	char		**vals = NULL, *err = NULL;
	size_t		 i, n = 0;
	struct buf	 b;
	json_t		*e;
	double		 t;

	if (co != NULL && co->replay_dir != NULL) {
		e = json_object_get(rec, pn->res->name);
		if (e == NULL)
			pin_fail(pn, "not in the recording");
		else if (json_is_string(json_object_get(e, "error")))
			pin_fail(pn, "%s", src_str(e, "error"));
		else if (json_is_string(json_object_get(e, "value")))
			pin_value(pn, xstrdup(src_str(e, "value")));
		else if (json_is_string(json_object_get(e, "sha256")) &&
		    strlen(src_str(e, "sha256")) == 64)
			snprintf(pn->value_sha256, sizeof(pn->value_sha256),
			    "%s", src_str(e, "sha256"));
		else
			pin_fail(pn, "malformed recording");
		return;
	}
	if ((ns = src_str(pn->src, "nameserver")) == NULL) {
		for (i = 0; ps == NULL && i < p->nsources; i++)
			if (strcmp(p->sources[i].type, "dns") == 0)
				ps = &p->sources[i];
		ns = ps != NULL ? policy_source_str(ps, "nameserver", NULL) :
		    NULL;
	}
	t = json_number_value(json_object_get(pn->src, "timeout_s"));
	if (t <= 0)
		t = ps != NULL ? policy_source_num(ps, "timeout_s", 5) : 5;
	if (dns_answer_set(ns, t, src_str(pn->src, "name"),
	    src_str(pn->src, "rrtype"), &vals, &n, &err) != 0) {
		pin_fail(pn, "%s", err);
		free(err);
	} else {
		buf_init(&b, 0);
		for (i = 0; i < n; i++) {
			buf_printf(&b, "%s%s", i > 0 ? "," : "", vals[i]);
			free(vals[i]);
		}
		buf_append(&b, "", 1);
		free(vals);
		pin_value(pn, xstrdup(b.data));
		buf_release(&b);
	}
	/* A value that is not public is recorded as its hash only. */
	if (rec != NULL && pn->value != NULL && !pn->public) {
		char h[65];

		sha256_hex(pn->value, strlen(pn->value), h);
		json_object_set_new(rec, pn->res->name, json_pack("{s:s}",
		    "sha256", h));
	} else if (rec != NULL)
		json_object_set_new(rec, pn->res->name, pn->value != NULL ?
		    json_pack("{s:s}", "value", pn->value) :
		    json_pack("{s:s}", "error", pn->res->error));
}

static void
read_ssm(const struct policy *p, struct pin *pn, struct http_client *http)
{
	const struct policy_source *ps;
	char	*val = NULL, *err = NULL;

	ps = policy_source_find(p, src_str(pn->src, "source"));
	if (aws_ssm_get_parameter(p, ps, http, src_str(pn->src,
	    "parameter"), !pn->public, &val, &err) != 0) {
		pin_fail(pn, "SSM parameter %s: %s", src_str(pn->src,
		    "parameter"), err != NULL ? err : "cannot read");
		free(err);
		return;
	}
	pin_value(pn, xstrdup(val));
	freestr_secret(val);
}

/* Compares the observed value with the expectation. */
static void
judge(struct pin *pn)
{
	struct critical_result	*res = pn->res;
	json_t			*ex;
	const char		*s;
	char			*t;
	size_t			 i;

	if ((s = json_string_value(json_object_get(pn->obj,
	    "expect_sha256"))) != NULL) {
		for (i = 0; i < 64 && s[i] != '\0'; i++)
			res->expected_sha256[i] =
			    (char)tolower((unsigned char)s[i]);
		res->expected_sha256[i] = '\0';
	} else if ((ex = json_object_get(pn->obj, "expect")) != NULL) {
		t = critical_value_text(ex);
		sha256_hex(t, strlen(t), res->expected_sha256);
		/* A public pin's alert shows what was expected. */
		if (pn->public && strlen(t) <= CV_PUBLIC_MAX)
			res->expected = t;
		else
			free(t);
	}
	if (res->error == NULL && pn->value != NULL && pn->replay &&
	    !pn->public && strstr(pn->value, "[REDACTED]") != NULL)
		res->error = xstrdup("the recording holds this value "
		    "redacted (the pin is not public): a replay cannot check "
		    "it");
	if (res->error == NULL && pn->value == NULL &&
	    pn->value_sha256[0] != '\0') {
		memcpy(res->observed_sha256, pn->value_sha256, 65);
		res->status = strcmp(res->observed_sha256,
		    res->expected_sha256) == 0 ? "ok" : "changed";
		return;
	}
	if (res->error != NULL || pn->value == NULL) {
		res->status = "unreadable";
		if (res->error == NULL)
			res->error = xstrdup("no value");
		return;
	}
	sha256_hex(pn->value, strlen(pn->value), res->observed_sha256);
	if (pn->public && strlen(pn->value) <= CV_PUBLIC_MAX)
		res->observed = xstrdup(pn->value);
	res->status = strcmp(res->observed_sha256, res->expected_sha256) ==
	    0 ? "ok" : "changed";
}

int
critical_read_all(const struct policy *p, const struct collect_opts *co,
    struct critical_result **out, size_t *nout)
{
	struct collect_opts	 none = { 0 };
	struct http_opts	 o;
	struct http_client	*http = NULL;
	struct http_req		**reqs;
	struct critical_result	*res;
	struct pin		*pins;
	json_t			*pin, *dnsrec = NULL;
	const char		*name;
	char			*why;
	size_t			 i, n, nreq = 0;
	int			 has_dns = 0;

	if (co == NULL)
		co = &none;
	n = json_array_size(p->critical_values);
	res = xcalloc(n + 1, sizeof(*res));
	pins = xcalloc(n + 1, sizeof(*pins));
	reqs = xcalloc(n + 1, sizeof(*reqs));
	memset(&o, 0, sizeof(o));
	o.source = CV_SOURCE;
	o.timeout_s = 10;
	o.deadline_s = 60;
	o.max_concurrency = 8;
	o.max_retries = 2;
	o.backoff_base_s = 0.2;
	o.backoff_cap_s = 2;
	o.record_dir = co->record_dir;
	o.replay_dir = co->replay_dir;
	o.follow_https_redirects = 1;
	json_array_foreach(p->critical_values, i, pin) {
		struct pin *pn = &pins[i];

		pn->obj = pin;
		pn->res = &res[i];
		pn->src = json_object_get(pin, "source");
		pn->type = src_str(pn->src, "type");
		pn->public = json_is_true(json_object_get(pin, "public"));
		pn->replay = co->replay_dir != NULL;
		name = json_string_value(json_object_get(pin, "name"));
		res[i].name = xstrdup(name != NULL ? name : "");
		res[i].source_type = xstrdup(pn->type != NULL ? pn->type :
		    "");
		res[i].public = pn->public;
		if ((why = pin_problem(p, pin)) != NULL) {
			pin_fail(pn, "invalid pin: %s", why);
			free(why);
			pn->type = NULL;
			continue;
		}
		if (strcmp(pn->type, "dns") == 0)
			has_dns = 1;
		if (strcmp(pn->type, "http_json") == 0 ||
		    strcmp(pn->type, "http_body") == 0 ||
		    strcmp(pn->type, "rdap") == 0) {
			char *u = strcmp(pn->type, "rdap") == 0 ?
			    rdap_url(p, pn->src) :
			    xstrdup(src_str(pn->src, "url"));

			pn->req = http_req_new("GET", u);
			free(u);
			http_req_set_header(pn->req, "Accept",
			    strcmp(pn->type, "rdap") == 0 ?
			    "application/rdap+json, application/json" :
			    strcmp(pn->type, "http_json") == 0 ?
			    "application/json" : "*/*");
			pn->req->on_response = http_done;
			pn->req->cb_arg = pn;
			reqs[nreq++] = pn->req;
		}
	}
	if (n > 0 && (http = http_client_new(&o)) == NULL) {
		for (i = 0; i < n; i++)
			pin_fail(&pins[i], "cannot set up the HTTP client");
	}
	if (http != NULL && nreq > 0)
		(void)http_do_all(http, reqs, nreq);
	for (i = 0; i < n; i++) {
		struct pin	*pn = &pins[i];
		struct http_req	*q = pn->req;

		if (q == NULL || pn->res->error != NULL || http == NULL)
			continue;
		/* A replayed answer has no response callback. */
		http_done(q, pn);
		if (q->result != 0 || q->status == 0)
			pin_fail(pn, "%s", q->error != NULL ? q->error :
			    vgl_err(q->result != 0 ? q->result :
			    VGL_ERR_HTTP));
		else if (q->status < 200 || q->status > 299)
			pin_fail(pn, "HTTP %ld from %s", q->status, q->url);
	}
	if (has_dns && co->replay_dir != NULL)
		dnsrec = dns_replay_load(co);
	else if (has_dns && co->record_dir != NULL)
		dnsrec = json_object();
	for (i = 0; i < n; i++) {
		struct pin *pn = &pins[i];

		if (pn->type == NULL || pn->res->error != NULL)
			continue;
		if (strcmp(pn->type, "aws_ssm") == 0 && http != NULL)
			read_ssm(p, pn, http);
		else if (strcmp(pn->type, "dns") == 0)
			read_dns(p, pn, co, dnsrec);
	}
	if (has_dns && co->record_dir != NULL && co->replay_dir == NULL)
		dns_record_save(co, dnsrec);
	json_decref(dnsrec);
	for (i = 0; i < n; i++) {
		judge(&pins[i]);
		if (pins[i].value != NULL)
			freestr_secret(pins[i].value);
		http_req_free(pins[i].req);
	}
	http_client_free(http);
	free(reqs);
	free(pins);
	*out = res;
	*nout = n;
	return 0;
}

void
critical_results_free(struct critical_result *res, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && res != NULL; i++) {
		free(res[i].name);
		free(res[i].source_type);
		free(res[i].expected);
		free(res[i].observed);
		free(res[i].error);
	}
	free(res);
}

int
critical_collect(struct snapshot *sn, const struct policy *p,
    const struct collect_opts *co, const char *now)
{
	struct critical_result	*res;
	json_t			*row;
	size_t			 i, n;
	int			 r = 0;

	(void)now;
	if (json_array_size(p->critical_values) == 0)
		return 0;
	critical_read_all(p, co, &res, &n);
	for (i = 0; i < n && r == 0; i++) {
		row = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}",
		    "name", res[i].name, "source_type", res[i].source_type,
		    "status", res[i].status, "observed_sha256",
		    res[i].observed_sha256[0] != '\0' ?
		    res[i].observed_sha256 : NULL, "observed",
		    res[i].observed, "expected_sha256",
		    res[i].expected_sha256[0] != '\0' ?
		    res[i].expected_sha256 : NULL, "error", res[i].error);
		r = snap_insert(sn, "critical_values", "policy", row);
		json_decref(row);
		if (res[i].error != NULL)
			log_warn("critical value '%s' is unreadable: %s",
			    res[i].name, res[i].error);
		else if (strcmp(res[i].status, "changed") == 0)
			log_warn("critical value '%s' has changed",
			    res[i].name);
	}
	critical_results_free(res, n);
	return r;
}

json_t *
critical_values_json(sqlite3 *db, long long run)
{
	sqlite3_stmt	*s;
	json_t		*arr, *o;
	const char	*v;

	arr = json_array();
	if (sqlite3_prepare_v2(db, "SELECT name, source_type, status, "
	    "observed_sha256, observed, error FROM main.critical_values "
	    "WHERE run = ? ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return arr;
	sqlite3_bind_int64(s, 1, run);
	while (sqlite3_step(s) == SQLITE_ROW) {
		o = json_object();
		json_object_set_new(o, "name", json_string(
		    (const char *)sqlite3_column_text(s, 0)));
		json_object_set_new(o, "source", json_string(
		    (const char *)sqlite3_column_text(s, 1)));
		json_object_set_new(o, "status", json_string(
		    (const char *)sqlite3_column_text(s, 2)));
		v = (const char *)sqlite3_column_text(s, 3);
		json_object_set_new(o, "observed_sha256", v != NULL ?
		    json_string(v) : json_null());
		if ((v = (const char *)sqlite3_column_text(s, 4)) != NULL)
			json_object_set_new(o, "observed", json_string(v));
		if ((v = (const char *)sqlite3_column_text(s, 5)) != NULL)
			json_object_set_new(o, "error", json_string(v));
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(s);
	return arr;
}
