/*
 * cmd/validate.c: "vigil validate": parse the policy and every rule and
 * prepare each rule against the full schema.  No network, no store.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "critical.h"
#include "log.h"
#include "vigil.h"

static int
cmd_validate_exec(struct cmd_ctx *ctx)
{
	struct policy	*p;
	struct diags	 d = { 0 }, w = { 0 };
	struct store	*mem = NULL;
	int		 r;

	/* Every check runs, on whatever loaded, so that one run reports
	 * every mistake of the policy, its rules and its pins. */
	if ((r = cmd_load_policy_all(ctx->g, &ctx->p, &d)) != 0)
		return r;
	r = VGL_EXIT_USAGE;
	if ((p = ctx->p) != NULL) {
		rules_load(p, &ctx->rs, &d);
		if (store_open(NULL, STORE_MEMORY, &mem) != 0)
			goto out;
		rules_check(&ctx->rs, p, mem->db, &d);
		critical_check(p, &d);
		/* Unset variables are warnings: validate runs where the
		 * secrets may not be (CI, a workstation). */
		policy_env_warnings(p, &w);
	}
	if (d.n > 0) {
		diags_print(&d);
		diags_print(&w);
		fprintf(stderr, "vigil: %zu error%s\n", d.n,
		    d.n == 1 ? "" : "s");
		goto out;
	}
	diags_print(&w);
	if (!ctx->g->quiet)
		printf("policy %s: ok, %zu source%s, %zu rule%s\n", p->path,
		    p->nsources, p->nsources == 1 ? "" : "s", ctx->rs.n,
		    ctx->rs.n == 1 ? "" : "s");
	r = 0;
 out:
	store_close(mem);
	diags_release(&d);
	diags_release(&w);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help validate_opts[] = {
	{ NULL, NULL }
};

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.usage = "",
	.summary = "check the policy and every rule; no network",
	.opts = validate_opts,
	/* The policy even with errors, so that every mistake is listed. */
	.needs = 0,
	.exec = cmd_validate_exec,
};
