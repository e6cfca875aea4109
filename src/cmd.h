/*
 * cmd.h: the command table and what every command shares: global
 * options, loading the policy, opening the store.
 */
#ifndef CMD_H
#define CMD_H

#include <getopt.h>

#include "policy.h"
#include "rules.h"
#include "store.h"

struct globals {
	const char	*policy_path;	/* -p */
	const char	*db_path;	/* --db */
	int		 verbose;
	int		 quiet;
	int		 no_progress;
};

/* One option as the usage line writes it, and what it does in one line. */
struct cmd_opt_help {
	const char	*opt;		/* "--only SRC,...", "-o FILE" */
	const char	*help;		/* one line, no final period */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "vigil [options] NAME " */
	const char	*summary;	/* one line for --help */
	/* Every option of usage, in its order; ends with { NULL, NULL }. */
	const struct cmd_opt_help *opts;
	int		(*exec)(struct globals *, int argc, char **argv);
};

/* The global options, for both --help texts; ends with { NULL, NULL }. */
extern const struct cmd_opt_help cmd_global_opts[];
/* Prints an option table to f: "  OPT  HELP" lines, HELP aligned. */
void	 cmd_print_opts(const struct cmd_opt_help *, FILE *f);

extern const struct cmd_entry *const cmd_table[];
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_baseline_entry;
extern const struct cmd_entry cmd_collect_entry;
extern const struct cmd_entry cmd_drift_entry;
extern const struct cmd_entry cmd_evaluate_entry;
extern const struct cmd_entry cmd_freeze_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_notify_entry;
extern const struct cmd_entry cmd_query_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_rules_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_watch_entry;

/*
 * Global options accepted after the command too.  CMD_GLOBAL_LONGOPTS
 * goes into each command's struct option array; cmd_global_opt() handles
 * one and returns 1 if it was a global option.
 */
#define CMD_OPT_DB		1000
#define CMD_OPT_NO_PROGRESS	1001
#define CMD_GLOBAL_SHORTOPTS	"p:vqh"
#define CMD_GLOBAL_LONGOPTS						\
	{ "policy", required_argument, NULL, 'p' },			\
	{ "db", required_argument, NULL, CMD_OPT_DB },			\
	{ "verbose", no_argument, NULL, 'v' },				\
	{ "quiet", no_argument, NULL, 'q' },				\
	{ "no-progress", no_argument, NULL, CMD_OPT_NO_PROGRESS },	\
	{ "help", no_argument, NULL, 'h' }
int	 cmd_global_opt(struct globals *, int c, const char *arg);

/*
 * Prints "usage: vigil NAME USAGE" to f; to stdout (--help) also the
 * summary and one line per option (e->opts).
 */
void	 cmd_usage(const struct cmd_entry *, FILE *f);

/* Loads the policy (diags printed); 0 or VGL_EXIT_USAGE. */
int	 cmd_load_policy(struct globals *, struct policy **);
/*
 * For validate: loads the policy even when it has errors (*out NULL only
 * when it did not parse), adding them to diags.  VGL_EXIT_USAGE (said)
 * when there is no policy file, else 0.
 */
int	 cmd_load_policy_all(struct globals *, struct policy **,
	    struct diags *);
/* Loads the rule catalog for p (diags printed); 0 or VGL_EXIT_USAGE. */
int	 cmd_load_rules(const struct policy *, struct ruleset *);
/* The db path: --db, else state.db, else $VIGIL_DB, else ./vigil.db. */
const char *cmd_db_path(const struct globals *, const struct policy *);
/* Opens the store (flags from store.h); 0 or an exit code. */
int	 cmd_open_store(const struct globals *, const struct policy *,
	    int flags, struct store **);
/* Resolves --run N (0: the last committed run); 0 or an exit code. */
int	 cmd_resolve_run(struct store *, const char *arg, long long *run);

#endif
