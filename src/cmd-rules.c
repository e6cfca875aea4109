/*
 * cmd-rules.c: "vigil rules list|show ID": the catalog as loaded.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "vigil.h"

static void
rule_show(const struct rule *r)
{
	size_t	 i;

	printf("id:          %s\n", r->id);
	printf("title:       %s\n", r->title);
	printf("severity:    %s%s%s\n", severity_name(r->severity),
	    r->severity != r->default_severity ? " (policy; default " : "",
	    r->severity != r->default_severity ?
	    severity_name(r->default_severity) : "");
	if (r->severity != r->default_severity)
		printf(")\n");
	printf("provider:    %s\n", r->provider);
	if (r->frameworks != NULL)
		printf("frameworks:  %s\n", r->frameworks);
	if (r->remediation != NULL)
		printf("remediation: %s\n", r->remediation);
	if (r->description != NULL)
		printf("description: %s\n", r->description);
	printf("parameters: ");
	for (i = 0; i < r->nparams; i++)
		printf(" :%s", r->params[i]);
	printf("%s\n", r->nparams == 0 ? " none" : "");
	printf("file:        %s\nsha256:      %s\n\n%s\n", r->file, r->sha256,
	    r->sql);
}

static int
cmd_rules_exec(struct globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct policy		*p = NULL;
	struct ruleset		 rs = { 0 };
	const struct rule	*ru;
	const char		*sub = "list";
	size_t			 i;
	int			 c, r;

	while ((c = getopt_long(argc, argv, CMD_GLOBAL_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cmd_global_opt(g, c, optarg))
			continue;
		cmd_usage(&cmd_rules_entry, c == 'h' ? stdout : stderr);
		return c == 'h' ? 0 : VGL_EXIT_USAGE;
	}
	if (optind < argc)
		sub = argv[optind++];
	if (!((strcmp(sub, "list") == 0 && optind == argc) ||
	    (strcmp(sub, "show") == 0 && optind == argc - 1))) {
		cmd_usage(&cmd_rules_entry, stderr);
		return VGL_EXIT_USAGE;
	}
	if ((r = cmd_load_policy(g, &p)) != 0)
		return r;
	if ((r = cmd_load_rules(p, &rs)) != 0)
		goto out;
	if (strcmp(sub, "show") == 0) {
		if ((ru = rules_find(&rs, argv[optind])) == NULL) {
			log_error("no rule '%s' in the catalog", argv[optind]);
			r = VGL_EXIT_USAGE;
			goto out;
		}
		rule_show(ru);
		goto out;
	}
	printf("%-45s %-9s %-10s %s\n", "ID", "SEVERITY", "PROVIDER",
	    "TITLE");
	for (i = 0; i < rs.n; i++) {
		ru = &rs.v[i];
		printf("%-45s %-9s %-10s %s", ru->id,
		    severity_name(ru->severity), ru->provider, ru->title);
		if (ru->nparams > 0) {
			size_t k;
			printf("  [");
			for (k = 0; k < ru->nparams; k++)
				printf("%s:%s", k ? " " : "", ru->params[k]);
			printf("]");
		}
		putchar('\n');
	}
 out:
	rules_release(&rs);
	policy_free(p);
	return r;
}

const struct cmd_entry cmd_rules_entry = {
	.name = "rules",
	.usage = "[list | show ID]",
	.summary = "the rule catalog as loaded, with severities and parameters",
	.exec = cmd_rules_exec,
};
