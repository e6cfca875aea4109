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

/* The options of audit, parsed into cmd_ctx.args. */
struct audit_args {
	struct cmd_collect_args	 col;	/* first: collect's options */
	const char		*json_path, *html_path;
	int			 fail_on, fail_on_set, notify;
};

static const struct option audit_longopts[] = {
	CMD_COLLECT_LONGOPTS,
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "notify", no_argument, NULL, OPT_NOTIFY },
	{ NULL, 0, NULL, 0 }
};

static int
audit_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct audit_args	*a = ctx->args;

	switch (c) {
	case OPT_FAIL_ON:
		if ((a->fail_on = severity_parse(arg)) < 0) {
			log_error("--fail-on: unknown severity '%s' (info, "
			    "low, medium, high, critical)", arg);
			return VGL_EXIT_USAGE;
		}
		a->fail_on_set = 1;
		return 0;
	case OPT_JSON:
		a->json_path = arg;
		return 0;
	case OPT_REPORT:
		a->html_path = arg;
		return 0;
	case OPT_NOTIFY:
		a->notify = 1;
		return 0;
	}
	return cmd_collect_option(ctx, c, arg);
}

static int
cmd_audit_exec(struct cmd_ctx *ctx)
{
	struct audit_args	*a = ctx->args;
	struct collect_result	 res;
	struct eval_summary	 sum;
	struct store		*st = ctx->st;
	struct snapshot		*sn = NULL;
	json_t			*doc = NULL, *prevdoc = NULL;
	long long		 prev;
	int			 r = VGL_EXIT_USAGE;

	run_set_progress(!ctx->g->no_progress && !ctx->g->quiet);
	if (run_collect(st, ctx->p, a->col.only, &a->col.co, ctx->g->quiet,
	    &res, &sn) != 0)
		goto out;
	/* Collection, drift, rules and seal commit as one: all or nothing. */
	if (run_evaluate(st, ctx->p, &ctx->rs, res.run, &sum) != 0) {
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
	if (!ctx->g->quiet) {
		if ((doc = report_build(st, res.run, &ctx->rs,
		    REPORT_SUMMARY_FINDINGS)) == NULL)
			goto out;
		putchar('\n');
		report_text.render(doc, stdout);
		json_decref(doc);
		doc = NULL;
	} else if (res.nfailed > 0) {
		/* Quiet, but a failed source is still one loud line. */
		if ((doc = report_build(st, res.run, &ctx->rs, 0)) == NULL)
			goto out;
		audit_failed_sources(doc);
		json_decref(doc);
		doc = NULL;
	}
	if (a->json_path != NULL || a->html_path != NULL || a->notify) {
		if ((doc = report_build(st, res.run, &ctx->rs, -1)) == NULL)
			goto out;
		if (a->json_path != NULL &&
		    report_write(&report_json, doc, a->json_path) != 0)
			goto out;
		if (a->html_path != NULL &&
		    report_write(&report_html, doc, a->html_path) != 0)
			goto out;
	}
	/* "when": "changes" compares with the previous run. */
	if (a->notify && (prev = store_prev_run(st, res.run)) > 0 &&
	    (prevdoc = report_build(st, prev, &ctx->rs, -1)) == NULL)
		goto out;
	r = run_exit_code(st, res.run, a->fail_on_set ? a->fail_on :
	    SEV_HIGH);
	/* The run is stored: a failed send is 4, but 3 (incomplete) wins. */
	if (a->notify && notify_run(ctx->p, doc, prevdoc, 0, stdout) != 0 &&
	    r != VGL_EXIT_INCOMPLETE)
		r = VGL_EXIT_WRITE;
 out:
	json_decref(prevdoc);
	json_decref(doc);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help audit_opts[] = {
	CMD_COLLECT_HELP,
	{ "--fail-on SEV",
	    "lowest severity that makes the exit status 1 (default high)" },
	{ "--report FILE", "also write the HTML report to FILE (mode 0600)" },
	{ "--json FILE", "also write the JSON report to FILE (mode 0600)" },
	{ "--notify", "send the run's email and webhooks once it is stored" },
	CMD_WAIT_HELP,
	{ NULL, NULL }
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[--only SRC,...] [--record DIR | --replay DIR] "
	    "[--fail-on SEV] [--report FILE] [--json FILE] [--notify] "
	    "[--wait]",
	.summary = "collect, evaluate, store and summarise (the nightly job)",
	.opts = audit_opts,
	.longopts = audit_longopts,
	.args_size = sizeof(struct audit_args),
	.option = audit_option,
	.check = cmd_collect_check,
	/* Rules are checked before anything is collected or stored. */
	.needs = CMD_POLICY | CMD_RULES | CMD_STORE_RW,
	.exec = cmd_audit_exec,
};
