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

#define OPT_DRY_RUN	2000

static const struct option notify_longopts[] = {
	CMD_LONGOPT_RUN,
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ NULL, 0, NULL, 0 }
};

static int
notify_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	if (c != OPT_DRY_RUN)
		return -1;
	*(int *)ctx->args = 1;
	return 0;
}

static int
cmd_notify_exec(struct cmd_ctx *ctx)
{
	json_t		*doc = NULL, *prevdoc = NULL;
	long long	 prev;
	int		 r = VGL_EXIT_USAGE;

	if ((doc = report_build(ctx->st, ctx->run, &ctx->rs, -1)) == NULL) {
		log_error("cannot read run %lld", ctx->run);
		goto out;
	}
	/* "when": "changes" compares with the previous run. */
	if ((prev = store_prev_run(ctx->st, ctx->run)) > 0 &&
	    (prevdoc = report_build(ctx->st, prev, &ctx->rs, -1)) == NULL) {
		log_error("cannot read run %lld", prev);
		goto out;
	}
	r = notify_run(ctx->p, doc, prevdoc, *(int *)ctx->args, stdout) ==
	    0 ? 0 : VGL_EXIT_WRITE;
 out:
	json_decref(prevdoc);
	json_decref(doc);
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
	.longopts = notify_longopts,
	.args_size = sizeof(int),	/* --dry-run */
	.option = notify_option,
	.needs = CMD_POLICY | CMD_RULES | CMD_STORE_RO | CMD_RUN |
	    CMD_EVALUATED,
	/* Remediation text comes from the catalog; notify works without. */
	.rules_missing = "rules could not be loaded; the attached report "
	    "omits remediation",
	.exec = cmd_notify_exec,
};
