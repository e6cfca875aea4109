/*
 * cmd/evaluate.c: "vigil evaluate": re-run the rules on a stored run,
 * without the network.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "log.h"
#include "report.h"
#include "run.h"
#include "util.h"
#include "vigil.h"

#define OPT_RUN		'r'
#define OPT_FAIL_ON	2003
#define OPT_WAIT	2002

static int
cmd_evaluate_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "run", required_argument, NULL, OPT_RUN },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 }
	};
	struct eval_summary	 sum;
	struct policy		*p = NULL;
	struct store		*st = NULL;
	struct ruleset		 rs = { 0 };
	json_t			*doc = NULL;
	const char		*run_arg = NULL;
	long long		 run, from;
	int			 c, r, flags = 0, fail_on = SEV_HIGH;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		switch (c) {
		case OPT_RUN:
			run_arg = optarg;
			break;
		case OPT_FAIL_ON:
			if ((fail_on = severity_parse(optarg)) < 0) {
				log_error("--fail-on: unknown severity '%s'",
				    optarg);
				return VGL_EXIT_USAGE;
			}
			break;
		case OPT_WAIT:
			flags |= STORE_WAIT;
			break;
		default:
			cmd_usage(&cmd_evaluate_entry, c == 'h' ? stdout :
			    stderr);
			return c == 'h' ? 0 : VGL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_usage(&cmd_evaluate_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	if ((r = cmd_load_rules(p, &rs)) != 0)
		goto out;
	if ((r = cmd_open_store(g, p, flags, &st)) != 0)
		goto out;
	if ((r = cmd_resolve_run(st, run_arg, &from)) != 0)
		goto out;
	r = VGL_EXIT_USAGE;
	/* A new run: the stored one, findings and seal, stays as it is. */
	if (run_reevaluate(st, p, &rs, from, &run, &sum) != 0) {
		log_error("cannot evaluate run %lld: nothing was stored",
		    from);
		goto out;
	}
	if (!g->quiet)
		printf("run %lld: evaluation of run %lld's snapshot\n", run,
		    store_run_snapshot_of(st, run));
	if ((doc = report_build(st, run, &rs,
	    REPORT_SUMMARY_FINDINGS)) == NULL)
		goto out;
	if (!g->quiet)
		report_text.render(doc, stdout);
	r = run_exit_code(st, run, fail_on);
 out:
	json_decref(doc);
	rules_release(&rs);
	store_close(st);
	policy_free(p);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help evaluate_opts[] = {
	{ "--run N", "the stored run to evaluate again (default: the last)" },
	{ "--fail-on SEV",
	    "lowest severity that makes the exit status 1 (default high)" },
	{ "--wait", "wait for another run holding the store's lock" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_evaluate_entry = {
	.name = "evaluate",
	.usage = "[--run N] [--fail-on SEV] [--wait]",
	.summary = "re-run the rules on a stored run (no network)",
	.opts = evaluate_opts,
	.exec = cmd_evaluate_exec,
};
