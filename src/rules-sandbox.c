/*
 * rules-sandbox.c: preparing rules in the read-only SQL sandbox
 * (SPEC section 6; vigil-rules(5)).
 *
 * Rules are prepared and stepped under an authorizer that allows only
 * SELECT, reads, functions (except load_extension) and recursive CTEs,
 * so a rule cannot write, attach, or change pragmas.  rules_check()
 * prepares every rule against the schema (validate) and checks the
 * policy's references to rules and the types of their parameters.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sqlite3.h>

#include "diag.h"
#include "log.h"
#include "policy.h"
#include "rules-int.h"
#include "rules.h"
#include "vigil.h"
#include "xmalloc.h"

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
int
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


/* ---- preparing rules ----------------------------------------------- */

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
int
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

int
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
int
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
