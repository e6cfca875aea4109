/*
 * cmd/baseline.c: "vigil baseline accept|list": mark a committed run as
 * the accepted state (who, when, why), and list the baselines accepted.
 */
#include "config.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "drift.h"
#include "log.h"
#include "vigil.h"
#include "xmalloc.h"

#define OPT_NOTE	2100
#define OPT_BY		2101

/* Prints s with control characters as '?', so that output is inert. */
static void
put_inert(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		putchar(iscntrl((unsigned char)*s) ? '?' : *s);
}

static int
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* --by, else the account running vigil, else $USER. */
static char *
who(const char *by)
{
	struct passwd	*pw;
	const char	*u;

	if (by != NULL)
		return xstrdup(by);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL &&
	    *pw->pw_name != '\0')
		return xstrdup(pw->pw_name);
	if ((u = getenv("USER")) != NULL && *u != '\0')
		return xstrdup(u);
	return xasprintf("uid %ld", (long)getuid());
}

static int
baseline_list(struct store *st)
{
	sqlite3_stmt	*s = NULL;
	struct baseline	 cur;
	long long	 id;
	int		 r;

	if ((r = drift_baseline(st->db, &cur)) != 0)
		return VGL_EXIT_USAGE;
	if (cur.id == 0) {
		printf("no baseline accepted yet\n");
		return 0;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT id, run, accepted_at, "
	    "accepted_by, note FROM main.baselines ORDER BY id DESC", -1, &s,
	    NULL) != SQLITE_OK) {
		log_error("baseline: %s", sqlite3_errmsg(st->db));
		drift_baseline_release(&cur);
		return VGL_EXIT_USAGE;
	}
	printf("%-3s %-5s %-5s %-20s %-16s %s\n", "", "ID", "RUN",
	    "ACCEPTED", "BY", "NOTE");
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		printf("%-3s %-5lld %-5lld %-20s ", id == cur.id ? "*" : "",
		    id, (long long)sqlite3_column_int64(s, 1),
		    (const char *)sqlite3_column_text(s, 2));
		put_inert((const char *)sqlite3_column_text(s, 3));
		putchar(' ');
		put_inert((const char *)sqlite3_column_text(s, 4));
		putchar('\n');
	}
	sqlite3_finalize(s);
	drift_baseline_release(&cur);
	return 0;
}

/* The options of baseline, parsed into cmd_ctx.args. */
struct baseline_args {
	const char	*note, *by;
};

static const struct option baseline_longopts[] = {
	CMD_LONGOPT_RUN,
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "by", required_argument, NULL, OPT_BY },
	CMD_LONGOPT_WAIT,
	{ NULL, 0, NULL, 0 }
};

static int
baseline_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct baseline_args	*a = ctx->args;

	switch (c) {
	case OPT_NOTE:
		a->note = arg;
		return 0;
	case OPT_BY:
		a->by = arg;
		return 0;
	}
	return -1;
}

/* The subcommand decides what is needed: list reads, accept writes. */
static int
baseline_check(struct cmd_ctx *ctx)
{
	struct baseline_args	*a = ctx->args;
	const char		*sub = ctx->argv[0];

	if (strcmp(sub, "list") == 0) {
		if (ctx->run_arg != NULL || a->note != NULL || a->by != NULL) {
			log_error("baseline list takes no --run, --note or "
			    "--by");
			return VGL_EXIT_USAGE;
		}
		ctx->needs = CMD_POLICY | CMD_STORE_RO;
		return 0;
	}
	if (strcmp(sub, "accept") != 0) {
		log_error("baseline: unknown subcommand '%s' (accept, list)",
		    sub);
		cmd_usage(ctx->e, stderr);
		return VGL_EXIT_USAGE;
	}
	/* The why is the point of a baseline: it is required. */
	if (a->note == NULL || blank(a->note)) {
		log_error("baseline accept needs --note TEXT: why this state "
		    "is accepted (e.g. a ticket or review reference)");
		return VGL_EXIT_USAGE;
	}
	if (a->by != NULL && blank(a->by)) {
		log_error("--by: empty name");
		return VGL_EXIT_USAGE;
	}
	ctx->needs = CMD_POLICY | CMD_STORE_RW | CMD_RUN;
	return 0;
}

static int
cmd_baseline_exec(struct cmd_ctx *ctx)
{
	struct baseline_args	*a = ctx->args;
	char			*name = NULL, *status = NULL;
	long long		 id = 0;
	int			 r = VGL_EXIT_USAGE;

	if (!(ctx->needs & CMD_RUN))
		return baseline_list(ctx->st);
	if (store_run_info(ctx->st, ctx->run, NULL, &status) == 0 &&
	    strcmp(status, "complete") != 0)
		log_warn("run %lld is %s: the sources that failed in it have "
		    "no accepted state and are not compared", ctx->run,
		    status);
	name = who(a->by);
	if (drift_accept(ctx->st, ctx->run, name, a->note, &id) != 0)
		goto out;
	if (!ctx->g->quiet) {
		printf("baseline %lld: run %lld accepted by ", id, ctx->run);
		put_inert(name);
		printf(": ");
		put_inert(a->note);
		printf("\nlater runs' drift is computed against it; 'vigil "
		    "evaluate --run N' recomputes a stored run's changes\n");
	}
	r = 0;
 out:
	free(name);
	free(status);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help baseline_opts[] = {
	{ "--run N", "accept run N (default: the last committed run)" },
	{ "--note TEXT", "why the run is accepted (required, not blank)" },
	{ "--by NAME", "who accepts it (default: the user running vigil)" },
	CMD_WAIT_HELP,
	{ NULL, NULL }
};

const struct cmd_entry cmd_baseline_entry = {
	.name = "baseline",
	.usage = "accept [--run N] --note TEXT [--by NAME] [--wait] | list",
	.summary = "accept a run as the baseline (who, when, why); list them",
	.opts = baseline_opts,
	.longopts = baseline_longopts,
	.args_size = sizeof(struct baseline_args),
	.option = baseline_option,
	.nargs_min = 1,
	.nargs_max = 1,
	.check = baseline_check,
	.exec = cmd_baseline_exec,
};
