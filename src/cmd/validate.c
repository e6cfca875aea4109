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
cmd_validate_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct policy	*p = NULL;
	struct ruleset	 rs = { 0 };
	struct diags	 d = { 0 }, w = { 0 };
	struct store	*mem = NULL;
	int		 c, r;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		cmd_usage(&cmd_validate_entry, c == 'h' ? stdout : stderr);
		return c == 'h' ? 0 : VGL_EXIT_USAGE;
	}
	if (optind != argc) {
		cmd_usage(&cmd_validate_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	/* Every check runs, on whatever loaded, so that one run reports
	 * every mistake of the policy, its rules and its pins. */
	if ((r = cmd_load_policy_all(g, &p, &d)) != 0)
		return r;
	r = VGL_EXIT_USAGE;
	if (p != NULL) {
		rules_load(p, &rs, &d);
		if (store_open(NULL, STORE_MEMORY, &mem) != 0)
			goto out;
		rules_check(&rs, p, mem->db, &d);
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
	if (!g->quiet)
		printf("policy %s: ok, %zu source%s, %zu rule%s\n", p->path,
		    p->nsources, p->nsources == 1 ? "" : "s", rs.n,
		    rs.n == 1 ? "" : "s");
	r = 0;
 out:
	store_close(mem);
	diags_release(&d);
	diags_release(&w);
	rules_release(&rs);
	policy_free(p);
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
	.exec = cmd_validate_exec,
};
