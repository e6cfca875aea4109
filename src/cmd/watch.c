/*
 * cmd/watch.c: "vigil watch": re-read only the critical values every
 * interval (SPEC sections 3 and 7), for launch windows.
 *
 * The first round prints one line per pin with its state; later rounds
 * print a line only when a pin's state changes (ok, changed to another
 * value, unreadable, back to ok).  Every change away from the previous
 * state is alerted at once through watch_alert(), never again on the
 * following rounds: one ALERT line per pin, and one message per round
 * (whatever the number of pins) through the policy's channels.  A
 * read failure is a state like any other, so watch keeps running across
 * transient errors.  watch does not write the store.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "critical.h"
#include "log.h"
#include "notify.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define OPT_INTERVAL	2000
#define OPT_COUNT	2001

static volatile sig_atomic_t	 stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* One pin's state: status plus, when changed, which value was seen. */
static char *
state_of(const struct critical_result *r)
{
	if (strcmp(r->status, "changed") == 0)
		return xasprintf("changed:%s", r->observed_sha256);
	return xstrdup(r->status);
}

/* A copy of s for a terminal: control characters become '?'. */
static char *
printable(const char *s)
{
	char	*t = xstrdup(s != NULL ? s : "?");
	size_t	 i;

	for (i = 0; t[i] != '\0'; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			t[i] = '?';
	return t;
}

/*
 * A line saying what a pin's state is.  A changed public pin shows the
 * expected and the observed value; any other only that it differs, with
 * the prefixes of the hashes.
 */
static char *
describe(const struct critical_result *r)
{
	char	*e, *o, *line;

	if (strcmp(r->status, "ok") == 0)
		return xasprintf("%s (%s): ok", r->name, r->source_type);
	if (strcmp(r->status, "unreadable") == 0) {
		e = printable(r->error);
		line = xasprintf("%s (%s): unreadable: %s", r->name,
		    r->source_type, e);
		free(e);
		return line;
	}
	if (r->public && r->observed != NULL) {
		o = printable(r->observed);
		if (r->expected != NULL) {
			e = printable(r->expected);
			line = xasprintf("%s (%s): CHANGED: expected \"%s\", "
			    "observed \"%s\"", r->name, r->source_type, e, o);
			free(e);
		} else
			line = xasprintf("%s (%s): CHANGED: expected sha256 "
			    "%.12s..., observed \"%s\"", r->name,
			    r->source_type, r->expected_sha256, o);
		free(o);
		return line;
	}
	return xasprintf("%s (%s): CHANGED: differs from the expected value "
	    "(expected sha256 %.12s..., observed sha256 %.12s...)", r->name,
	    r->source_type, r->expected_sha256, r->observed_sha256);
}

/*
 * The one way watch alerts, once per round whatever the number of pins:
 * each pin's line is printed to stdout (and to stderr, unless both are
 * the terminal, where it would show twice), and one message naming each
 * pin and its state goes through the policy's email and webhooks
 * (regardless of their "when", SPEC 9).  A failed send is logged; watch
 * goes on.
 */
static void
watch_alert(const struct policy *p, const char *what, const char *text)
{
	const char	*l, *nl;
	char		*subject;
	int		 echo = !(isatty(STDOUT_FILENO) && isatty(STDERR_FILENO));

	for (l = text; *l != '\0'; l = *nl != '\0' ? nl + 1 : nl) {
		nl = strchr(l, '\n');
		if (nl == NULL)
			nl = l + strlen(l);
		printf("ALERT: %.*s\n", (int)(nl - l), l);
		if (echo)
			fprintf(stderr, "vigil watch: ALERT: %.*s\n",
			    (int)(nl - l), l);
	}
	fflush(stdout);
	if (p->notify == NULL || (json_object_get(p->notify, "email") ==
	    NULL && json_array_size(json_object_get(p->notify,
	    "webhooks")) == 0))
		return;
	subject = xasprintf("[vigil] %s: %s",
	    p->organization != NULL ? p->organization : "vigil", what);
	if (notify_alert(p, subject, text) != 0)
		log_error("watch: the alert could not be sent to every "
		    "notification channel");
	free(subject);
}

/* Sleeps up to s seconds; returns early on a signal. */
static void
nap(double s)
{
	struct timespec	 ts, rem;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (!stop_signal && nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}

static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
parse_num(const char *s, long min, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min)
		return -1;
	*out = v;
	return 0;
}

/* The options of watch, parsed into cmd_ctx.args; 0: the default. */
struct watch_args {
	long	 interval, count;
};

static const struct option watch_longopts[] = {
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ NULL, 0, NULL, 0 }
};

static int
watch_option(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct watch_args	*a = ctx->args;

	switch (c) {
	case OPT_INTERVAL:
		if (parse_num(arg, 1, &a->interval) == 0)
			return 0;
		log_error("--interval: a whole number of seconds >= 1");
		return VGL_EXIT_USAGE;
	case OPT_COUNT:
		if (parse_num(arg, 1, &a->count) == 0)
			return 0;
		log_error("--count: a number of rounds >= 1");
		return VGL_EXIT_USAGE;
	}
	return -1;
}

static int
cmd_watch_exec(struct cmd_ctx *ctx)
{
	struct watch_args	*a = ctx->args;
	struct critical_result	*res = NULL;
	struct sigaction	 sa;
	struct policy		*p = ctx->p;
	char			**prev = NULL, *st, *line;
	char			 now[32];
	long			 interval, count = a->count, round = 0;
	size_t			 i, n = 0, nprev = 0;
	struct buf		 what, text;
	double			 t0;
	int			 r, bad = 0, was, ok;

	interval = a->interval > 0 ? a->interval : 60;
	if (json_array_size(p->critical_values) == 0) {
		log_error("%s: no critical_values to watch", p->path);
		r = VGL_EXIT_USAGE;
		goto out;
	}
	{
		struct diags	 dg;

		memset(&dg, 0, sizeof(dg));
		critical_check(p, &dg);
		if (dg.n > 0) {
			diags_print(&dg);
			diags_release(&dg);
			r = VGL_EXIT_USAGE;
			goto out;
		}
		diags_release(&dg);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!stop_signal) {
		t0 = mono();
		critical_read_all(p, NULL, &res, &n);
		round++;
		iso8601_utc(time(NULL), now, sizeof(now));
		if (prev == NULL) {
			nprev = n;
			prev = xcalloc(n + 1, sizeof(*prev));
		}
		bad = 0;
		buf_init(&what, 0);
		buf_init(&text, 0);
		for (i = 0; i < n; i++) {
			st = state_of(&res[i]);
			if (strcmp(res[i].status, "ok") != 0)
				bad = 1;
			if (i < nprev && prev[i] != NULL &&
			    strcmp(prev[i], st) == 0) {
				free(st);
				continue;
			}
			line = describe(&res[i]);
			was = i < nprev && prev[i] != NULL;
			if (was || strcmp(res[i].status, "ok") != 0) {
				/* An alert: its pin, its state, once. */
				ok = strcmp(res[i].status, "ok") == 0;
				buf_printf(&what, "%s%s %s", what.len > 0 ?
				    ", " : "", res[i].name, ok ? "recovered" :
				    res[i].status);
				buf_printf(&text, "%s%s%s", text.len > 0 ?
				    "\n" : "", ok ? "recovered: " : "", line);
			} else {
				printf("%s %s\n", now, line);
				fflush(stdout);
			}
			free(line);
			if (i < nprev) {
				free(prev[i]);
				prev[i] = st;
			} else
				free(st);
		}
		if (text.len > 0)
			watch_alert(p, what.data, text.data);
		buf_release(&what);
		buf_release(&text);
		critical_results_free(res, n);
		res = NULL;
		if (count > 0 && round >= count)
			break;
		nap((double)interval - (mono() - t0));
	}
	if (stop_signal)
		log_info("watch: stopped by signal %d after %ld round%s",
		    (int)stop_signal, round, round == 1 ? "" : "s");
	r = bad ? VGL_EXIT_FINDINGS : VGL_EXIT_OK;
 out:
	for (i = 0; i < nprev; i++)
		free(prev[i]);
	free(prev);
	return r;
}

/* One line per option of the usage, for --help (and vigil.1). */
static const struct cmd_opt_help watch_opts[] = {
	{ "--interval SEC", "seconds between rounds (default 60)" },
	{ "--count N",
	    "stop after N rounds (default: run until SIGINT/SIGTERM)" },
	{ NULL, NULL }
};

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.usage = "[--interval SEC] [--count N]",
	.summary = "re-read the critical values every interval; alert on "
	    "change",
	.opts = watch_opts,
	.longopts = watch_longopts,
	.args_size = sizeof(struct watch_args),
	.option = watch_option,
	.needs = CMD_POLICY,
	.exec = cmd_watch_exec,
};
