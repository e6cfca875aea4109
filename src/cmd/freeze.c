/*
 * cmd/freeze.c: "vigil freeze plan|apply|status|thaw": the reversible
 * lockdown of SPEC section 8 (the work is in freeze.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "freeze.h"
#include "log.h"
#include "vigil.h"

#define OPT_YES	2200

static const struct option freeze_longopts[] = {
	{ "yes", no_argument, NULL, OPT_YES },
	CMD_LONGOPT_WAIT,
	{ NULL, 0, NULL, 0 }
};

static int
freeze_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct freeze_opts	*fo = ctx->args;

	if (c != OPT_YES)
		return -1;
	fo->yes = 1;
	return 0;
}

/* The subcommand decides what is needed: plan reads no store. */
static int
freeze_check(struct cmd_ctx *ctx)
{
	struct freeze_opts	*fo = ctx->args;
	const char		*sub = ctx->argv[0];

	if (strcmp(sub, "plan") != 0 && strcmp(sub, "apply") != 0 &&
	    strcmp(sub, "status") != 0 && strcmp(sub, "thaw") != 0) {
		log_error("freeze: unknown subcommand '%s' (plan, apply, "
		    "status, thaw)", sub);
		cmd_usage(ctx->e, stderr);
		return VGL_EXIT_USAGE;
	}
	if (fo->yes && (strcmp(sub, "plan") == 0 || strcmp(sub, "status") ==
	    0)) {
		log_error("freeze %s changes nothing: --yes is for apply and "
		    "thaw", sub);
		return VGL_EXIT_USAGE;
	}
	if (strcmp(sub, "plan") == 0)
		ctx->needs = CMD_POLICY;
	return 0;
}

static int
cmd_freeze_exec(struct cmd_ctx *ctx)
{
	const char	*sub = ctx->argv[0];

	if (strcmp(sub, "plan") == 0)
		return freeze_plan(ctx->p, ctx->args);
	if (strcmp(sub, "apply") == 0)
		return freeze_apply(ctx->p, ctx->st->db, ctx->args);
	if (strcmp(sub, "status") == 0)
		return freeze_status(ctx->p, ctx->st->db, ctx->args);
	return freeze_thaw(ctx->p, ctx->st->db, ctx->args);
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help freeze_opts[] = {
	{ "--yes", "apply or thaw without asking for 'yes' on the terminal" },
	CMD_WAIT_HELP,
	{ NULL, NULL }
};

const struct cmd_entry cmd_freeze_entry = {
	.name = "freeze",
	.usage = "plan | apply [--yes] [--wait] | status | thaw [--yes] "
	    "[--wait]",
	.summary = "the reversible lockdown: plan, apply, check or thaw the "
	    "freeze section of the policy",
	.opts = freeze_opts,
	.longopts = freeze_longopts,
	.args_size = sizeof(struct freeze_opts),
	.option = freeze_option,
	.nargs_min = 1,
	.nargs_max = 1,
	.check = freeze_check,
	.needs = CMD_POLICY | CMD_STORE_RW,
	.exec = cmd_freeze_exec,
};
