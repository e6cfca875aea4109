/*
 * cmd.c: the command table, and cmd_run(): the one prologue (options,
 * operands, policy, rules, store, run) and epilogue of every command.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "vigil.h"
#include "xmalloc.h"


/* In the order --help lists them. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_validate_entry,
	&cmd_collect_entry,
	&cmd_audit_entry,
	&cmd_evaluate_entry,
	&cmd_report_entry,
	&cmd_drift_entry,
	&cmd_baseline_entry,
	&cmd_watch_entry,
	&cmd_freeze_entry,
	&cmd_notify_entry,
	&cmd_rules_entry,
	&cmd_history_entry,
	&cmd_query_entry,
	&cmd_verify_entry,
	NULL
};

int
cmd_global_opt(struct globals *g, int c, const char *arg)
{
	switch (c) {
	case 'p':
		g->policy_path = arg;
		return 1;
	case CMD_OPT_DB:
		g->db_path = arg;
		return 1;
	case 'v':
		g->verbose++;
		log_set_level(LOG_WARN + g->verbose);
		return 1;
	case 'q':
		g->quiet = 1;
		log_set_level(LOG_ERROR);
		return 1;
	case CMD_OPT_NO_PROGRESS:
		g->no_progress = 1;
		return 1;
	}
	return 0;
}

const struct cmd_opt_help cmd_global_opts[] = {
	{ "-p, --policy FILE",
	    "policy file (default $VIGIL_POLICY, else ./vigil.json)" },
	{ "    --db FILE",
	    "store (default: state.db of the policy, $VIGIL_DB, ./vigil.db)" },
	{ "-v, --verbose", "more log output (repeatable)" },
	{ "-q, --quiet", "errors only" },
	{ "    --no-progress", "plain log lines, no progress display" },
	{ "    --version", "print the version" },
	{ "-h, --help", "this help; 'vigil COMMAND --help' for a command" },
	{ NULL, NULL }
};

/* Prints o, leaving out the entry for skip (NULL: none). */
static void
print_opts(const struct cmd_opt_help *o, const char *skip, FILE *f)
{
	size_t	 i, w = 0;

	for (i = 0; o[i].opt != NULL; i++)
		if (strlen(o[i].opt) > w)
			w = strlen(o[i].opt);
	for (i = 0; o[i].opt != NULL; i++)
		if (skip == NULL || strstr(o[i].opt, skip) == NULL)
			fprintf(f, "  %-*s  %s\n", (int)w, o[i].opt,
			    o[i].help);
}

void
cmd_print_opts(const struct cmd_opt_help *o, FILE *f)
{
	print_opts(o, NULL, f);
}

void
cmd_usage(const struct cmd_entry *e, FILE *f)
{
	fprintf(f, "usage: vigil [global options] %s%s%s\n", e->name,
	    e->usage[0] != '\0' ? " " : "", e->usage);
	if (f != stdout)
		return;
	fprintf(f, "\n%s\n", e->summary);
	if (e->opts != NULL && e->opts[0].opt != NULL) {
		fputs("\noptions:\n", f);
		cmd_print_opts(e->opts, f);
	}
	/* --version is only "vigil --version", not an option of a command. */
	fputs("\nglobal options (before or after the command):\n", f);
	print_opts(cmd_global_opts, "--version", f);
}

/* The policy path, or NULL (reported) when there is no such file. */
static const char *
policy_path(struct globals *g)
{
	const char	*path = g->policy_path;

	if (path == NULL)
		path = getenv("VIGIL_POLICY");
	if (path == NULL || *path == '\0')
		path = "./vigil.json";
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		fprintf(stderr, "vigil: no policy file '%s'; pass one with "
		    "-p FILE (or set VIGIL_POLICY); see vigil-policy(5)%s\n",
		    path, g->policy_path == NULL && getenv("VIGIL_POLICY") ==
		    NULL ? " (without -p, vigil reads ./vigil.json)" : "");
		return NULL;
	}
	return path;
}

int
cmd_load_policy_all(struct globals *g, struct policy **out,
    struct diags *d)
{
	const char	*path;

	*out = NULL;
	if ((path = policy_path(g)) == NULL)
		return VGL_EXIT_USAGE;
	policy_load_all(path, out, d);
	if (*out == NULL && d->n == 0)
		diags_add(d, path, 0, 0, "cannot load policy");
	return 0;
}

/* Loads the policy (diags printed); 0 or VGL_EXIT_USAGE. */
static int
cmd_load_policy(struct globals *g, struct policy **out)
{
	struct diags	 d = { 0 };
	const char	*path;

	if ((path = policy_path(g)) == NULL)
		return VGL_EXIT_USAGE;
	if (policy_load(path, out, &d) != 0) {
		diags_print(&d);
		if (d.n == 0)
			fprintf(stderr, "vigil: cannot load policy '%s'\n",
			    path);
		diags_release(&d);
		return VGL_EXIT_USAGE;
	}
	diags_release(&d);
	return 0;
}

/* Loads the rule catalog for p (diags printed); 0 or VGL_EXIT_USAGE. */
static int
cmd_load_rules(const struct policy *p, struct ruleset *rs)
{
	struct diags	 d = { 0 };
	struct store	*mem = NULL;
	int		 r = VGL_EXIT_USAGE;

	/* Every rule is prepared against the schema before anything runs. */
	if (rules_load(p, rs, &d) != 0 || d.n > 0)
		goto out;
	if (store_open(NULL, STORE_MEMORY, &mem) != 0)
		goto out;
	if (rules_check(rs, p, mem->db, &d) != 0 || d.n > 0)
		goto out;
	r = 0;
 out:
	if (d.n > 0) {
		diags_print(&d);
		fprintf(stderr, "vigil: %zu error%s in the rules; see 'vigil "
		    "validate'\n", d.n, d.n == 1 ? "" : "s");
	}
	store_close(mem);
	diags_release(&d);
	return r;
}

/* The db path: --db, else state.db, else $VIGIL_DB, else ./vigil.db. */
static const char *
cmd_db_path(const struct globals *g, const struct policy *p)
{
	const char	*s;

	if (g->db_path != NULL)
		return g->db_path;
	if (p != NULL && p->db != NULL)
		return p->db;
	if ((s = getenv("VIGIL_DB")) != NULL && *s != '\0')
		return s;
	return "./vigil.db";
}

/* Opens the store (flags from store.h); 0 or VGL_EXIT_USAGE (said). */
static int
cmd_open_store(const struct globals *g, const struct policy *p, int flags,
    struct store **st)
{
	if (store_open(cmd_db_path(g, p), flags, st) != 0)
		return VGL_EXIT_USAGE;
	return 0;
}

int
cmd_resolve_run(struct store *st, const char *arg, long long *run)
{
	char	*end;
	long long v;

	if (arg == NULL) {
		if ((*run = store_last_run(st)) == 0) {
			log_error("no committed run in the store yet; run "
			    "'vigil collect' or 'vigil audit' first");
			return VGL_EXIT_USAGE;
		}
		return 0;
	}
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0) {
		log_error("--run: '%s' is not a run number", arg);
		return VGL_EXIT_USAGE;
	}
	if (!store_run_exists(st, v)) {
		log_error("run %lld does not exist or was never committed", v);
		return VGL_EXIT_USAGE;
	}
	*run = v;
	return 0;
}

/* What ctx->needs, in order: 0 or the exit status (the error said). */
static int
prepare(struct cmd_ctx *ctx)
{
	int	 r;

	if ((ctx->needs & CMD_POLICY) &&
	    (r = cmd_load_policy(ctx->g, &ctx->p)) != 0)
		return r;
	if ((ctx->needs & CMD_RULES) &&
	    (r = cmd_load_rules(ctx->p, &ctx->rs)) != 0) {
		if (ctx->e->rules_missing == NULL)
			return r;
		log_warn("%s", ctx->e->rules_missing);
	}
	if ((ctx->needs & (CMD_STORE_RO | CMD_STORE_RW)) &&
	    (r = cmd_open_store(ctx->g, ctx->p, (ctx->needs & CMD_STORE_RO) ?
	    STORE_READONLY : ctx->store_flags, &ctx->st)) != 0)
		return r;
	if ((ctx->needs & CMD_RUN) &&
	    (r = cmd_resolve_run(ctx->st, ctx->run_arg, &ctx->run)) != 0)
		return r;
	if ((ctx->needs & CMD_EVALUATED) &&
	    !store_run_evaluated(ctx->st, ctx->run)) {
		log_error("run %lld was collected but never evaluated: it has "
		    "no findings yet, which is not a clean run; 'vigil "
		    "evaluate --run %lld' evaluates it", ctx->run, ctx->run);
		return VGL_EXIT_USAGE;
	}
	return 0;
}

/*
 * The options of e: -1 when they all parsed, else the exit status (the
 * error or the usage said; 0 for --help).
 */
static int
parse_options(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option globals[] = { CMD_GLOBAL_LONGOPTS };
	const struct cmd_entry *e = ctx->e;
	struct option	*lo;
	char		*so;
	size_t		 n = 0, ng = sizeof(globals) / sizeof(globals[0]);
	int		 c, r = -1;

	while (e->longopts != NULL && e->longopts[n].name != NULL)
		n++;
	lo = xcalloc(ng + n + 1, sizeof(*lo));
	memcpy(lo, globals, sizeof(globals));
	if (n > 0)
		memcpy(lo + ng, e->longopts, n * sizeof(*lo));
	so = xasprintf("%s%s", CMD_GLOBAL_SHORTOPTS,
	    e->shortopts != NULL ? e->shortopts : "");
	while (r < 0 && (c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (cmd_global_opt(ctx->g, c, optarg))
			continue;
		if (c == CMD_OPT_WAIT)
			ctx->store_flags |= STORE_WAIT;
		else if (c == CMD_OPT_RUN)
			ctx->run_arg = optarg;
		else if (c == 'h' || e->option == NULL ||
		    (r = e->option(ctx, c, optarg)) < 0) {
			cmd_usage(e, c == 'h' ? stdout : stderr);
			r = c == 'h' ? 0 : VGL_EXIT_USAGE;
		} else if (r == 0)
			r = -1;
	}
	free(so);
	free(lo);
	return r;
}

int
cmd_run(const struct cmd_entry *e, struct globals *g, int argc,
    char **argv)
{
	struct cmd_ctx	 ctx;
	int		 r;

	memset(&ctx, 0, sizeof(ctx));
	ctx.e = e;
	ctx.g = g;
	ctx.needs = e->needs;
	if (e->args_size > 0)
		ctx.args = xcalloc(1, e->args_size);
	if ((r = parse_options(&ctx, argc, argv)) >= 0)
		goto out;
	ctx.argc = argc - optind;
	ctx.argv = argv + optind;
	if (ctx.argc < e->nargs_min || ctx.argc > e->nargs_max) {
		cmd_usage(e, stderr);
		r = VGL_EXIT_USAGE;
		goto out;
	}
	if (e->check != NULL && (r = e->check(&ctx)) != 0)
		goto out;
	if ((r = prepare(&ctx)) == 0)
		r = e->exec(&ctx);
 out:
	rules_release(&ctx.rs);
	store_close(ctx.st);
	policy_free(ctx.p);
	free(ctx.args);
	return r;
}
