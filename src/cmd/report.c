/*
 * cmd/report.c: "vigil report": render a stored run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"
#include "report.h"
#include "vigil.h"

#define OPT_FORMAT	'f'
#define OPT_OUTPUT	'o'

/* The options of report, parsed into cmd_ctx.args. */
struct report_args {
	const struct report_format *fmt;
	const char	*out_path;
};

static const struct option report_longopts[] = {
	CMD_LONGOPT_RUN,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ NULL, 0, NULL, 0 }
};

static int
report_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct report_args	*a = ctx->args;

	switch (c) {
	case OPT_FORMAT:
		if ((a->fmt = report_format_find(arg)) == NULL) {
			log_error("--format: unknown format '%s' (known: %s)",
			    arg, report_format_names());
			return VGL_EXIT_USAGE;
		}
		return 0;
	case OPT_OUTPUT:
		a->out_path = arg;
		return 0;
	}
	return -1;
}

static int
cmd_report_exec(struct cmd_ctx *ctx)
{
	struct report_args	*a = ctx->args;
	json_t			*doc;
	int			 r;

	if ((doc = report_build(ctx->st, ctx->run, &ctx->rs, -1)) == NULL)
		return VGL_EXIT_USAGE;
	r = report_write(a->fmt != NULL ? a->fmt : &report_text, doc,
	    a->out_path) != 0 ? VGL_EXIT_USAGE : 0;
	json_decref(doc);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help report_opts[] = {
	{ "--run N", "render run N (default: the last)" },
	{ "--format html|json|text|csv|ocsf", "the output format (required)" },
	{ "-o FILE", "write to FILE (mode 0600) instead of standard output" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "[--run N] --format html|json|text|csv|ocsf [-o FILE]",
	.summary = "render a stored run",
	.opts = report_opts,
	.longopts = report_longopts,
	.shortopts = "o:",
	.args_size = sizeof(struct report_args),
	.option = report_option,
	.needs = CMD_POLICY | CMD_RULES | CMD_STORE_RO | CMD_RUN |
	    CMD_EVALUATED,
	/* Remediation text comes from the catalog; a report works without. */
	.rules_missing = "rules could not be loaded; the report omits "
	    "remediation",
	.exec = cmd_report_exec,
};
