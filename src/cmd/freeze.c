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
#define OPT_WAIT	2201

static int
cmd_freeze_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "yes", no_argument, NULL, OPT_YES },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 }
	};
	struct freeze_opts	 fo = { 0 };
	struct policy		*p = NULL;
	struct store		*st = NULL;
	const char		*sub;
	int			 c, r, flags = 0;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		switch (c) {
		case OPT_YES:
			fo.yes = 1;
			break;
		case OPT_WAIT:
			flags |= STORE_WAIT;
			break;
		default:
			cmd_usage(&cmd_freeze_entry, c == 'h' ? stdout :
			    stderr);
			return c == 'h' ? 0 : VGL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_usage(&cmd_freeze_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	sub = argv[optind];
	if (strcmp(sub, "plan") != 0 && strcmp(sub, "apply") != 0 &&
	    strcmp(sub, "status") != 0 && strcmp(sub, "thaw") != 0) {
		log_error("freeze: unknown subcommand '%s' (plan, apply, "
		    "status, thaw)", sub);
		cmd_usage(&cmd_freeze_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	if (fo.yes && (strcmp(sub, "plan") == 0 || strcmp(sub, "status") ==
	    0)) {
		log_error("freeze %s changes nothing: --yes is for apply and "
		    "thaw", sub);
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	if (strcmp(sub, "plan") == 0) {
		r = freeze_plan(p, &fo);
		goto out;
	}
	if ((r = cmd_open_store(g, p, flags, &st)) != 0)
		goto out;
	if (strcmp(sub, "apply") == 0)
		r = freeze_apply(p, st->db, &fo);
	else if (strcmp(sub, "status") == 0)
		r = freeze_status(p, st->db, &fo);
	else
		r = freeze_thaw(p, st->db, &fo);
 out:
	store_close(st);
	policy_free(p);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help freeze_opts[] = {
	{ "--yes", "apply or thaw without asking for 'yes' on the terminal" },
	{ "--wait", "wait for another run holding the store's lock" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_freeze_entry = {
	.name = "freeze",
	.usage = "plan | apply [--yes] [--wait] | status | thaw [--yes] "
	    "[--wait]",
	.summary = "the reversible lockdown: plan, apply, check or thaw the "
	    "freeze section of the policy",
	.opts = freeze_opts,
	.exec = cmd_freeze_exec,
};
