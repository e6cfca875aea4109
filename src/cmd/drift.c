/*
 * cmd/drift.c: "vigil drift": the changes of a run since the accepted
 * baseline (or since another run), computed afresh from the stored
 * snapshots, read-only: nothing in the store changes.
 *
 * Exit status: 0 when the comparison was made, with or without changes
 * (drift rules turn changes into findings for audit and evaluate); 2 for
 * a usage error, including asking for the baseline when none has been
 * accepted.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "drift.h"
#include "log.h"
#include "vigil.h"

#define OPT_AGAINST	2110
#define OPT_JSON	2111

/* Prints s with control characters as '?', so that output is inert. */
static void
put_inert(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		putchar(iscntrl((unsigned char)*s) ? '?' : *s);
}

static void
put_value(json_t *v)
{
	if (json_is_string(v))
		put_inert(json_string_value(v));
	else if (json_is_integer(v))
		printf("%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		printf("%g", json_real_value(v));
	else
		fputs("NULL", stdout);
}

static const char *
str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* One line per change: TABLE SOURCE KEY CHANGE [COLUMN OLD -> NEW | ROW]. */
static void
print_text(json_t *changes)
{
	json_t	*c;
	size_t	 i;

	json_array_foreach(changes, i, c) {
		put_inert(str(c, "table"));
		putchar(' ');
		put_inert(str(c, "source"));
		putchar(' ');
		put_inert(str(c, "key"));
		printf(" %s ", str(c, "change"));
		if (strcmp(str(c, "change"), "modified") == 0) {
			put_inert(str(c, "column"));
			putchar(' ');
			put_value(json_object_get(c, "old"));
			fputs(" -> ", stdout);
			put_value(json_object_get(c, "new"));
		} else if (strcmp(str(c, "change"), "added") == 0)
			put_value(json_object_get(c, "new"));
		else
			put_value(json_object_get(c, "old"));
		putchar('\n');
	}
}

/* The options of drift, parsed into cmd_ctx.args. */
struct drift_args {
	const char	*against;
	int		 json;
};

static const struct option drift_longopts[] = {
	CMD_LONGOPT_RUN,
	{ "against", required_argument, NULL, OPT_AGAINST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};

static int
drift_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct drift_args	*a = ctx->args;

	switch (c) {
	case OPT_AGAINST:
		a->against = arg;
		return 0;
	case OPT_JSON:
		a->json = 1;
		return 0;
	}
	return -1;
}

static int
cmd_drift_exec(struct cmd_ctx *ctx)
{
	struct drift_args	*a = ctx->args;
	struct baseline	 b = { 0 };
	struct store	*st = ctx->st;
	json_t		*changes = NULL, *doc = NULL, *ns;
	const char	*against_arg = a->against != NULL ? a->against :
			    "baseline";
	char		*skipped = NULL, *s, *q;
	long long	 run = ctx->run, against;
	int		 r;

	r = VGL_EXIT_USAGE;
	if (strcmp(against_arg, "baseline") == 0) {
		if (drift_baseline(st->db, &b) != 0)
			goto out;
		if (b.id == 0) {
			log_error("no baseline has been accepted yet: review "
			    "a run, then 'vigil baseline accept --run N --note "
			    "TEXT'; or compare with a run: --against RUN");
			goto out;
		}
		against = b.run;
	} else if ((r = cmd_resolve_run(st, against_arg, &against)) != 0) {
		log_error("--against: 'baseline' or a run number");
		goto out;
	}
	r = VGL_EXIT_USAGE;
	if (drift_compute(st->db, run, against, 0, &skipped) != 0)
		goto out;
	changes = drift_computed_json(st->db, run);
	if (a->json) {
		doc = json_pack("{s:I, s:I, s:o}", "run", (json_int_t)run,
		    "against", (json_int_t)against, "changes", changes);
		changes = NULL;
		if (b.id != 0)
			json_object_set_new(doc, "baseline", json_pack("{s:I, "
			    "s:I, s:s?, s:s?, s:s?}", "id", (json_int_t)b.id,
			    "run", (json_int_t)b.run, "accepted_at",
			    b.accepted_at, "accepted_by", b.accepted_by,
			    "note", b.note));
		else
			json_object_set_new(doc, "baseline", json_null());
		ns = json_array();
		for (s = skipped; s != NULL && *s != '\0'; s = q) {
			size_t len = strcspn(s, ",");

			json_array_append_new(ns, json_stringn(s, len));
			q = s + len;
			while (*q == ',' || *q == ' ')
				q++;
		}
		json_object_set_new(doc, "not_compared", ns);
		if (json_dumpf(doc, stdout, JSON_INDENT(2) |
		    JSON_ENSURE_ASCII) != 0)
			goto out;
		putchar('\n');
	} else {
		if (b.id != 0) {
			printf("# run %lld against baseline %lld (run %lld, "
			    "accepted %s by ", run, b.id, b.run,
			    b.accepted_at != NULL ? b.accepted_at : "?");
			put_inert(b.accepted_by);
			fputs(": ", stdout);
			put_inert(b.note);
			fputs(")\n", stdout);
		} else
			printf("# run %lld against run %lld\n", run, against);
		if (skipped != NULL) {
			fputs("# not compared (failed or not collected): ",
			    stdout);
			put_inert(skipped);
			putchar('\n');
		}
		print_text(changes);
		printf("# %zu change%s\n", json_array_size(changes),
		    json_array_size(changes) == 1 ? "" : "s");
	}
	r = 0;
 out:
	json_decref(changes);
	json_decref(doc);
	free(skipped);
	drift_baseline_release(&b);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help drift_opts[] = {
	{ "--run N", "the run whose changes to list (default: the last)" },
	{ "--against baseline|RUN",
	    "compare with the current baseline (default) or run RUN" },
	{ "--json", "print one JSON object instead of one line per change" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_drift_entry = {
	.name = "drift",
	.usage = "[--run N] [--against baseline|RUN] [--json]",
	.summary = "list changes since the baseline (or a run)",
	.opts = drift_opts,
	.longopts = drift_longopts,
	.args_size = sizeof(struct drift_args),
	.option = drift_option,
	.needs = CMD_POLICY | CMD_STORE_RO | CMD_RUN,
	.exec = cmd_drift_exec,
};
