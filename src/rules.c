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
 *
 * This file evaluates; rule files and the catalog are in rules-catalog.c,
 * the sandbox (authorizer, preparing, rules_check) in rules-sandbox.c.
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
#include "rules-int.h"
#include "rules.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"


/* The temporary table that policy.* rules read. */
const char waivers_ddl[] =
    "CREATE TEMP TABLE IF NOT EXISTS waivers(idx INTEGER, rule TEXT, "
    "resource TEXT, reason TEXT, approved_by TEXT, expires TEXT, "
    "expired INTEGER, used INTEGER)";

/* A copy of bytes that are not UTF-8, every non-ASCII or NUL byte a ?. */
static char *
text_ascii(const char *s, size_t n)
{
	char	*c;
	size_t	 i;

	c = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		c[i] = ((unsigned char)s[i] >= 0x80 || s[i] == '\0') ?
		    '?' : s[i];
	}
	c[n] = '\0';
	return c;
}

/* A JSON string from bytes that may not be UTF-8 (bad bytes become ?). */
json_t *
json_text(const char *s, size_t n)
{
	json_t	*j;
	char	*c;

	if (s == NULL)
		return json_null();
	if ((j = json_stringn(s, n)) != NULL)
		return j;
	c = text_ascii(s, n);
	j = json_stringn_nocheck(c, n);
	free(c);
	return j;
}

/* Memory that dump_text() keeps from one call to the next. */
struct dumpbuf {
	char	*data;
	size_t	 cap;
};

/*
 * The text json_dumps(j, JSON_COMPACT) would return, written into d's
 * memory instead of a new allocation (NUL-terminated; *lenp is its
 * length), or NULL where json_dumps would return NULL.  Valid until the
 * next call with d.
 */
static const char *
dump_text(json_t *j, struct dumpbuf *d, size_t *lenp)
{
	size_t	 n;

	n = json_dumpb(j, d->data, d->cap, JSON_COMPACT);
	if (n == 0)
		return NULL;
	if (n >= d->cap) {
		free(d->data);
		d->cap = n + 1 > 2 * d->cap ? n + 1 : 2 * d->cap;
		d->data = xmalloc(d->cap);
		if ((n = json_dumpb(j, d->data, d->cap, JSON_COMPACT)) == 0 ||
		    n >= d->cap)
			return NULL;
	}
	d->data[n] = '\0';
	*lenp = n;
	return d->data;
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
	struct dumpbuf	 d;
	json_t		*evid;
	char		*msg = NULL, *rres;
	const char	*cname, *res, *detail, *source, *ev_s;
	int		*used;
	size_t		 k, len;
	long		 off, nulls = 0;
	int		 rc, i, ncol, ridx, didx, sidx, ret = 0, failed = 0;

	rres = xasprintf("rule:%s", r->id);
	d.cap = 256;
	d.data = xmalloc(d.cap);
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
		ev_s = dump_text(evid, &d, &len);
		json_decref(evid);
		ret = put_finding(ev, r, "fail", res, detail, source, ev_s);
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
	free(d.data);
	return ret;
}

/* The source type a rule provider stands for, or NULL. */
static const struct source_type *
provider_type(const char *provider)
{
	const char *const	*a;
	size_t			 i;

	for (i = 0; provider != NULL && source_types[i] != NULL; i++) {
		if (strcmp(provider, source_types[i]->name) == 0)
			return source_types[i];
		for (a = source_types[i]->rule_providers; a != NULL &&
		    *a != NULL; a++)
			if (strcmp(provider, *a) == 0)
				return source_types[i];
	}
	return NULL;
}

/* The source type whose failure silences a rule of provider. */
static const char *
provider_source_type(const char *provider)
{
	const struct source_type *t = provider_type(provider);

	return t != NULL ? t->name : provider;
}

const char *
rules_source_type(const char *provider)
{
	const struct source_type *t = provider_type(provider);

	return t != NULL ? t->name : NULL;
}

int
rules_applies(const struct rule *r, const struct policy *pol)
{
	const char	*type = rules_source_type(r->provider);
	size_t		 i;

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
 * 1 when a failed source of type type blinds a rule of provider (whose
 * source type is ptype): its own type, and for identity.* rules every
 * type that feeds the `identities` view (has identity parts).
 */
static int
blinds(const char *type, const char *ptype)
{
	const struct source_type *t;

	if (type == NULL)
		return 0;
	if (strcmp(type, ptype) == 0)
		return 1;
	return strcmp(ptype, "identity") == 0 &&
	    (t = source_type_find(type)) != NULL && t->identity != NULL;
}

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
 * A source that failed may name the parts it could not audit (its type's
 * scope, e.g. the accounts of an organisation): one more error finding
 * for each, resource "source:NAME/NOUN:ID", so that no part is silently
 * skipped and each is reported on its own.
 */
static int
scope_errors(struct eval *ev, const struct rule *r, const char *name,
    const char *type)
{
	const struct source_type	*t = source_type_find(type);
	const struct source_scope	*sc;
	sqlite3_stmt			*st = NULL;
	const char			*id, *err;
	char				*res, *detail, *evid;
	json_t				*ej;
	int				 ret = 0;

	if (t == NULL || (sc = t->scope) == NULL)
		return 0;
	if (sqlite3_prepare_v2(ev->db, sc->sql, -1, &st, NULL) != SQLITE_OK) {
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
		res = xasprintf("source:%s/%s:%s", name, sc->noun, id);
		detail = xasprintf("source %s: %s %s was not audited: %s",
		    name, sc->noun, id, err != NULL ? err : "");
		ej = json_pack("{s:s}", sc->key, id);
		evid = ej != NULL ? json_dumps(ej, JSON_COMPACT) : NULL;
		json_decref(ej);
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
	const char	*name, *err, *type, *ptype;
	char		*res, *detail;
	int		 rc, ret = VGL_ERR_STORE, drift;

	/*
	 * A provider's rules depend on its sources; identity rules on every
	 * source that feeds the identities view; a rule that reads `changes`
	 * (whatever its provider) on every source once a baseline exists (a
	 * source that failed cannot be compared with it).
	 */
	drift = rule_reads_changes(ev->db, r);
	ptype = provider_source_type(r->provider);
	if (sqlite3_prepare_v2(ev->db, "SELECT name, error, type, (?2 AND "
	    "EXISTS (SELECT 1 FROM main.baselines)) FROM main.sources "
	    "WHERE run = ?1 AND status = 'failed' ORDER BY name", -1, &st,
	    NULL) != SQLITE_OK)
		goto bad;
	sqlite3_bind_int64(st, 1, ev->run);
	sqlite3_bind_int(st, 2, drift);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		err = (const char *)sqlite3_column_text(st, 1);
		type = (const char *)sqlite3_column_text(st, 2);
		if (!sqlite3_column_int(st, 3) && !blinds(type, ptype))
			continue;
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
		if (ret != 0 || (ret = scope_errors(ev, r, name, type)) != 0)
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

/*
 * Sets element i of a to json_text() of column i, reusing str, a string
 * value of its own.  Returns -1 when out of memory.
 */
static int
set_column_str(json_t *a, size_t i, json_t *str, sqlite3_stmt *st)
{
	const char	*s = (const char *)sqlite3_column_text(st, (int)i);
	char		*c;
	size_t		 n;
	int		 r;

	if (s == NULL)
		return json_array_set_new(a, i, json_null());
	n = strlen(s);
	if (json_string_setn(str, s, n) != 0) {
		c = text_ascii(s, n);
		r = json_string_setn_nocheck(str, c, n);
		free(c);
		if (r != 0)
			return -1;
	}
	return json_array_set(a, i, str);
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
	const char	*status, *s;
	struct dumpbuf	 d;
	json_t		*a, *str[10], *nw;
	size_t		 i, len;
	int		 rc, sev, is_new, bad, r = VGL_ERR_STORE;

	/*
	 * One array of 11 values is reused for every line: it is dumped
	 * exactly as a new one would be, without allocating for each.
	 */
	d.cap = 256;
	d.data = xmalloc(d.cap);
	a = json_array();
	for (i = 0; i < 10; i++) {
		str[i] = json_string("");
		json_array_append(a, str[i]);
	}
	nw = json_integer(0);
	json_array_append(a, nw);
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
		bad = json_integer_set(nw, is_new);
		for (i = 0; i < 10; i++) {
			if (set_column_str(a, i, str[i], st) != 0)
				bad = 1;
		}
		/* As json_dumps() failing did, a line that fails is left out. */
		if (!bad && (s = dump_text(a, &d, &len)) != NULL) {
			EVP_DigestUpdate(ctx, s, len);
			EVP_DigestUpdate(ctx, "\n", 1);
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
	for (i = 0; i < 10; i++)
		json_decref(str[i]);
	json_decref(nw);
	json_decref(a);
	free(d.data);
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
