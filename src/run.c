/*
 * run.c: the pipeline: collect sources concurrently into a snapshot,
 * evaluate rules into findings, seal the run's evidence.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "critical.h"
#include "drift.h"
#include "log.h"
#include "record.h"
#include "run.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static int		 show_progress;
static pthread_mutex_t	 progress_mtx = PTHREAD_MUTEX_INITIALIZER;
static int		 progress_done, progress_total;

enum { W_PENDING, W_RUNNING, W_DONE };

struct worker {
	pthread_t			 tid;
	const struct source_type	*type;
	struct source_ctx		 ctx;
	const struct collect_opts	*co;
	long				 requests;
	long				 duration_ms;
	int				 result;
	int				 state;	/* W_*; progress_mtx */
	char				*status; /* its wait; progress_mtx */
};

/* The collection's workers, for the progress line; progress_mtx. */
static struct worker	*progress_ws;
static size_t		 progress_n;

void
run_set_progress(int on)
{
	show_progress = on && isatty(STDERR_FILENO);
}

/*
 * Redraws the status line (log_status; a log line never glues onto it):
 * "collecting: 2/5 sources done | aws-prod: waiting for the credential
 * report | discord: rate limit, 0.8 s | dns", each source still running
 * with what it waits for.  Caller holds progress_mtx.
 */
static void
progress_draw_locked(void)
{
	struct buf	 b;
	char		*line;
	size_t		 i;

	if (!show_progress)
		return;
	if (progress_done >= progress_total) {
		log_status(NULL);
		return;
	}
	buf_init(&b, 0);
	buf_printf(&b, "collecting: %d/%d sources done", progress_done,
	    progress_total);
	for (i = 0; i < progress_n; i++) {
		const struct worker *w = &progress_ws[i];

		if (w->state != W_RUNNING)
			continue;
		buf_printf(&b, " | %s", w->ctx.ps->name);
		if (w->status != NULL)
			buf_printf(&b, ": %s", w->status);
	}
	line = buf_detach(&b, NULL);
	log_status(line);
	free(line);
}

static void
progress(struct worker *w, int state)
{
	if (!show_progress)
		return;
	pthread_mutex_lock(&progress_mtx);
	w->state = state;
	if (state == W_DONE) {
		progress_done++;
		free(w->status);
		w->status = NULL;
	}
	progress_draw_locked();
	pthread_mutex_unlock(&progress_mtx);
}

/* source_ctx.on_status: the source's current wait, on the progress line. */
static void
worker_status(struct source_ctx *ctx, const char *text)
{
	struct worker	*w = ctx->status_arg;

	if (!show_progress)
		return;
	pthread_mutex_lock(&progress_mtx);
	if (w->state == W_RUNNING) {
		free(w->status);
		w->status = text != NULL ? xstrdup(text) : NULL;
		progress_draw_locked();
	}
	pthread_mutex_unlock(&progress_mtx);
}

/*
 * What to do about a failed source, from its error text: the operator
 * reading the nightly log gets a next step, not only a symptom.
 */
static const char *
failure_hint(const char *err)
{
	static const struct {
		const char *const	 words[6];
		const char		*hint;
	} h[] = {
	    { { "HTTP 401", "HTTP 403", "nvalid credentials", "rejected",
		"InvalidClientTokenId", "SignatureDoesNotMatch" },
	      "check the source's credentials (its *_env or *_file keys) "
	      "and what they may read" },
	    { { "onnection refused", "Can't contact", "resolve", NULL },
	      "check the source's endpoint (uri, nameserver) and that the "
	      "service is up" },
	    { { "HTTP 5", NULL },
	      "the provider is failing: re-run later" },
	    { { "connection lost", "malformed", "not an", "is not a",
		"larger than", "unexpected" },
	      "the endpoint did not answer like the provider's API: check "
	      "the source's endpoint (a proxy or captive portal in the way?)" },
	    { { "timed out", "Timed out", "deadline", "timeout", NULL },
	      "the provider did not answer in time: check the network path, "
	      "or raise the source's timeout_s or deadline_s" },
	};
	size_t	i, k;

	for (i = 0; err != NULL && i < sizeof(h) / sizeof(h[0]); i++)
		for (k = 0; k < 6 && h[i].words[k] != NULL; k++)
			if (strstr(err, h[i].words[k]) != NULL)
				return h[i].hint;
	return "re-run with -v to see each request; the other sources "
	    "were collected";
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct http_opts	 o;
	double			 t0 = now_s();

	progress(w, W_RUNNING);
	source_http_opts(w->ctx.ps, w->co, &o);
	o.follow_https_redirects = w->type->follow_redirects;
	o.on_wait = source_http_wait;
	o.wait_arg = &w->ctx;
	w->ctx.http = http_client_new(&o);
	if (w->ctx.http == NULL)
		w->result = source_fail(&w->ctx, "cannot set up HTTP client");
	else
		w->result = w->type->collect(&w->ctx);
	if (w->result != 0 && w->ctx.error == NULL)
		w->ctx.error = xstrdup(vgl_err(w->result));
	w->requests = w->ctx.requests + (w->ctx.http != NULL ?
	    http_client_requests(w->ctx.http) : 0);
	http_client_free(w->ctx.http);
	w->ctx.http = NULL;
	w->duration_ms = (long)((now_s() - t0) * 1000);
	progress(w, W_DONE);
	return NULL;
}

static int
only_has(const char *only, const char *name)
{
	const char	*p = only;
	size_t		 n = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

/* Loads policy.expect into `expected`. */
static int
load_expected(struct snapshot *sn, const struct policy *p)
{
	json_t		*ns, *list, *v, *row;
	const char	*dom;
	size_t		 i;
	int		 r = 0;

	ns = json_object_get(p->expect, "nameservers");
	json_object_foreach(ns, dom, list) {
		json_array_foreach(list, i, v) {
			char	*lc, *q;
			size_t	 n;

			if (!json_is_string(v))
				continue;
			lc = xstrdup(json_string_value(v));
			for (q = lc; *q != '\0'; q++)
				*q = (char)(*q >= 'A' && *q <= 'Z' ?
				    *q + 32 : *q);
			n = strlen(lc);
			while (n > 0 && lc[n - 1] == '.')
				lc[--n] = '\0';
			row = json_pack("{s:s, s:s, s:s}", "kind",
			    "nameserver", "subject", dom, "value", lc);
			free(lc);
			/* expected.source is the policy itself. */
			r = snap_insert(sn, "expected", "policy", row);
			json_decref(row);
			if (r != 0)
				return r;
		}
	}
	return r;
}

static int
replay_time(const char *dir, char *out, size_t len)
{
	long long	 t;

	if (record_read_time(dir, &t) != 0) {
		log_error("'%s' is not a vigil recording (no meta.json with "
		    "captured_at)", dir);
		return VGL_ERR_REPLAY;
	}
	iso8601_utc(t, out, len);
	return 0;
}

static int
record_meta(const char *dir, const char *when)
{
	json_t	*m;
	int	 r;

	m = json_pack("{s:s, s:s}", "captured_at", when, "format",
	    "vigil.recording/1");
	if ((r = record_write_meta(dir, m, 0)) != 0)
		log_error("cannot write '%s/meta.json': %s", dir,
		    strerror(errno));
	json_decref(m);
	return r;
}

int
run_collect(struct store *st, const struct policy *p, const char *only,
    const struct collect_opts *co, int quiet, struct collect_result *res,
    struct snapshot **out)
{
	struct snapshot	*sn = NULL;
	struct worker	*ws;
	char		 when[32];
	size_t		 i, n = 0;
	int		 r, rs;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	if (only != NULL) {
		/* Every name in --only must be a source. */
		const char *q = only;
		while (*q != '\0') {
			size_t	 len = strcspn(q, ",");
			char	*nm = xstrndup(q, len);
			if (policy_source_find(p, nm) == NULL) {
				log_error("--only: no source named '%s' in "
				    "the policy", nm);
				free(nm);
				return VGL_ERR_USAGE;
			}
			free(nm);
			q += len;
			if (*q == ',')
				q++;
		}
	}
	(void)store_snapshot_tables();	/* initialise before threads */
	if (co->replay_dir != NULL) {
		if ((r = replay_time(co->replay_dir, when, sizeof(when))) != 0)
			return r;
	} else
		iso8601_utc(time(NULL), when, sizeof(when));
	if (co->record_dir != NULL &&
	    (r = record_meta(co->record_dir, when)) != 0)
		return r;
	if ((r = store_run_begin(st, p, "collect", when, &res->run, &sn)) != 0)
		return r;
	if ((r = load_expected(sn, p)) != 0) {
		snap_abort(sn);
		return r;
	}
	ws = xcalloc(p->nsources + 1, sizeof(*ws));
	pthread_mutex_lock(&progress_mtx);
	progress_done = 0;
	progress_total = 0;
	for (i = 0; i < p->nsources; i++)
		if (only == NULL || only_has(only, p->sources[i].name))
			progress_total++;
	progress_ws = ws;
	progress_n = (size_t)progress_total;
	pthread_mutex_unlock(&progress_mtx);
	for (i = 0; i < p->nsources; i++) {
		struct worker *w = &ws[n];

		if (only != NULL && !only_has(only, p->sources[i].name))
			continue;
		w->type = source_type_find(p->sources[i].type);
		w->co = co;
		w->ctx.policy = p;
		w->ctx.ps = &p->sources[i];
		w->ctx.snap = sn;
		w->ctx.now = when;
		w->ctx.co = co;
		w->ctx.on_status = worker_status;
		w->ctx.status_arg = w;
		if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
			log_error("cannot start a thread for source '%s'",
			    p->sources[i].name);
			w->result = VGL_ERR_INTERNAL;
			w->ctx.error = xstrdup("cannot start thread");
			w->tid = 0;
		}
		n++;
	}
	for (i = 0; i < n; i++) {
		struct worker *w = &ws[i];
		const char *status;

		if (w->tid != 0)
			pthread_join(w->tid, NULL);
		status = w->result == 0 ? "ok" : "failed";
		/* The first failed insert is the error reported. */
		rs = snap_source(sn, w->ctx.ps->name, w->type->name, status,
		    w->ctx.error, w->ctx.resources, w->requests,
		    w->duration_ms);
		if (r == 0)
			r = rs;
		if (!quiet) {
			/* Above the progress line of the sources still
			 * running, never glued onto it. */
			log_above(stdout, "%-20s %-7s %6ld resources %5ld "
			    "requests %7.2f s%s%s", w->ctx.ps->name, status,
			    w->ctx.resources, w->requests,
			    w->duration_ms / 1000.0, w->ctx.error ? "  " : "",
			    w->ctx.error ? w->ctx.error : "");
		}
		if (w->result != 0) {
			log_warn("source '%s' failed: %s; what to do: %s",
			    w->ctx.ps->name, w->ctx.error,
			    failure_hint(w->ctx.error));
			res->nfailed++;
		}
		res->nsources++;
		res->requests += w->requests;
		res->resources += w->ctx.resources;
		free(w->ctx.error);
	}
	/* The summary that follows starts on a clean line. */
	pthread_mutex_lock(&progress_mtx);
	progress_ws = NULL;
	progress_n = 0;
	if (show_progress)
		log_status(NULL);
	pthread_mutex_unlock(&progress_mtx);
	free(ws);
	fflush(stdout);
	/* The pins are part of the snapshot (SPEC 7): read them live. */
	if (r == 0)
		r = critical_collect(sn, p, co, when);
	if (r == 0)
		r = snap_finish(sn, res->nfailed > 0 ? "partial" : "complete");
	if (r != 0) {
		snap_abort(sn);
		return r;
	}
	*out = sn;
	return 0;
}

int
run_reevaluate(struct store *st, const struct policy *p,
    const struct ruleset *rs, long long from, long long *run,
    struct eval_summary *sum)
{
	struct snapshot	*sn = NULL;
	char		*when = NULL, *status = NULL;
	long long	 origin;
	int		 r;

	*run = 0;
	if ((r = store_run_info(st, from, &when, &status)) != 0) {
		log_error("no run %lld", from);
		goto out;
	}
	/* Re-evaluating a re-evaluation uses the collected snapshot. */
	if ((origin = store_run_snapshot_of(st, from)) == 0)
		origin = from;
	if ((r = store_run_begin(st, p, "evaluate", when, run, &sn)) != 0)
		goto out;
	if ((r = snap_copy(sn, origin)) != 0 ||
	    (r = snap_finish(sn, status)) != 0 ||
	    (r = run_evaluate(st, p, rs, *run, sum)) != 0) {
		snap_abort(sn);
		*run = 0;
		goto out;
	}
	if ((r = run_commit(st, sn)) != 0)
		*run = 0;
 out:
	free(when);
	free(status);
	return r;
}

void
run_chain_hash(const char *prev, const char *policy, const char *rules,
    const char *snapshot, const char *findings, const char *key,
    char out[65])
{
	struct buf	 b;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;

	buf_init(&b, 0);
	buf_printf(&b, "%s\n%s\n%s\n%s\n%s\n", prev != NULL ? prev : "",
	    policy != NULL ? policy : "", rules != NULL ? rules : "",
	    snapshot != NULL ? snapshot : "", findings != NULL ? findings : "");
	if (key != NULL && *key != '\0') {
		HMAC(EVP_sha256(), key, (int)strlen(key),
		    (unsigned char *)b.data, b.len, md, &mdlen);
		hex_encode(md, mdlen, out);
	} else
		sha256_hex(b.data, b.len, out);
	buf_release(&b);
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char	*v = sqlite3_column_text(s, i);

	return v != NULL ? (const char *)v : "";
}

/*
 * Seals run: chain_hash over the previous sealed run's chain hash and the
 * run's digests.  Called inside the run's transaction, just before it
 * commits, so the run is the newest: no other run's seal changes.
 */
int
run_seal(struct store *st, long long run)
{
	sqlite3_stmt	*s = NULL, *u = NULL;
	const char	*key;
	char		 prev[65] = "", chain[65];
	int		 r = VGL_ERR_STORE;

	key = getenv("VIGIL_EVIDENCE_KEY");
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce((SELECT chain_hash "
	    "FROM main.runs WHERE id < ?1 AND chain_hash IS NOT NULL ORDER BY "
	    "id DESC LIMIT 1), '')", -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(prev, sizeof(prev), "%s", col(s, 0));
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT policy_sha256, rules_sha256, "
	    "snapshot_sha256, findings_sha256 FROM main.runs WHERE id = ?1 "
	    "AND status IN ('complete', 'partial')", -1, &s, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "UPDATE main.runs SET prev_chain_hash "
	    "= ?, chain_hash = ?, chain_hmac = ? WHERE id = ?", -1, &u, NULL)
	    != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) != SQLITE_ROW) {
		log_error("cannot seal run %lld: not finished", run);
		goto out;
	}
	run_chain_hash(prev, col(s, 0), col(s, 1), col(s, 2), col(s, 3),
	    key, chain);
	sqlite3_bind_text(u, 1, prev, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(u, 2, chain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(u, 3, key != NULL && *key != '\0');
	sqlite3_bind_int64(u, 4, run);
	if (sqlite3_step(u) != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	if (r != 0)
		log_error("cannot seal run %lld: %s", run,
		    sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	return r;
}

int
run_evaluate(struct store *st, const struct policy *p,
    const struct ruleset *rs, long long run, struct eval_summary *sum)
{
	int		 r;

	/* Drift first, so that drift rules see this run's changes. */
	if ((r = drift_record(st, run)) != 0)
		return r;
	/* rules_evaluate() marks the run evaluated with its digests. */
	return rules_evaluate(st, run, p, rs, sum);
}

int
run_commit(struct store *st, struct snapshot *sn)
{
	int	 r;

	if ((r = run_seal(st, snap_run(sn))) != 0) {
		snap_abort(sn);
		return r;
	}
	return snap_commit(sn);
}

int
run_exit_code(struct store *st, long long run, int fail_on)
{
	sqlite3_stmt	*s;
	int		 failed = 0, worst = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM main.sources "
	    "WHERE run = ? AND status != 'ok'", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, run);
		if (sqlite3_step(s) == SQLITE_ROW)
			failed = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	if (failed > 0)
		return VGL_EXIT_INCOMPLETE;
	if (sqlite3_prepare_v2(st->db, "SELECT severity FROM main.findings "
	    "WHERE run = ? AND status IN ('fail', 'error')", -1, &s, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_int64(s, 1, run);
		while (sqlite3_step(s) == SQLITE_ROW) {
			int sev = severity_parse((const char *)
			    sqlite3_column_text(s, 0));
			if (sev > worst)
				worst = sev;
		}
		sqlite3_finalize(s);
	}
	return worst >= fail_on ? VGL_EXIT_FINDINGS : VGL_EXIT_OK;
}
