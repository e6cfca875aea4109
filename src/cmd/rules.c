/*
 * cmd/rules.c: "vigil rules list|show ID": the catalog as loaded.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "log.h"
#include "util.h"
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
	for (i = 0; i < r->nparams; i++) {
		json_t	*pd = json_object_get(r->param_defaults, r->params[i]);
		char	*dv;

		if (pd == NULL) {
			printf("  :%s (no default: set it in \"parameters\")\n",
			    r->params[i]);
			continue;
		}
		dv = json_dumps(json_object_get(pd, "default"),
		    JSON_ENCODE_ANY | JSON_COMPACT);
		printf("  :%s default %s%s%s\n", r->params[i], dv,
		    json_string_length(json_object_get(pd, "description")) ?
		    ": " : "", json_string_value(json_object_get(pd,
		    "description")));
		free(dv);
	}
	printf("file:        %s\nsha256:      %s\n\n%s\n", r->file, r->sha256,
	    r->sql);
}

/*
 * Whether one of the rule's frameworks references is of framework name:
 * "CIS-AWS-3.0:1.14" is of "CIS-AWS-3.0" and of "CIS-AWS" (a prefix
 * ending at a '-'), compared without case.
 */
static int
rule_in_framework(const struct rule *r, const char *name)
{
	const char	*p = r->frameworks, *e, *c;
	size_t		 n = strlen(name), len;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		e = p + strcspn(p, ",");
		c = memchr(p, ':', (size_t)(e - p));
		len = (size_t)((c != NULL ? c : e) - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len >= n && n > 0 && strncasecmp(p, name, n) == 0 &&
		    (len == n || p[n] == '-'))
			return 1;
		p = e;
	}
	return 0;
}

static const struct option rules_longopts[] = {
	{ "framework", required_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 }
};

static int
rules_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	if (c != 'F')
		return -1;
	*(const char **)ctx->args = arg;
	return 0;
}

/* list [--framework NAME] (the default) or show ID. */
static int
rules_subcommand(struct cmd_ctx *ctx)
{
	const char	*sub = ctx->argc > 0 ? ctx->argv[0] : "list";

	if ((*(const char **)ctx->args != NULL && strcmp(sub, "list") != 0) ||
	    !((strcmp(sub, "list") == 0 && ctx->argc <= 1) ||
	    (strcmp(sub, "show") == 0 && ctx->argc == 2))) {
		cmd_usage(ctx->e, stderr);
		return VGL_EXIT_USAGE;
	}
	return 0;
}

static int
cmd_rules_exec(struct cmd_ctx *ctx)
{
	const struct ruleset	*rs = &ctx->rs;
	const struct rule	*ru;
	const char		*sub = ctx->argc > 0 ? ctx->argv[0] : "list";
	const char		*framework = *(const char **)ctx->args;
	size_t			 i, nshown = 0;

	if (strcmp(sub, "show") == 0) {
		if ((ru = rules_find(rs, ctx->argv[1])) == NULL) {
			log_error("no rule '%s' in the catalog", ctx->argv[1]);
			return VGL_EXIT_USAGE;
		}
		rule_show(ru);
		return 0;
	}
	printf("%-45s %-9s %-10s %s\n", "ID", "SEVERITY", "PROVIDER",
	    "TITLE");
	for (i = 0; i < rs->n; i++) {
		ru = &rs->v[i];
		if (framework != NULL && !rule_in_framework(ru, framework))
			continue;
		nshown++;
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
	if (framework != NULL && nshown == 0) {
		log_error("no rule maps to framework '%s' (frameworks look "
		    "like CIS-AWS-3.0, CIS-GWS-1.3, SCUBA-GWS, SEAL)",
		    framework);
		return VGL_EXIT_USAGE;
	}
	return 0;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help rules_opts[] = {
	{ "--framework NAME",
	    "list only the rules that map to framework NAME (e.g. CIS-AWS)" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_rules_entry = {
	.name = "rules",
	.usage = "[list [--framework NAME] | show ID]",
	.summary = "the rule catalog as loaded, with severities and parameters",
	.opts = rules_opts,
	.longopts = rules_longopts,
	.args_size = sizeof(const char *),	/* --framework */
	.option = rules_option,
	.nargs_max = 2,
	.check = rules_subcommand,
	.needs = CMD_POLICY | CMD_RULES,
	.exec = cmd_rules_exec,
};
