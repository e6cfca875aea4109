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
 * new run, each source in its own thread.  Prints one status line per
 * source to stdout unless quiet.  The run is finished (status, snapshot
 * digest) but not committed: *out is its open transaction, to evaluate
 * and then run_commit() (or snap_abort()).  Returns 0 (even with failed
 * sources: see res->nfailed), VGL_ERR_USAGE for an unknown --only name,
 * or a store error (nothing is left in the store).
 */
int	 run_collect(struct store *, const struct policy *, const char *only,
	    const struct collect_opts *, int quiet, struct collect_result *,
	    struct snapshot **out);

/*
 * Seals the open run and commits it: the run becomes visible whole.
 * Frees sn; on failure the run is rolled back.
 */
int	 run_commit(struct store *, struct snapshot *sn);

/*
 * Re-evaluates the stored run from without changing it: a new run
 * (command "evaluate", snapshot_run = from, or the run from itself
 * re-evaluated) gets a copy of that snapshot, is evaluated with the current rules and policy, sealed
 * onto the chain and committed; *run is its id.
 */
int	 run_reevaluate(struct store *, const struct policy *,
	    const struct ruleset *, long long from, long long *run,
	    struct eval_summary *);

/*
 * Progress on a TTY: when set (and stderr is a terminal), run_collect
 * shows which sources are still being collected, on one updated line.
 */
void	 run_set_progress(int);

/*
 * Records drift and evaluates rules on run, the open run of the current
 * transaction, and marks it evaluated; the caller commits or aborts.
 */
int	 run_evaluate(struct store *, const struct policy *,
	    const struct ruleset *, long long run, struct eval_summary *);

/*
 * Computes and stores the chain hash (SPEC section 10) of run, the open,
 * newest run, linked to the newest sealed run before it.
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
