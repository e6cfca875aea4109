/*
 * cmd/notify.c: "vigil notify": send a stored run's email and webhooks
 * (each channel when its "when" says so), or with --dry-run print what
 * would be sent, without secrets.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"
#include "notify.h"
#include "report.h"
#include "vigil.h"

#define OPT_RUN		'r'
#define OPT_DRY_RUN	2000

static int
cmd_notify_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "run", required_argument, NULL, OPT_RUN },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ NULL, 0, NULL, 0 }
	};
	struct policy		*p = NULL;
	struct store		*st = NULL;
	struct ruleset		 rs = { 0 };
	json_t			*doc = NULL, *prevdoc = NULL;
	const char		*run_arg = NULL;
	long long		 run, prev;
	int			 c, r, dry_run = 0;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		switch (c) {
		case OPT_RUN:
			run_arg = optarg;
			break;
		case OPT_DRY_RUN:
			dry_run = 1;
			break;
		default:
			cmd_usage(&cmd_notify_entry, c == 'h' ? stdout :
			    stderr);
			return c == 'h' ? 0 : VGL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_usage(&cmd_notify_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	/* Remediation text comes from the catalog; notify works without. */
	if (cmd_load_rules(p, &rs) != 0)
		log_warn("rules could not be loaded; the attached report "
		    "omits remediation");
	if ((r = cmd_open_store(g, p, STORE_READONLY, &st)) != 0)
		goto out;
	if ((r = cmd_resolve_run(st, run_arg, &run)) != 0)
		goto out;
	r = VGL_EXIT_USAGE;
	if (!store_run_evaluated(st, run)) {
		log_error("run %lld was collected but never evaluated: it has "
		    "no findings yet, which is not a clean run; 'vigil "
		    "evaluate --run %lld' evaluates it", run, run);
		goto out;
	}
	if ((doc = report_build(st, run, &rs, -1)) == NULL) {
		log_error("cannot read run %lld", run);
		goto out;
	}
	/* "when": "changes" compares with the previous run. */
	if ((prev = store_prev_run(st, run)) > 0 &&
	    (prevdoc = report_build(st, prev, &rs, -1)) == NULL) {
		log_error("cannot read run %lld", prev);
		goto out;
	}
	r = notify_run(p, doc, prevdoc, dry_run, stdout) == 0 ? 0 :
	    VGL_EXIT_WRITE;
 out:
	json_decref(prevdoc);
	json_decref(doc);
	rules_release(&rs);
	store_close(st);
	policy_free(p);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help notify_opts[] = {
	{ "--run N", "the run to notify about (default: the last)" },
	{ "--dry-run", "print what would be sent, to whom; send nothing" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_notify_entry = {
	.name = "notify",
	.usage = "[--run N] [--dry-run]",
	.summary = "send a run's email and webhooks",
	.opts = notify_opts,
	.exec = cmd_notify_exec,
};
