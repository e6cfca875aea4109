/*
 * run.h: the pipeline stages shared by collect, audit and evaluate:
 * sources -> snapshot, then rules -> findings, then the evidence seal.
 */
#ifndef RUN_H
#define RUN_H

#include "policy.h"
#include "rules.h"
#include "source.h"
#include "store.h"

struct collect_result {
	long long	 run;
	int		 nsources;
	int		 nfailed;
	long		 requests;
	long		 resources;
};

/*
 * Collects every source (or those named in only, comma-separated) into a
 * new committed run, each source in its own thread.  Prints one status
 * line per source to stdout unless quiet.  Returns 0 when the run was
 * committed (even with failed sources: see res->nfailed), VGL_ERR_USAGE
 * for an unknown --only name, or a store error.
 */
int	 run_collect(struct store *, const struct policy *, const char *only,
	    const struct collect_opts *, int quiet, struct collect_result *);

/*
 * Progress on a TTY: when set (and stderr is a terminal), run_collect
 * shows which sources are still being collected, on one updated line.
 */
void	 run_set_progress(int);

/* Evaluates rules on run and seals the run's evidence chain. */
int	 run_evaluate(struct store *, const struct policy *,
	    const struct ruleset *, long long run, struct eval_summary *);

/*
 * Recomputes and stores the run's chain hash (SPEC section 10), and those
 * of every later sealed run, whose links depend on it.
 */
int	 run_seal(struct store *, long long run);
/*
 * The chain hash: SHA-256 (or, with a non-empty key, HMAC-SHA-256) of
 * "prev\npolicy\nrules\nsnapshot\nfindings\n" (docs/schema.md).
 */
void	 run_chain_hash(const char *prev, const char *policy,
	    const char *rules, const char *snapshot, const char *findings,
	    const char *key, char out[65]);

/* The exit code for a run: 3 when incomplete, 1 when findings >= fail_on. */
int	 run_exit_code(struct store *, long long run, int fail_on);

#endif
