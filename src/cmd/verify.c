/*
 * cmd/verify.c: "vigil verify": recompute the evidence of every stored
 * run (snapshot, findings and rule digests, and the hash chain that links
 * each run to the one before) and report any difference as tampering.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "rules.h"
#include "run.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char	*v = sqlite3_column_text(s, i);

	return v != NULL ? (const char *)v : "";
}

/* rules_sha256 recomputed from the run's rule_files rows. */
static int
run_rules_digest(sqlite3 *db, long long run, char out[65])
{
	sqlite3_stmt		*s;
	struct rules_digest	 rd;

	if (sqlite3_prepare_v2(db, "SELECT rule, sha256 FROM main.rule_files "
	    "WHERE run = ? ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return VGL_ERR_STORE;
	sqlite3_bind_int64(s, 1, run);
	rules_digest_init(&rd);
	while (sqlite3_step(s) == SQLITE_ROW)
		rules_digest_add(&rd, col(s, 0), col(s, 1));
	sqlite3_finalize(s);
	rules_digest_end(&rd, out);
	return 0;
}

/* Adds "what" to the run's problem list. */
static void
problem(struct buf *b, const char *what)
{
	buf_printf(b, "%s%s", b->len > 0 ? "; " : "", what);
}

static int
cmd_verify_exec(struct cmd_ctx *ctx)
{
	struct store	*st = ctx->st;
	sqlite3_stmt	*s = NULL;
	struct buf	 why;
	const char	*key;
	char		 d[65], prev_chain[65] = "", empty[65], unev[65];
	char		 note[64];
	long long	 id;
	int		 r = VGL_EXIT_USAGE, nruns = 0, nbad = 0, first = 1;

	key = getenv("VIGIL_EVIDENCE_KEY");
	if (sqlite3_prepare_v2(st->db, "SELECT id, collected_at, "
	    "policy_sha256, rules_sha256, snapshot_sha256, findings_sha256, "
	    "prev_chain_hash, chain_hash, chain_hmac, evaluated, snapshot_run "
	    "FROM main.runs WHERE "
	    "status IN ('complete', 'partial') ORDER BY id", -1, &s, NULL) !=
	    SQLITE_OK) {
		log_error("verify: %s", sqlite3_errmsg(st->db));
		goto out;
	}
	sha256_hex("", 0, empty);
	sha256_hex(STORE_UNEVALUATED, strlen(STORE_UNEVALUATED), unev);
	buf_init(&why, 0);
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		nruns++;
		buf_reset(&why);
		if (store_snapshot_digest(st->db, id, d) != 0 ||
		    strcmp(d, col(s, 4)) != 0)
			problem(&why, "snapshot rows (collected data or source "
			    "status) differ from the recorded digest");
		if (rules_findings_digest(st->db, id, d) != 0 ||
		    strcmp(d, col(s, 5)) != 0)
			problem(&why, "findings differ from the recorded digest");
		/*
		 * An unevaluated run records STORE_UNEVALUATED (an older
		 * vigil: the empty digest) and has no rule files.
		 */
		if (run_rules_digest(st->db, id, d) != 0 ||
		    (sqlite3_column_int(s, 9) == 0 ? strcmp(d, empty) != 0 ||
		    (strcmp(col(s, 3), unev) != 0 &&
		    strcmp(col(s, 3), empty) != 0) : strcmp(d, col(s, 3)) != 0))
			problem(&why, "rule files differ from the recorded "
			    "digest");
		note[0] = '\0';
		if (sqlite3_column_int(s, 9) == 0)
			snprintf(note, sizeof(note), " (not evaluated)");
		if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
			if (sqlite3_column_int64(s, 10) >= id)
				problem(&why, "it claims to evaluate a later "
				    "run");
			else if (sqlite3_column_int(s, 9) != 0)
				snprintf(note, sizeof(note), " (evaluation of "
				    "run %lld)", (long long)
				    sqlite3_column_int64(s, 10));
		}
		if (sqlite3_column_type(s, 7) == SQLITE_NULL)
			problem(&why, "the run was never sealed");
		else {
			if (strcmp(col(s, 6), first ? "" : prev_chain) != 0)
				problem(&why, first ? "the first run links to "
				    "a run that is not in the store" : "the "
				    "link to the previous run is broken (a run "
				    "was removed or rewritten)");
			if (sqlite3_column_int(s, 8) &&
			    (key == NULL || *key == '\0'))
				problem(&why, "sealed with VIGIL_EVIDENCE_KEY; "
				    "set it to verify");
			else {
				run_chain_hash(col(s, 6), col(s, 2), col(s, 3),
				    col(s, 4), col(s, 5),
				    sqlite3_column_int(s, 8) ? key : NULL, d);
				if (strcmp(d, col(s, 7)) != 0)
					problem(&why, "the chain hash does not "
					    "match the run's evidence");
			}
		}
		snprintf(prev_chain, sizeof(prev_chain), "%s", col(s, 7));
		first = 0;
		if (why.len > 0) {
			nbad++;
			printf("run %lld (%s): TAMPERED: %s\n", id, col(s, 1),
			    why.data);
		} else if (!ctx->g->quiet)
			printf("run %lld (%s): ok %.16s%s\n", id, col(s, 1),
			    col(s, 7), note);
	}
	buf_release(&why);
	if (nbad > 0) {
		printf("verify: %d of %d run%s failed verification\n", nbad,
		    nruns, nruns == 1 ? "" : "s");
		r = VGL_EXIT_FINDINGS;
	} else {
		if (!ctx->g->quiet)
			printf("verify: %d run%s, evidence and chain intact\n",
			    nruns, nruns == 1 ? "" : "s");
		r = VGL_EXIT_OK;
	}
 out:
	sqlite3_finalize(s);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help verify_opts[] = {
	{ NULL, NULL }
};

const struct cmd_entry cmd_verify_entry = {
	.name = "verify",
	.usage = "",
	.summary = "recompute the evidence hash chain; report any tampering",
	.opts = verify_opts,
	.needs = CMD_POLICY | CMD_STORE_RO,
	.exec = cmd_verify_exec,
};
