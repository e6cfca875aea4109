/*
 * rules.c: the rule engine (SPEC section 6; vigil-rules(5)).
 *
 * A rule file is `-- key: value` header lines followed by one SELECT.
 * rule_parse() reads the header, rules_load() builds the catalog from the
 * built-in directory and policy.rules.paths, rules_check() prepares every
 * rule against the schema (validate), and rules_evaluate() runs the
 * catalog over one stored run and replaces that run's findings.
 *
 * Rules are prepared and stepped under an authorizer that allows only
 * SELECT, reads, functions (except load_extension) and recursive CTEs,
 * so a rule cannot write, attach, or change pragmas.
 *
 * findings_sha256 is the SHA-256 of one line per finding, in the order
 * (rule, resource, status) by byte comparison, each line being the
 * compact JSON array
 *   [rule, resource, status, severity, title, provider, source, detail,
 *    evidence, waiver, is_new]
 * (strings or null; is_new 0 or 1) followed by "\n".  rules_sha256 is
 * util.h's rules_digest of the rule files in catalog order.
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
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "buf.h"
#include "diag.h"
#include "log.h"
#include "policy.h"
#include "rules.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"


#define RULE_FILE_MAX	(1024UL * 1024)
#define RULE_DIR_DEPTH	16

static const char *const required_keys[] = {
	"id", "title", "severity", "provider"
};
#define NREQUIRED	(sizeof(required_keys) / sizeof(required_keys[0]))

/* The temporary table that policy.* rules read. */
static const char waivers_ddl[] =
    "CREATE TEMP TABLE IF NOT EXISTS waivers(idx INTEGER, rule TEXT, "
    "resource TEXT, reason TEXT, approved_by TEXT, expires TEXT, "
    "expired INTEGER, used INTEGER)";

/* ---- small helpers ------------------------------------------------- */

static int
is_idchar(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Line and column in the file of byte off of r->sql. */
static void
sql_position(const struct rule *r, const char *sql, size_t off, int *line,
    int *col)
{
	size_t	 i, bol = 0;
	int	 l = r->sql_line;

	for (i = 0; i < off && sql[i] != '\0'; i++) {
		if (sql[i] == '\n') {
			l++;
			bol = i + 1;
		}
	}
	*line = l;
	*col = (int)(off - bol) + 1;
}

/* Skips whitespace, `;`, and comments; returns the next significant byte. */
static const char *
skip_space(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p) || *p == ';')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p != '\0' && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p != '\0')
				p += 2;
		} else
			return p;
	}
}

/*
 * Finds the next `:name` parameter of sql at or after *pos, skipping
 * string literals, quoted identifiers and comments.  Returns 1 with its
 * offset and length (including the colon), or 0 at the end.
 */
static int
next_param(const char *sql, size_t *pos, size_t *start, size_t *len)
{
	size_t	 i = *pos, j;
	char	 q;

	while (sql[i] != '\0') {
		switch (sql[i]) {
		case '\'':
		case '"':
		case '`':
		case '[':
			q = sql[i] == '[' ? ']' : sql[i];
			for (i++; sql[i] != '\0'; i++) {
				if (sql[i] == q) {
					if (q != ']' && sql[i + 1] == q) {
						i++;
						continue;
					}
					i++;
					break;
				}
			}
			continue;
		case '-':
			if (sql[i + 1] == '-') {
				while (sql[i] != '\0' && sql[i] != '\n')
					i++;
				continue;
			}
			break;
		case '/':
			if (sql[i + 1] == '*') {
				i += 2;
				while (sql[i] != '\0' &&
				    !(sql[i] == '*' && sql[i + 1] == '/'))
					i++;
				if (sql[i] != '\0')
					i += 2;
				continue;
			}
			break;
		case ':':
			if (is_idchar((unsigned char)sql[i + 1])) {
				j = i + 1;
				while (is_idchar((unsigned char)sql[j]))
					j++;
				*start = i;
				*len = j - i;
				*pos = j;
				return 1;
			}
			break;
		default:
			if (is_idchar((unsigned char)sql[i])) {
				while (is_idchar((unsigned char)sql[i]))
					i++;
				continue;
			}
			break;
		}
		i++;
	}
	*pos = i;
	return 0;
}

/* Offset of the first `:name` (name without colon) in sql, or -1. */
static long
param_offset(const char *sql, const char *name)
{
	size_t	 pos = 0, start, len;

	while (next_param(sql, &pos, &start, &len)) {
		if (len - 1 == strlen(name) &&
		    strncmp(sql + start + 1, name, len - 1) == 0)
			return (long)start;
	}
	return -1;
}

/*
 * Offset of the first identifier in sql equal (ignoring case) to the last
 * dotted part of name, outside literals and comments, or -1.  Used to
 * place "no such table: X" errors, which SQLite gives no offset for.
 */
static long
ident_offset(const char *sql, const char *name)
{
	const char	*dot;
	size_t		 i = 0, j, n;
	char		 q;

	if ((dot = strrchr(name, '.')) != NULL)
		name = dot + 1;
	if ((n = strlen(name)) == 0)
		return -1;
	while (sql[i] != '\0') {
		if (sql[i] == '\'' || sql[i] == '`' || sql[i] == '[' ||
		    sql[i] == '"') {
			q = sql[i] == '[' ? ']' : sql[i];
			if (q != '\'' && sql[i + 1 + n] == q &&
			    strncasecmp(sql + i + 1, name, n) == 0)
				return (long)i;
			for (i++; sql[i] != '\0' && sql[i] != q; i++)
				;
			if (sql[i] != '\0')
				i++;
		} else if (sql[i] == '-' && sql[i + 1] == '-') {
			while (sql[i] != '\0' && sql[i] != '\n')
				i++;
		} else if (sql[i] == '/' && sql[i + 1] == '*') {
			for (i += 2; sql[i] != '\0' &&
			    !(sql[i] == '*' && sql[i + 1] == '/'); i++)
				;
			if (sql[i] != '\0')
				i += 2;
		} else if (is_idchar((unsigned char)sql[i])) {
			for (j = i; is_idchar((unsigned char)sql[j]); j++)
				;
			if (j - i == n && strncasecmp(sql + i, name, n) == 0)
				return (long)i;
			i = j;
		} else
			i++;
	}
	return -1;
}

/* A JSON string from bytes that may not be UTF-8 (bad bytes become ?). */
static json_t *
json_text(const char *s, size_t n)
{
	json_t	*j;
	char	*c;
	size_t	 i;

	if (s == NULL)
		return json_null();
	if ((j = json_stringn(s, n)) != NULL)
		return j;
	c = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		c[i] = ((unsigned char)s[i] >= 0x80 || s[i] == '\0') ?
		    '?' : s[i];
	}
	c[n] = '\0';
	j = json_stringn_nocheck(c, n);
	free(c);
	return j;
}

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

/* ---- preparing rules ----------------------------------------------- */

struct auth {
	int	 denied;	/* first action code denied, or 0 */
	char	 what[64];
	int	 engine;	/* the engine itself is storing a finding */
	int	 reads_changes;	/* the statement reads the changes table */
};

static const char *
action_name(int code)
{
	switch (code) {
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
		return "ATTACH/DETACH";
	case SQLITE_PRAGMA:
		return "PRAGMA";
	case SQLITE_INSERT:
		return "INSERT";
	case SQLITE_UPDATE:
		return "UPDATE";
	case SQLITE_DELETE:
		return "DELETE";
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return "transaction control";
	case SQLITE_FUNCTION:
		return "function";
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_VTABLE:
		return "DROP";
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_VTABLE:
		return "CREATE";
	case SQLITE_ALTER_TABLE:
		return "ALTER TABLE";
	case SQLITE_ANALYZE:
		return "ANALYZE";
	case SQLITE_REINDEX:
		return "REINDEX";
	default:
		return "statement";
	}
}

/* Allows reading only. */
static int
rule_authorizer(void *arg, int code, const char *a, const char *b,
    const char *dbname, const char *trigger)
{
	struct auth	*au = arg;

	if (au->engine)
		return SQLITE_OK;
	switch (code) {
	case SQLITE_READ:
		/* a is the table (or view) read: SQLite's own answer. */
		if (a != NULL && strcasecmp(a, "changes") == 0)
			au->reads_changes = 1;
		return SQLITE_OK;
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (b == NULL || strcasecmp(b, "load_extension") != 0)
			return SQLITE_OK;
		break;
	case SQLITE_UPDATE:
		/*
		 * SQLite registers eponymous virtual tables (json_each)
		 * through the schema table; a statement that really
		 * writes is refused as not read-only.
		 */
		if (a != NULL && (strcmp(a, "sqlite_master") == 0 ||
		    strcmp(a, "sqlite_temp_master") == 0))
			return SQLITE_OK;
		break;
	default:
		break;
	}
	if (au->denied == 0) {
		au->denied = code;
		if (code == SQLITE_FUNCTION && b != NULL)
			snprintf(au->what, sizeof(au->what), "%s()", b);
		else
			snprintf(au->what, sizeof(au->what), "%s",
			    action_name(code));
	}
	return SQLITE_DENY;
}

static int
first_keyword_is_select(const char *sql)
{
	static const char *const kw[] = { "SELECT", "WITH", "VALUES" };
	const char	*p = skip_space(sql);
	size_t		 i, n;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		n = strlen(kw[i]);
		if (strncasecmp(p, kw[i], n) == 0 &&
		    !is_idchar((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

static int
column_index(sqlite3_stmt *st, const char *name)
{
	int		 i, n = sqlite3_column_count(st);
	const char	*c;

	for (i = 0; i < n; i++) {
		if ((c = sqlite3_column_name(st, i)) != NULL &&
		    strcasecmp(c, name) == 0)
			return i;
	}
	return -1;
}

/*
 * Prepares r's statement on db (the caller has installed the authorizer
 * with au) and checks its shape.  On error, *msg (caller frees) and *off
 * (byte offset into r->sql, or -1) describe it.
 */
static int
rule_prepare(sqlite3 *db, const struct rule *r, struct auth *au,
    sqlite3_stmt **out, char **msg, long *off)
{
	sqlite3_stmt	*st = NULL;
	const char	*tail = NULL, *p;
	int		 rc, r_ = VGL_ERR_RULE;

	*out = NULL;
	*msg = NULL;
	*off = -1;
	rc = sqlite3_prepare_v2(db, r->sql, -1, &st, &tail);
	if (rc != SQLITE_OK) {
		if (au->denied != 0)
			*msg = xasprintf("rule must only read: %s is not "
			    "allowed", au->what);
		else {
			*msg = xstrdup(sqlite3_errmsg(db));
			*off = sqlite3_error_offset(db);
			if (*off < 0 && (p = strrchr(*msg, ':')) != NULL &&
			    p[1] == ' ')
				*off = ident_offset(r->sql, p + 2);
		}
		goto out;
	}
	if (st == NULL) {
		*msg = xstrdup("rule has no SQL statement");
		goto out;
	}
	if (tail != NULL && *skip_space(tail) != '\0') {
		*msg = xstrdup("rule must contain exactly one statement");
		*off = (long)(skip_space(tail) - r->sql);
		goto out;
	}
	if (sqlite3_stmt_isexplain(st) || !sqlite3_stmt_readonly(st) ||
	    !first_keyword_is_select(r->sql)) {
		*msg = xstrdup("rule must be a single SELECT");
		*off = (long)(skip_space(r->sql) - r->sql);
		goto out;
	}
	if (column_index(st, "resource") < 0) {
		*msg = xstrdup("rule must return a column named 'resource'");
		goto out;
	}
	*out = st;
	st = NULL;
	r_ = 0;
 out:
	sqlite3_finalize(st);
	return r_;
}

/* 1 if glob (an id or fnmatch pattern) matches an id of the catalog. */
static int
matches_any(const struct ruleset *rs, const char *glob)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++) {
		if (fnmatch(glob, rs->v[i].id, 0) == 0)
			return 1;
	}
	return 0;
}

/*
 * A did-you-mean for a glob or id that names no rule: the nearest id, or
 * for a glob, the nearest "PROVIDER.*".  The candidates are borrowed from
 * rs or added to *own.
 */
static const char *
suggest_rule(const struct ruleset *rs, const char *glob, char ***own,
    size_t *nown)
{
	const char	**c;
	const char	 *near;
	char		 *g;
	size_t		  i, j, n = 0;

	c = xcalloc(rs->n * 2 + 1, sizeof(*c));
	for (i = 0; i < rs->n; i++) {
		c[n++] = rs->v[i].id;
		g = xasprintf("%.*s.*", (int)strcspn(rs->v[i].id, "."),
		    rs->v[i].id);
		for (j = 0; j < *nown; j++)
			if (strcmp((*own)[j], g) == 0)
				break;
		if (j < *nown) {
			free(g);
			continue;
		}
		*own = xreallocarray(*own, *nown + 1, sizeof(**own));
		(*own)[(*nown)++] = g;
	}
	if (strpbrk(glob, "*?[") != NULL) {
		n = 0;
		for (j = 0; j < *nown; j++)
			c[n++] = (*own)[j];
	}
	near = diag_suggest(glob, c, n);
	free(c);
	return near;
}

/* Reports glob, rules.<what> entry named at where, if it names no rule. */
static int
check_rule_ref(const struct ruleset *rs, const struct policy *pol,
    const char *what, const char *where, const char *glob, struct diags *d)
{
	const char	*file, *near;
	char		**own = NULL;
	size_t		 nown = 0, i;
	int		 line, col;

	if (matches_any(rs, glob))
		return 0;
	policy_where(pol, where, &file, &line, &col);
	near = suggest_rule(rs, glob, &own, &nown);
	if (near != NULL)
		diags_add(d, file, line, col, "rules.%s: '%s' %s no rule; "
		    "did you mean '%s'?", what, glob,
		    strpbrk(glob, "*?[") != NULL ? "matches" : "names", near);
	else
		diags_add(d, file, line, col, "rules.%s: '%s' %s no rule",
		    what, glob, strpbrk(glob, "*?[") != NULL ? "matches" :
		    "names");
	for (i = 0; i < nown; i++)
		free(own[i]);
	free(own);
	return 1;
}

/*
 * Checks every id or glob of rules.enable/disable/severity names a rule
 * of the whole catalog (read again without them).  1 if one does not.
 */
static int
check_rule_refs(const struct policy *pol, struct diags *d)
{
	static const char *const lists[] = { "enable", "disable" };
	struct policy	 all;
	struct ruleset	 cat = { NULL, 0 };
	struct diags	 scratch = { NULL, 0 };
	const char	*key;
	json_t		*a, *e;
	char		*where;
	size_t		 i, k;
	int		 err = 0;

	if (pol == NULL || (pol->rules_enable == NULL &&
	    pol->rules_disable == NULL && pol->rules_severity == NULL))
		return 0;
	all = *pol;
	all.rules_enable = all.rules_disable = all.rules_severity = NULL;
	/* Errors of the catalog itself are rules_load's to report. */
	if (rules_load(&all, &cat, &scratch) != 0 || cat.n == 0)
		goto out;
	for (k = 0; k < 2; k++) {
		a = k == 0 ? pol->rules_enable : pol->rules_disable;
		json_array_foreach(a, i, e) {
			if (!json_is_string(e))
				continue;
			where = xasprintf("rules/%s/%zu", lists[k], i);
			err |= check_rule_ref(&cat, pol, lists[k], where,
			    json_string_value(e), d);
			free(where);
		}
	}
	json_object_foreach(pol->rules_severity, key, e) {
		where = xasprintf("rules/severity/%s", key);
		err |= check_rule_ref(&cat, pol, "severity", where, key, d);
		free(where);
	}
 out:
	diags_release(&scratch);
	rules_release(&cat);
	return err;
}

/* The JSON type class of v: a number, a string, an array... */
static const char *
json_kind(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_STRING:
		return "a string";
	case JSON_ARRAY:
		return "an array";
	case JSON_OBJECT:
		return "an object";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true or false";
	default:
		return "null";
	}
}

/*
 * Whether parameter name is a number by its name: *_days, *_length,
 * *_count, max_*, min_* (vigil-policy(5)).
 */
static int
numeric_name(const char *name)
{
	static const char *const suffixes[] = {
		"_days", "_length", "_count", NULL
	};
	size_t	 i, n = strlen(name), m;

	if (strncmp(name, "max_", 4) == 0 || strncmp(name, "min_", 4) == 0)
		return 1;
	for (i = 0; suffixes[i] != NULL; i++) {
		m = strlen(suffixes[i]);
		if (n > m && strcmp(name + n - m, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Checks the policy's value of parameter name (without ':') has the type
 * rule r needs; reports each parameter once (seen).  1 if it did not.
 */
static int
check_param_type(const struct rule *r, const struct policy *pol,
    const char *name, json_t *seen, struct diags *d)
{
	json_t		*v, *def;
	const char	*need, *file;
	char		*where, *dtext;
	int		 line, col;

	if (pol == NULL || (v = json_object_get(pol->parameters, name)) ==
	    NULL || json_object_get(seen, name) != NULL)
		return 0;
	def = rule_param_default(r, name);
	if (def != NULL && !json_is_null(def))
		need = json_kind(def);
	else if (numeric_name(name))
		need = "a number";
	else
		return 0;
	if (strcmp(need, json_kind(v)) == 0)
		return 0;
	json_object_set_new(seen, name, json_true());
	where = xasprintf("parameters/%s", name);
	policy_where(pol, where, &file, &line, &col);
	free(where);
	if (def != NULL && !json_is_null(def)) {
		dtext = json_dumps(def, JSON_COMPACT | JSON_ENCODE_ANY);
		diags_add(d, file, line, col, "parameter '%s' must be %s, not "
		    "%s: rule '%s' declares the default %s", name, need,
		    json_kind(v), r->id, dtext != NULL ? dtext : "?");
		free(dtext);
	} else
		diags_add(d, file, line, col, "parameter '%s' must be %s, not "
		    "%s: rule '%s' uses it, and a parameter named *_days, "
		    "*_length, *_count, max_* or min_* is a number", name,
		    need, json_kind(v), r->id);
	return 1;
}

int
rules_check(const struct ruleset *rs, const struct policy *pol,
    sqlite3 *db, struct diags *d)
{
	const struct rule	*r;
	struct auth		 au;
	sqlite3_stmt		*st;
	const char		*name;
	char			*msg;
	long			 off;
	size_t			 i;
	json_t			*seen;
	int			 j, n, line, col, err = 0;

	if (sqlite3_exec(db, waivers_ddl, NULL, NULL, NULL) != SQLITE_OK) {
		log_error("cannot create waivers table: %s",
		    sqlite3_errmsg(db));
		return VGL_ERR_STORE;
	}
	seen = json_object();
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		memset(&au, 0, sizeof(au));
		sqlite3_set_authorizer(db, rule_authorizer, &au);
		if (rule_prepare(db, r, &au, &st, &msg, &off) != 0) {
			sqlite3_set_authorizer(db, NULL, NULL);
			if (off >= 0)
				sql_position(r, r->sql, (size_t)off, &line,
				    &col);
			else {
				line = r->sql_line;
				col = 1;
			}
			diags_add(d, r->file, line, col, "rule '%s': %s",
			    r->id, msg);
			free(msg);
			err = 1;
			continue;
		}
		sqlite3_set_authorizer(db, NULL, NULL);
		n = sqlite3_bind_parameter_count(st);
		for (j = 1; j <= n; j++) {
			name = sqlite3_bind_parameter_name(st, j);
			if (name == NULL || name[0] != ':') {
				diags_add(d, r->file, r->sql_line, 1,
				    "rule '%s' uses parameter '%s': only "
				    ":name parameters are supported", r->id,
				    name != NULL ? name : "?");
				err = 1;
				continue;
			}
			if (strcmp(name, ":now") != 0 &&
			    check_param_type(r, pol, name + 1, seen, d))
				err = 1;
			if (strcmp(name, ":now") == 0 || (pol != NULL &&
			    json_object_get(pol->parameters, name + 1) !=
			    NULL) || rule_param_default(r, name + 1) != NULL)
				continue;
			/* A rule for a provider the policy has no source of
			 * is not evaluated, so it needs no parameters. */
			if (!rules_applies(r, pol))
				continue;
			off = param_offset(r->sql, name + 1);
			if (off >= 0)
				sql_position(r, r->sql, (size_t)off, &line,
				    &col);
			else {
				line = r->sql_line;
				col = 1;
			}
			diags_add(d, r->file, line, col, "rule '%s' needs "
			    "parameter '%s' (add it to \"parameters\" in the "
			    "policy)", r->id, name);
			err = 1;
		}
		sqlite3_finalize(st);
	}
	json_decref(seen);
	if (check_rule_refs(pol, d))
		err = 1;
	return err ? VGL_ERR_RULE : 0;
}

int
rules_bind_json(sqlite3_stmt *st, int idx, json_t *v)
{
	char	*s;
	int	 rc;

	if (v == NULL || json_is_null(v))
		rc = sqlite3_bind_null(st, idx);
	else if (json_is_integer(v))
		rc = sqlite3_bind_int64(st, idx, json_integer_value(v));
	else if (json_is_real(v))
		rc = sqlite3_bind_double(st, idx, json_real_value(v));
	else if (json_is_string(v))
		rc = sqlite3_bind_text(st, idx, json_string_value(v),
		    (int)json_string_length(v), SQLITE_TRANSIENT);
	else if (json_is_true(v))
		rc = sqlite3_bind_int(st, idx, 1);
	else if (json_is_false(v))
		rc = sqlite3_bind_int(st, idx, 0);
	else {
		if ((s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
			return VGL_ERR_NOMEM;
		rc = sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
		free(s);
	}
	return rc == SQLITE_OK ? 0 : VGL_ERR_RULE;
}

/* ---- evaluation ---------------------------------------------------- */

/*
 * Findings are not kept in memory: each one is inserted into
 * main.findings as it is produced, inside the evaluation's transaction,
 * and the steps that need the whole run (de-duplication, new or
 * persisting, the summary and findings_sha256) are done in SQL over the
 * stored rows, through the index findings_run(run, rule, resource).
 * Memory therefore does not grow with the number of findings.
 */

/*
 * One finding; is_new is 1 unless the previous run ?11 (NULL for none)
 * has a finding of any status with the same rule and resource.
 */
static const char insert_sql[] =
    "INSERT INTO main.findings(run, rule, title, severity, provider, "
    "source, resource, detail, evidence, status, is_new, waiver) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NOT EXISTS "
    "(SELECT 1 FROM main.findings p WHERE p.run = ?11 AND p.rule = ?2 "
    "AND p.resource = ?7), ?12)";

/* Whether the rule already reported the resource in this run. */
static const char seen_sql[] =
    "SELECT 1 FROM main.findings WHERE run = ? AND rule = ? AND "
    "resource = ? AND status <> 'error' LIMIT 1";

/* The partial results of a rule that failed while running. */
static const char partial_sql[] =
    "DELETE FROM main.findings WHERE run = ? AND rule = ? AND "
    "status <> 'error'";

/* The run's findings in findings_sha256 order. */
static const char digest_sql[] =
    "SELECT rule, resource, status, severity, title, provider, source, "
    "detail, evidence, waiver, is_new FROM main.findings WHERE run = ? "
    "ORDER BY rule COLLATE BINARY, resource COLLATE BINARY, "
    "status COLLATE BINARY, rowid";

struct wstate {
	const struct waiver *w;
	int		 expired;
	int		 used;
};

struct eval {
	sqlite3		*db;
	long long	 run;
	long long	 prev;		/* previous committed run, or 0 */
	const struct policy *pol;
	const char	*now;
	struct wstate	*ws;
	size_t		 nws;
	sqlite3_stmt	*ins;		/* insert_sql */
	sqlite3_stmt	*seen;		/* seen_sql */
	struct auth	*au;		/* of the rule running, or NULL */
};

static char *
waiver_json(const struct waiver *w)
{
	json_t	*o;
	char	*s;

	o = json_object();
	json_object_set_new(o, "rule", json_text(w->rule,
	    w->rule != NULL ? strlen(w->rule) : 0));
	json_object_set_new(o, "resource", json_text(w->resource,
	    w->resource != NULL ? strlen(w->resource) : 0));
	json_object_set_new(o, "reason", json_text(w->reason,
	    w->reason != NULL ? strlen(w->reason) : 0));
	json_object_set_new(o, "approved_by", json_text(w->approved_by,
	    w->approved_by != NULL ? strlen(w->approved_by) : 0));
	json_object_set_new(o, "expires", json_text(w->expires,
	    w->expires != NULL ? strlen(w->expires) : 0));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (s == NULL)
		s = xstrdup("{}");
	return s;
}


/*
 * The first unexpired waiver, in policy order, matching a fail finding
 * of rule r on resource, or NULL.  Every matching waiver up to it, and
 * an expired one, counts as used.
 */
static const struct waiver *
match_waiver(struct eval *ev, const struct rule *r, const char *resource)
{
	struct wstate	*w;
	size_t		 i;

	for (i = 0; i < ev->nws; i++) {
		w = &ev->ws[i];
		if (w->w->rule == NULL || w->w->resource == NULL ||
		    fnmatch(w->w->rule, r->id, 0) != 0 ||
		    fnmatch(w->w->resource, resource, 0) != 0)
			continue;
		w->used = 1;
		if (w->expired)
			continue;
		return w->w;
	}
	return NULL;
}

/*
 * Runs st, a prepared insert or query of the engine's, while the rule's
 * authorizer may be installed.  Returns sqlite3_step()'s result.
 */
static int
engine_step(struct eval *ev, sqlite3_stmt *st)
{
	int	 rc;

	if (ev->au != NULL)
		ev->au->engine = 1;
	rc = sqlite3_step(st);
	if (ev->au != NULL)
		ev->au->engine = 0;
	return rc;
}

/*
 * Stores one finding of rule r (status fail or error).  A fail finding
 * whose resource the rule already reported is ignored (the first row is
 * kept); one that a waiver matches is stored as waived.  evidence is
 * JSON text or NULL.
 */
static int
put_finding(struct eval *ev, const struct rule *r, const char *status,
    const char *resource, const char *detail, const char *source,
    const char *evidence)
{
	const struct waiver	*w = NULL;
	sqlite3_stmt		*st = ev->ins;
	char			*wj = NULL;
	int			 rc;

	if (strcmp(status, "fail") == 0) {
		sqlite3_bind_int64(ev->seen, 1, ev->run);
		sqlite3_bind_text(ev->seen, 2, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ev->seen, 3, resource, -1, SQLITE_STATIC);
		rc = engine_step(ev, ev->seen);
		sqlite3_reset(ev->seen);
		sqlite3_clear_bindings(ev->seen);
		if (rc == SQLITE_ROW)
			return 0;
		if (rc != SQLITE_DONE)
			goto bad;
		if ((w = match_waiver(ev, r, resource)) != NULL) {
			status = "waived";
			wj = waiver_json(w);
		}
	}
	sqlite3_bind_int64(st, 1, ev->run);
	sqlite3_bind_text(st, 2, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, severity_name(r->severity), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, resource, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, evidence, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, status, -1, SQLITE_STATIC);
	if (ev->prev > 0)
		sqlite3_bind_int64(st, 11, ev->prev);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_text(st, 12, wj, -1, SQLITE_STATIC);
	rc = engine_step(ev, st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	free(wj);
	if (rc == SQLITE_DONE)
		return 0;
 bad:
	log_error("cannot store findings: %s", sqlite3_errmsg(ev->db));
	return VGL_ERR_STORE;
}

/* The JSON value of column i of the current row. */
static json_t *
column_json(sqlite3_stmt *st, int i)
{
	const unsigned char	*p;
	char			*h;
	json_t			*j;
	int			 n, k;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	case SQLITE_TEXT:
		p = sqlite3_column_text(st, i);
		return json_text((const char *)p,
		    (size_t)sqlite3_column_bytes(st, i));
	case SQLITE_BLOB:
		p = sqlite3_column_blob(st, i);
		n = sqlite3_column_bytes(st, i);
		h = xmalloc((size_t)n * 2 + 1);
		for (k = 0; k < n; k++)
			snprintf(h + 2 * k, 3, "%02x", p[k]);
		h[2 * n] = '\0';
		j = json_string(h);
		free(h);
		return j;
	default:
		return json_null();
	}
}

static int
bind_params(struct eval *ev, const struct rule *r, sqlite3_stmt *st,
    char **msg)
{
	const char	*name;
	json_t		*v;
	int		 i, n = sqlite3_bind_parameter_count(st);

	for (i = 1; i <= n; i++) {
		name = sqlite3_bind_parameter_name(st, i);
		if (name == NULL || name[0] != ':') {
			*msg = xasprintf("unsupported parameter '%s'",
			    name != NULL ? name : "?");
			return VGL_ERR_RULE;
		}
		if (strcmp(name, ":now") == 0) {
			if (sqlite3_bind_text(st, i, ev->now, -1,
			    SQLITE_TRANSIENT) != SQLITE_OK)
				goto bad;
			continue;
		}
		v = ev->pol != NULL ?
		    json_object_get(ev->pol->parameters, name + 1) : NULL;
		if (v == NULL)
			v = rule_param_default(r, name + 1);
		if (v == NULL) {
			*msg = xasprintf("rule needs parameter '%s' (add it "
			    "to \"parameters\" in the policy)", name);
			return VGL_ERR_RULE;
		}
		if (rules_bind_json(st, i, v) != 0)
			goto bad;
	}
	return 0;
 bad:
	*msg = xasprintf("cannot bind '%s': %s", name,
	    sqlite3_errmsg(ev->db));
	return VGL_ERR_RULE;
}

static int
exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_error("%s: %s", sql, sqlite3_errmsg(db));
		return VGL_ERR_STORE;
	}
	return 0;
}

/* Whether a waiver has expired at now (date-only: through that day). */
static int
waiver_expired(const struct waiver *w, long long now, int now_ok)
{
	long long	 t;

	if (w->expires == NULL)
		return 0;
	if (!now_ok || iso8601_parse(w->expires, &t) != 0)
		return 1;	/* cannot tell: do not waive */
	if (strlen(w->expires) == 10)
		t += 86400;
	return now >= t;
}

static int
load_waivers(struct eval *ev)
{
	sqlite3_stmt		*st = NULL;
	const struct waiver	*w;
	long long		 now;
	size_t			 i;
	int			 now_ok, r;

	if ((r = exec(ev->db, "DROP TABLE IF EXISTS temp.waivers")) != 0 ||
	    (r = exec(ev->db, waivers_ddl)) != 0)
		return r;
	now_ok = iso8601_parse(ev->now, &now) == 0;
	if (ev->pol == NULL || ev->pol->nwaivers == 0)
		return 0;
	ev->ws = xcalloc(ev->pol->nwaivers, sizeof(*ev->ws));
	ev->nws = ev->pol->nwaivers;
	if (sqlite3_prepare_v2(ev->db, "INSERT INTO temp.waivers(idx, rule, "
	    "resource, reason, approved_by, expires, expired, used) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, 0)", -1, &st, NULL) != SQLITE_OK)
		goto bad;
	for (i = 0; i < ev->nws; i++) {
		w = &ev->pol->waivers[i];
		ev->ws[i].w = w;
		ev->ws[i].expired = waiver_expired(w, now, now_ok);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		sqlite3_bind_text(st, 2, w->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, w->resource, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, w->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, w->approved_by, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, w->expires, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, ev->ws[i].expired);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto bad;
	}
	sqlite3_finalize(st);
	return 0;
 bad:
	log_error("cannot load waivers: %s", sqlite3_errmsg(ev->db));
	sqlite3_finalize(st);
	return VGL_ERR_STORE;
}

static int
mark_used_waivers(struct eval *ev)
{
	sqlite3_stmt	*st = NULL;
	size_t		 i;

	if (sqlite3_prepare_v2(ev->db, "UPDATE temp.waivers SET used = 1 "
	    "WHERE idx = ?", -1, &st, NULL) != SQLITE_OK)
		goto bad;
	for (i = 0; i < ev->nws; i++) {
		if (!ev->ws[i].used)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto bad;
	}
	sqlite3_finalize(st);
	return 0;
 bad:
	log_error("cannot update waivers: %s", sqlite3_errmsg(ev->db));
	sqlite3_finalize(st);
	return VGL_ERR_STORE;
}


/* Deletes the findings a failed rule stored before it failed. */
static int
drop_partial(struct eval *ev, const struct rule *r)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (sqlite3_prepare_v2(ev->db, partial_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_error("cannot clear findings: %s", sqlite3_errmsg(ev->db));
		return VGL_ERR_STORE;
	}
	sqlite3_bind_int64(st, 1, ev->run);
	sqlite3_bind_text(st, 2, r->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		log_error("cannot clear findings: %s", sqlite3_errmsg(ev->db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : VGL_ERR_STORE;
}

/*
 * Runs one rule, storing its findings.  A rule that fails while running
 * leaves one error finding: the results it stored are deleted, and the
 * waivers only they matched count as unused again.  Returns 0, or
 * VGL_ERR_STORE when a finding cannot be stored.
 */
static int
run_rule(struct eval *ev, const struct rule *r)
{
	struct auth	 au;
	sqlite3_stmt	*st = NULL;
	json_t		*evid;
	char		*msg = NULL, *ev_s, *rres;
	const char	*cname, *res, *detail, *source;
	int		*used;
	size_t		 k;
	long		 off, nulls = 0;
	int		 rc, i, ncol, ridx, didx, sidx, ret = 0, failed = 0;

	rres = xasprintf("rule:%s", r->id);
	used = xcalloc(ev->nws + 1, sizeof(*used));
	for (k = 0; k < ev->nws; k++)
		used[k] = ev->ws[k].used;
	memset(&au, 0, sizeof(au));
	sqlite3_set_authorizer(ev->db, rule_authorizer, &au);
	ev->au = &au;
	if (rule_prepare(ev->db, r, &au, &st, &msg, &off) != 0 ||
	    bind_params(ev, r, st, &msg) != 0) {
		failed = 1;
		goto out;
	}
	ncol = sqlite3_column_count(st);
	ridx = column_index(st, "resource");
	didx = column_index(st, "detail");
	sidx = column_index(st, "source");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, ridx) == SQLITE_NULL) {
			nulls++;
			continue;
		}
		res = (const char *)sqlite3_column_text(st, ridx);
		detail = didx >= 0 ?
		    (const char *)sqlite3_column_text(st, didx) : NULL;
		source = sidx >= 0 ?
		    (const char *)sqlite3_column_text(st, sidx) : NULL;
		evid = json_object();
		for (i = 0; i < ncol; i++) {
			if (i == ridx || i == didx)
				continue;
			if ((cname = sqlite3_column_name(st, i)) == NULL)
				continue;
			json_object_set_new_nocheck(evid, cname,
			    column_json(st, i));
		}
		ev_s = json_dumps(evid, JSON_COMPACT);
		json_decref(evid);
		ret = put_finding(ev, r, "fail", res, detail, source, ev_s);
		free(ev_s);
		if (ret != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		/* A failed rule reports an error, not a partial result. */
		free(msg);
		msg = xasprintf("rule failed: %s", sqlite3_errmsg(ev->db));
		failed = 1;
		goto out;
	}
	if (nulls > 0) {
		free(msg);
		msg = xasprintf("rule returned %ld row%s with a NULL resource",
		    nulls, nulls == 1 ? "" : "s");
		ret = put_finding(ev, r, "error", rres, msg, NULL, NULL);
	}
 out:
	sqlite3_finalize(st);
	ev->au = NULL;
	sqlite3_set_authorizer(ev->db, NULL, NULL);
	if (failed && ret == 0 && (ret = drop_partial(ev, r)) == 0) {
		for (k = 0; k < ev->nws; k++)
			ev->ws[k].used = used[k];
		ret = put_finding(ev, r, "error", rres, msg, NULL, NULL);
	}
	free(used);
	free(msg);
	free(rres);
	return ret;
}

/* Rule providers that stand for one source type. */
static const struct {
	const char	*provider;
	const char	*type;
} provider_types[] = {
	{ "atlassian", "atlassian" },
	{ "aws", "aws" },
	{ "discord", "discord" },
	{ "dns", "dns" },
	{ "google_workspace", "google_workspace" },
	{ "gws", "google_workspace" },
	{ "ldap", "ldap" },
	{ "rdap", "rdap" },
	{ "registrar", "rdap" },
};

/* The source type whose failure silences a rule of provider. */
static const char *
provider_source_type(const char *provider)
{
	size_t	 i;

	for (i = 0; i < sizeof(provider_types) / sizeof(provider_types[0]);
	    i++) {
		if (strcmp(provider, provider_types[i].provider) == 0)
			return provider_types[i].type;
	}
	return provider;
}

const char *
rules_source_type(const char *provider)
{
	size_t	 i;

	for (i = 0; provider != NULL &&
	    i < sizeof(provider_types) / sizeof(provider_types[0]); i++) {
		if (strcmp(provider, provider_types[i].provider) == 0)
			return provider_types[i].type;
	}
	return NULL;
}

int
rules_applies(const struct rule *r, const struct policy *pol)
{
	const char	*type = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(provider_types) / sizeof(provider_types[0]);
	    i++) {
		if (strcmp(r->provider, provider_types[i].provider) == 0)
			type = provider_types[i].type;
	}
	if (type == NULL || pol == NULL)
		return 1;	/* cross-provider, policy or custom rules */
	for (i = 0; i < pol->nsources; i++) {
		if (pol->sources[i].type != NULL &&
		    strcmp(pol->sources[i].type, type) == 0)
			return 1;
	}
	return 0;
}


/*
 * 1 when r's statement reads the `changes` table, as SQLite reports the
 * tables a statement reads while preparing it (the authorizer): not a
 * guess from the text, so "FROM CHANGES", a quoted name or a view count,
 * and the word in a comment or a string literal does not.  A rule that
 * does not prepare reads nothing here (run_rule reports its error).
 */
static int
rule_reads_changes(sqlite3 *db, const struct rule *r)
{
	struct auth	 au;
	sqlite3_stmt	*st = NULL;

	memset(&au, 0, sizeof(au));
	sqlite3_set_authorizer(db, rule_authorizer, &au);
	if (sqlite3_prepare_v2(db, r->sql, -1, &st, NULL) != SQLITE_OK)
		au.reads_changes = 0;
	sqlite3_finalize(st);
	sqlite3_set_authorizer(db, NULL, NULL);
	return au.reads_changes;
}

/*
 * Source types that feed the `identities` view (store.c identity_parts:
 * ldap_users, gws_users, atlassian_users, aws_iam_users): only their
 * failure blinds the identity.* rules.  Discord and DNS hold no
 * identities.
 */
#define IDENTITY_SOURCE_TYPES \
	"'ldap', 'google_workspace', 'atlassian', 'aws'"

/*
 * A waiver of rule r, which could not be judged (its provider's source
 * failed or is absent), counts as used: it cannot be said to be unused.
 */
static void
mark_blind_waivers(struct eval *ev, const struct rule *r)
{
	size_t	 i;

	for (i = 0; i < ev->nws; i++) {
		if (ev->ws[i].w->rule != NULL &&
		    fnmatch(ev->ws[i].w->rule, r->id, 0) == 0)
			ev->ws[i].used = 1;
	}
}

/*
 * An AWS organisation source (aws/org.c) that failed names the accounts
 * it could not audit in aws_org_accounts: one more error finding for
 * each, resource "source:NAME/account:ID", so that no account is
 * silently skipped and each is reported on its own.
 */
static int
account_errors(struct eval *ev, const struct rule *r, const char *name)
{
	sqlite3_stmt	*st = NULL;
	const char	*id, *err;
	char		*res, *detail, *evid;
	int		 ret = 0;

	if (sqlite3_prepare_v2(ev->db, "SELECT account_id, error FROM "
	    "main.aws_org_accounts WHERE run = ?1 AND source = ?2 AND "
	    "audited = 1 AND error IS NOT NULL ORDER BY account_id", -1, &st,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;	/* a store without the table: nothing to add */
	}
	sqlite3_bind_int64(st, 1, ev->run);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	while (ret == 0 && sqlite3_step(st) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		err = (const char *)sqlite3_column_text(st, 1);
		if (id == NULL)
			continue;
		res = xasprintf("source:%s/account:%s", name, id);
		detail = xasprintf("source %s: account %s was not audited: %s",
		    name, id, err != NULL ? err : "");
		evid = xasprintf("{\"account_id\":\"%s\"}", id);
		ret = put_finding(ev, r, "error", res, detail, name, evid);
		free(res);
		free(detail);
		free(evid);
	}
	sqlite3_finalize(st);
	return ret;
}

static int
source_errors(struct eval *ev, const struct rule *r)
{
	sqlite3_stmt	*st = NULL;
	const char	*name, *err;
	char		*res, *detail;
	int		 rc, ret = VGL_ERR_STORE, drift;

	/*
	 * A provider's rules depend on its sources; identity rules on every
	 * source that feeds the identities view; a rule that reads `changes`
	 * (whatever its provider) on every source once a baseline exists (a
	 * source that failed cannot be compared with it).
	 */
	drift = rule_reads_changes(ev->db, r);
	if (sqlite3_prepare_v2(ev->db, "SELECT name, error FROM main.sources "
	    "WHERE run = ?1 AND status = 'failed' AND (type = ?2 OR "
	    "(?2 = 'identity' AND type IN (" IDENTITY_SOURCE_TYPES ")) OR "
	    "(?3 AND EXISTS (SELECT 1 FROM main.baselines))) ORDER BY name",
	    -1, &st, NULL) != SQLITE_OK)
		goto bad;
	sqlite3_bind_int64(st, 1, ev->run);
	sqlite3_bind_text(st, 2, provider_source_type(r->provider), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 3, drift);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		err = (const char *)sqlite3_column_text(st, 1);
		if (name == NULL)
			name = "";
		res = xasprintf("source:%s", name);
		if (err != NULL && *err != '\0')
			detail = xasprintf("source %s failed: %s", name, err);
		else
			detail = xasprintf("source %s failed", name);
		ret = put_finding(ev, r, "error", res, detail, name, NULL);
		mark_blind_waivers(ev, r);
		free(res);
		free(detail);
		if (ret != 0 || (ret = account_errors(ev, r, name)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		goto bad;
	ret = 0;
	goto out;
 bad:
	log_error("cannot read sources of run %lld: %s", ev->run,
	    sqlite3_errmsg(ev->db));
 out:
	sqlite3_finalize(st);
	return ret;
}

/*
 * Points the temporary view `findings` at no rows while the run's
 * findings are being stored, so that a rule reading it sees what it saw
 * when findings were written at the end: the run's old findings are
 * deleted, the new ones not yet there.  store_use_run() restores it.
 */
static int
hide_findings(sqlite3 *db)
{
	sqlite3_stmt	*st = NULL;
	struct buf	 sql;
	const char	*col;
	char		*q;
	int		 n = 0, r = VGL_ERR_STORE;

	buf_init(&sql, 0);
	buf_puts(&sql, "DROP VIEW IF EXISTS temp.findings; "
	    "CREATE TEMP VIEW findings AS SELECT ");
	if (sqlite3_prepare_v2(db, "PRAGMA main.table_info('findings')", -1,
	    &st, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((col = (const char *)sqlite3_column_text(st, 1)) == NULL ||
		    strcmp(col, "run") == 0)
			continue;
		q = sqlite3_mprintf("%s\"%w\"", n++ > 0 ? ", " : "", col);
		buf_puts(&sql, q);
		sqlite3_free(q);
	}
	buf_puts(&sql, " FROM main.findings WHERE 0");
	if (n > 0)
		r = exec(db, sql.data);
 out:
	if (r != 0 && n == 0)
		log_error("cannot read the findings table: %s",
		    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	buf_release(&sql);
	return r;
}

static json_t *
column_str(sqlite3_stmt *st, int i)
{
	const char	*s = (const char *)sqlite3_column_text(st, i);

	return json_text(s, s != NULL ? strlen(s) : 0);
}

/*
 * Streams the run's stored findings, in findings_sha256 order, into the
 * digest out and counts them into sum.
 */
static int
findings_digest(struct eval *ev, char out[65], struct eval_summary *sum)
{
	sqlite3_stmt	*st = NULL;
	EVP_MD_CTX	*ctx;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, k;
	const char	*status;
	json_t		*a;
	char		*s;
	int		 i, rc, sev, is_new, r = VGL_ERR_STORE;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		log_error("cannot compute the findings digest");
		goto out;
	}
	if (sqlite3_prepare_v2(ev->db, digest_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		goto bad;
	sqlite3_bind_int64(st, 1, ev->run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		is_new = sqlite3_column_int(st, 10) != 0;
		a = json_array();
		for (i = 0; i < 10; i++)
			json_array_append_new(a, column_str(st, i));
		json_array_append_new(a, json_integer(is_new));
		s = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		if (s != NULL) {
			EVP_DigestUpdate(ctx, s, strlen(s));
			EVP_DigestUpdate(ctx, "\n", 1);
			free(s);
		}
		sum->total++;
		if ((status = (const char *)sqlite3_column_text(st, 2)) ==
		    NULL)
			status = "";
		if (strcmp(status, "fail") == 0) {
			sev = severity_parse((const char *)
			    sqlite3_column_text(st, 3));
			if (sev >= 0 && sev < (int)(sizeof(sum->counts) /
			    sizeof(sum->counts[0])))
				sum->counts[sev]++;
			if (is_new)
				sum->new_findings++;
		} else if (strcmp(status, "waived") == 0)
			sum->waived++;
		else
			sum->errors++;
	}
	if (rc != SQLITE_DONE)
		goto bad;
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
		log_error("cannot compute the findings digest");
		goto out;
	}
	for (k = 0; k < mdlen && k < 32; k++)
		snprintf(out + 2 * k, 3, "%02x", md[k]);
	out[2 * k] = '\0';
	r = 0;
	goto out;
 bad:
	log_error("cannot read findings: %s", sqlite3_errmsg(ev->db));
 out:
	sqlite3_finalize(st);
	EVP_MD_CTX_free(ctx);
	return r;
}

int
rules_findings_digest(sqlite3 *db, long long run, char out[65])
{
	struct eval		 ev;
	struct eval_summary	 sum;

	memset(&ev, 0, sizeof(ev));
	memset(&sum, 0, sizeof(sum));
	ev.db = db;
	ev.run = run;
	return findings_digest(&ev, out, &sum);
}

static int
write_digests(struct eval *ev, const struct ruleset *rs,
    struct eval_summary *sum)
{
	sqlite3_stmt	*st = NULL;
	struct rules_digest rd;
	char		 rsha[65], fsha[65];
	size_t		 i;
	int		 r;

	rules_digest_init(&rd);
	for (i = 0; i < rs->n; i++)
		rules_digest_add(&rd, rs->v[i].id, rs->v[i].sha256);
	rules_digest_end(&rd, rsha);
	if ((r = findings_digest(ev, fsha, sum)) != 0)
		return r;

	if (sqlite3_prepare_v2(ev->db, "UPDATE main.runs SET rules_sha256 = ?, "
	    "findings_sha256 = ?, evaluated = 1 WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		goto bad;
	sqlite3_bind_text(st, 1, rsha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, fsha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ev->run);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto bad;
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(ev->db, "DELETE FROM main.rule_files WHERE "
	    "run = ?", -1, &st, NULL) != SQLITE_OK)
		goto bad;
	sqlite3_bind_int64(st, 1, ev->run);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto bad;
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(ev->db, "INSERT INTO main.rule_files(run, rule, "
	    "path, sha256) VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto bad;
	for (i = 0; i < rs->n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ev->run);
		sqlite3_bind_text(st, 2, rs->v[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, rs->v[i].file, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, rs->v[i].sha256, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto bad;
	}
	sqlite3_finalize(st);
	return 0;
 bad:
	log_error("cannot record rule digests: %s", sqlite3_errmsg(ev->db));
	sqlite3_finalize(st);
	return VGL_ERR_STORE;
}

/*
 * collected_at of run and its previous run (store_prev_run(): unevaluated
 * runs are skipped).
 */
static int
run_times(sqlite3 *db, long long run, char **now, long long *prev)
{
	sqlite3_stmt	*st = NULL;
	const char	*t;
	int		 r = VGL_ERR_STORE, rc;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(collected_at, started), "
	    "(" STORE_PREV_RUN_SQL ") FROM main.runs WHERE id = ?1", -1, &st,
	    NULL) != SQLITE_OK) {
		log_error("cannot read run %lld: %s", run, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_int64(st, 1, run);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		log_error("no run %lld", run);
		r = VGL_ERR_NOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		log_error("cannot read run %lld: %s", run, sqlite3_errmsg(db));
		goto out;
	}
	if ((t = (const char *)sqlite3_column_text(st, 0)) == NULL) {
		log_error("run %lld has no collection time", run);
		goto out;
	}
	*now = xstrdup(t);
	*prev = sqlite3_column_int64(st, 1);
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

int
rules_evaluate(struct store *stp, long long run, const struct policy *pol,
    const struct ruleset *rs, struct eval_summary *sum)
{
	struct eval		 ev;
	struct eval_summary	 s;
	sqlite3_stmt		*st = NULL;
	char			*now = NULL;
	long long		 prev = 0;
	size_t			 i;
	int			 r, began = 0;

	memset(&ev, 0, sizeof(ev));
	memset(&s, 0, sizeof(s));
	ev.db = stp->db;
	ev.run = run;
	ev.pol = pol;
	if ((r = run_times(ev.db, run, &now, &prev)) != 0)
		goto out;
	ev.now = now;
	ev.prev = prev;
	if ((r = store_use_run(ev.db, run)) != 0)
		goto out;
	/* Inside the run's own transaction (audit) nothing is begun. */
	if (sqlite3_get_autocommit(ev.db)) {
		if ((r = exec(ev.db, "BEGIN IMMEDIATE")) != 0)
			goto out;
		began = 1;
	}
	r = VGL_ERR_STORE;
	if (sqlite3_prepare_v2(ev.db, "DELETE FROM main.findings WHERE "
	    "run = ?", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_error("cannot clear findings: %s", sqlite3_errmsg(ev.db));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((r = load_waivers(&ev)) != 0 ||
	    (r = hide_findings(ev.db)) != 0)
		goto out;
	if (sqlite3_prepare_v2(ev.db, insert_sql, -1, &ev.ins, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(ev.db, seen_sql, -1, &ev.seen,
	    NULL) != SQLITE_OK) {
		log_error("cannot store findings: %s", sqlite3_errmsg(ev.db));
		r = VGL_ERR_STORE;
		goto out;
	}

	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].provider, "policy") == 0)
			continue;
		if (!rules_applies(&rs->v[i], pol)) {
			/* No source of its provider: nothing to judge. */
			mark_blind_waivers(&ev, &rs->v[i]);
			continue;
		}
		if ((r = source_errors(&ev, &rs->v[i])) != 0 ||
		    (r = run_rule(&ev, &rs->v[i])) != 0)
			goto out;
	}
	if ((r = mark_used_waivers(&ev)) != 0)
		goto out;
	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].provider, "policy") == 0 &&
		    (r = run_rule(&ev, &rs->v[i])) != 0)
			goto out;
	}
	sqlite3_finalize(ev.ins);
	sqlite3_finalize(ev.seen);
	ev.ins = ev.seen = NULL;

	if ((r = write_digests(&ev, rs, &s)) != 0)
		goto out;
	if (began && (r = exec(ev.db, "COMMIT")) != 0)
		goto out;
	began = 0;
	(void)exec(ev.db, "DROP TABLE IF EXISTS temp.waivers");
	if ((r = store_use_run(ev.db, run)) != 0)
		goto out;
	if (sum != NULL)
		*sum = s;
	r = 0;
 out:
	sqlite3_finalize(st);
	sqlite3_finalize(ev.ins);
	sqlite3_finalize(ev.seen);
	if (began)
		(void)sqlite3_exec(ev.db, "ROLLBACK", NULL, NULL, NULL);
	free(ev.ws);
	free(now);
	return r;
}
