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

#define OPT_FAIL_ON	2003

/* The options of evaluate, parsed into cmd_ctx.args. */
struct evaluate_args {
	int	 fail_on, fail_on_set;
};

static const struct option evaluate_longopts[] = {
	CMD_LONGOPT_RUN,
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	CMD_LONGOPT_WAIT,
	{ NULL, 0, NULL, 0 }
};

static int
evaluate_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct evaluate_args	*a = ctx->args;

	if (c != OPT_FAIL_ON)
		return -1;
	if ((a->fail_on = severity_parse(arg)) < 0) {
		log_error("--fail-on: unknown severity '%s'", arg);
		return VGL_EXIT_USAGE;
	}
	a->fail_on_set = 1;
	return 0;
}

static int
cmd_evaluate_exec(struct cmd_ctx *ctx)
{
	struct evaluate_args	*a = ctx->args;
	struct eval_summary	 sum;
	json_t			*doc = NULL;
	long long		 run, from = ctx->run;
	int			 r = VGL_EXIT_USAGE;

	/* A new run: the stored one, findings and seal, stays as it is. */
	if (run_reevaluate(ctx->st, ctx->p, &ctx->rs, from, &run, &sum) != 0) {
		log_error("cannot evaluate run %lld: nothing was stored",
		    from);
		goto out;
	}
	if (!ctx->g->quiet)
		printf("run %lld: evaluation of run %lld's snapshot\n", run,
		    store_run_snapshot_of(ctx->st, run));
	if ((doc = report_build(ctx->st, run, &ctx->rs,
	    REPORT_SUMMARY_FINDINGS)) == NULL)
		goto out;
	if (!ctx->g->quiet)
		report_text.render(doc, stdout);
	r = run_exit_code(ctx->st, run, a->fail_on_set ? a->fail_on :
	    SEV_HIGH);
 out:
	json_decref(doc);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help evaluate_opts[] = {
	{ "--run N", "the stored run to evaluate again (default: the last)" },
	{ "--fail-on SEV",
	    "lowest severity that makes the exit status 1 (default high)" },
	CMD_WAIT_HELP,
	{ NULL, NULL }
};

const struct cmd_entry cmd_evaluate_entry = {
	.name = "evaluate",
	.usage = "[--run N] [--fail-on SEV] [--wait]",
	.summary = "re-run the rules on a stored run (no network)",
	.opts = evaluate_opts,
	.longopts = evaluate_longopts,
	.args_size = sizeof(struct evaluate_args),
	.option = evaluate_option,
	.needs = CMD_POLICY | CMD_RULES | CMD_STORE_RW | CMD_RUN,
	.exec = cmd_evaluate_exec,
};
