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

#define OPT_RUN		'r'
#define OPT_FORMAT	'f'
#define OPT_OUTPUT	'o'

static int
cmd_report_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "run", required_argument, NULL, OPT_RUN },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ NULL, 0, NULL, 0 }
	};
	const struct report_format *fmt = &report_text;
	struct policy		*p = NULL;
	struct store		*st = NULL;
	struct ruleset		 rs = { 0 };
	json_t			*doc = NULL;
	const char		*run_arg = NULL, *out_path = NULL;
	long long		 run;
	int			 c, r;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS "o:",
	    longopts, NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		switch (c) {
		case OPT_RUN:
			run_arg = optarg;
			break;
		case OPT_FORMAT:
			if ((fmt = report_format_find(optarg)) == NULL) {
				log_error("--format: unknown format '%s' "
				    "(known: %s)", optarg,
				    report_format_names());
				return VGL_EXIT_USAGE;
			}
			break;
		case OPT_OUTPUT:
			out_path = optarg;
			break;
		default:
			cmd_usage(&cmd_report_entry, c == 'h' ? stdout :
			    stderr);
			return c == 'h' ? 0 : VGL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_usage(&cmd_report_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	/* Remediation text comes from the catalog; a report works without. */
	if (cmd_load_rules(p, &rs) != 0)
		log_warn("rules could not be loaded; the report omits "
		    "remediation");
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
	if ((doc = report_build(st, run, &rs, -1)) == NULL)
		goto out;
	if (report_write(fmt, doc, out_path) != 0)
		goto out;
	r = 0;
 out:
	json_decref(doc);
	rules_release(&rs);
	store_close(st);
	policy_free(p);
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
	.exec = cmd_report_exec,
};
