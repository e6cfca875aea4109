/*
 * cmd.h: the command table and what every command shares: global
 * options, and one prologue (options, policy, rules, store, run) and
 * epilogue around each command's exec.
 */
#ifndef CMD_H
#define CMD_H

#include <getopt.h>

#include "policy.h"
#include "rules.h"
#include "run.h"
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

struct cmd_entry;

/*
 * What a command needs before its exec runs (cmd_entry.needs), prepared
 * by cmd_run() in this order, each failure its message and exit status.
 */
#define CMD_POLICY	0x01	/* the policy, loaded and validated */
#define CMD_RULES	0x02	/* the rule catalog, every rule checked */
#define CMD_STORE_RO	0x04	/* the store, read-only, no lock */
#define CMD_STORE_RW	0x08	/* the store, read-write and locked */
#define CMD_RUN		0x10	/* --run N, else the last committed */
#define CMD_EVALUATED	0x20	/* ... and it was evaluated */

/* What cmd_run() prepared for a command; freed after its exec. */
struct cmd_ctx {
	const struct cmd_entry *e;
	struct globals	*g;
	int		 argc;	/* the operands after the options */
	char		**argv;
	int		 needs;	/* e->needs; check may change it */
	int		 store_flags; /* STORE_WAIT (--wait) */
	const char	*run_arg; /* --run, NULL: the last run */
	void		*args;	/* e->args_size bytes, zeroed */
	struct policy	*p;
	struct ruleset	 rs;
	struct store	*st;
	long long	 run;	/* CMD_RUN */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "vigil [options] NAME " */
	const char	*summary;	/* one line for --help */
	/* Every option of usage, in its order; ends with { NULL, NULL }. */
	const struct cmd_opt_help *opts;
	/*
	 * The command's options after the global ones (NULL: none; ends
	 * with a zero entry) and its short options ("o:"; NULL: none).
	 * CMD_LONGOPT_RUN and CMD_LONGOPT_WAIT are handled by cmd_run();
	 * any other goes to option(), which stores it in ctx->args and
	 * returns 0, -1 when it is not the command's (usage, exit 2), or
	 * an exit status (the error said).
	 */
	const struct option *longopts;
	const char	*shortopts;
	size_t		 args_size;
	int		(*option)(struct cmd_ctx *, int c, const char *arg);
	/* How many operands: fewer or more is a usage error. */
	int		 nargs_min;
	int		 nargs_max;
	/* After the options, before anything loads: 0 or an exit status. */
	int		(*check)(struct cmd_ctx *);
	int		 needs;	/* CMD_POLICY, ... */
	/* Non-NULL: the rules are optional, and this is the warning. */
	const char	*rules_missing;
	int		(*exec)(struct cmd_ctx *);
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
 * Global options accepted after the command too.  cmd_run() puts
 * CMD_GLOBAL_LONGOPTS before each command's options; cmd_global_opt()
 * handles one and returns 1 if it was a global option.
 */
#define CMD_OPT_DB		1000
#define CMD_OPT_NO_PROGRESS	1001
#define CMD_OPT_WAIT		1002
#define CMD_OPT_RUN		1003
#define CMD_GLOBAL_SHORTOPTS	"p:vqh"
#define CMD_GLOBAL_LONGOPTS						\
	{ "policy", required_argument, NULL, 'p' },			\
	{ "db", required_argument, NULL, CMD_OPT_DB },			\
	{ "verbose", no_argument, NULL, 'v' },				\
	{ "quiet", no_argument, NULL, 'q' },				\
	{ "no-progress", no_argument, NULL, CMD_OPT_NO_PROGRESS },	\
	{ "help", no_argument, NULL, 'h' }
int	 cmd_global_opt(struct globals *, int c, const char *arg);
/* The options cmd_run() handles for the commands that list them. */
#define CMD_LONGOPT_RUN	{ "run", required_argument, NULL, CMD_OPT_RUN }
#define CMD_LONGOPT_WAIT	{ "wait", no_argument, NULL, CMD_OPT_WAIT }

/*
 * collect's options, which audit shares: its args start with a struct
 * cmd_collect_args, its longopts with CMD_COLLECT_LONGOPTS, its help with
 * CMD_COLLECT_HELP, and it calls cmd_collect_option() and
 * cmd_collect_check().
 */
#define CMD_OPT_ONLY		1004
#define CMD_OPT_RECORD		1005
#define CMD_OPT_REPLAY		1006
#define CMD_COLLECT_LONGOPTS						\
	{ "only", required_argument, NULL, CMD_OPT_ONLY },		\
	{ "record", required_argument, NULL, CMD_OPT_RECORD },		\
	{ "replay", required_argument, NULL, CMD_OPT_REPLAY },		\
	CMD_LONGOPT_WAIT
#define CMD_COLLECT_HELP						\
	{ "--only SRC,...",						\
	    "collect only these sources (names from the policy)" },	\
	{ "--record DIR",						\
	    "also store every exchange in DIR, secrets redacted" },	\
	{ "--replay DIR",						\
	    "answer every request from the recording in DIR, offline" }
#define CMD_WAIT_HELP							\
	{ "--wait", "wait for another run holding the store's lock" }
struct cmd_collect_args {
	struct collect_opts	 co;
	const char		*only;
};
int	 cmd_collect_option(struct cmd_ctx *, int c, const char *arg);
int	 cmd_collect_check(struct cmd_ctx *);

/*
 * Runs command e: its options (the global ones too), its operands and
 * check, what it needs, then its exec; frees what was prepared.
 * Returns the exit status.
 */
int	 cmd_run(const struct cmd_entry *, struct globals *, int argc,
	    char **argv);

/*
 * Prints "usage: vigil NAME USAGE" to f; to stdout (--help) also the
 * summary and one line per option (e->opts).
 */
void	 cmd_usage(const struct cmd_entry *, FILE *f);

/*
 * For validate: loads the policy even when it has errors (*out NULL only
 * when it did not parse), adding them to diags.  VGL_EXIT_USAGE (said)
 * when there is no policy file, else 0.
 */
int	 cmd_load_policy_all(struct globals *, struct policy **,
	    struct diags *);
/* Resolves --run N (0: the last committed run); 0 or an exit code. */
int	 cmd_resolve_run(struct store *, const char *arg, long long *run);

#endif
