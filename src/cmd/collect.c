/*
 * cmd/collect.c: "vigil collect": enumerate the sources into a new run.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "log.h"
#include "run.h"
#include "vigil.h"

static const struct option collect_longopts[] = {
	CMD_COLLECT_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
cmd_collect_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct cmd_collect_args	*a = ctx->args;

	switch (c) {
	case CMD_OPT_ONLY:
		a->only = arg;
		return 0;
	case CMD_OPT_RECORD:
		a->co.record_dir = arg;
		return 0;
	case CMD_OPT_REPLAY:
		a->co.replay_dir = arg;
		return 0;
	}
	return -1;
}

int
cmd_collect_check(struct cmd_ctx *ctx)
{
	struct cmd_collect_args	*a = ctx->args;

	if (a->co.record_dir != NULL && a->co.replay_dir != NULL) {
		cmd_usage(ctx->e, stderr);
		return VGL_EXIT_USAGE;
	}
	return 0;
}

static int
cmd_collect_exec(struct cmd_ctx *ctx)
{
	struct cmd_collect_args	*a = ctx->args;
	struct collect_result	 res;
	struct snapshot		*sn = NULL;

	run_set_progress(!ctx->g->no_progress && !ctx->g->quiet);
	if (run_collect(ctx->st, ctx->p, a->only, &a->co, ctx->g->quiet,
	    &res, &sn) != 0)
		return VGL_EXIT_USAGE;
	/* Sealed and committed as collected: marked unevaluated. */
	if (run_commit(ctx->st, sn) != 0) {
		log_error("cannot store run %lld: nothing was stored",
		    res.run);
		return VGL_EXIT_USAGE;
	}
	if (!ctx->g->quiet)
		printf("run %lld: %d source%s, %d failed, %ld resources, "
		    "%ld requests; not evaluated ('vigil evaluate --run "
		    "%lld' evaluates it)\n", res.run, res.nsources,
		    res.nsources == 1 ? "" : "s", res.nfailed, res.resources,
		    res.requests, res.run);
	return res.nfailed > 0 ? VGL_EXIT_INCOMPLETE : VGL_EXIT_OK;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help collect_opts[] = {
	CMD_COLLECT_HELP,
	CMD_WAIT_HELP,
	{ NULL, NULL }
};

const struct cmd_entry cmd_collect_entry = {
	.name = "collect",
	.usage = "[--only SRC,...] [--record DIR | --replay DIR] [--wait]",
	.summary = "enumerate the sources into a new run",
	.opts = collect_opts,
	.longopts = collect_longopts,
	.args_size = sizeof(struct cmd_collect_args),
	.option = cmd_collect_option,
	.check = cmd_collect_check,
	.needs = CMD_POLICY | CMD_STORE_RW,
	.exec = cmd_collect_exec,
};
