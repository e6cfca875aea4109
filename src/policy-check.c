/*
 * policy-check.c: the policy validators (SPEC section 4).
 *
 * Each file's document is checked on its own, so that an error names the
 * file that holds it: known keys (an unknown key suggests the nearest
 * known one), value types, URLs (plain http:// only to loopback), literal
 * secrets (never allowed), *_env and *_file secrets, and each source's
 * keys by its type.  Diagnostics are placed by jsonpos_locate().
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "diag.h"
#include "jsonpos.h"
#include "policy-int.h"
#include "policy.h"
#include "url.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const char *const top_keys[] = {
	"organization", "state", "sources", "rules", "parameters", "waivers",
	"critical_values", "expect", "freeze", "notify", "include", NULL
};
static const char *const state_keys[] = { "db", NULL };
static const char *const rules_keys[] = {
	"paths", "enable", "disable", "severity", "builtin", NULL
};
static const char *const waiver_keys[] = {
	"rule", "resource", "reason", "approved_by", "expires", NULL
};
static const char *const cv_keys[] = {
	"name", "source", "expect", "expect_sha256", "public", "description",
	NULL
};
static const char *const notify_keys[] = { "email", "webhooks", NULL };
static const char *const email_keys[] = {
	"smtp_url", "from", "to", "username_env", "password_env",
	"password_file", "when", "attach_report", "min_severity", "ca_file",
	NULL
};
static const char *const webhook_keys[] = {
	"type", "url_env", "url_file", "when", "min_severity", "deadline_s",
	"ca_file", NULL
};
static const char *const source_common_keys[] = { "name", "type", NULL };
static const char *const http_keys[] = {
	"endpoint", "endpoints", "ca_file", "timeout_s", "max_concurrency",
	"rate_limit_rps", NULL
};
/*
 * Keys that would hold a literal secret, whatever the provider: never
 * allowed.  Each type adds its own (POLICY_SECRET in its kinds).
 */
static const char *const secret_keys[] = {
	"password", "token", "secret", NULL
};
static const char *const when_values[] = {
	"always", "findings", "changes", NULL
};

/* The source types set by policy_set_types() (borrowed). */
static const struct policy_type	*source_types;
static size_t			 nsource_types;

void
policy_set_types(const struct policy_type *types, size_t n)
{
	source_types = types;
	nsource_types = n;
}

static const struct policy_type *
type_find(const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < nsource_types; i++) {
		if (strcmp(source_types[i].name, name) == 0)
			return &source_types[i];
	}
	return NULL;
}

/*
 * The kind of key k in type st's kinds, or, with st NULL, in the first
 * type's that has one; 0 when it has none.
 */
static enum policy_kind
kind_of(const struct policy_type *st, const char *k)
{
	const struct policy_key	*pk;
	size_t			 i;

	for (i = 0; i < nsource_types; i++) {
		if (st != NULL && st != &source_types[i])
			continue;
		for (pk = source_types[i].kinds; pk != NULL && pk->key != NULL;
		    pk++) {
			if (strcmp(pk->key, k) == 0)
				return pk->kind;
		}
	}
	return 0;
}

/* 1 when k is a literal secret of any type. */
static int
is_type_secret(const char *k)
{
	const struct policy_key	*pk;
	size_t			 i;

	for (i = 0; i < nsource_types; i++) {
		for (pk = source_types[i].kinds; pk != NULL && pk->key != NULL;
		    pk++) {
			if (pk->kind == POLICY_SECRET &&
			    strcmp(pk->key, k) == 0)
				return 1;
		}
	}
	return 0;
}

static int
in_list(const char *const *l, const char *s)
{
	size_t	 i;

	for (i = 0; l != NULL && l[i] != NULL; i++) {
		if (strcmp(l[i], s) == 0)
			return 1;
	}
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	 a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int
policy_edit_distance(const char *a, const char *b)
{
	return diag_edit_distance(a, b);
}

static const char *
suggest(const char *key, const char *const *cands, size_t n)
{
	return diag_suggest(key, cands, n);
}

static size_t
list_len(const char *const *l)
{
	size_t	 n = 0;

	while (l != NULL && l[n] != NULL)
		n++;
	return n;
}

void
pol_push_key(struct vctx *v, const char *key)
{
	if (v->depth < PATH_DEPTH) {
		v->path[v->depth].key = key;
		v->path[v->depth].idx = 0;
	}
	v->depth++;
}

void
pol_push_idx(struct vctx *v, size_t idx)
{
	if (v->depth < PATH_DEPTH) {
		v->path[v->depth].key = NULL;
		v->path[v->depth].idx = idx;
	}
	v->depth++;
}

void
pol_pop(struct vctx *v)
{
	v->depth--;
}

static void
here(struct vctx *v, int *line, int *col)
{
	jsonpos_locate(v->text, v->len, v->path,
	    v->depth < PATH_DEPTH ? v->depth : PATH_DEPTH, 0, line, col);
}

/*
 * Records where the value at the current path was written (value: the
 * value of the last key rather than the key) under name, for
 * policy_where(); a later file's record replaces an included one's, as
 * its value does.
 */
static void __attribute__((format(printf, 4, 5)))
record(struct lctx *L, struct vctx *v, int value, const char *fmt, ...)
{
	va_list	 ap;
	char	*name;
	int	 line, col;

	va_start(ap, fmt);
	name = xvasprintf(fmt, ap);
	va_end(ap);
	jsonpos_locate(v->text, v->len, v->path,
	    v->depth < PATH_DEPTH ? v->depth : PATH_DEPTH, value, &line, &col);
	if (L->where == NULL)
		L->where = json_object();
	json_object_set_new(L->where, name, json_pack("[s,i,i]", v->file,
	    line, col));
	free(name);
}

/* Adds a diagnostic at the current path. */
void
pol_perr(struct lctx *L, struct vctx *v, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;
	int	 line, col;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	here(v, &line, &col);
	diags_add(L->d, v->file, line, col, "%s", m);
	free(m);
}

/* Adds a diagnostic at member key of the current object. */
static void __attribute__((format(printf, 4, 5)))
perr_key(struct lctx *L, struct vctx *v, const char *key, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*m;
	int	 line, col;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	pol_push_key(v, key);
	here(v, &line, &col);
	pol_pop(v);
	diags_add(L->d, v->file, line, col, "%s", m);
	free(m);
}

/* Reports an unknown key (the current path's last step). */
static void
unknown_key(struct lctx *L, struct vctx *v, const char *key,
    const char *const *cands, size_t n)
{
	const char	*s;

	if ((s = suggest(key, cands, n)) != NULL)
		pol_perr(L, v, "unknown key '%s'; did you mean '%s'?", key, s);
	else
		pol_perr(L, v, "unknown key '%s'", key);
}

/* Checks every key of obj is in known (keys of obj); 1 if all are. */
static int
check_keys(struct lctx *L, struct vctx *v, json_t *obj,
    const char *const *known)
{
	const char	*k;
	json_t		*val;
	int		 ok = 1;

	json_object_foreach(obj, k, val) {
		if (in_list(known, k))
			continue;
		pol_push_key(v, k);
		unknown_key(L, v, k, known, list_len(known));
		pol_pop(v);
		ok = 0;
	}
	return ok;
}

/* Path rel resolved relative to the directory of file. */
char *
pol_rel_path(const char *file, const char *rel)
{
	const char	*slash;

	if (rel[0] == '/' || (slash = strrchr(file, '/')) == NULL)
		return xstrdup(rel);
	return xasprintf("%.*s/%s", (int)(slash - file), file, rel);
}

/* Rewrites a string value in place as a path relative to v->file. */
static void
resolve_in_place(struct vctx *v, json_t *s)
{
	char	*p;

	p = pol_rel_path(v->file, json_string_value(s));
	json_string_set(s, p);
	free(p);
}

int
policy_is_strarray(json_t *a)
{
	size_t	 i;
	json_t	*e;

	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e))
			return 0;
	}
	return 1;
}

/*
 * What is wrong with url as an endpoint (smtp: as an SMTP URL), or NULL.
 * The caller frees the message.
 */
static char *
url_problem(const char *url, int smtp)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL, *pw = NULL, *m = NULL;

	if ((u = curl_url()) == NULL)
		return xstrdup("out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		m = xasprintf("invalid URL '%s'", url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
		m = xstrdup("a password in a URL is not allowed; use the "
		    "*_env or *_file keys");
		goto out;
	}
	if (smtp) {
		if (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)
			m = xasprintf("unsupported URL scheme '%s'; use "
			    "smtp:// or smtps://", scheme);
		goto out;
	}
	if (strcmp(scheme, "https") == 0)
		goto out;
	if (strcmp(scheme, "http") != 0)
		m = xasprintf("unsupported URL scheme '%s'; use https://",
		    scheme);
	else if (!url_host_is_loopback(host))
		m = xstrdup("plain http:// is only allowed to loopback "
		    "addresses; use https://");
 out:
	curl_free(scheme);
	curl_free(host);
	if (pw != NULL) {
		OPENSSL_cleanse(pw, strlen(pw));
		curl_free(pw);
	}
	curl_url_cleanup(u);
	return m;
}

/* Checks member k (pushed) holds an acceptable URL. */
static void
check_url(struct lctx *L, struct vctx *v, const char *k, json_t *val,
    int smtp)
{
	char	*m;

	if (!json_is_string(val)) {
		pol_perr(L, v, "'%s' must be a URL string", k);
		return;
	}
	if ((m = url_problem(json_string_value(val), smtp)) != NULL) {
		pol_perr(L, v, "%s", m);
		free(m);
	}
}

static int
is_literal_secret(const char *k, int webhook)
{
	return in_list(secret_keys, k) || is_type_secret(k) ||
	    (webhook && strcmp(k, "url") == 0);
}

/*
 * Checks the value of member k (pushed) of a secret-bearing object: *_env
 * names a variable, *_file a file that exists (and, except ca_file, is
 * not readable by group or others); both forms of one secret is an error.
 * Rewrites *_file paths relative to the file.
 */
static void
check_secret_value(struct lctx *L, struct vctx *v, json_t *obj,
    const char *k, json_t *val)
{
	struct stat	 st;
	json_t		*twin;
	char		*path, *base;
	size_t		 n;

	if (has_suffix(k, "_env")) {
		if (!json_is_string(val) || *json_string_value(val) == '\0')
			pol_perr(L, v, "'%s' must name an environment "
			    "variable", k);
		return;
	}
	if (!has_suffix(k, "_file"))
		return;
	n = strlen(k) - strlen("_file");
	base = xasprintf("%.*s_env", (int)n, k);
	twin = json_object_get(obj, base);
	if (twin != NULL)
		pol_perr(L, v, "both '%s' and '%s' are set; use one", base, k);
	free(base);
	if (!json_is_string(val) || *json_string_value(val) == '\0') {
		pol_perr(L, v, "'%s' must be a file name", k);
		return;
	}
	path = pol_rel_path(v->file, json_string_value(val));
	if (stat(path, &st) != 0) {
		if (errno == ENOENT && strcmp(k, "ca_file") == 0)
			pol_perr(L, v, "ca_file '%s' does not exist",
			    json_string_value(val));
		else if (errno == ENOENT)
			pol_perr(L, v, "secret file '%s' does not exist",
			    json_string_value(val));
		else
			pol_perr(L, v, "cannot stat '%s': %s",
			    json_string_value(val), strerror(errno));
	} else if (strcmp(k, "ca_file") != 0 && (st.st_mode & 077) != 0)
		pol_perr(L, v, "secret file '%s' is readable by group or "
		    "others (mode %04o); chmod 600 it", json_string_value(val),
		    (unsigned int)(st.st_mode & 07777));
	json_string_set(val, path);
	free(path);
}

/*
 * Checks every key of a secret-bearing object against known (NULL: any
 * key is accepted): literal secrets, unknown keys, *_env and *_file
 * values.  Keys handled here are not looked at by the caller's value
 * checks: the caller checks the rest.  Returns 1 if nothing was wrong.
 */
static int
check_secret_keys(struct lctx *L, struct vctx *v, json_t *obj,
    const char *const *known, size_t nknown, int webhook)
{
	const char	*k;
	json_t		*val;
	size_t		 nd = L->d->n;

	json_object_foreach(obj, k, val) {
		pol_push_key(v, k);
		if (is_literal_secret(k, webhook))
			pol_perr(L, v, "literal secret '%s' is not allowed; "
			    "use '%s_env' (or '%s_file')", k, k, k);
		else if (known != NULL && !in_list(known, k))
			unknown_key(L, v, k, known, nknown);
		else
			check_secret_value(L, v, obj, k, val);
		pol_pop(v);
	}
	return L->d->n == nd;
}

/* Adds s to a NULL-terminated dynamic list. */
static void
cand_add(const char ***l, size_t *n, const char *s)
{
	*l = xreallocarray(*l, *n + 2, sizeof(**l));
	(*l)[(*n)++] = s;
	(*l)[*n] = NULL;
}

/*
 * The keys a source of type st accepts, with the twin of each *_env or
 * *_file key (every secret may be given either way).  The strings are
 * borrowed from st, except twins, which are added to *own.
 */
static const char **
source_keys(const struct policy_type *st, char ***own, size_t *nown,
    size_t *np)
{
	const char	**l = NULL;
	size_t		  n = 0, i;
	const char	 *k;
	char		 *t;

	for (i = 0; source_common_keys[i] != NULL; i++)
		cand_add(&l, &n, source_common_keys[i]);
	if (st->http) {
		for (i = 0; http_keys[i] != NULL; i++)
			cand_add(&l, &n, http_keys[i]);
	}
	for (i = 0; st->keys != NULL && st->keys[i] != NULL; i++) {
		k = st->keys[i];
		cand_add(&l, &n, k);
		t = NULL;
		if (has_suffix(k, "_env"))
			t = xasprintf("%.*s_file", (int)(strlen(k) - 4), k);
		else if (has_suffix(k, "_file") && strcmp(k, "ca_file") != 0)
			t = xasprintf("%.*s_env", (int)(strlen(k) - 5), k);
		if (t == NULL)
			continue;
		if (in_list(st->keys, t)) {
			free(t);
			continue;
		}
		*own = xreallocarray(*own, *nown + 1, sizeof(**own));
		(*own)[(*nown)++] = t;
		cand_add(&l, &n, t);
	}
	*np = n;
	return l;
}

/*
 * Checks the value of source member k (pushed): the common keys by name,
 * the others by their kind in type st (NULL: an unknown type).
 */
static void
check_source_value(struct lctx *L, struct vctx *v,
    const struct policy_type *st, const char *k, json_t *val)
{
	const char	*ek;
	json_t		*ev;
	double		 d;

	if (strcmp(k, "timeout_s") == 0 || strcmp(k, "rate_limit_rps") == 0) {
		d = json_is_number(val) ? json_number_value(val) : 0;
		if (!json_is_number(val) || d <= 0)
			pol_perr(L, v, "'%s' must be a number greater than 0",
			    k);
	} else if (strcmp(k, "max_concurrency") == 0) {
		if (!json_is_integer(val) || json_integer_value(val) < 1 ||
		    json_integer_value(val) > 64)
			pol_perr(L, v, "'%s' must be an integer from 1 to 64",
			    k);
	} else if (strcmp(k, "endpoint") == 0) {
		check_url(L, v, k, val, 0);
	} else if (strcmp(k, "endpoints") == 0) {
		if (!json_is_object(val)) {
			pol_perr(L, v, "'endpoints' must be an object");
			return;
		}
		json_object_foreach(val, ek, ev) {
			pol_push_key(v, ek);
			if (st != NULL && !in_list(st->endpoint_keys, ek))
				unknown_key(L, v, ek, st->endpoint_keys,
				    list_len(st->endpoint_keys));
			else
				check_url(L, v, ek, ev, 0);
			pol_pop(v);
		}
	} else {
		switch (kind_of(st, k)) {
		case POLICY_URL:
			check_url(L, v, k, val, 0);
			break;
		case POLICY_BOOL:
			if (!json_is_boolean(val))
				pol_perr(L, v, "'%s' must be true or false", k);
			break;
		case POLICY_STRARRAY:
			if (!policy_is_strarray(val))
				pol_perr(L, v, "'%s' must be an array of "
				    "strings", k);
			break;
		case POLICY_STRING:
			if (!json_is_string(val))
				pol_perr(L, v, "'%s' must be a string", k);
			break;
		case POLICY_SECRET:	/* refused before */
		default:
			break;
		}
	}
}

static int
name_seen(char ***l, size_t *n, const char *name)
{
	size_t	 i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*l)[i], name) == 0)
			return 1;
	}
	*l = xreallocarray(*l, *n + 1, sizeof(**l));
	(*l)[(*n)++] = xstrdup(name);
	return 0;
}

static void
add_origin(struct lctx *L, struct vctx *v, json_t *obj)
{
	struct origin	*o;

	L->orig = xreallocarray(L->orig, L->norig + 1, sizeof(*L->orig));
	o = &L->orig[L->norig++];
	o->obj = obj;
	o->file = xstrdup(v->file);
	here(v, &o->line, &o->col);
}

const struct origin *
pol_find_origin(const struct lctx *L, const json_t *obj)
{
	size_t	 i;

	for (i = 0; i < L->norig; i++) {
		if (L->orig[i].obj == obj)
			return &L->orig[i];
	}
	return NULL;
}

static void
check_source(struct lctx *L, struct vctx *v, json_t *src)
{
	const struct policy_type	 *st = NULL;
	const char			**keys = NULL, **types = NULL;
	const char			 *name = NULL, *type = NULL, *k, *s;
	struct policy_source		  ps;
	json_t				 *jn, *jt, *val;
	char				**own = NULL;
	size_t				  nown = 0, nkeys = 0, ntypes = 0, i;
	size_t				  nd = L->d->n;

	if (!json_is_object(src)) {
		pol_perr(L, v, "a source must be an object");
		return;
	}
	add_origin(L, v, src);
	jn = json_object_get(src, "name");
	jt = json_object_get(src, "type");
	if (jn == NULL)
		pol_perr(L, v, "source is missing 'name'");
	else if (!json_is_string(jn) || *json_string_value(jn) == '\0')
		perr_key(L, v, "name", "'name' must be a non-empty string");
	else {
		name = json_string_value(jn);
		if (name_seen(&L->names, &L->nnames, name))
			perr_key(L, v, "name", "duplicate source name '%s'",
			    name);
	}
	if (jt == NULL && name != NULL)
		pol_perr(L, v, "source '%s' is missing 'type'", name);
	else if (jt == NULL)
		pol_perr(L, v, "source is missing 'type'");
	else if (!json_is_string(jt))
		perr_key(L, v, "type", "'type' must be a string");
	else if ((st = type_find(json_string_value(jt))) == NULL) {
		type = json_string_value(jt);
		for (i = 0; i < nsource_types; i++)
			cand_add(&types, &ntypes, source_types[i].name);
		if ((s = suggest(type, types, ntypes)) != NULL)
			perr_key(L, v, "type", "unknown source type '%s'; "
			    "did you mean '%s'?", type, s);
		else
			perr_key(L, v, "type", "unknown source type '%s'",
			    type);
		free(types);
	}
	if (st != NULL)
		keys = source_keys(st, &own, &nown, &nkeys);
	check_secret_keys(L, v, src, keys, nkeys, 0);
	json_object_foreach(src, k, val) {
		if (is_literal_secret(k, 0) || (keys != NULL &&
		    !in_list(keys, k)))
			continue;
		pol_push_key(v, k);
		check_source_value(L, v, st, k, val);
		if (name != NULL && has_suffix(k, "_env"))
			record(L, v, 1, "sources/%s/%s", name, k);
		pol_pop(v);
	}
	if (st != NULL && st->check != NULL && L->d->n == nd) {
		memset(&ps, 0, sizeof(ps));
		ps.name = (char *)name;
		ps.type = (char *)st->name;
		ps.obj = src;
		ps.file = (char *)v->file;
		here(v, &ps.line, &ps.col);
		st->check(&ps, L->d);
	}
	for (i = 0; i < nown; i++)
		free(own[i]);
	free(own);
	free(keys);
}

static void
check_state(struct lctx *L, struct vctx *v, json_t *state)
{
	json_t	*db;

	if (!json_is_object(state)) {
		pol_perr(L, v, "'state' must be an object");
		return;
	}
	check_keys(L, v, state, state_keys);
	if ((db = json_object_get(state, "db")) == NULL)
		return;
	if (!json_is_string(db) || *json_string_value(db) == '\0')
		perr_key(L, v, "db", "'db' must be a file name");
	else
		resolve_in_place(v, db);
}

/* Records where each element of rules.<key> (array a, or NULL) is. */
static void
record_elements(struct lctx *L, struct vctx *v, json_t *a, const char *key)
{
	size_t	 i;
	json_t	*e;

	pol_push_key(v, key);
	json_array_foreach(a, i, e) {
		pol_push_idx(v, i);
		record(L, v, 0, "rules/%s/%zu", key, i);
		pol_pop(v);
	}
	pol_pop(v);
}

static void
check_rules(struct lctx *L, struct vctx *v, json_t *rules)
{
	const char	*k;
	json_t		*val, *e;
	size_t		 i;

	if (!json_is_object(rules)) {
		pol_perr(L, v, "'rules' must be an object");
		return;
	}
	check_keys(L, v, rules, rules_keys);
	if ((val = json_object_get(rules, "paths")) != NULL) {
		if (!policy_is_strarray(val))
			perr_key(L, v, "paths", "'paths' must be an array of "
			    "strings");
		else {
			json_array_foreach(val, i, e)
				resolve_in_place(v, e);
		}
	}
	if ((val = json_object_get(rules, "enable")) != NULL &&
	    !policy_is_strarray(val))
		perr_key(L, v, "enable", "'enable' must be an array of rule "
		    "ids or globs");
	else
		record_elements(L, v, val, "enable");
	if ((val = json_object_get(rules, "disable")) != NULL &&
	    !policy_is_strarray(val))
		perr_key(L, v, "disable", "'disable' must be an array of rule "
		    "ids or globs");
	else
		record_elements(L, v, val, "disable");
	if ((val = json_object_get(rules, "builtin")) != NULL &&
	    !json_is_boolean(val))
		perr_key(L, v, "builtin", "'builtin' must be true or false");
	if ((val = json_object_get(rules, "severity")) == NULL)
		return;
	if (!json_is_object(val)) {
		perr_key(L, v, "severity", "'severity' must be an object of "
		    "rule id to severity");
		return;
	}
	pol_push_key(v, "severity");
	json_object_foreach(val, k, e) {
		pol_push_key(v, k);
		record(L, v, 0, "rules/severity/%s", k);
		pol_pop(v);
		if (json_is_string(e) &&
		    severity_parse(json_string_value(e)) >= 0)
			continue;
		pol_push_key(v, k);
		pol_perr(L, v, "invalid severity '%s' for rule '%s'; use info, "
		    "low, medium, high or critical",
		    json_is_string(e) ? json_string_value(e) : "?", k);
		pol_pop(v);
	}
	pol_pop(v);
}

/* Checks member key of obj, if present, is a non-empty string. */
static int
want_string(struct lctx *L, struct vctx *v, json_t *obj, const char *key,
    int required, const char *what)
{
	json_t	*val;

	if ((val = json_object_get(obj, key)) == NULL) {
		if (required)
			pol_perr(L, v, "%s is missing '%s'", what, key);
		return !required;
	}
	if (!json_is_string(val) || *json_string_value(val) == '\0') {
		perr_key(L, v, key, "'%s' must be a non-empty string", key);
		return 0;
	}
	return 1;
}

/*
 * The number of days of the month of ISO-8601 date s (YYYY-MM-DD...)
 * when its day is past the end of that month (2026-02-30), else 0.
 */
static int
impossible_day(const char *s)
{
	static const int	 days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			 y, m, d, n;

	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return 0;
	n = days[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		n = 29;
	return d > n ? n : 0;
}

static void
check_waiver(struct lctx *L, struct vctx *v, json_t *w)
{
	json_t		*ex;
	long long	 t;
	int		 mdays;

	if (!json_is_object(w)) {
		pol_perr(L, v, "a waiver must be an object");
		return;
	}
	add_origin(L, v, w);
	check_keys(L, v, w, waiver_keys);
	want_string(L, v, w, "rule", 1, "waiver");
	want_string(L, v, w, "resource", 1, "waiver");
	want_string(L, v, w, "reason", 1, "waiver");
	want_string(L, v, w, "approved_by", 1, "waiver");
	if ((ex = json_object_get(w, "expires")) == NULL)
		return;
	if (!json_is_string(ex) ||
	    iso8601_parse(json_string_value(ex), &t) != 0)
		perr_key(L, v, "expires", "invalid expiry '%s'; use YYYY-MM-DD "
		    "or an ISO-8601 date-time",
		    json_is_string(ex) ? json_string_value(ex) : "?");
	else if ((mdays = impossible_day(json_string_value(ex))) != 0)
		perr_key(L, v, "expires", "invalid expiry '%s': %.7s has only "
		    "%d days", json_string_value(ex), json_string_value(ex),
		    mdays);
}

static void
check_critical_value(struct lctx *L, struct vctx *v, json_t *cv)
{
	json_t	*n;

	if (!json_is_object(cv)) {
		pol_perr(L, v, "a critical value must be an object");
		return;
	}
	add_origin(L, v, cv);
	check_keys(L, v, cv, cv_keys);
	if ((n = json_object_get(cv, "name")) == NULL)
		pol_perr(L, v, "critical value is missing 'name'");
	else if (!json_is_string(n) || *json_string_value(n) == '\0')
		perr_key(L, v, "name", "'name' must be a non-empty string");
	else if (name_seen(&L->cvnames, &L->ncvnames, json_string_value(n)))
		perr_key(L, v, "name", "duplicate critical value name '%s'",
		    json_string_value(n));
	if ((n = json_object_get(cv, "public")) != NULL && !json_is_boolean(n))
		perr_key(L, v, "public", "'public' must be true or false");
}

/* Checks member key (pushed) is an array of objects; runs fn on each. */
static void
check_array(struct lctx *L, struct vctx *v, json_t *a, const char *key,
    void (*fn)(struct lctx *, struct vctx *, json_t *))
{
	json_t	*e;
	size_t	 i;

	if (!json_is_array(a)) {
		pol_perr(L, v, "'%s' must be an array", key);
		return;
	}
	json_array_foreach(a, i, e) {
		pol_push_idx(v, i);
		fn(L, v, e);
		pol_pop(v);
	}
}

/*
 * Checks obj.key, when present: an object ("'KEY' must be an object of
 * WHAT") of arrays of strings ("ELEM 'NAME' must be an array of strings"
 * at member NAME).
 */
static void
check_strarray_map(struct lctx *L, struct vctx *v, json_t *obj,
    const char *key, const char *what, const char *elem)
{
	const char	*k;
	json_t		*map, *val;

	if ((map = json_object_get(obj, key)) == NULL)
		return;
	pol_push_key(v, key);
	if (!json_is_object(map))
		pol_perr(L, v, "'%s' must be an object of %s", key, what);
	else {
		json_object_foreach(map, k, val) {
			if (policy_is_strarray(val))
				continue;
			pol_push_key(v, k);
			pol_perr(L, v, "%s '%s' must be an array of strings",
			    elem, k);
			pol_pop(v);
		}
	}
	pol_pop(v);
}

static void
check_expect(struct lctx *L, struct vctx *v, json_t *ex)
{

	if (!json_is_object(ex)) {
		pol_perr(L, v, "'expect' must be an object");
		return;
	}
	check_strarray_map(L, v, ex, "nameservers", "domain to array of names",
	    "nameservers of");
}

struct policy_check {
	struct lctx	*L;
	struct vctx	*v;
};

void
policy_check_error(struct policy_check *c, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (key != NULL)
		perr_key(c->L, c->v, key, "%s", m);
	else
		pol_perr(c->L, c->v, "%s", m);
	free(m);
}

/*
 * The keys of the "freeze" section: its own, with each type's between
 * "actions" and "credentials" (a new list of borrowed strings).
 */
static const char **
freeze_keys(void)
{
	const char		**l = NULL;
	const char *const	 *fk;
	size_t			  n = 0, i, j;

	cand_add(&l, &n, "break_glass");
	cand_add(&l, &n, "actions");
	for (i = 0; i < nsource_types; i++) {
		fk = source_types[i].freeze_keys;
		for (j = 0; fk != NULL && fk[j] != NULL; j++)
			cand_add(&l, &n, fk[j]);
	}
	cand_add(&l, &n, "credentials");
	return l;
}

static void
check_freeze(struct lctx *L, struct vctx *v, json_t *fz)
{
	struct policy_check	 c;
	const char		**keys, *k;
	json_t			 *val, *e;
	size_t			  i;

	if (!json_is_object(fz)) {
		pol_perr(L, v, "'freeze' must be an object");
		return;
	}
	keys = freeze_keys();
	check_keys(L, v, fz, keys);
	free(keys);
	check_strarray_map(L, v, fz, "break_glass",
	    "provider to array of principals", "break_glass");
	if ((val = json_object_get(fz, "actions")) != NULL &&
	    !policy_is_strarray(val))
		perr_key(L, v, "actions", "'actions' must be an array of "
		    "strings");
	c.L = L;
	c.v = v;
	for (i = 0; i < nsource_types; i++) {
		if (source_types[i].check_freeze != NULL)
			source_types[i].check_freeze(fz, &c);
	}
	if ((val = json_object_get(fz, "credentials")) == NULL)
		return;
	pol_push_key(v, "credentials");
	if (!json_is_object(val))
		pol_perr(L, v, "'credentials' must be an object of source name "
		    "to keys");
	else {
		json_object_foreach(val, k, e) {
			pol_push_key(v, k);
			if (!json_is_object(e))
				pol_perr(L, v, "credentials for '%s' must be "
				    "an object", k);
			else
				check_secret_keys(L, v, e, NULL, 0, 0);
			pol_pop(v);
		}
	}
	pol_pop(v);
}

static void
check_when_sev(struct lctx *L, struct vctx *v, json_t *obj)
{
	json_t	*val;

	if ((val = json_object_get(obj, "when")) != NULL &&
	    (!json_is_string(val) ||
	    !in_list(when_values, json_string_value(val))))
		perr_key(L, v, "when", "'when' must be always, findings or "
		    "changes");
	if ((val = json_object_get(obj, "min_severity")) != NULL &&
	    (!json_is_string(val) ||
	    severity_parse(json_string_value(val)) < 0))
		perr_key(L, v, "min_severity", "invalid severity for "
		    "'min_severity'; use info, low, medium, high or critical");
}

static void
check_webhook(struct lctx *L, struct vctx *v, json_t *w)
{
	json_t	*t;

	if (!json_is_object(w)) {
		pol_perr(L, v, "a webhook must be an object");
		return;
	}
	check_secret_keys(L, v, w, webhook_keys, list_len(webhook_keys), 1);
	if ((t = json_object_get(w, "type")) == NULL)
		pol_perr(L, v, "webhook is missing 'type'");
	else if (!json_is_string(t) ||
	    (strcmp(json_string_value(t), "slack") != 0 &&
	    strcmp(json_string_value(t), "discord") != 0))
		perr_key(L, v, "type", "webhook 'type' must be slack or "
		    "discord");
	if (json_object_get(w, "url_env") == NULL &&
	    json_object_get(w, "url_file") == NULL &&
	    json_object_get(w, "url") == NULL)
		pol_perr(L, v, "webhook needs 'url_env' or 'url_file'");
	if ((t = json_object_get(w, "deadline_s")) != NULL &&
	    (!json_is_number(t) || json_number_value(t) <= 0 ||
	    json_number_value(t) > 3600))
		perr_key(L, v, "deadline_s", "'deadline_s' must be a number "
		    "of seconds greater than 0 and at most 3600");
	check_when_sev(L, v, w);
}

static void
check_email(struct lctx *L, struct vctx *v, json_t *em)
{
	json_t	*val;
	char	*m;

	if (!json_is_object(em)) {
		pol_perr(L, v, "'email' must be an object");
		return;
	}
	check_secret_keys(L, v, em, email_keys, list_len(email_keys), 0);
	if ((val = json_object_get(em, "smtp_url")) != NULL) {
		pol_push_key(v, "smtp_url");
		if (!json_is_string(val))
			pol_perr(L, v, "'smtp_url' must be a URL");
		else if ((m = url_problem(json_string_value(val), 1)) !=
		    NULL) {
			pol_perr(L, v, "%s", m);
			free(m);
		}
		pol_pop(v);
	}
	want_string(L, v, em, "from", 0, "email");
	if ((val = json_object_get(em, "to")) != NULL &&
	    !policy_is_strarray(val))
		perr_key(L, v, "to", "'to' must be an array of addresses");
	if ((val = json_object_get(em, "attach_report")) != NULL &&
	    !json_is_boolean(val))
		perr_key(L, v, "attach_report", "'attach_report' must be true "
		    "or false");
	check_when_sev(L, v, em);
}

static void
check_notify(struct lctx *L, struct vctx *v, json_t *nt)
{
	json_t	*val;

	if (!json_is_object(nt)) {
		pol_perr(L, v, "'notify' must be an object");
		return;
	}
	check_keys(L, v, nt, notify_keys);
	if ((val = json_object_get(nt, "email")) != NULL) {
		pol_push_key(v, "email");
		check_email(L, v, val);
		pol_pop(v);
	}
	if ((val = json_object_get(nt, "webhooks")) != NULL) {
		pol_push_key(v, "webhooks");
		check_array(L, v, val, "webhooks", check_webhook);
		pol_pop(v);
	}
}

/* Checks one file's document (an object); "include" was handled. */
void
pol_check_doc(struct lctx *L, struct vctx *v, json_t *root)
{
	const char	*k;
	json_t		*val, *e;

	check_keys(L, v, root, top_keys);
	if ((val = json_object_get(root, "organization")) != NULL &&
	    (!json_is_string(val) || *json_string_value(val) == '\0'))
		perr_key(L, v, "organization", "'organization' must be a "
		    "non-empty string");
	if ((val = json_object_get(root, "state")) != NULL) {
		pol_push_key(v, "state");
		check_state(L, v, val);
		pol_pop(v);
	}
	if ((val = json_object_get(root, "sources")) != NULL) {
		pol_push_key(v, "sources");
		check_array(L, v, val, "sources", check_source);
		pol_pop(v);
	}
	if ((val = json_object_get(root, "rules")) != NULL) {
		pol_push_key(v, "rules");
		check_rules(L, v, val);
		pol_pop(v);
	}
	if ((val = json_object_get(root, "parameters")) != NULL &&
	    !json_is_object(val))
		perr_key(L, v, "parameters", "'parameters' must be an object");
	else if (val != NULL) {
		pol_push_key(v, "parameters");
		json_object_foreach(val, k, e) {
			pol_push_key(v, k);
			record(L, v, 1, "parameters/%s", k);
			pol_pop(v);
		}
		pol_pop(v);
	}
	if ((val = json_object_get(root, "waivers")) != NULL) {
		pol_push_key(v, "waivers");
		check_array(L, v, val, "waivers", check_waiver);
		pol_pop(v);
	}
	if ((val = json_object_get(root, "critical_values")) != NULL) {
		pol_push_key(v, "critical_values");
		check_array(L, v, val, "critical_values",
		    check_critical_value);
		pol_pop(v);
	}
	if ((val = json_object_get(root, "expect")) != NULL) {
		pol_push_key(v, "expect");
		check_expect(L, v, val);
		pol_pop(v);
	}
	if ((val = json_object_get(root, "freeze")) != NULL) {
		pol_push_key(v, "freeze");
		check_freeze(L, v, val);
		pol_pop(v);
	}
	if ((val = json_object_get(root, "notify")) != NULL) {
		pol_push_key(v, "notify");
		check_notify(L, v, val);
		pol_pop(v);
	}
}

void
policy_env_warnings(const struct policy *p, struct diags *w)
{
	const struct policy_source	*ps;
	const char			*k, *var, *val, *file;
	json_t				*jv;
	char				*where;
	size_t				 i;
	int				 line, col;

	for (i = 0; i < p->nsources; i++) {
		ps = &p->sources[i];
		if (ps->name == NULL || !json_is_object(ps->obj))
			continue;
		json_object_foreach(ps->obj, k, jv) {
			if (!has_suffix(k, "_env") || !json_is_string(jv))
				continue;
			var = json_string_value(jv);
			if ((val = getenv(var)) != NULL && *val != '\0')
				continue;
			where = xasprintf("sources/%s/%s", ps->name, k);
			policy_where(p, where, &file, &line, &col);
			free(where);
			diags_add(w, file, line, col, "warning: source '%s': "
			    "'%s' names the environment variable %s, which is "
			    "%s", ps->name, k, var, val == NULL ? "not set" :
			    "empty");
		}
	}
}
