/*
 * log.c: leveled logging to stderr with redaction of registered secrets.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "xmalloc.h"

static int		 log_level = LOG_WARN;
static char		**secrets;
static size_t		 nsecrets;
static pthread_mutex_t	 log_mtx = PTHREAD_MUTEX_INITIALIZER;
static char		*status_text;	/* the status line, as drawn */

static const char *const level_names[] = {
	"error", "warning", "info", "debug", "trace"
};

void
log_set_level(int l)
{
	log_level = l;
}

void
log_add_secret(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) < 4)
		return;
	pthread_mutex_lock(&log_mtx);
	for (i = 0; i < nsecrets; i++) {
		if (strcmp(secrets[i], s) == 0)
			goto out;
	}
	secrets = xreallocarray(secrets, nsecrets + 1, sizeof(*secrets));
	secrets[nsecrets++] = xstrdup(s);
 out:
	pthread_mutex_unlock(&log_mtx);
}

void
log_clear_secrets(void)
{
	size_t	 i;

	pthread_mutex_lock(&log_mtx);
	for (i = 0; i < nsecrets; i++)
		freestr_secret(secrets[i]);
	free(secrets);
	secrets = NULL;
	nsecrets = 0;
	pthread_mutex_unlock(&log_mtx);
}

/* Caller holds log_mtx. */
static char *
redact_locked(const char *s)
{
	struct buf	 b;
	const char	*p = s, *hit;
	size_t		 i, best_len, best_i;

	buf_init(&b, 0);
	for (;;) {
		hit = NULL;
		best_len = 0;
		best_i = 0;
		for (i = 0; i < nsecrets; i++) {
			const char *q = strstr(p, secrets[i]);
			if (q != NULL && (hit == NULL || q < hit ||
			    (q == hit && strlen(secrets[i]) > best_len))) {
				hit = q;
				best_i = i;
				best_len = strlen(secrets[i]);
			}
		}
		if (hit == NULL)
			break;
		(void)best_i;
		buf_append(&b, p, (size_t)(hit - p));
		buf_puts(&b, "[REDACTED]");
		p = hit + best_len;
	}
	buf_puts(&b, p);
	return buf_detach(&b, NULL);
}

char *
log_redact(const char *s)
{
	char	*r;

	if (s == NULL)
		return NULL;
	pthread_mutex_lock(&log_mtx);
	r = redact_locked(s);
	pthread_mutex_unlock(&log_mtx);
	return r;
}

/* Caller holds log_mtx.  Erases the status line, leaving the cursor at
 * the start of its (now empty) row. */
static void
status_erase_locked(void)
{
	if (status_text != NULL)
		fputs("\r\033[K", stderr);
}

/* Caller holds log_mtx. */
static void
status_draw_locked(void)
{
	if (status_text != NULL)
		fprintf(stderr, "\r\033[K%s", status_text);
	fflush(stderr);
}

void
log_status(const char *text)
{
	struct winsize	 ws;
	size_t		 cols = 80, n;
	char		*t = NULL;

	if (text != NULL && *text != '\0' && isatty(STDERR_FILENO)) {
		if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_col > 1)
			cols = ws.ws_col;
		/* One row only: a wrapped line would leave its head behind
		 * when erased.  Cut on a UTF-8 character boundary. */
		n = strlen(text);
		if (n > cols - 1) {
			n = cols - 1;
			while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
				n--;
		}
		t = xstrndup(text, n);
	}
	pthread_mutex_lock(&log_mtx);
	if (t != NULL && status_text != NULL && strcmp(t, status_text) == 0) {
		pthread_mutex_unlock(&log_mtx);
		free(t);
		return;
	}
	status_erase_locked();
	free(status_text);
	status_text = t;
	status_draw_locked();
	pthread_mutex_unlock(&log_mtx);
}

void
log_above(FILE *f, const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&log_mtx);
	status_erase_locked();
	fflush(stderr);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
	status_draw_locked();
	pthread_mutex_unlock(&log_mtx);
}

void
log_msg(int level, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw, *red;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_mtx);
	red = redact_locked(raw);
	status_erase_locked();
	/* Where no one watches (cron mail, a journal, a file), each line
	 * says when it happened. */
	if (!isatty(STDERR_FILENO)) {
		time_t		 t = time(NULL);
		struct tm	 tm;
		char		 ts[32];

		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			fprintf(stderr, "%s ", ts);
	}
	if (level <= LOG_WARN)
		fprintf(stderr, "vigil: %s: %s\n",
		    level_names[level < 0 ? 0 : level], red);
	else
		fprintf(stderr, "vigil: %s\n", red);
	status_draw_locked();
	pthread_mutex_unlock(&log_mtx);
	free(red);
	free(raw);
}
