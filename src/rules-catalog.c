/*
 * rules-catalog.c: rule files and the catalog (SPEC section 6;
 * vigil-rules(5)).
 *
 * A rule file is `-- key: value` header lines followed by one SELECT.
 * rule_parse() reads the header; rules_load() builds the catalog from the
 * built-in directory and policy.rules.paths, in a stable order, with the
 * policy's enable, disable and severity overrides applied.
 */
#include "config.h"
#include "paths.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "policy.h"
#include "rules-int.h"
#include "rules.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define RULE_FILE_MAX	(1024UL * 1024)
#define RULE_DIR_DEPTH	16

static const char *const required_keys[] = {
	"id", "title", "severity", "provider"
};
#define NREQUIRED	(sizeof(required_keys) / sizeof(required_keys[0]))

static int
glob_any(json_t *arr, const char *id)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(arr, i, v) {
		if (json_is_string(v) &&
		    fnmatch(json_string_value(v), id, 0) == 0)
			return 1;
	}
	return 0;
}

/* ---- rule files ---------------------------------------------------- */

static int
is_id_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int
valid_id(const char *s)
{
	const char	*p = s;
	int		 parts = 0;

	for (;;) {
		if (!is_id_word((unsigned char)*p))
			return 0;
		while (is_id_word((unsigned char)*p))
			p++;
		parts++;
		if (*p == '\0')
			break;
		if (*p++ != '.')
			return 0;
	}
	return parts >= 2;
}

void
rule_release(struct rule *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	free(r->id);
	free(r->title);
	free(r->provider);
	free(r->remediation);
	free(r->frameworks);
	free(r->description);
	json_decref(r->headers);
	json_decref(r->param_defaults);
	free(r->file);
	free(r->sql);
	for (i = 0; i < r->nparams; i++)
		free(r->params[i]);
	free(r->params);
	memset(r, 0, sizeof(*r));
}

static char *
header_dup(json_t *h, const char *key)
{
	const char	*v = json_string_value(json_object_get(h, key));

	return v != NULL ? xstrdup(v) : NULL;
}

/*
 * `-- param: NAME DEFAULT description`: DEFAULT is one JSON value (a
 * number, "string", [array], true, false or null).  The parameter is
 * repeatable, one line per name; defaults collect in h["param"] as
 * name -> {"default": value, "description": text, "line": n}.
 */
static void
parse_param(const char *file, const char *p, const char *v, const char *ve,
    int line, json_t *h, struct diags *d, int *nerr)
{
	const char	*q = v, *n;
	json_t		*all, *val;
	json_error_t	 jerr;
	char		*name;

	n = q;
	while (q < ve && (isalnum((unsigned char)*q) || *q == '_'))
		q++;
	if (q == n || isdigit((unsigned char)*n) || (q < ve && *q != ' ' &&
	    *q != '\t')) {
		diags_add(d, file, line, (int)(n - p) + 1, "param header: "
		    "expected 'NAME DEFAULT description' with NAME a "
		    "parameter name");
		(*nerr)++;
		return;
	}
	name = xstrndup(n, (size_t)(q - n));
	while (q < ve && (*q == ' ' || *q == '\t'))
		q++;
	val = q < ve ? json_loadb(q, (size_t)(ve - q),
	    JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &jerr) : NULL;
	if (val == NULL || (q + jerr.position < ve &&
	    q[jerr.position] != ' ' && q[jerr.position] != '\t')) {
		diags_add(d, file, line, (int)(q - p) + 1, "param '%s': the "
		    "default must be one JSON value (a number, \"string\", "
		    "[array], true, false or null)", name);
		(*nerr)++;
		json_decref(val);
		free(name);
		return;
	}
	q += jerr.position;
	while (q < ve && (*q == ' ' || *q == '\t'))
		q++;
	if ((all = json_object_get(h, "param")) == NULL) {
		all = json_object();
		json_object_set_new(h, "param", all);
	}
	if (json_object_get(all, name) != NULL) {
		diags_add(d, file, line, (int)(n - p) + 1, "duplicate param "
		    "'%s'", name);
		(*nerr)++;
		json_decref(val);
	} else
		json_object_set_new(all, name, json_pack("{s:o, s:s%, s:i}",
		    "default", val, "description", q, (size_t)(ve - q),
		    "line", line));
	free(name);
}

/*
 * Parses one header line (without line ending) of len bytes.  Returns 1
 * if it is a `-- key: value` header (possibly with an error reported),
 * 0 for a plain comment.
 */
static int
parse_header_line(const char *file, const char *p, size_t len, int line,
    json_t *h, json_t *lines, struct diags *d, int *nerr)
{
	const char	*e = p + len, *q = p, *k, *v, *ve;
	char		*key, *val;
	json_t		*first;
	int		 sev;

	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	q += 2;				/* "--" */
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	k = q;
	if (q >= e || !isalpha((unsigned char)*q))
		return 0;
	while (q < e && (isalnum((unsigned char)*q) || *q == '_' || *q == '-'))
		q++;
	if (q >= e || *q != ':')
		return 0;
	if (q + 2 < e && q[1] == '/' && q[2] == '/')
		return 0;		/* "-- see http://..." */
	key = xstrndup(k, (size_t)(q - k));
	for (val = key; *val != '\0'; val++)
		*val = (char)tolower((unsigned char)*val);
	v = q + 1;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	ve = e;
	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
	if (strcmp(key, "param") == 0) {
		parse_param(file, p, v, ve, line, h, d, nerr);
		free(key);
		return 1;
	}
	if ((first = json_object_get(lines, key)) != NULL) {
		diags_add(d, file, line, (int)(k - p) + 1,
		    "duplicate header '%s' (first on line %d)", key,
		    (int)json_integer_value(first));
		(*nerr)++;
		free(key);
		return 1;
	}
	json_object_set_new(lines, key, json_integer(line));
	if (ve == v) {
		diags_add(d, file, line, (int)(q - p) + 2,
		    "empty value for header '%s'", key);
		(*nerr)++;
		free(key);
		return 1;
	}
	val = xstrndup(v, (size_t)(ve - v));
	if (strcmp(key, "severity") == 0 &&
	    (sev = severity_parse(val)) < 0) {
		diags_add(d, file, line, (int)(v - p) + 1,
		    "unknown severity '%s' (expected info, low, medium, high "
		    "or critical)", val);
		(*nerr)++;
	} else if (strcmp(key, "id") == 0 && !valid_id(val)) {
		diags_add(d, file, line, (int)(v - p) + 1,
		    "invalid rule id '%s' (expected dotted lowercase words, "
		    "e.g. aws.iam.root_mfa_disabled)", val);
		(*nerr)++;
	}
	json_object_set_new(h, key, json_text(val, strlen(val)));
	free(val);
	free(key);
	return 1;
}

int
rule_parse(const char *file, const char *text, struct rule *out,
    struct diags *d)
{
	struct rule	 r;
	json_t		*lines = NULL;
	const char	*p = text, *eol, *q, *sql = NULL;
	size_t		 len, i, pos, start, plen, k;
	int		 line = 1, nerr = 0, nonblank = 0;
	char		*name;

	memset(&r, 0, sizeof(r));
	r.headers = json_object();
	lines = json_object();
	while (*p != '\0') {
		eol = strchr(p, '\n');
		len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		q = p;
		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		if (q < p + len) {
			nonblank = 1;
			if (p + len - q < 2 || q[0] != '-' || q[1] != '-') {
				sql = p;
				break;
			}
			parse_header_line(file, p, len, line, r.headers, lines,
			    d, &nerr);
		}
		if (eol == NULL) {
			p += strlen(p);
			break;
		}
		p = eol + 1;
		line++;
	}
	if (!nonblank) {
		diags_add(d, file, 1, 1, "empty rule file");
		nerr++;
		goto out;
	}
	for (i = 0; i < NREQUIRED; i++) {
		if (json_object_get(lines, required_keys[i]) == NULL) {
			diags_add(d, file, 1, 1,
			    "missing required header '%s'", required_keys[i]);
			nerr++;
		}
	}
	if (sql == NULL) {
		diags_add(d, file, line, 1, "rule has no SQL statement");
		nerr++;
	}
	if (nerr > 0)
		goto out;

	r.id = header_dup(r.headers, "id");
	r.title = header_dup(r.headers, "title");
	r.provider = header_dup(r.headers, "provider");
	r.remediation = header_dup(r.headers, "remediation");
	r.frameworks = header_dup(r.headers, "frameworks");
	r.description = header_dup(r.headers, "description");
	if ((r.param_defaults = json_object_get(r.headers, "param")) != NULL)
		json_incref(r.param_defaults);
	r.default_severity = severity_parse(json_string_value(
	    json_object_get(r.headers, "severity")));
	r.severity = r.default_severity;
	r.file = xstrdup(file);
	r.sql = xstrdup(sql);
	r.sql_line = line;
	sha256_hex(text, strlen(text), r.sha256);

	pos = 0;
	while (next_param(r.sql, &pos, &start, &plen)) {
		name = xstrndup(r.sql + start + 1, plen - 1);
		for (k = 0; k < r.nparams; k++) {
			if (strcmp(r.params[k], name) == 0)
				break;
		}
		if (k < r.nparams || strcmp(name, "now") == 0) {
			free(name);
			continue;
		}
		r.params = xreallocarray(r.params, r.nparams + 1,
		    sizeof(*r.params));
		r.params[r.nparams++] = name;
	}
	if (r.param_defaults != NULL) {
		const char	*pn;
		json_t		*pv;

		json_object_foreach(r.param_defaults, pn, pv) {
			for (k = 0; k < r.nparams; k++)
				if (strcmp(r.params[k], pn) == 0)
					break;
			if (k == r.nparams) {
				diags_add(d, file, (int)json_integer_value(
				    json_object_get(pv, "line")), 1, "param "
				    "'%s' is declared but the rule does not "
				    "use :%s", pn, pn);
				nerr++;
			}
		}
		if (nerr > 0)
			goto out;
	}
	*out = r;
	memset(&r, 0, sizeof(r));
 out:
	json_decref(lines);
	rule_release(&r);
	return nerr > 0 ? VGL_ERR_RULE : 0;
}

json_t *
rule_param_default(const struct rule *r, const char *name)
{
	return json_object_get(json_object_get(r->param_defaults, name),
	    "default");
}

/* ---- catalog ------------------------------------------------------- */

struct pathlist {
	char	**v;
	size_t	  n;
};

static void
pathlist_add(struct pathlist *pl, const char *path)
{
	pl->v = xreallocarray(pl->v, pl->n + 1, sizeof(*pl->v));
	pl->v[pl->n++] = xstrdup(path);
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_sql_suffix(const char *name)
{
	size_t	 n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".sql") == 0;
}

/* Adds every *.sql under dir (recursively, hidden entries skipped). */
static int
scan_dir(const char *dir, int depth, struct pathlist *pl, struct diags *d)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 sb;
	char		*path;
	int		 r = 0;

	if (depth > RULE_DIR_DEPTH) {
		diags_add(d, dir, 0, 0, "rules directory nested too deeply");
		return VGL_ERR_RULE;
	}
	if ((dp = opendir(dir)) == NULL) {
		diags_add(d, dir, 0, 0, "cannot open rules directory: %s",
		    strerror(errno));
		return VGL_ERR_RULE;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &sb) == -1) {
			diags_add(d, path, 0, 0, "cannot stat: %s",
			    strerror(errno));
			r = VGL_ERR_RULE;
		} else if (S_ISDIR(sb.st_mode)) {
			if (scan_dir(path, depth + 1, pl, d) != 0)
				r = VGL_ERR_RULE;
		} else if (S_ISREG(sb.st_mode) && has_sql_suffix(de->d_name))
			pathlist_add(pl, path);
		free(path);
	}
	closedir(dp);
	return r;
}

/* A directory (recursively) or a single file; sorted by path. */
static int
scan_path(const char *path, const char *policy_file, struct pathlist *pl,
    struct diags *d)
{
	struct stat	 sb;
	size_t		 first = pl->n;
	int		 r = 0;

	if (stat(path, &sb) == -1) {
		diags_add(d, policy_file != NULL ? policy_file : path, 0, 0,
		    "cannot read rules path '%s': %s", path, strerror(errno));
		return VGL_ERR_RULE;
	}
	if (S_ISDIR(sb.st_mode))
		r = scan_dir(path, 0, pl, d);
	else
		pathlist_add(pl, path);
	qsort(pl->v + first, pl->n - first, sizeof(*pl->v), path_cmp);
	return r;
}

const char *
rules_builtin_dir(void)
{
	static char	 dir[PATH_MAX];
	const char	*env;
#ifdef VIGIL_BUILDDIR
	char		 exe[PATH_MAX], bdir[PATH_MAX];
	ssize_t		 n;
	size_t		 bl;
#endif

	if ((env = getenv("VIGIL_RULES_DIR")) != NULL && *env != '\0')
		return env;
#ifdef VIGIL_BUILDDIR
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (realpath(VIGIL_BUILDDIR, bdir) == NULL)
			snprintf(bdir, sizeof(bdir), "%s", VIGIL_BUILDDIR);
		/* Only the binary make built, or a test program: an
		 * installation whose prefix lies inside the build tree
		 * is an installation, and reads its own catalog. */
		bl = strlen(bdir);
		while (bl > 1 && bdir[bl - 1] == '/')
			bdir[--bl] = '\0';
		if (strncmp(exe, bdir, bl) == 0 &&
		    (strcmp(exe + bl, "/src/vigil") == 0 ||
		    strncmp(exe + bl, "/tests/", 7) == 0)) {
			snprintf(dir, sizeof(dir), "%s/rules", VIGIL_SRCDIR);
			return dir;
		}
	}
#endif
	snprintf(dir, sizeof(dir), "%s/rules", VIGIL_DATADIR);
	return dir;
}

/* Severity override for id from policy.rules.severity: exact, then glob. */
static int
severity_override(const struct policy *pol, const char *id,
    struct diags *d)
{
	const char	*key;
	json_t		*v, *o, *g;
	int		 s;

	if (pol == NULL || (o = pol->rules_severity) == NULL)
		return -1;
	if ((v = json_object_get(o, id)) == NULL) {
		json_object_foreach(o, key, g) {
			if (fnmatch(key, id, 0) == 0) {
				v = g;
				break;
			}
		}
	}
	if (v == NULL)
		return -1;
	if ((s = severity_parse(json_string_value(v))) < 0) {
		diags_add(d, pol->path, 0, 0,
		    "rules.severity: unknown severity for '%s'", id);
		return -2;
	}
	return s;
}

void
rules_release(struct ruleset *rs)
{
	size_t	 i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_release(&rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

const struct rule *
rules_find(const struct ruleset *rs, const char *id)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].id, id) == 0)
			return &rs->v[i];
	}
	return NULL;
}

int
rules_load(const struct policy *pol, struct ruleset *out, struct diags *d)
{
	struct pathlist	 pl = { NULL, 0 };
	struct ruleset	 all = { NULL, 0 }, rs = { NULL, 0 };
	struct buf	 b;
	struct rule	 r;
	size_t		 i, j;
	int		 err = 0, s;
	const char	*pfile = pol != NULL ? pol->path : NULL;

	if (pol == NULL || pol->rules_builtin) {
		if (scan_path(rules_builtin_dir(), NULL, &pl, d) != 0)
			err = 1;
	}
	for (i = 0; pol != NULL && i < pol->nrule_paths; i++) {
		if (scan_path(pol->rule_paths[i], pfile, &pl, d) != 0)
			err = 1;
	}
	buf_init(&b, RULE_FILE_MAX);
	for (i = 0; i < pl.n; i++) {
		buf_reset(&b);
		if ((s = buf_read_file(&b, pl.v[i])) != 0) {
			diags_add(d, pl.v[i], 0, 0, "cannot read rule: %s",
			    vgl_err(s));
			err = 1;
			continue;
		}
		if (memchr(b.data, '\0', b.len) != NULL) {
			diags_add(d, pl.v[i], 0, 0, "rule file contains NUL");
			err = 1;
			continue;
		}
		if (rule_parse(pl.v[i], b.data, &r, d) != 0) {
			err = 1;
			continue;
		}
		all.v = xreallocarray(all.v, all.n + 1, sizeof(*all.v));
		all.v[all.n++] = r;
	}
	buf_release(&b);

	for (i = 0; i < all.n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(all.v[i].id, all.v[j].id) == 0) {
				diags_add(d, all.v[i].file, 1, 1,
				    "duplicate rule id '%s' (also in %s)",
				    all.v[i].id, all.v[j].file);
				err = 1;
				break;
			}
		}
	}

	for (i = 0; i < all.n; i++) {
		r = all.v[i];
		memset(&all.v[i], 0, sizeof(all.v[i]));
		if (pol != NULL && pol->rules_enable != NULL &&
		    strncmp(r.id, "policy.", 7) != 0 &&
		    !glob_any(pol->rules_enable, r.id)) {
			rule_release(&r);
			continue;
		}
		if (pol != NULL && pol->rules_disable != NULL &&
		    glob_any(pol->rules_disable, r.id)) {
			rule_release(&r);
			continue;
		}
		if ((s = severity_override(pol, r.id, d)) == -2)
			err = 1;
		else if (s >= 0)
			r.severity = s;
		rs.v = xreallocarray(rs.v, rs.n + 1, sizeof(*rs.v));
		rs.v[rs.n++] = r;
	}
	free(all.v);
	for (i = 0; i < pl.n; i++)
		free(pl.v[i]);
	free(pl.v);
	if (err) {
		rules_release(&rs);
		return VGL_ERR_RULE;
	}
	*out = rs;
	return 0;
}
