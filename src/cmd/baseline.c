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

#define OPT_RUN		'r'
#define OPT_NOTE	2100
#define OPT_BY		2101
#define OPT_WAIT	2002

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

static int
cmd_baseline_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "run", required_argument, NULL, OPT_RUN },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "by", required_argument, NULL, OPT_BY },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 }
	};
	struct policy	*p = NULL;
	struct store	*st = NULL;
	const char	*sub, *run_arg = NULL, *note = NULL, *by = NULL;
	char		*name = NULL, *status = NULL;
	long long	 run, id = 0;
	int		 c, r, flags = 0;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		switch (c) {
		case OPT_RUN:
			run_arg = optarg;
			break;
		case OPT_NOTE:
			note = optarg;
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_WAIT:
			flags |= STORE_WAIT;
			break;
		default:
			cmd_usage(&cmd_baseline_entry, c == 'h' ? stdout :
			    stderr);
			return c == 'h' ? 0 : VGL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_usage(&cmd_baseline_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	sub = argv[optind];
	if (strcmp(sub, "list") == 0) {
		if (run_arg != NULL || note != NULL || by != NULL) {
			log_error("baseline list takes no --run, --note or "
			    "--by");
			return VGL_EXIT_USAGE;
		}
		if ((r = cmd_load_policy(g, &p)) != 0)
			return r;
		if ((r = cmd_open_store(g, p, STORE_READONLY, &st)) == 0)
			r = baseline_list(st);
		goto out;
	}
	if (strcmp(sub, "accept") != 0) {
		log_error("baseline: unknown subcommand '%s' (accept, list)",
		    sub);
		cmd_usage(&cmd_baseline_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	/* The why is the point of a baseline: it is required. */
	if (note == NULL || blank(note)) {
		log_error("baseline accept needs --note TEXT: why this state "
		    "is accepted (e.g. a ticket or review reference)");
		return VGL_EXIT_USAGE;
	}
	if (by != NULL && blank(by)) {
		log_error("--by: empty name");
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	if ((r = cmd_open_store(g, p, flags, &st)) != 0)
		goto out;
	if ((r = cmd_resolve_run(st, run_arg, &run)) != 0)
		goto out;
	if (store_run_info(st, run, NULL, &status) == 0 &&
	    strcmp(status, "complete") != 0)
		log_warn("run %lld is %s: the sources that failed in it have "
		    "no accepted state and are not compared", run, status);
	name = who(by);
	if (drift_accept(st, run, name, note, &id) != 0) {
		r = VGL_EXIT_USAGE;
		goto out;
	}
	if (!g->quiet) {
		printf("baseline %lld: run %lld accepted by ", id, run);
		put_inert(name);
		printf(": ");
		put_inert(note);
		printf("\nlater runs' drift is computed against it; 'vigil "
		    "evaluate --run N' recomputes a stored run's changes\n");
	}
	r = 0;
 out:
	free(name);
	free(status);
	store_close(st);
	policy_free(p);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help baseline_opts[] = {
	{ "--run N", "accept run N (default: the last committed run)" },
	{ "--note TEXT", "why the run is accepted (required, not blank)" },
	{ "--by NAME", "who accepts it (default: the user running vigil)" },
	{ "--wait", "wait for another run holding the store's lock" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_baseline_entry = {
	.name = "baseline",
	.usage = "accept [--run N] --note TEXT [--by NAME] [--wait] | list",
	.summary = "accept a run as the baseline (who, when, why); list them",
	.opts = baseline_opts,
	.exec = cmd_baseline_exec,
};
