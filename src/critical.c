/*
 * critical.c: critical values (pins, SPEC section 7; critical.h).
 *
 * http_json and http_body are read here; every other pin type is a
 * provider's (struct critical_reader in its source type, source.h).
 * Every HTTP pin (http_json, http_body, a reader with a url) is read
 * concurrently through one http_client whose source name is
 * "critical_values", so a --record DIR holds them under
 * DIR/critical_values/ and --replay answers them from there; a reader
 * with read is called one pin after another with the same client.  The
 * answers of a reader with record set are recorded in
 * DIR/critical_values.RECORD/, one exchange per pin (record.h).
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

#include "buf.h"
#include "critical.h"
#include "http.h"
#include "log.h"
#include "record.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define CV_SOURCE	"critical_values"
#define CV_PUBLIC_MAX	65536	/* longest observed value stored */

struct pin {
	json_t			*obj;		/* the pin (borrowed) */
	json_t			*src;		/* its "source" */
	const char		*type;
	const struct critical_reader *rd; /* a provider's type, or NULL */
	struct critical_result	*res;
	struct http_req		*req;
	char			*value;		/* observed, or NULL */
	char			 value_sha256[65]; /* replayed: hash only */
	int			 public;
	int			 replay;
};

/* The provider-neutral pin types: http_json needs both keys. */
static const char *const http_json_keys[] = { "url", "pointer", NULL };
static const char *const http_body_keys[] = { "url", NULL };

/* The provider's reader of pin type type, or NULL. */
static const struct critical_reader *
find_reader(const char *type)
{
	const struct critical_reader	*rd;
	size_t				 i;

	for (i = 0; type != NULL && source_types[i] != NULL; i++)
		for (rd = source_types[i]->critical; rd != NULL &&
		    rd->type != NULL; rd++)
			if (strcmp(rd->type, type) == 0)
				return rd;
	return NULL;
}

/* "http_json, http_body, ... or LAST": every pin type.  A new string. */
static char *
type_names(void)
{
	const struct critical_reader	*rd;
	const char			*last = "http_body";
	struct buf			 b;
	char				*r;
	size_t				 i;

	buf_init(&b, 0);
	buf_puts(&b, "http_json");
	for (i = 0; source_types[i] != NULL; i++)
		for (rd = source_types[i]->critical; rd != NULL &&
		    rd->type != NULL; rd++) {
			buf_printf(&b, ", %s", last);
			last = rd->type;
		}
	buf_printf(&b, " or %s", last);
	buf_append(&b, "", 1);
	r = xstrdup(b.data);
	buf_release(&b);
	return r;
}

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

/* The problems of a pin's "source" object. */
static void
source_problems(const struct policy *p, json_t *pin, struct whys *w)
{
	const struct critical_reader	*rd = NULL;
	const char *const		*keys;
	json_t				*src, *v, *probs;
	const char			*type, *key, *s, *near;
	char				*names;
	size_t				 i, j, nreq;
	int				 known;

	src = json_object_get(pin, "source");
	if (!json_is_object(src)) {
		why_add(w, "'source' must be an object with a 'type'");
		return;
	}
	if ((type = src_str(src, "type")) == NULL) {
		why_add(w, "'source' has no 'type'");
		return;
	}
	if (strcmp(type, "http_json") == 0) {
		keys = http_json_keys;
		nreq = 2;
	} else if (strcmp(type, "http_body") == 0) {
		keys = http_body_keys;
		nreq = 1;
	} else if ((rd = find_reader(type)) != NULL) {
		keys = rd->keys;
		nreq = (size_t)rd->nrequired;
	} else {
		names = type_names();
		why_add(w, "unknown source type '%s'; use %s", type, names);
		free(names);
		return;
	}
	json_object_foreach(src, key, v) {
		if (strcmp(key, "type") == 0)
			continue;
		known = 0;
		for (j = 0; keys[j] != NULL; j++)
			if (strcmp(keys[j], key) == 0)
				known = 1;
		if (!known) {
			for (j = 0; keys[j] != NULL; j++)
				;
			near = diag_suggest(key, keys, j);
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
	/* The first keys of each type are required. */
	for (j = 0; j < nreq && keys[j] != NULL; j++) {
		if (json_object_get(src, keys[j]) == NULL)
			why_add(w, "a %s source needs '%s'", type, keys[j]);
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
	if (rd != NULL && rd->check != NULL) {
		probs = json_array();
		rd->check(p, src, probs);
		json_array_foreach(probs, i, v)
			why_add(w, "%s", json_string_value(v));
		json_decref(probs);
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
	if (pn->rd != NULL && pn->rd->value != NULL) {
		char *err = NULL, *val = pn->rd->value(doc, pn->src, &err);

		if (val == NULL)
			pin_fail(pn, "%s", err != NULL ? err : "no value");
		else
			pin_value(pn, val);
		free(err);
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

/*
 * A reader's record/replay of its answers, one exchange per pin ({"name",
 * and "value", "sha256" or "error"}) in DIR/critical_values.NAME/
 * (record.h); replay gives them as an object by pin name.
 */
static json_t *
answers_replay_load(const struct collect_opts *co, const char *name)
{
	json_t	*a, *e, *byname = json_object();
	char	*dir, *why = NULL;
	size_t	 i;

	dir = xasprintf("%s/" CV_SOURCE ".%s", co->replay_dir, name);
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
answers_record_save(const struct collect_opts *co, const char *name,
    json_t *rec)
{
	const char	*key;
	json_t		*e, *o;
	char		*dir;
	unsigned long	 seq = 0;

	dir = xasprintf("%s/" CV_SOURCE ".%s", co->record_dir, name);
	json_object_foreach(rec, key, e) {
		o = json_deep_copy(e);
		json_object_set_new(o, "name", json_string(key));
		if (record_write_next(dir, &seq, o, NULL) != 0)
			log_error("cannot write recording in '%s': %s", dir,
			    strerror(errno));
		json_decref(o);
	}
	free(dir);
}

/* A pin of a reader with read (and its answer recorded in rec). */
static void
read_direct(const struct policy *p, struct pin *pn,
    const struct collect_opts *co, json_t *rec, struct http_client *http)
{
	char		*val = NULL, *err = NULL;
	json_t		*e;

	if (pn->rd->record != NULL && co != NULL && co->replay_dir != NULL) {
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
	if (pn->rd->read(p, pn->src, http, !pn->public, &val, &err) != 0) {
		pin_fail(pn, "%s", err != NULL ? err : "cannot read");
		free(err);
		if (val != NULL)
			freestr_secret(val);
	} else if (val == NULL)
		pin_fail(pn, "no value");
	else
		pin_value(pn, val);
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
	json_t			*pin, *recs, *rec;
	const char		*name, *rname;
	char			*why;
	size_t			 i, n, nreq = 0;

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
		pn->rd = find_reader(pn->type);
		if (strcmp(pn->type, "http_json") == 0 ||
		    strcmp(pn->type, "http_body") == 0 ||
		    (pn->rd != NULL && pn->rd->url != NULL)) {
			char *u = pn->rd != NULL ? pn->rd->url(p, pn->src) :
			    xstrdup(src_str(pn->src, "url"));

			pn->req = http_req_new("GET", u);
			free(u);
			http_req_set_header(pn->req, "Accept",
			    pn->rd != NULL && pn->rd->accept != NULL ?
			    pn->rd->accept :
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
	/* The recorded answers of each reader with record, by its name. */
	recs = json_object();
	for (i = 0; i < n; i++) {
		struct pin *pn = &pins[i];

		if (pn->type == NULL || pn->rd == NULL ||
		    (rname = pn->rd->record) == NULL ||
		    json_object_get(recs, rname) != NULL)
			continue;
		if (co->replay_dir != NULL)
			json_object_set_new(recs, rname,
			    answers_replay_load(co, rname));
		else if (co->record_dir != NULL)
			json_object_set_new(recs, rname, json_object());
	}
	for (i = 0; i < n; i++) {
		struct pin *pn = &pins[i];

		if (pn->type == NULL || pn->res->error != NULL ||
		    pn->rd == NULL || pn->rd->read == NULL || http == NULL)
			continue;
		read_direct(p, pn, co, pn->rd->record != NULL ?
		    json_object_get(recs, pn->rd->record) : NULL, http);
	}
	if (co->record_dir != NULL && co->replay_dir == NULL)
		json_object_foreach(recs, rname, rec)
			answers_record_save(co, rname, rec);
	json_decref(recs);
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
