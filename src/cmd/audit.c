/*
 * cmd/audit.c: "vigil audit": collect, evaluate, store, summarise; the
 * nightly job.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "notify.h"
#include "report.h"
#include "run.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define OPT_ONLY	'o'
#define OPT_RECORD	2000
#define OPT_REPLAY	2001
#define OPT_WAIT	2002
#define OPT_FAIL_ON	2003
#define OPT_JSON	2004
#define OPT_REPORT	2005
#define OPT_NOTIFY	2006

/* Under -q: one line on stderr per failed source. */
static void
audit_failed_sources(json_t *doc)
{
	json_t		*v;
	const char	*err, *st;
	char		*e;
	size_t		 i, k;
	long long	 nb;

	json_array_foreach(json_object_get(doc, "sources"), i, v) {
		st = json_string_value(json_object_get(v, "status"));
		if (st == NULL || strcmp(st, "failed") != 0)
			continue;
		err = json_string_value(json_object_get(v, "error"));
		e = xstrdup(err != NULL ? err : "failed");
		for (k = 0; e[k] != '\0'; k++)
			if ((unsigned char)e[k] < 0x20 || e[k] == 0x7f)
				e[k] = '?';
		nb = (long long)json_integer_value(json_object_get(v,
		    "rules_blinded"));
		log_error("source %s failed: %s (%lld rule%s not checked)",
		    json_string_value(json_object_get(v, "name")), e, nb,
		    nb == 1 ? "" : "s");
		free(e);
	}
}

static int
cmd_audit_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "notify", no_argument, NULL, OPT_NOTIFY },
		{ NULL, 0, NULL, 0 }
	};
	struct collect_opts	 co = { 0 };
	struct collect_result	 res;
	struct eval_summary	 sum;
	struct policy		*p = NULL;
	struct store		*st = NULL;
	struct snapshot		*sn = NULL;
	struct ruleset		 rs = { 0 };
	json_t			*doc = NULL, *prevdoc = NULL;
	long long		 prev;
	const char		*only = NULL, *json_path = NULL;
	const char		*html_path = NULL;
	int			 c, r, flags = 0, fail_on = SEV_HIGH;
	int			 notify = 0;

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
		case OPT_FAIL_ON:
			if ((fail_on = severity_parse(optarg)) < 0) {
				log_error("--fail-on: unknown severity '%s' "
				    "(info, low, medium, high, critical)",
				    optarg);
				return VGL_EXIT_USAGE;
			}
			break;
		case OPT_JSON:
			json_path = optarg;
			break;
		case OPT_REPORT:
			html_path = optarg;
			break;
		case OPT_NOTIFY:
			notify = 1;
			break;
		default:
			cmd_usage(&cmd_audit_entry, c == 'h' ? stdout :
			    stderr);
			return c == 'h' ? 0 : VGL_EXIT_USAGE;
		}
	}
	if (optind != argc || (co.record_dir != NULL &&
	    co.replay_dir != NULL)) {
		cmd_usage(&cmd_audit_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	/* Rules are checked before anything is collected or stored. */
	if ((r = cmd_load_rules(p, &rs)) != 0)
		goto out;
	if ((r = cmd_open_store(g, p, flags, &st)) != 0)
		goto out;
	r = VGL_EXIT_USAGE;
	run_set_progress(!g->no_progress && !g->quiet);
	if (run_collect(st, p, only, &co, g->quiet, &res, &sn) != 0)
		goto out;
	/* Collection, drift, rules and seal commit as one: all or nothing. */
	if (run_evaluate(st, p, &rs, res.run, &sum) != 0) {
		snap_abort(sn);
		log_error("cannot evaluate run %lld: nothing was stored",
		    res.run);
		goto out;
	}
	if (run_commit(st, sn) != 0) {
		log_error("cannot store run %lld: nothing was stored",
		    res.run);
		goto out;
	}
	if (!g->quiet) {
		if ((doc = report_build(st, res.run, &rs,
		    REPORT_SUMMARY_FINDINGS)) == NULL)
			goto out;
		putchar('\n');
		report_text.render(doc, stdout);
		json_decref(doc);
		doc = NULL;
	} else if (res.nfailed > 0) {
		/* Quiet, but a failed source is still one loud line. */
		if ((doc = report_build(st, res.run, &rs, 0)) == NULL)
			goto out;
		audit_failed_sources(doc);
		json_decref(doc);
		doc = NULL;
	}
	if (json_path != NULL || html_path != NULL || notify) {
		if ((doc = report_build(st, res.run, &rs, -1)) == NULL)
			goto out;
		if (json_path != NULL &&
		    report_write(&report_json, doc, json_path) != 0)
			goto out;
		if (html_path != NULL &&
		    report_write(&report_html, doc, html_path) != 0)
			goto out;
	}
	/* "when": "changes" compares with the previous run. */
	if (notify && (prev = store_prev_run(st, res.run)) > 0 &&
	    (prevdoc = report_build(st, prev, &rs, -1)) == NULL)
		goto out;
	r = run_exit_code(st, res.run, fail_on);
	/* The run is stored: a failed send is 4, but 3 (incomplete) wins. */
	if (notify && notify_run(p, doc, prevdoc, 0, stdout) != 0 &&
	    r != VGL_EXIT_INCOMPLETE)
		r = VGL_EXIT_WRITE;
 out:
	json_decref(prevdoc);
	json_decref(doc);
	rules_release(&rs);
	store_close(st);
	policy_free(p);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help audit_opts[] = {
	{ "--only SRC,...",
	    "collect only these sources (names from the policy)" },
	{ "--record DIR",
	    "also store every exchange in DIR, secrets redacted" },
	{ "--replay DIR",
	    "answer every request from the recording in DIR, offline" },
	{ "--fail-on SEV",
	    "lowest severity that makes the exit status 1 (default high)" },
	{ "--report FILE", "also write the HTML report to FILE (mode 0600)" },
	{ "--json FILE", "also write the JSON report to FILE (mode 0600)" },
	{ "--notify", "send the run's email and webhooks once it is stored" },
	{ "--wait", "wait for another run holding the store's lock" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[--only SRC,...] [--record DIR | --replay DIR] "
	    "[--fail-on SEV] [--report FILE] [--json FILE] [--notify] "
	    "[--wait]",
	.summary = "collect, evaluate, store and summarise (the nightly job)",
	.opts = audit_opts,
	.exec = cmd_audit_exec,
};
