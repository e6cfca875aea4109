/*
 * cmd/collect.c: "vigil collect": enumerate the sources into a new run.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "log.h"
#include "run.h"
#include "vigil.h"

#define OPT_ONLY	'o'
#define OPT_RECORD	2000
#define OPT_REPLAY	2001
#define OPT_WAIT	2002

static int
cmd_collect_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 }
	};
	struct collect_opts	 co = { 0 };
	struct collect_result	 res;
	struct policy		*p = NULL;
	struct store		*st = NULL;
	struct snapshot		*sn = NULL;
	const char		*only = NULL;
	int			 c, r, flags = 0;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		switch (c) {
		case OPT_ONLY:
			only = optarg;
			break;
		case OPT_RECORD:
			co.record_dir = optarg;
			break;
		case OPT_REPLAY:
			co.replay_dir = optarg;
			break;
		case OPT_WAIT:
			flags |= STORE_WAIT;
			break;
		default:
			cmd_usage(&cmd_collect_entry, c == 'h' ? stdout :
			    stderr);
			return c == 'h' ? 0 : VGL_EXIT_USAGE;
		}
	}
	if (optind != argc || (co.record_dir != NULL &&
	    co.replay_dir != NULL)) {
		cmd_usage(&cmd_collect_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	if ((r = cmd_open_store(g, p, flags, &st)) != 0)
		goto out;
	run_set_progress(!g->no_progress && !g->quiet);
	if (run_collect(st, p, only, &co, g->quiet, &res, &sn) != 0) {
		r = VGL_EXIT_USAGE;
		goto out;
	}
	/* Sealed and committed as collected: marked unevaluated. */
	if (run_commit(st, sn) != 0) {
		log_error("cannot store run %lld: nothing was stored",
		    res.run);
		r = VGL_EXIT_USAGE;
		goto out;
	}
	if (!g->quiet)
		printf("run %lld: %d source%s, %d failed, %ld resources, "
		    "%ld requests; not evaluated ('vigil evaluate --run "
		    "%lld' evaluates it)\n", res.run, res.nsources,
		    res.nsources == 1 ? "" : "s", res.nfailed, res.resources,
		    res.requests, res.run);
	r = res.nfailed > 0 ? VGL_EXIT_INCOMPLETE : VGL_EXIT_OK;
 out:
	store_close(st);
	policy_free(p);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help collect_opts[] = {
	{ "--only SRC,...",
	    "collect only these sources (names from the policy)" },
	{ "--record DIR",
	    "also store every exchange in DIR, secrets redacted" },
	{ "--replay DIR",
	    "answer every request from the recording in DIR, offline" },
	{ "--wait", "wait for another run holding the store's lock" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_collect_entry = {
	.name = "collect",
	.usage = "[--only SRC,...] [--record DIR | --replay DIR] [--wait]",
	.summary = "enumerate the sources into a new run",
	.opts = collect_opts,
	.exec = cmd_collect_exec,
};
