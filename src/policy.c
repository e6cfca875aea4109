/*
 * policy.c: loads and checks the policy file (SPEC section 4).
 *
 * jansson parses each file; a small scanner (locate()) walks the same
 * text only to find the line and column of a key or array element named
 * by a path, since jansson keeps no positions for values.  Every file is
 * checked on its own (so an error names the file that holds it), then
 * the files are merged: included files first, the including file's values
 * overriding them (objects merged key by key; the top-level "sources",
 * "waivers" and "critical_values" arrays concatenated; other values
 * replaced).  Relative paths (state.db, rules.paths, *_file) are rewritten
 * relative to the file that names them before the merge.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "diag.h"
#include "log.h"
#include "policy.h"
#include "source.h"
#include "url.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define POLICY_MAX_SIZE		(16UL * 1024 * 1024)
#define SECRET_MAX_SIZE		(1024UL * 1024)
#define PATH_DEPTH		16
#define INCLUDE_DEPTH		32

/* One step of a path into a document: an object key or an array index. */
struct pelem {
	const char	*key;		/* NULL: array element idx */
	size_t		 idx;
};

/* Checking one file. */
struct vctx {
	const char	*file;
	const char	*text;
	size_t		 len;
	struct pelem	 path[PATH_DEPTH];
	int		 depth;
};

/* Where an array element (source, waiver) was defined. */
struct origin {
	json_t		*obj;
	char		*file;
	int		 line, col;
};

/* Loading the whole policy. */
struct lctx {
	struct diags	*d;
	struct buf	 text;		/* all files, in load order */
	char		**stack;	/* real paths being loaded */
	size_t		 nstack;
	char		**done;		/* real paths loaded */
	size_t		 ndone;
	struct origin	*orig;
	size_t		 norig;
	char		**names;	/* source names seen */
	size_t		 nnames;
	char		**cvnames;	/* critical value names seen */
	size_t		 ncvnames;
	json_t		*where;		/* see policy_where() */
};

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
static const char *const freeze_keys[] = {
	"break_glass", "actions", "aws_denied_actions", "credentials", NULL
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
/* Keys that must hold a literal secret: never allowed. */
static const char *const secret_keys[] = {
	"password", "token", "secret_access_key", "api_token", "bot_token",
	"admin_api_key", "secret", NULL
};
/* Source keys (SPEC section 4) whose value is a plain string. */
static const char *const string_keys[] = {
	"region", "assume_role_arn", "account_id", "nameserver", "subject",
	"customer", "org_id", "email", "guild_id", "uri", "base_dn", "bind_dn",
	"user_filter", "group_filter", NULL
};
static const char *const strarray_keys[] = {
	"domains", "zones", "names", NULL
};
static const char *const when_values[] = {
	"always", "findings", "changes", NULL
};

static int	 load_file(struct lctx *, const char *, const char *,
		    struct vctx *, json_t **);

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

/*
 * The position scanner.  Columns count characters (not UTF-8 continuation
 * bytes), as jansson does.
 */
struct scan {
	const char	*p, *end;
	int		 line, col;
};

static void
sc_adv(struct scan *s)
{
	if (s->p >= s->end)
		return;
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else if (((unsigned char)*s->p & 0xc0) != 0x80)
		s->col++;
	s->p++;
}

static void
sc_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		sc_adv(s);
}

static void
put_utf8(struct buf *b, unsigned long cp)
{
	unsigned char	 u[4];
	size_t		 n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	buf_append(b, u, n);
}

/* Reads 4 hex digits after "\u"; -1 if malformed. */
static long
sc_hex4(struct scan *s)
{
	long	 v = 0;
	int	 i, h;

	for (i = 0; i < 4; i++) {
		if (s->p >= s->end || (h = hex_value(*s->p)) < 0)
			return -1;
		v = v * 16 + h;
		sc_adv(s);
	}
	return v;
}

/* Scans a string at s->p, decoding it into out if not NULL. */
static int
sc_string(struct scan *s, struct buf *out)
{
	long	 cp, lo;
	char	 c;

	if (s->p >= s->end || *s->p != '"')
		return -1;
	sc_adv(s);
	while (s->p < s->end) {
		c = *s->p;
		if (c == '"') {
			sc_adv(s);
			return 0;
		}
		if (c != '\\') {
			if (out != NULL)
				buf_append(out, &c, 1);
			sc_adv(s);
			continue;
		}
		sc_adv(s);
		if (s->p >= s->end)
			return -1;
		c = *s->p;
		sc_adv(s);
		switch (c) {
		case 'b':	c = '\b'; break;
		case 'f':	c = '\f'; break;
		case 'n':	c = '\n'; break;
		case 'r':	c = '\r'; break;
		case 't':	c = '\t'; break;
		case 'u':
			if ((cp = sc_hex4(s)) < 0)
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 &&
			    s->p[0] == '\\' && s->p[1] == 'u') {
				sc_adv(s);
				sc_adv(s);
				if ((lo = sc_hex4(s)) < 0)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (out != NULL)
				put_utf8(out, (unsigned long)cp);
			continue;
		default:
			break;
		}
		if (out != NULL)
			buf_append(out, &c, 1);
	}
	return -1;
}

/* Skips one value of any kind. */
static int
sc_skip(struct scan *s)
{
	int	 depth = 0;

	if (s->p >= s->end)
		return -1;
	if (*s->p == '"')
		return sc_string(s, NULL);
	if (*s->p != '{' && *s->p != '[') {
		while (s->p < s->end && strchr(",]} \t\r\n", *s->p) == NULL)
			sc_adv(s);
		return 0;
	}
	while (s->p < s->end) {
		if (*s->p == '"') {
			if (sc_string(s, NULL) != 0)
				return -1;
			continue;
		}
		if (*s->p == '{' || *s->p == '[')
			depth++;
		else if (*s->p == '}' || *s->p == ']')
			depth--;
		sc_adv(s);
		if (depth == 0)
			return 0;
	}
	return -1;
}

/*
 * Finds the position of the member or element named by path: for an
 * object member, the opening quote of its key; for an array element, its
 * first character.  If the path cannot be followed, the position of the
 * deepest step found.
 */
static void
locate(const char *text, size_t len, const struct pelem *path, int n,
    int value, int *line, int *col)
{
	struct scan	 s;
	struct buf	 k;
	size_t		 j;
	int		 i, found, kl, kc;

	buf_init(&k, 0);
	s.p = text;
	s.end = text + len;
	s.line = s.col = 1;
	sc_ws(&s);
	*line = s.line;
	*col = s.col;
	for (i = 0; i < n; i++) {
		found = 0;
		if (path[i].key != NULL) {
			if (s.p >= s.end || *s.p != '{')
				break;
			sc_adv(&s);
			for (;;) {
				sc_ws(&s);
				if (s.p >= s.end || *s.p != '"')
					break;
				kl = s.line;
				kc = s.col;
				buf_reset(&k);
				if (sc_string(&s, &k) != 0)
					break;
				sc_ws(&s);
				if (s.p < s.end && *s.p == ':')
					sc_adv(&s);
				sc_ws(&s);
				if (k.len == strlen(path[i].key) &&
				    memcmp(k.data, path[i].key, k.len) == 0) {
					*line = kl;
					*col = kc;
					if (value && i == n - 1) {
						*line = s.line;
						*col = s.col;
					}
					found = 1;
					break;
				}
				if (sc_skip(&s) != 0)
					break;
				sc_ws(&s);
				if (s.p < s.end && *s.p == ',')
					sc_adv(&s);
			}
		} else {
			if (s.p >= s.end || *s.p != '[')
				break;
			sc_adv(&s);
			for (j = 0;; j++) {
				sc_ws(&s);
				if (s.p >= s.end || *s.p == ']')
					break;
				if (j == path[i].idx) {
					*line = s.line;
					*col = s.col;
					found = 1;
					break;
				}
				if (sc_skip(&s) != 0)
					break;
				sc_ws(&s);
				if (s.p < s.end && *s.p == ',')
					sc_adv(&s);
			}
		}
		if (!found)
			break;
	}
	buf_release(&k);
}

static void
push_key(struct vctx *v, const char *key)
{
	if (v->depth < PATH_DEPTH) {
		v->path[v->depth].key = key;
		v->path[v->depth].idx = 0;
	}
	v->depth++;
}

static void
push_idx(struct vctx *v, size_t idx)
{
	if (v->depth < PATH_DEPTH) {
		v->path[v->depth].key = NULL;
		v->path[v->depth].idx = idx;
	}
	v->depth++;
}

static void
pop(struct vctx *v)
{
	v->depth--;
}

static void
here(struct vctx *v, int *line, int *col)
{
	locate(v->text, v->len, v->path,
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
	locate(v->text, v->len, v->path,
	    v->depth < PATH_DEPTH ? v->depth : PATH_DEPTH, value, &line, &col);
	if (L->where == NULL)
		L->where = json_object();
	json_object_set_new(L->where, name, json_pack("[s,i,i]", v->file,
	    line, col));
	free(name);
}

/* Adds a diagnostic at the current path. */
static void __attribute__((format(printf, 3, 4)))
perr(struct lctx *L, struct vctx *v, const char *fmt, ...)
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
	push_key(v, key);
	here(v, &line, &col);
	pop(v);
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
		perr(L, v, "unknown key '%s'; did you mean '%s'?", key, s);
	else
		perr(L, v, "unknown key '%s'", key);
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
		push_key(v, k);
		unknown_key(L, v, k, known, list_len(known));
		pop(v);
		ok = 0;
	}
	return ok;
}

/* Path rel resolved relative to the directory of file. */
static char *
rel_path(const char *file, const char *rel)
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

	p = rel_path(v->file, json_string_value(s));
	json_string_set(s, p);
	free(p);
}

static int
is_strarray(json_t *a)
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
		perr(L, v, "'%s' must be a URL string", k);
		return;
	}
	if ((m = url_problem(json_string_value(val), smtp)) != NULL) {
		perr(L, v, "%s", m);
		free(m);
	}
}

static int
is_literal_secret(const char *k, int webhook)
{
	return in_list(secret_keys, k) || (webhook && strcmp(k, "url") == 0);
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
			perr(L, v, "'%s' must name an environment variable", k);
		return;
	}
	if (!has_suffix(k, "_file"))
		return;
	n = strlen(k) - strlen("_file");
	base = xasprintf("%.*s_env", (int)n, k);
	twin = json_object_get(obj, base);
	if (twin != NULL)
		perr(L, v, "both '%s' and '%s' are set; use one", base, k);
	free(base);
	if (!json_is_string(val) || *json_string_value(val) == '\0') {
		perr(L, v, "'%s' must be a file name", k);
		return;
	}
	path = rel_path(v->file, json_string_value(val));
	if (stat(path, &st) != 0) {
		if (errno == ENOENT && strcmp(k, "ca_file") == 0)
			perr(L, v, "ca_file '%s' does not exist",
			    json_string_value(val));
		else if (errno == ENOENT)
			perr(L, v, "secret file '%s' does not exist",
			    json_string_value(val));
		else
			perr(L, v, "cannot stat '%s': %s",
			    json_string_value(val), strerror(errno));
	} else if (strcmp(k, "ca_file") != 0 && (st.st_mode & 077) != 0)
		perr(L, v, "secret file '%s' is readable by group or others "
		    "(mode %04o); chmod 600 it", json_string_value(val),
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
		push_key(v, k);
		if (is_literal_secret(k, webhook))
			perr(L, v, "literal secret '%s' is not allowed; use "
			    "'%s_env' (or '%s_file')", k, k, k);
		else if (known != NULL && !in_list(known, k))
			unknown_key(L, v, k, known, nknown);
		else
			check_secret_value(L, v, obj, k, val);
		pop(v);
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
source_keys(const struct source_type *st, char ***own, size_t *nown,
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

/* Checks the value of source member k (pushed), by key name. */
static void
check_source_value(struct lctx *L, struct vctx *v,
    const struct source_type *st, const char *k, json_t *val)
{
	const char	*ek;
	json_t		*ev;
	double		 d;

	if (strcmp(k, "timeout_s") == 0 || strcmp(k, "rate_limit_rps") == 0) {
		d = json_is_number(val) ? json_number_value(val) : 0;
		if (!json_is_number(val) || d <= 0)
			perr(L, v, "'%s' must be a number greater than 0", k);
	} else if (strcmp(k, "max_concurrency") == 0) {
		if (!json_is_integer(val) || json_integer_value(val) < 1 ||
		    json_integer_value(val) > 64)
			perr(L, v, "'%s' must be an integer from 1 to 64", k);
	} else if (strcmp(k, "endpoint") == 0 || strcmp(k, "site") == 0) {
		check_url(L, v, k, val, 0);
	} else if (strcmp(k, "endpoints") == 0) {
		if (!json_is_object(val)) {
			perr(L, v, "'endpoints' must be an object");
			return;
		}
		json_object_foreach(val, ek, ev) {
			push_key(v, ek);
			if (st != NULL && !in_list(st->endpoint_keys, ek))
				unknown_key(L, v, ek, st->endpoint_keys,
				    list_len(st->endpoint_keys));
			else
				check_url(L, v, ek, ev, 0);
			pop(v);
		}
	} else if (strcmp(k, "starttls") == 0) {
		if (!json_is_boolean(val))
			perr(L, v, "'%s' must be true or false", k);
	} else if (in_list(strarray_keys, k)) {
		if (!is_strarray(val))
			perr(L, v, "'%s' must be an array of strings", k);
	} else if (in_list(string_keys, k)) {
		if (!json_is_string(val))
			perr(L, v, "'%s' must be a string", k);
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

static const struct origin *
find_origin(const struct lctx *L, const json_t *obj)
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
	const struct source_type	 *st = NULL;
	const char			**keys = NULL, **types = NULL;
	const char			 *name = NULL, *type = NULL, *k, *s;
	struct policy_source		  ps;
	json_t				 *jn, *jt, *val;
	char				**own = NULL;
	size_t				  nown = 0, nkeys = 0, ntypes = 0, i;
	size_t				  nd = L->d->n;

	if (!json_is_object(src)) {
		perr(L, v, "a source must be an object");
		return;
	}
	add_origin(L, v, src);
	jn = json_object_get(src, "name");
	jt = json_object_get(src, "type");
	if (jn == NULL)
		perr(L, v, "source is missing 'name'");
	else if (!json_is_string(jn) || *json_string_value(jn) == '\0')
		perr_key(L, v, "name", "'name' must be a non-empty string");
	else {
		name = json_string_value(jn);
		if (name_seen(&L->names, &L->nnames, name))
			perr_key(L, v, "name", "duplicate source name '%s'",
			    name);
	}
	if (jt == NULL && name != NULL)
		perr(L, v, "source '%s' is missing 'type'", name);
	else if (jt == NULL)
		perr(L, v, "source is missing 'type'");
	else if (!json_is_string(jt))
		perr_key(L, v, "type", "'type' must be a string");
	else if ((st = source_type_find(json_string_value(jt))) == NULL) {
		type = json_string_value(jt);
		for (i = 0; source_types[i] != NULL; i++)
			cand_add(&types, &ntypes, source_types[i]->name);
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
		push_key(v, k);
		check_source_value(L, v, st, k, val);
		if (name != NULL && has_suffix(k, "_env"))
			record(L, v, 1, "sources/%s/%s", name, k);
		pop(v);
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
		perr(L, v, "'state' must be an object");
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

	push_key(v, key);
	json_array_foreach(a, i, e) {
		push_idx(v, i);
		record(L, v, 0, "rules/%s/%zu", key, i);
		pop(v);
	}
	pop(v);
}

static void
check_rules(struct lctx *L, struct vctx *v, json_t *rules)
{
	const char	*k;
	json_t		*val, *e;
	size_t		 i;

	if (!json_is_object(rules)) {
		perr(L, v, "'rules' must be an object");
		return;
	}
	check_keys(L, v, rules, rules_keys);
	if ((val = json_object_get(rules, "paths")) != NULL) {
		if (!is_strarray(val))
			perr_key(L, v, "paths", "'paths' must be an array of "
			    "strings");
		else {
			json_array_foreach(val, i, e)
				resolve_in_place(v, e);
		}
	}
	if ((val = json_object_get(rules, "enable")) != NULL &&
	    !is_strarray(val))
		perr_key(L, v, "enable", "'enable' must be an array of rule "
		    "ids or globs");
	else
		record_elements(L, v, val, "enable");
	if ((val = json_object_get(rules, "disable")) != NULL &&
	    !is_strarray(val))
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
	push_key(v, "severity");
	json_object_foreach(val, k, e) {
		push_key(v, k);
		record(L, v, 0, "rules/severity/%s", k);
		pop(v);
		if (json_is_string(e) &&
		    severity_parse(json_string_value(e)) >= 0)
			continue;
		push_key(v, k);
		perr(L, v, "invalid severity '%s' for rule '%s'; use info, "
		    "low, medium, high or critical",
		    json_is_string(e) ? json_string_value(e) : "?", k);
		pop(v);
	}
	pop(v);
}

/* Checks member key of obj, if present, is a non-empty string. */
static int
want_string(struct lctx *L, struct vctx *v, json_t *obj, const char *key,
    int required, const char *what)
{
	json_t	*val;

	if ((val = json_object_get(obj, key)) == NULL) {
		if (required)
			perr(L, v, "%s is missing '%s'", what, key);
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
		perr(L, v, "a waiver must be an object");
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
		perr(L, v, "a critical value must be an object");
		return;
	}
	add_origin(L, v, cv);
	check_keys(L, v, cv, cv_keys);
	if ((n = json_object_get(cv, "name")) == NULL)
		perr(L, v, "critical value is missing 'name'");
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
		perr(L, v, "'%s' must be an array", key);
		return;
	}
	json_array_foreach(a, i, e) {
		push_idx(v, i);
		fn(L, v, e);
		pop(v);
	}
}

static void
check_expect(struct lctx *L, struct vctx *v, json_t *ex)
{
	const char	*k;
	json_t		*ns, *val;

	if (!json_is_object(ex)) {
		perr(L, v, "'expect' must be an object");
		return;
	}
	if ((ns = json_object_get(ex, "nameservers")) == NULL)
		return;
	push_key(v, "nameservers");
	if (!json_is_object(ns))
		perr(L, v, "'nameservers' must be an object of domain to "
		    "array of names");
	else {
		json_object_foreach(ns, k, val) {
			if (is_strarray(val))
				continue;
			push_key(v, k);
			perr(L, v, "nameservers of '%s' must be an array of "
			    "strings", k);
			pop(v);
		}
	}
	pop(v);
}

static void
check_freeze(struct lctx *L, struct vctx *v, json_t *fz)
{
	const char	*k;
	json_t		*val, *e;

	if (!json_is_object(fz)) {
		perr(L, v, "'freeze' must be an object");
		return;
	}
	check_keys(L, v, fz, freeze_keys);
	if ((val = json_object_get(fz, "break_glass")) != NULL) {
		push_key(v, "break_glass");
		if (!json_is_object(val))
			perr(L, v, "'break_glass' must be an object of "
			    "provider to array of principals");
		else {
			json_object_foreach(val, k, e) {
				if (is_strarray(e))
					continue;
				push_key(v, k);
				perr(L, v, "break_glass '%s' must be an array "
				    "of strings", k);
				pop(v);
			}
		}
		pop(v);
	}
	if ((val = json_object_get(fz, "actions")) != NULL &&
	    !is_strarray(val))
		perr_key(L, v, "actions", "'actions' must be an array of "
		    "strings");
	if ((val = json_object_get(fz, "aws_denied_actions")) != NULL &&
	    !is_strarray(val))
		perr_key(L, v, "aws_denied_actions", "'aws_denied_actions' "
		    "must be an array of strings");
	if ((val = json_object_get(fz, "credentials")) == NULL)
		return;
	push_key(v, "credentials");
	if (!json_is_object(val))
		perr(L, v, "'credentials' must be an object of source name "
		    "to keys");
	else {
		json_object_foreach(val, k, e) {
			push_key(v, k);
			if (!json_is_object(e))
				perr(L, v, "credentials for '%s' must be an "
				    "object", k);
			else
				check_secret_keys(L, v, e, NULL, 0, 0);
			pop(v);
		}
	}
	pop(v);
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
		perr(L, v, "a webhook must be an object");
		return;
	}
	check_secret_keys(L, v, w, webhook_keys, list_len(webhook_keys), 1);
	if ((t = json_object_get(w, "type")) == NULL)
		perr(L, v, "webhook is missing 'type'");
	else if (!json_is_string(t) ||
	    (strcmp(json_string_value(t), "slack") != 0 &&
	    strcmp(json_string_value(t), "discord") != 0))
		perr_key(L, v, "type", "webhook 'type' must be slack or "
		    "discord");
	if (json_object_get(w, "url_env") == NULL &&
	    json_object_get(w, "url_file") == NULL &&
	    json_object_get(w, "url") == NULL)
		perr(L, v, "webhook needs 'url_env' or 'url_file'");
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
		perr(L, v, "'email' must be an object");
		return;
	}
	check_secret_keys(L, v, em, email_keys, list_len(email_keys), 0);
	if ((val = json_object_get(em, "smtp_url")) != NULL) {
		push_key(v, "smtp_url");
		if (!json_is_string(val))
			perr(L, v, "'smtp_url' must be a URL");
		else if ((m = url_problem(json_string_value(val), 1)) !=
		    NULL) {
			perr(L, v, "%s", m);
			free(m);
		}
		pop(v);
	}
	want_string(L, v, em, "from", 0, "email");
	if ((val = json_object_get(em, "to")) != NULL && !is_strarray(val))
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
		perr(L, v, "'notify' must be an object");
		return;
	}
	check_keys(L, v, nt, notify_keys);
	if ((val = json_object_get(nt, "email")) != NULL) {
		push_key(v, "email");
		check_email(L, v, val);
		pop(v);
	}
	if ((val = json_object_get(nt, "webhooks")) != NULL) {
		push_key(v, "webhooks");
		check_array(L, v, val, "webhooks", check_webhook);
		pop(v);
	}
}

/* Checks one file's document (an object); "include" was handled. */
static void
check_doc(struct lctx *L, struct vctx *v, json_t *root)
{
	const char	*k;
	json_t		*val, *e;

	check_keys(L, v, root, top_keys);
	if ((val = json_object_get(root, "organization")) != NULL &&
	    (!json_is_string(val) || *json_string_value(val) == '\0'))
		perr_key(L, v, "organization", "'organization' must be a "
		    "non-empty string");
	if ((val = json_object_get(root, "state")) != NULL) {
		push_key(v, "state");
		check_state(L, v, val);
		pop(v);
	}
	if ((val = json_object_get(root, "sources")) != NULL) {
		push_key(v, "sources");
		check_array(L, v, val, "sources", check_source);
		pop(v);
	}
	if ((val = json_object_get(root, "rules")) != NULL) {
		push_key(v, "rules");
		check_rules(L, v, val);
		pop(v);
	}
	if ((val = json_object_get(root, "parameters")) != NULL &&
	    !json_is_object(val))
		perr_key(L, v, "parameters", "'parameters' must be an object");
	else if (val != NULL) {
		push_key(v, "parameters");
		json_object_foreach(val, k, e) {
			push_key(v, k);
			record(L, v, 1, "parameters/%s", k);
			pop(v);
		}
		pop(v);
	}
	if ((val = json_object_get(root, "waivers")) != NULL) {
		push_key(v, "waivers");
		check_array(L, v, val, "waivers", check_waiver);
		pop(v);
	}
	if ((val = json_object_get(root, "critical_values")) != NULL) {
		push_key(v, "critical_values");
		check_array(L, v, val, "critical_values",
		    check_critical_value);
		pop(v);
	}
	if ((val = json_object_get(root, "expect")) != NULL) {
		push_key(v, "expect");
		check_expect(L, v, val);
		pop(v);
	}
	if ((val = json_object_get(root, "freeze")) != NULL) {
		push_key(v, "freeze");
		check_freeze(L, v, val);
		pop(v);
	}
	if ((val = json_object_get(root, "notify")) != NULL) {
		push_key(v, "notify");
		check_notify(L, v, val);
		pop(v);
	}
}

static int
is_concat_key(const char *k)
{
	return strcmp(k, "sources") == 0 || strcmp(k, "waivers") == 0 ||
	    strcmp(k, "critical_values") == 0;
}

/* Merges src over dst (see the comment at the top). */
static void
merge(json_t *dst, json_t *src, int top)
{
	const char	*k;
	json_t		*sv, *dv;

	json_object_foreach(src, k, sv) {
		dv = json_object_get(dst, k);
		if (top && is_concat_key(k) && json_is_array(dv) &&
		    json_is_array(sv))
			json_array_extend(dv, sv);
		else if (json_is_object(dv) && json_is_object(sv))
			merge(dv, sv, 0);
		else
			json_object_set(dst, k, sv);
	}
}

/* Loads the file named by include value e (pushed in v) into merged. */
static void
load_include(struct lctx *L, struct vctx *v, json_t *e, json_t *merged)
{
	json_t	*sub = NULL;
	char	*p;

	if (!json_is_string(e) || *json_string_value(e) == '\0') {
		perr(L, v, "'include' must be a file name or an array of "
		    "file names");
		return;
	}
	p = rel_path(v->file, json_string_value(e));
	if (load_file(L, p, json_string_value(e), v, &sub) == 0 &&
	    sub != NULL)
		merge(merged, sub, 1);
	json_decref(sub);
	free(p);
}

static int
str_in(char **l, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(l[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Adds a diagnostic at the include that named a file, or at the file. */
static void __attribute__((format(printf, 4, 5)))
ferr(struct lctx *L, struct vctx *from, const char *path, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (from != NULL)
		perr(L, from, "%s", m);
	else
		diags_add(L->d, path, 0, 0, "%s", m);
	free(m);
}

/*
 * JSON has no comments, but a policy written by hand often has some:
 * each // or /-star comment outside a string is an error at its position,
 * and is blanked (newlines kept, so positions stay) so that the rest of
 * the file is still checked in the same pass.
 */
static void
blank_comments(struct lctx *L, const char *path, struct buf *b)
{
	char	*p = b->data, *end = b->data + b->len;
	int	 line = 1, col = 1, instr = 0, block;

	while (p < end) {
		if (instr) {
			if (*p == '\\' && p + 1 < end) {
				p++;
				col++;
			} else if (*p == '"')
				instr = 0;
		} else if (*p == '"')
			instr = 1;
		else if (*p == '/' && p + 1 < end &&
		    (p[1] == '/' || p[1] == '*')) {
			block = p[1] == '*';
			diags_add(L->d, path, line, col, "JSON has no comments; "
			    "remove this %s comment", block ? "/* */" : "//");
			p[0] = p[1] = ' ';
			p += 2;
			col += 2;
			while (p < end) {
				if (block && *p == '*' && p + 1 < end &&
				    p[1] == '/') {
					p[0] = p[1] = ' ';
					p += 2;
					col += 2;
					break;
				}
				if (*p == '\n') {
					if (!block)
						break;
					line++;
					col = 1;
					p++;
					continue;
				}
				if (((unsigned char)*p & 0xc0) != 0x80)
					col++;
				*p++ = ' ';
			}
			continue;
		}
		if (*p == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80)
			col++;
		p++;
	}
}

/*
 * Loads, checks and merges path and its includes into *out (a new
 * reference, or NULL when the file was already loaded).  from is the
 * including file, positioned at the include, or NULL; shown is the name
 * as written there.
 */
static int
load_file(struct lctx *L, const char *path, const char *shown,
    struct vctx *from, json_t **out)
{
	struct vctx	 v;
	struct buf	 b;
	json_error_t	 err;
	json_t		*root = NULL, *merged = NULL, *inc, *e;
	char		*rp;
	size_t		 i;
	int		 r = VGL_ERR_POLICY;

	*out = NULL;
	buf_init(&b, POLICY_MAX_SIZE);
	if ((rp = realpath(path, NULL)) == NULL) {
		ferr(L, from, path, "cannot open '%s': %s", shown,
		    strerror(errno));
		goto out;
	}
	if (str_in(L->stack, L->nstack, rp)) {
		ferr(L, from, path, "include cycle: '%s' is already being "
		    "loaded", shown);
		goto out;
	}
	if (str_in(L->done, L->ndone, rp)) {
		r = 0;
		goto out;
	}
	if (L->nstack >= INCLUDE_DEPTH) {
		ferr(L, from, path, "includes nested too deeply");
		goto out;
	}
	if (buf_read_file(&b, path) != 0) {
		ferr(L, from, path, "cannot read '%s': %s", shown,
		    errno != 0 ? strerror(errno) : "too large");
		goto out;
	}
	log_debug("policy: loading %s", path);
	L->stack = xreallocarray(L->stack, L->nstack + 1, sizeof(*L->stack));
	L->stack[L->nstack++] = rp;
	rp = NULL;

	blank_comments(L, path, &b);
	root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		diags_add(L->d, path, err.line, err.column, "%s", err.text);
		goto popout;
	}
	memset(&v, 0, sizeof(v));
	v.file = path;
	v.text = b.data;
	v.len = b.len;
	if (!json_is_object(root)) {
		perr(L, &v, "a policy must be a JSON object");
		goto popout;
	}

	merged = json_object();
	if ((inc = json_object_get(root, "include")) != NULL) {
		push_key(&v, "include");
		if (json_is_array(inc)) {
			json_array_foreach(inc, i, e) {
				push_idx(&v, i);
				load_include(L, &v, e, merged);
				pop(&v);
			}
		} else
			load_include(L, &v, inc, merged);
		pop(&v);
		json_object_del(root, "include");
	}
	check_doc(L, &v, root);
	buf_append(&L->text, b.data, b.len);
	merge(merged, root, 1);
	*out = merged;
	merged = NULL;
	r = 0;
 popout:
	L->nstack--;
	L->done = xreallocarray(L->done, L->ndone + 1, sizeof(*L->done));
	L->done[L->ndone++] = L->stack[L->nstack];
 out:
	free(rp);
	json_decref(root);
	json_decref(merged);
	buf_release(&b);
	return r;
}

static char *
dup_str(json_t *obj, const char *key)
{
	json_t	*v;

	v = json_object_get(obj, key);
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* Fills p from the merged, checked document. */
static void
build(struct lctx *L, struct policy *p)
{
	const struct origin	*o;
	struct policy_source	*ps;
	struct waiver		*w;
	json_t			*root = p->root, *a, *e, *rules, *st;
	size_t			 i;

	p->organization = dup_str(root, "organization");
	if (p->organization == NULL)
		p->organization = xstrdup("vigil");
	if ((st = json_object_get(root, "state")) != NULL)
		p->db = dup_str(st, "db");

	if ((a = json_object_get(root, "sources")) != NULL &&
	    json_array_size(a) > 0) {
		p->sources = xcalloc(json_array_size(a), sizeof(*p->sources));
		json_array_foreach(a, i, e) {
			ps = &p->sources[p->nsources++];
			ps->name = dup_str(e, "name");
			ps->type = dup_str(e, "type");
			ps->obj = e;
			if ((o = find_origin(L, e)) != NULL) {
				ps->file = xstrdup(o->file);
				ps->line = o->line;
				ps->col = o->col;
			}
		}
	}

	if (!json_is_object(json_object_get(root, "parameters")))
		json_object_set_new(root, "parameters", json_object());
	p->parameters = json_object_get(root, "parameters");

	if ((a = json_object_get(root, "waivers")) != NULL &&
	    json_array_size(a) > 0) {
		p->waivers = xcalloc(json_array_size(a), sizeof(*p->waivers));
		json_array_foreach(a, i, e) {
			w = &p->waivers[p->nwaivers++];
			w->rule = dup_str(e, "rule");
			w->resource = dup_str(e, "resource");
			w->reason = dup_str(e, "reason");
			w->approved_by = dup_str(e, "approved_by");
			w->expires = dup_str(e, "expires");
			if ((o = find_origin(L, e)) != NULL) {
				w->file = xstrdup(o->file);
				w->line = o->line;
				w->col = o->col;
			}
		}
	}

	p->rules_builtin = 1;
	if ((rules = json_object_get(root, "rules")) != NULL) {
		if ((a = json_object_get(rules, "paths")) != NULL &&
		    json_array_size(a) > 0) {
			p->rule_paths = xcalloc(json_array_size(a),
			    sizeof(*p->rule_paths));
			json_array_foreach(a, i, e) {
				if (json_is_string(e))
					p->rule_paths[p->nrule_paths++] =
					    xstrdup(json_string_value(e));
			}
		}
		if (json_is_false(json_object_get(rules, "builtin")))
			p->rules_builtin = 0;
		p->rules_enable = json_object_get(rules, "enable");
		p->rules_disable = json_object_get(rules, "disable");
		p->rules_severity = json_object_get(rules, "severity");
	}
	p->expect = json_object_get(root, "expect");
	p->critical_values = json_object_get(root, "critical_values");
	if (json_array_size(p->critical_values) > 0) {
		p->cv_pos = xcalloc(json_array_size(p->critical_values),
		    sizeof(*p->cv_pos));
		json_array_foreach(p->critical_values, i, e) {
			if ((o = find_origin(L, e)) != NULL) {
				p->cv_pos[i].file = xstrdup(o->file);
				p->cv_pos[i].line = o->line;
				p->cv_pos[i].col = o->col;
			}
			p->ncv_pos = i + 1;
		}
	}
	p->freeze = json_object_get(root, "freeze");
	p->notify = json_object_get(root, "notify");
	p->where = L->where != NULL ? L->where : json_object();
	L->where = NULL;
	sha256_hex(L->text.data, L->text.len, p->sha256);
}

static void
free_strv(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
load_policy(const char *path, struct policy **out, struct diags *d,
    int partial)
{
	struct lctx	 L;
	struct policy	*p = NULL;
	json_t		*root = NULL;
	size_t		 nd = d->n, i;
	int		 r = VGL_ERR_POLICY;

	*out = NULL;
	memset(&L, 0, sizeof(L));
	L.d = d;
	buf_init(&L.text, 0);
	load_file(&L, path, path, NULL, &root);
	if (root == NULL || (d->n > nd && !partial))
		goto out;
	p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	p->root = root;
	root = NULL;
	build(&L, p);
	*out = p;
	p = NULL;
	r = d->n > nd ? VGL_ERR_POLICY : 0;
 out:
	policy_free(p);
	json_decref(root);
	json_decref(L.where);
	buf_release(&L.text);
	free_strv(L.stack, L.nstack);
	free_strv(L.done, L.ndone);
	free_strv(L.names, L.nnames);
	free_strv(L.cvnames, L.ncvnames);
	for (i = 0; i < L.norig; i++)
		free(L.orig[i].file);
	free(L.orig);
	return r;
}

int
policy_load(const char *path, struct policy **out, struct diags *d)
{
	return load_policy(path, out, d, 0);
}

int
policy_load_all(const char *path, struct policy **out, struct diags *d)
{
	return load_policy(path, out, d, 1);
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

void
policy_free(struct policy *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsources; i++) {
		free(p->sources[i].name);
		free(p->sources[i].type);
		free(p->sources[i].file);
	}
	free(p->sources);
	for (i = 0; i < p->nwaivers; i++) {
		free(p->waivers[i].rule);
		free(p->waivers[i].resource);
		free(p->waivers[i].reason);
		free(p->waivers[i].approved_by);
		free(p->waivers[i].expires);
		free(p->waivers[i].file);
	}
	free(p->waivers);
	for (i = 0; i < p->ncv_pos; i++)
		free(p->cv_pos[i].file);
	free(p->cv_pos);
	free_strv(p->rule_paths, p->nrule_paths);
	free(p->path);
	free(p->organization);
	free(p->db);
	json_decref(p->where);
	json_decref(p->root);
	free(p);
}

const struct policy_source *
policy_source_find(const struct policy *p, const char *name)
{
	size_t	 i;

	for (i = 0; p != NULL && i < p->nsources; i++) {
		if (p->sources[i].name != NULL &&
		    strcmp(p->sources[i].name, name) == 0)
			return &p->sources[i];
	}
	return NULL;
}

const char *
policy_source_str(const struct policy_source *ps, const char *key,
    const char *def)
{
	json_t	*v;

	v = ps != NULL ? json_object_get(ps->obj, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : def;
}

double
policy_source_num(const struct policy_source *ps, const char *key,
    double def)
{
	json_t	*v;

	v = ps != NULL ? json_object_get(ps->obj, key) : NULL;
	return json_is_number(v) ? json_number_value(v) : def;
}

int
policy_source_bool(const struct policy_source *ps, const char *key, int def)
{
	json_t	*v;

	v = ps != NULL ? json_object_get(ps->obj, key) : NULL;
	return json_is_boolean(v) ? json_is_true(v) : def;
}

/* Reads a secret file: regular, not group/other accessible, bounded. */
static int
read_secret_file(const char *path, char **out, char **why)
{
	struct stat	 st;
	struct buf	 b;
	char		 tmp[4096];
	ssize_t		 n;
	int		 fd, r = VGL_ERR_POLICY;

	buf_init(&b, SECRET_MAX_SIZE);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*why = xasprintf("cannot open secret file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = xasprintf("secret file '%s' is not a regular file",
		    path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		*why = xasprintf("secret file '%s' is readable by group or "
		    "others (mode %04o); chmod 600 it", path,
		    (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*why = xasprintf("cannot read secret file '%s': %s",
			    path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_append(&b, tmp, (size_t)n) != 0) {
			*why = xasprintf("secret file '%s' is too large",
			    path);
			goto out;
		}
	}
	if (b.len > 0 && b.data[b.len - 1] == '\n') {
		b.data[--b.len] = '\0';
		if (b.len > 0 && b.data[b.len - 1] == '\r')
			b.data[--b.len] = '\0';
	}
	*out = buf_detach(&b, NULL);
	r = 0;
 out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	if (b.data != NULL)
		OPENSSL_cleanse(b.data, b.cap);
	buf_release(&b);
	if (fd != -1)
		close(fd);
	return r;
}

int
policy_secret(json_t *obj, const char *base, const char *def_env,
    char **out, char **why)
{
	json_t		*je, *jf;
	const char	*var = def_env, *val;
	char		*key, *s = NULL;
	int		 r;

	*out = NULL;
	key = xasprintf("%s_env", base);
	je = obj != NULL ? json_object_get(obj, key) : NULL;
	free(key);
	key = xasprintf("%s_file", base);
	jf = obj != NULL ? json_object_get(obj, key) : NULL;
	free(key);

	if (json_is_string(jf) && !json_is_string(je)) {
		if ((r = read_secret_file(json_string_value(jf), &s, why)) != 0)
			return r;
	} else {
		if (json_is_string(je))
			var = json_string_value(je);
		if (var == NULL || (val = getenv(var)) == NULL || *val == '\0')
			return VGL_ERR_NOTFOUND;
		s = xstrdup(val);
	}
	log_add_secret(s);
	*out = s;
	return 0;
}
