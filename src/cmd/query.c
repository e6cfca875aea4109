/*
 * cmd/query.c: "vigil query SQL": read-only SQL over one run's snapshot.
 * The store is opened read-only and an authorizer allows reading only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "vigil.h"

#define OPT_JSON	2010
#define OPT_HEADER	2011

static int
query_auth(void *arg, int action, const char *a, const char *b,
    const char *db, const char *view)
{
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

/* Writes s with control characters shown as '?', so output is inert. */
static void
put_safe(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 && *s != '\t' ? '?' : *s);
}

/* The options of query, parsed into cmd_ctx.args. */
struct query_args {
	int	 json, header;
};

static const struct option query_longopts[] = {
	CMD_LONGOPT_RUN,
	{ "json", no_argument, NULL, OPT_JSON },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ NULL, 0, NULL, 0 }
};

static int
query_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct query_args	*a = ctx->args;

	switch (c) {
	case OPT_JSON:
		a->json = 1;
		return 0;
	case OPT_HEADER:
		a->header = 1;
		return 0;
	}
	return -1;
}

static int
cmd_query_exec(struct cmd_ctx *ctx)
{
	struct query_args	*a = ctx->args;
	struct store		*st = ctx->st;
	sqlite3_stmt		*s = NULL;
	const char		*tail;
	json_t			*rows = NULL;
	long long		 run = ctx->run;
	int			 r = VGL_EXIT_USAGE, i, n, rc;

	if (store_use_run(st->db, run) != 0)
		goto out;
	if (!store_run_evaluated(st, run))
		log_warn("run %lld was never evaluated: its snapshot is "
		    "there, its findings and changes are not", run);
	sqlite3_set_authorizer(st->db, query_auth, NULL);
	rc = sqlite3_prepare_v2(st->db, ctx->argv[0], -1, &s, &tail);
	sqlite3_set_authorizer(st->db, NULL, NULL);
	if (rc != SQLITE_OK) {
		log_error("query: %s%s", sqlite3_errmsg(st->db),
		    rc == SQLITE_AUTH ? " (query is read-only: one SELECT)" :
		    "");
		goto out;
	}
	if (s == NULL || !sqlite3_stmt_readonly(s)) {
		log_error("query: only a read-only SELECT is allowed");
		goto out;
	}
	while (tail != NULL && (*tail == ' ' || *tail == '\n' ||
	    *tail == '\t' || *tail == ';' || *tail == '\r'))
		tail++;
	if (tail != NULL && *tail != '\0') {
		log_error("query: one statement only");
		goto out;
	}
	n = sqlite3_column_count(s);
	if (a->json)
		rows = json_array();
	else if (a->header) {
		for (i = 0; i < n; i++)
			printf("%s%s", i ? "|" : "", sqlite3_column_name(s, i));
		putchar('\n');
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *o = a->json ? json_object() : NULL;

		for (i = 0; i < n; i++) {
			const char *v = (const char *)sqlite3_column_text(s,
			    i);
			if (o != NULL) {
				json_t *jv;
				switch (sqlite3_column_type(s, i)) {
				case SQLITE_NULL:
					jv = json_null();
					break;
				case SQLITE_INTEGER:
					jv = json_integer(
					    sqlite3_column_int64(s, i));
					break;
				case SQLITE_FLOAT:
					jv = json_real(
					    sqlite3_column_double(s, i));
					break;
				default:
					jv = json_string(v);
				}
				json_object_set_new(o,
				    sqlite3_column_name(s, i), jv);
				continue;
			}
			if (i > 0)
				putchar('|');
			if (v != NULL)
				put_safe(v);
		}
		if (o != NULL)
			json_array_append_new(rows, o);
		else
			putchar('\n');
	}
	if (rc != SQLITE_DONE) {
		log_error("query: %s", sqlite3_errmsg(st->db));
		goto out;
	}
	if (rows != NULL) {
		json_dumpf(rows, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	r = 0;
 out:
	json_decref(rows);
	sqlite3_finalize(s);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help query_opts[] = {
	{ "--run N", "query run N's snapshot (default: the last run)" },
	{ "--json", "print the rows as one JSON array of objects" },
	{ "--header", "print the column names as the first line" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_query_entry = {
	.name = "query",
	.usage = "[--run N] [--json | --header] SQL",
	.summary = "read-only SQL over a run's snapshot, for investigation",
	.opts = query_opts,
	.longopts = query_longopts,
	.args_size = sizeof(struct query_args),
	.option = query_option,
	.nargs_min = 1,
	.nargs_max = 1,
	.needs = CMD_POLICY | CMD_STORE_RO | CMD_RUN,
	.exec = cmd_query_exec,
};
