/*
 * cmd/history.c: "vigil history": past runs with their counts and hash.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"
#include "vigil.h"

#define OPT_LIMIT	'n'

static const struct option history_longopts[] = {
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ NULL, 0, NULL, 0 }
};

static int
history_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	long	*limit = ctx->args;
	char	*end;

	if (c != OPT_LIMIT)
		return -1;
	errno = 0;
	*limit = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || *limit <= 0) {
		log_error("--limit: '%s' is not a positive number", arg);
		return VGL_EXIT_USAGE;
	}
	return 0;
}

static int
cmd_history_exec(struct cmd_ctx *ctx)
{
	struct store	*st = ctx->st;
	sqlite3_stmt	*s = NULL;
	long		 limit = *(long *)ctx->args;
	int		 r = VGL_EXIT_USAGE;

	if (sqlite3_prepare_v2(st->db, "SELECT r.id, r.collected_at, "
	    "r.status, "
	    "(SELECT count(*) FROM main.findings f WHERE f.run = r.id AND "
	    "f.status = 'fail' AND f.severity = 'critical'), "
	    "(SELECT count(*) FROM main.findings f WHERE f.run = r.id AND "
	    "f.status = 'fail' AND f.severity = 'high'), "
	    "(SELECT count(*) FROM main.findings f WHERE f.run = r.id AND "
	    "f.status = 'fail' AND f.severity = 'medium'), "
	    "(SELECT count(*) FROM main.findings f WHERE f.run = r.id AND "
	    "f.status = 'fail' AND f.severity = 'low'), "
	    "(SELECT count(*) FROM main.findings f WHERE f.run = r.id AND "
	    "f.status = 'fail' AND f.severity = 'info'), "
	    "(SELECT count(*) FROM main.findings f WHERE f.run = r.id AND "
	    "f.status = 'error'), coalesce(r.chain_hash, '-'), r.evaluated, "
	    "r.snapshot_run FROM main.runs r WHERE r.status IN ('complete', 'partial') "
	    "ORDER BY r.id DESC LIMIT ?", -1, &s, NULL) != SQLITE_OK) {
		log_error("history: %s", sqlite3_errmsg(st->db));
		goto out;
	}
	sqlite3_bind_int64(s, 1, limit > 0 ? limit : 20);
	printf("%-5s %-20s %-8s %4s %4s %4s %4s %4s %4s  %s\n", "RUN",
	    "COLLECTED", "STATUS", "CRIT", "HIGH", "MED", "LOW", "INFO",
	    "ERR", "CHAIN");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_int(s, 10) == 0) {
			/* No rules ran: no counts, never a clean 0. */
			printf("%-5lld %-20s %-8s %4s %4s %4s %4s %4s %4s  "
			    "%.16s  not evaluated\n",
			    (long long)sqlite3_column_int64(s, 0),
			    sqlite3_column_text(s, 1),
			    sqlite3_column_text(s, 2), "-", "-", "-", "-",
			    "-", "-", sqlite3_column_text(s, 9));
			continue;
		}
		printf("%-5lld %-20s %-8s %4d %4d %4d %4d %4d %4d  %.16s",
		    (long long)sqlite3_column_int64(s, 0),
		    sqlite3_column_text(s, 1), sqlite3_column_text(s, 2),
		    sqlite3_column_int(s, 3), sqlite3_column_int(s, 4),
		    sqlite3_column_int(s, 5), sqlite3_column_int(s, 6),
		    sqlite3_column_int(s, 7), sqlite3_column_int(s, 8),
		    sqlite3_column_text(s, 9));
		if (sqlite3_column_type(s, 11) != SQLITE_NULL)
			printf("  evaluation of run %lld",
			    (long long)sqlite3_column_int64(s, 11));
		putchar('\n');
	}
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help history_opts[] = {
	{ "--limit N", "list only the last N runs (default 20)" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.usage = "[--limit N]",
	.summary = "past runs: time, status, counts by severity, hash",
	.opts = history_opts,
	.longopts = history_longopts,
	.args_size = sizeof(long),	/* --limit, 0: the default */
	.option = history_option,
	.needs = CMD_POLICY | CMD_STORE_RO,
	.exec = cmd_history_exec,
};
