/*
 * notify.c: notifications of a run (SPEC section 9): an email through
 * SMTP (libcurl, multipart/alternative text + HTML summary, the HTML
 * report attached) and Slack/Discord incoming webhooks (through http.c),
 * each channel sending when its "when" and "min_severity" say so; and the
 * immediate alerts of watch, sent to every channel regardless of "when".
 *
 * Secrets (the SMTP password, webhook URLs, which embed their token) are
 * read with policy_secret(), so they are registered for redaction, and are
 * never printed: channels are named "email" and "webhook N (TYPE)".
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "report.h"
#include "url.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

/* Findings listed in a summary; the rest are counted. */
#define TOP_FINDINGS		15
#define SLACK_TEXT_MAX		3000	/* a section block's text */
#define SLACK_FALLBACK_MAX	4000
#define DISCORD_CONTENT_MAX	2000
#define DISCORD_TITLE_MAX	256
#define DISCORD_DESC_MAX	4096
/* Webhook retries (429, 5xx, connection errors) and the longest wait. */
#define WEBHOOK_RETRIES		4
#define WEBHOOK_MAX_WAIT_S	60.0
/* Each webhook's own deadline (attempts and the waits between them). */
#define WEBHOOK_DEADLINE_S	120.0
#define SMTP_TIMEOUT_S		60L

enum esc {
	ESC_TEXT,		/* control characters become '?' */
	ESC_SLACK,		/* and & < > as entities (mrkdwn) */
	ESC_DISCORD,		/* and markdown characters escaped */
	ESC_HTML,		/* and & < > " ' as entities */
};

static const char *
jstr(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static long long
jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void
put_esc(struct buf *b, const char *s, enum esc mode)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\n') {
			buf_puts(b, "\n");
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			buf_puts(b, "?");
			continue;
		}
		if (mode == ESC_SLACK || mode == ESC_HTML) {
			if (*p == '&') {
				buf_puts(b, "&amp;");
				continue;
			}
			if (*p == '<') {
				buf_puts(b, "&lt;");
				continue;
			}
			if (*p == '>') {
				buf_puts(b, "&gt;");
				continue;
			}
		}
		if (mode == ESC_HTML && (*p == '"' || *p == '\'')) {
			buf_puts(b, *p == '"' ? "&quot;" : "&#39;");
			continue;
		}
		if (mode == ESC_DISCORD && strchr("\\*_~`|[]<>#", *p) != NULL)
			buf_puts(b, "\\");
		buf_append(b, p, 1);
	}
}

/* Truncates s in place to at most max characters (code points). */
static void
utf8_truncate(char *s, size_t max)
{
	size_t	 i, n = 0, cut = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (n == max - 1)
			cut = i;
		if (n++ == max) {
			/* Too long: keep max - 1 characters and an ellipsis. */
			memcpy(s + cut, "\xe2\x80\xa6", 4);
			return;
		}
	}
}

static int
sev_of(json_t *f)
{
	return severity_parse(jstr(f, "severity"));
}

static int
is_fail(json_t *f)
{
	return strcmp(jstr(f, "status"), "fail") == 0;
}

static size_t
failed_sources(json_t *doc)
{
	json_t	*s;
	size_t	 i, n = 0;

	json_array_foreach(json_object_get(doc, "sources"), i, s) {
		if (strcmp(jstr(s, "status"), "ok") != 0)
			n++;
	}
	return n;
}

/* 1 when finding f (a fail at or above min) is a fail of doc too. */
static int
still_fails(json_t *doc, json_t *f)
{
	json_t	*g;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "findings"), i, g) {
		if (is_fail(g) && strcmp(jstr(g, "rule"), jstr(f, "rule")) ==
		    0 && strcmp(jstr(g, "resource"), jstr(f, "resource")) == 0)
			return 1;
	}
	return 0;
}

/* 1 when the drift of doc is not the drift prev already had. */
static int
drift_changed(json_t *doc, json_t *prev)
{
	json_t	*a = json_object_get(doc, "changes"), *b, *c, *d;
	size_t	 i, j;
	int	 found;

	if (prev == NULL)
		return json_array_size(a) > 0;
	b = json_object_get(prev, "changes");
	if (json_array_size(a) != json_array_size(b))
		return 1;
	json_array_foreach(a, i, c) {
		found = 0;
		json_array_foreach(b, j, d) {
			if (json_equal(c, d)) {
				found = 1;
				break;
			}
		}
		if (!found)
			return 1;
	}
	return 0;
}

int
notify_due(json_t *doc, json_t *prev, const char *when,
    const char *min_severity)
{
	json_t	*f;
	size_t	 i;
	int	 min, changes;

	if (when == NULL)
		when = "findings";
	if (strcmp(when, "always") == 0)
		return 1;
	if ((min = severity_parse(min_severity != NULL ? min_severity :
	    "high")) < 0)
		min = SEV_HIGH;
	if (failed_sources(doc) > 0)
		return 1;
	changes = strcmp(when, "changes") == 0;
	/* "changes": since the previous run, not since the baseline. */
	if (changes && drift_changed(doc, prev))
		return 1;
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!is_fail(f) || sev_of(f) < min)
			continue;
		if (!changes || json_is_true(json_object_get(f, "new")))
			return 1;
	}
	/* A finding of the previous run that is resolved is a change. */
	json_array_foreach(changes && prev != NULL ?
	    json_object_get(prev, "findings") : NULL, i, f) {
		if (is_fail(f) && sev_of(f) >= min && !still_fails(doc, f))
			return 1;
	}
	return 0;
}

char *
notify_subject(json_t *doc)
{
	json_t		*sum = json_object_get(doc, "summary");
	struct buf	 b;
	size_t		 nfail;

	buf_init(&b, 0);
	buf_puts(&b, "[vigil] ");
	put_esc(&b, *jstr(doc, "organization") != '\0' ?
	    jstr(doc, "organization") : "vigil", ESC_TEXT);
	buf_printf(&b, ": %lld critical, %lld high, %lld new",
	    jint(sum, "critical"), jint(sum, "high"), jint(sum, "new"));
	if ((nfail = failed_sources(doc)) > 0)
		buf_printf(&b, ", %zu source%s failed", nfail,
		    nfail == 1 ? "" : "s");
	buf_printf(&b, " (run %lld)", jint(json_object_get(doc, "run"),
	    "id"));
	return buf_detach(&b, NULL);
}

/* "2 critical, 5 high, 0 medium, 1 low, 0 info; 3 new; 1 waived". */
static void
put_counts(struct buf *b, json_t *doc)
{
	json_t	*sum = json_object_get(doc, "summary");
	int	 sev;

	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		buf_printf(b, "%s%lld %s", sev == SEV_CRITICAL ? "" : ", ",
		    jint(sum, severity_name(sev)), severity_name(sev));
	buf_printf(b, "; %lld new; %lld waived; %lld errors",
	    jint(sum, "new"), jint(sum, "waived"), jint(sum, "errors"));
}

/*
 * One finding: "[HIGH] rule resource: detail (new)".  The detail says
 * what is wrong; the title states the desired state, which would read as
 * the opposite ("The root user has MFA enabled").
 */
static void
put_finding(struct buf *b, json_t *f, enum esc mode)
{
	const char	*sev = jstr(f, "severity");
	size_t		 i;

	buf_puts(b, mode == ESC_SLACK || mode == ESC_DISCORD ? "*[" : "[");
	for (i = 0; sev[i] != '\0'; i++)
		buf_printf(b, "%c", toupper((unsigned char)sev[i]));
	buf_puts(b, mode == ESC_SLACK || mode == ESC_DISCORD ? "]* " : "] ");
	put_esc(b, jstr(f, "rule"), mode);
	buf_puts(b, " ");
	put_esc(b, jstr(f, "resource"), mode);
	buf_puts(b, ": ");
	put_esc(b, *jstr(f, "detail") != '\0' ? jstr(f, "detail") :
	    jstr(f, "title"), mode);
	if (json_is_true(json_object_get(f, "new")))
		buf_puts(b, " (new)");
}

static size_t
count_fail(json_t *doc)
{
	json_t	*f;
	size_t	 i, n = 0;

	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (is_fail(f))
			n++;
	}
	return n;
}

/* Failed sources, one per line, each prefixed by lead. */
static void
put_failed(struct buf *b, json_t *doc, const char *lead, enum esc mode)
{
	json_t	*s;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "sources"), i, s) {
		if (strcmp(jstr(s, "status"), "ok") == 0)
			continue;
		buf_puts(b, lead);
		put_esc(b, jstr(s, "name"), mode);
		buf_puts(b, ": ");
		put_esc(b, *jstr(s, "error") != '\0' ? jstr(s, "error") :
		    "failed", mode);
		buf_printf(b, " (%lld rule%s not checked)\n",
		    jint(s, "rules_blinded"), jint(s, "rules_blinded") == 1 ?
		    "" : "s");
	}
}

/* The plain-text summary: the email's text part and --dry-run. */
static char *
text_summary(json_t *doc)
{
	json_t		*run = json_object_get(doc, "run"), *f;
	struct buf	 b;
	size_t		 i, shown = 0, total = count_fail(doc), nchg;

	buf_init(&b, 0);
	buf_puts(&b, "vigil: ");
	put_esc(&b, jstr(doc, "organization"), ESC_TEXT);
	buf_printf(&b, ", run %lld (%s), collected %s\n\n", jint(run, "id"),
	    jstr(run, "status"), jstr(run, "collected_at"));
	buf_puts(&b, "Unwaived findings: ");
	put_counts(&b, doc);
	buf_puts(&b, "\n");
	if (failed_sources(doc) > 0) {
		buf_puts(&b, "\nSources that could not be collected (their "
		    "rules are errors, not passes):\n");
		put_failed(&b, doc, "  ", ESC_TEXT);
	}
	if ((nchg = json_array_size(json_object_get(doc, "changes"))) > 0)
		buf_printf(&b, "\nDrift since the baseline: %zu change%s\n",
		    nchg, nchg == 1 ? "" : "s");
	if (total > 0)
		buf_puts(&b, "\nTop findings:\n");
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!is_fail(f) || shown == TOP_FINDINGS)
			continue;
		buf_puts(&b, "  ");
		put_finding(&b, f, ESC_TEXT);
		buf_puts(&b, "\n");
		shown++;
	}
	if (total > shown)
		buf_printf(&b, "  ... and %zu more (see the full report)\n",
		    total - shown);
	return buf_detach(&b, NULL);
}

/* The HTML summary: the email's preferred part. */
static char *
html_summary(json_t *doc, const char *subject)
{
	json_t		*run = json_object_get(doc, "run"), *sum, *f;
	struct buf	 b;
	size_t		 i, shown = 0, total = count_fail(doc), nchg;
	int		 sev;

	sum = json_object_get(doc, "summary");
	buf_init(&b, 0);
	buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>");
	put_esc(&b, subject, ESC_HTML);
	buf_puts(&b, "</title></head>\n<body style=\"font-family:sans-serif\">"
	    "\n<h1>");
	put_esc(&b, jstr(doc, "organization"), ESC_HTML);
	buf_printf(&b, ": run %lld</h1>\n<p>Status: ", jint(run, "id"));
	put_esc(&b, jstr(run, "status"), ESC_HTML);
	buf_puts(&b, ", collected ");
	put_esc(&b, jstr(run, "collected_at"), ESC_HTML);
	buf_puts(&b, "</p>\n<table border=\"1\" cellpadding=\"4\" "
	    "style=\"border-collapse:collapse\">\n<tr>");
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		buf_printf(&b, "<th>%s</th>", severity_name(sev));
	buf_puts(&b, "<th>new</th><th>waived</th><th>errors</th></tr>\n<tr>");
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		buf_printf(&b, "<td>%lld</td>", jint(sum, severity_name(sev)));
	buf_printf(&b, "<td>%lld</td><td>%lld</td><td>%lld</td></tr>\n"
	    "</table>\n", jint(sum, "new"), jint(sum, "waived"),
	    jint(sum, "errors"));
	if (failed_sources(doc) > 0) {
		buf_puts(&b, "<h2>Sources that could not be collected</h2>\n"
		    "<pre>");
		put_failed(&b, doc, "", ESC_HTML);
		buf_puts(&b, "</pre>\n");
	}
	if ((nchg = json_array_size(json_object_get(doc, "changes"))) > 0)
		buf_printf(&b, "<p>Drift since the baseline: %zu change%s</p>\n",
		    nchg, nchg == 1 ? "" : "s");
	if (total > 0)
		buf_puts(&b, "<h2>Top findings</h2>\n<ul>\n");
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!is_fail(f) || shown == TOP_FINDINGS)
			continue;
		buf_puts(&b, "<li>");
		put_finding(&b, f, ESC_HTML);
		buf_puts(&b, "</li>\n");
		shown++;
	}
	if (total > 0)
		buf_puts(&b, "</ul>\n");
	if (total > shown)
		buf_printf(&b, "<p>... and %zu more: see the attached "
		    "report.</p>\n", total - shown);
	buf_puts(&b, "</body></html>\n");
	return buf_detach(&b, NULL);
}

/* The HTML report of doc in memory (free() it), or NULL. */
static char *
html_report(json_t *doc, size_t *len)
{
	FILE	*f;
	char	*mem = NULL;
	size_t	 n = 0;
	int	 r;

	if ((f = open_memstream(&mem, &n)) == NULL) {
		log_error("notify: cannot render the report: %s",
		    strerror(errno));
		return NULL;
	}
	r = report_html.render(doc, f);
	if (fclose(f) != 0 || r != 0) {
		log_error("notify: cannot render the HTML report");
		free(mem);
		return NULL;
	}
	*len = n;
	return mem;
}

/* ---- email ------------------------------------------------------------ */

struct email {
	json_t		*em;		/* notify.email */
	const char	*subject;
	const char	*text;
	const char	*html;		/* NULL: text only */
	const char	*attach;	/* NULL: no attachment */
	size_t		 attach_len;
	long long	 run;		/* 0: an alert */
};

/* scheme://host:port of url, for messages (no user, no path). */
static char *
url_origin(const char *url)
{
	CURLU	*u;
	char	*s = NULL, *h = NULL, *p = NULL, *out;

	if ((u = curl_url()) == NULL)
		return xstrdup("?");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		out = xstrdup("?");
	else if (curl_url_get(u, CURLUPART_PORT, &p, 0) == CURLUE_OK)
		out = xasprintf("%s://%s:%s", s, h, p);
	else
		out = xasprintf("%s://%s", s, h);
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return out;
}

/* "<addr>" for the envelope from "addr" or "Name <addr>". */
static char *
envelope_addr(const char *a)
{
	const char	*lt = strrchr(a, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		return xstrndup(lt, (size_t)(gt - lt) + 1);
	return xasprintf("<%s>", a);
}

/* The Subject header value, RFC 2047 encoded when not ASCII. */
static char *
subject_header(const char *subject)
{
	struct buf	 b;
	unsigned char	 enc[128];
	const unsigned char *p;
	char		*s;
	size_t		 i, n, len;
	int		 ascii = 1;

	/* No line break may reach the header (injection). */
	s = xstrdup(subject);
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = ' ';
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
	}
	if (ascii)
		return s;
	p = (const unsigned char *)s;
	len = strlen(s);
	buf_init(&b, 0);
	for (i = 0; i < len; i += n) {
		/* Chunks of at most 45 bytes, cut at a character start. */
		n = len - i > 45 ? 45 : len - i;
		while (i + n < len && (p[i + n] & 0xc0) == 0x80)
			n--;
		EVP_EncodeBlock(enc, p + i, (int)n);
		buf_printf(&b, "%s=?UTF-8?B?%s?=", i > 0 ? " " : "", enc);
	}
	free(s);
	return buf_detach(&b, NULL);
}

/* RFC 5322 date of now, locale-independent. */
static void
rfc5322_date(char *out, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 t = time(NULL);

	gmtime_r(&t, &tm);
	snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *
message_id(const char *from, long long run)
{
	unsigned char	 rnd[8];
	char		 hex[17];
	const char	*at = strrchr(from, '@');
	char		*dom;
	size_t		 n;
	char		*id;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		memset(rnd, 0, sizeof(rnd));
	hex_encode(rnd, sizeof(rnd), hex);
	dom = xstrdup(at != NULL ? at + 1 : "vigil.invalid");
	n = strcspn(dom, "> \t");
	dom[n] = '\0';
	if (*dom == '\0') {
		free(dom);
		dom = xstrdup("vigil.invalid");
	}
	id = xasprintf("<vigil.%lld.%lld.%s@%s>", run, (long long)time(NULL),
	    hex, dom);
	free(dom);
	return id;
}

/* A copy of s with CRLF line ends, as a mail body wants. */
static char *
crlf(const char *s)
{
	struct buf	 b;

	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			buf_puts(&b, "\r\n");
		else if (*s != '\r')
			buf_append(&b, s, 1);
	}
	return buf_detach(&b, NULL);
}

/* Checks the email configuration; 0 or VGL_ERR_POLICY (logged). */
static int
email_config(json_t *em, const char **url, const char **from, json_t **to)
{
	*url = json_string_value(json_object_get(em, "smtp_url"));
	*from = json_string_value(json_object_get(em, "from"));
	*to = json_object_get(em, "to");
	if (*url == NULL || *from == NULL || json_array_size(*to) == 0) {
		log_error("email: notify.email needs 'smtp_url', 'from' and "
		    "'to'");
		return VGL_ERR_POLICY;
	}
	return 0;
}

static int
send_email(const struct email *m)
{
	CURL			*c = NULL;
	curl_mime		*mime = NULL, *alt;
	curl_mimepart		*part;
	struct curl_slist	*rcpt = NULL, *hdrs = NULL, *ph = NULL;
	json_t			*to, *v;
	const char		*url, *from, *uvar, *cafile;
	struct http_ca		*ca = NULL;
	char			*user = NULL, *pw = NULL, *why = NULL, *s;
	char			*subj = NULL, *mid = NULL, *origin = NULL;
	char			*text = NULL, *html = NULL;
	char			 date[64], errbuf[CURL_ERROR_SIZE];
	struct buf		 tohdr;
	size_t			 i;
	long			 code = 0;
	CURLcode		 rc;
	int			 r = VGL_ERR_POLICY;

	buf_init(&tohdr, 0);
	if (email_config(m->em, &url, &from, &to) != 0)
		goto out;
	origin = url_origin(url);
	if ((uvar = json_string_value(json_object_get(m->em,
	    "username_env"))) != NULL) {
		if ((s = getenv(uvar)) == NULL || *s == '\0') {
			log_error("email: username_env %s is not set", uvar);
			goto out;
		}
		user = xstrdup(s);
	}
	switch (policy_secret(m->em, "password", NULL, &pw, &why)) {
	case 0:
		break;
	case VGL_ERR_NOTFOUND:
		if (json_object_get(m->em, "password_env") != NULL) {
			log_error("email: password_env %s is not set",
			    jstr(m->em, "password_env"));
			goto out;
		}
		break;
	default:
		log_error("email: password: %s", why != NULL ? why : "?");
		goto out;
	}
	if (pw != NULL && user == NULL) {
		log_error("email: a password needs 'username_env'");
		goto out;
	}

	free(why);
	why = NULL;
	if ((cafile = json_string_value(json_object_get(m->em,
	    "ca_file"))) != NULL && http_ca_load(cafile, &ca, &why) != 0) {
		log_error("email: %s", why);
		goto out;
	}
	r = VGL_ERR_HTTP;
	if ((c = curl_easy_init()) == NULL) {
		log_error("email: cannot initialise libcurl");
		goto out;
	}
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SMTP_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	/* ca_file adds to the default trust store, as for HTTP. */
	if (http_ca_apply(ca, c, &why) != 0) {
		log_error("email: %s", why);
		goto out;
	}
	/*
	 * STARTTLS is mandatory, except to a loopback relay (a local MTA or
	 * a test server; url.h says exactly what is loopback: a name such
	 * as 127.mail.example.com is not), where it is used when offered.
	 */
	curl_easy_setopt(c, CURLOPT_USE_SSL, url_is_loopback(url) ?
	    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	if (user != NULL)
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
	if (pw != NULL)
		curl_easy_setopt(c, CURLOPT_PASSWORD, pw);
	s = envelope_addr(from);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, s);
	free(s);
	json_array_foreach(to, i, v) {
		s = envelope_addr(json_string_value(v));
		rcpt = curl_slist_append(rcpt, s);
		free(s);
		buf_printf(&tohdr, "%s%s", i > 0 ? ", " : "To: ",
		    json_string_value(v));
	}
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);

	rfc5322_date(date, sizeof(date));
	s = xasprintf("Date: %s", date);
	hdrs = curl_slist_append(hdrs, s);
	free(s);
	s = xasprintf("From: %s", from);
	hdrs = curl_slist_append(hdrs, s);
	free(s);
	hdrs = curl_slist_append(hdrs, tohdr.data);
	subj = subject_header(m->subject);
	s = xasprintf("Subject: %s", subj);
	hdrs = curl_slist_append(hdrs, s);
	free(s);
	mid = message_id(from, m->run);
	s = xasprintf("Message-ID: %s", mid);
	hdrs = curl_slist_append(hdrs, s);
	free(s);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

	mime = curl_mime_init(c);
	alt = curl_mime_init(c);
	/* Plain text first, HTML last: the last part is preferred. */
	text = crlf(m->text);
	html = crlf(m->html);
	part = curl_mime_addpart(alt);
	curl_mime_data(part, text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(alt);
	curl_mime_data(part, html, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/html; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	curl_mime_type(part, "multipart/alternative");
	ph = curl_slist_append(NULL, "Content-Disposition: inline");
	curl_mime_headers(part, ph, 1);
	if (m->attach != NULL) {
		part = curl_mime_addpart(mime);
		curl_mime_data(part, m->attach, m->attach_len);
		curl_mime_type(part, "text/html; charset=utf-8");
		s = xasprintf("vigil-report-run-%lld.html", m->run);
		curl_mime_filename(part, s);
		free(s);
		curl_mime_encoder(part, "base64");
	}
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_USE_SSL_FAILED) {
		log_error("email: %s does not offer STARTTLS, which is "
		    "required except to a loopback relay (127.0.0.0/8, ::1, "
		    "localhost); nothing was sent", origin);
		goto out;
	}
	if (rc != CURLE_OK) {
		log_error("email: sending to %s failed: %s%s%s",
		    origin, errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc), code > 0 ? "; last SMTP reply " :
		    "", code > 0 ? (code >= 500 ? "5xx (permanent)" :
		    "4xx (transient) or other") : "");
		goto out;
	}
	log_info("email: sent \"%s\" to %zu recipient%s via %s", m->subject,
	    json_array_size(to), json_array_size(to) == 1 ? "" : "s",
	    origin);
	r = 0;
 out:
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(hdrs);
	if (c != NULL)
		curl_easy_cleanup(c);
	http_ca_free(ca);
	freestr_secret(pw);
	free(user);
	free(why);
	free(subj);
	free(mid);
	free(origin);
	free(text);
	free(html);
	buf_release(&tohdr);
	return r;
}

/* ---- webhooks ---------------------------------------------------------- */

static const char *
wh_type(json_t *w)
{
	return jstr(w, "type");
}

static int
is_discord(json_t *w)
{
	return strcmp(wh_type(w), "discord") == 0;
}

/*
 * How long a 429 asks to wait: Retry-After (seconds or a date), or
 * Discord's "retry_after" (fractional seconds) in a JSON body; -1: not
 * said.
 */
static double
retry_after(const struct http_req *req)
{
	const char	*h;
	json_t		*j, *v;
	double		 ra = -1, body = -1;

	if ((h = http_resp_header(req, "Retry-After")) != NULL)
		ra = http_parse_retry_after(h, (long long)time(NULL));
	if (req->resp.len > 0 && (j = json_loadb(req->resp.data,
	    req->resp.len, 0, NULL)) != NULL) {
		if (json_is_number(v = json_object_get(j, "retry_after")))
			body = json_number_value(v);
		json_decref(j);
	}
	/* The body is the more precise (fractional). */
	return body >= 0 ? body : ra;
}

/* The first line of a response body, cleaned, for an error message. */
static char *
resp_snippet(const struct http_req *req)
{
	struct buf	 b;
	char		*s;
	size_t		 n;

	s = xstrndup(req->resp.data != NULL ? req->resp.data : "",
	    req->resp.len > 200 ? 200 : req->resp.len);
	n = strcspn(s, "\r\n");
	s[n] = '\0';
	buf_init(&b, 0);
	put_esc(&b, s, ESC_TEXT);
	free(s);
	return buf_detach(&b, NULL);
}

/* The deadline of webhook w: its "deadline_s", else 120 s. */
static double
wh_deadline(json_t *w)
{
	json_t	*v = json_object_get(w, "deadline_s");

	if (json_is_number(v) && json_number_value(v) > 0)
		return json_number_value(v);
	return WEBHOOK_DEADLINE_S;
}

/* A client of its own for webhook w, so its deadline is its own. */
static struct http_client *
webhook_client(json_t *w)
{
	struct http_opts	 o = { 0 };

	o.source = "notify";
	o.timeout_s = 15;
	o.deadline_s = wh_deadline(w);
	o.max_concurrency = 1;
	o.ca_file = json_string_value(json_object_get(w, "ca_file"));
	/* notify.c retries itself, to honour Discord's retry_after. */
	o.max_retries = -1;
	return http_client_new(&o);
}

/*
 * Posts payload to webhook number idx (1-based) w.  429, 5xx and
 * connection errors are retried with full-jitter backoff, waiting at
 * least what Retry-After or Discord's retry_after asks.  Every webhook
 * has its own client and its own deadline (deadline_s, default 120 s),
 * which counts the attempts and the waits between them: a wait that would
 * end past it is not started, and a slow webhook cannot use up the time
 * of the next one.  Returns 0, VGL_ERR_POLICY (secret missing), or
 * VGL_ERR_HTTP (logged).
 */
static int
send_webhook(json_t *w, size_t idx, json_t *payload)
{
	struct http_client *hc = NULL;
	struct http_req	*req = NULL;
	char		*url = NULL, *why = NULL, *body = NULL, *full = NULL;
	char		*snip;
	double		 wait, ra, deadline, end;
	int		 attempt, r;

	switch (policy_secret(w, "url", NULL, &url, &why)) {
	case 0:
		break;
	case VGL_ERR_NOTFOUND:
		log_error("webhook %zu (%s): url_env %s is not set", idx,
		    wh_type(w), jstr(w, "url_env"));
		return VGL_ERR_POLICY;
	default:
		log_error("webhook %zu (%s): url_file: %s", idx, wh_type(w),
		    why != NULL ? why : "?");
		free(why);
		return VGL_ERR_POLICY;
	}
	/* Discord answers the message (and its errors) with wait=true. */
	if (is_discord(w) && strchr(url, '?') == NULL)
		full = xasprintf("%s?wait=true", url);
	else
		full = xstrdup(url);
	log_add_secret(full);
	body = json_dumps(payload, JSON_COMPACT);
	deadline = wh_deadline(w);
	end = mono_now() + deadline;
	hc = webhook_client(w);
	r = VGL_ERR_HTTP;
	for (attempt = 0; ; attempt++) {
		http_req_free(req);
		req = http_req_new("POST", full);
		http_req_set_header(req, "Content-Type", "application/json");
		http_req_set_body(req, body, strlen(body));
		(void)http_do(hc, req);
		if (req->status >= 200 && req->status < 300) {
			log_info("webhook %zu (%s): sent (HTTP %ld, %d "
			    "attempt%s)", idx, wh_type(w), req->status,
			    attempt + 1, attempt == 0 ? "" : "s");
			r = 0;
			break;
		}
		if (req->status != 0 && req->status != 429 &&
		    req->status < 500) {
			snip = resp_snippet(req);
			log_error("webhook %zu (%s): HTTP %ld: %s", idx,
			    wh_type(w), req->status, snip);
			free(snip);
			break;
		}
		if (attempt == WEBHOOK_RETRIES) {
			if (req->status != 0) {
				snip = resp_snippet(req);
				log_error("webhook %zu (%s): HTTP %ld after "
				    "%d attempts: %s", idx, wh_type(w),
				    req->status, attempt + 1, snip);
				free(snip);
			} else
				log_error("webhook %zu (%s): %d attempts "
				    "failed: %s", idx, wh_type(w),
				    attempt + 1, req->error != NULL ?
				    req->error : "no response");
			break;
		}
		if (req->status == 0 && (req->result == VGL_ERR_POLICY ||
		    req->result == VGL_ERR_IO)) {
			log_error("webhook %zu (%s): %s", idx, wh_type(w),
			    req->error != NULL ? req->error : "refused");
			break;
		}
		wait = http_backoff(attempt, 0.5, 20, rand_unit());
		ra = req->status != 0 ? retry_after(req) : -1;
		if (ra > WEBHOOK_MAX_WAIT_S) {
			log_error("webhook %zu (%s): rate limited for %.0f s "
			    "(more than %.0f s); not retried", idx,
			    wh_type(w), ra, WEBHOOK_MAX_WAIT_S);
			break;
		}
		if (ra > wait)
			wait = ra;
		if (mono_now() + wait >= end) {
			if (req->status != 0)
				snip = xasprintf("HTTP %ld", req->status);
			else
				snip = xstrdup(req->error != NULL ?
				    req->error : "no response");
			log_error("webhook %zu (%s): deadline of %g s reached "
			    "after %d attempt%s (last: %s); not retried", idx,
			    wh_type(w), deadline, attempt + 1,
			    attempt == 0 ? "" : "s", snip);
			free(snip);
			break;
		}
		if (req->status != 0)
			log_info("webhook %zu (%s): HTTP %ld, retrying in "
			    "%.2f s", idx, wh_type(w), req->status, wait);
		else
			log_info("webhook %zu (%s): %s, retrying in %.2f s",
			    idx, wh_type(w), req->error != NULL ? req->error :
			    "no response", wait);
		sleep_s(wait);
	}
	http_req_free(req);
	http_client_free(hc);
	free(body);
	freestr_secret(full);
	freestr_secret(url);
	return r;
}

static json_t *
slack_section(const char *mrkdwn)
{
	return json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text",
	    "type", "mrkdwn", "text", mrkdwn);
}

/* Slack: {"text": fallback, "blocks": [summary, top findings, more]}. */
static json_t *
slack_payload(json_t *doc, const char *subject)
{
	json_t		*blocks, *f;
	struct buf	 b;
	char		*s;
	size_t		 i, shown = 0, total = count_fail(doc);

	blocks = json_array();
	buf_init(&b, 0);
	buf_puts(&b, "*");
	put_esc(&b, subject, ESC_SLACK);
	buf_puts(&b, "*\nUnwaived findings: ");
	put_counts(&b, doc);
	if (failed_sources(doc) > 0) {
		buf_puts(&b, "\n*Sources that could not be collected:*\n");
		put_failed(&b, doc, "\xe2\x80\xa2 ", ESC_SLACK);
	}
	if (json_array_size(json_object_get(doc, "changes")) > 0)
		buf_printf(&b, "\nDrift since the baseline: %zu changes",
		    json_array_size(json_object_get(doc, "changes")));
	s = buf_detach(&b, NULL);
	utf8_truncate(s, SLACK_TEXT_MAX);
	json_array_append_new(blocks, slack_section(s));
	free(s);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!is_fail(f) || shown == TOP_FINDINGS)
			continue;
		buf_init(&b, 0);
		put_finding(&b, f, ESC_SLACK);
		s = buf_detach(&b, NULL);
		utf8_truncate(s, SLACK_TEXT_MAX);
		json_array_append_new(blocks, slack_section(s));
		free(s);
		shown++;
	}
	if (total > shown) {
		s = xasprintf("... and %zu more in the full report",
		    total - shown);
		json_array_append_new(blocks, json_pack("{s:s, s:[{s:s, s:s}]}",
		    "type", "context", "elements", "type", "mrkdwn", "text",
		    s));
		free(s);
	}
	buf_init(&b, 0);
	put_esc(&b, subject, ESC_SLACK);
	s = buf_detach(&b, NULL);
	utf8_truncate(s, SLACK_FALLBACK_MAX);
	f = json_pack("{s:s, s:o}", "text", s, "blocks", blocks);
	free(s);
	return f;
}

static int
sev_color(int sev)
{
	switch (sev) {
	case SEV_CRITICAL:
		return 0xb00020;
	case SEV_HIGH:
		return 0xe8590c;
	case SEV_MEDIUM:
		return 0xf59f00;
	case SEV_LOW:
		return 0x1c7ed6;
	default:
		return 0x2f9e44;
	}
}

/*
 * Discord: {"content": summary, "embeds": [top findings],
 * "allowed_mentions": {"parse": []}} within Discord's limits (content
 * 2,000 characters, one embed: title 256, description 4,096).
 */
static json_t *
discord_payload(json_t *doc, const char *subject)
{
	json_t		*f, *out;
	struct buf	 b;
	char		*content, *desc;
	size_t		 i, shown = 0, total = count_fail(doc);
	int		 worst = -1;

	buf_init(&b, 0);
	buf_puts(&b, "**");
	put_esc(&b, subject, ESC_DISCORD);
	buf_puts(&b, "**\nUnwaived findings: ");
	put_counts(&b, doc);
	buf_puts(&b, "\n");
	if (failed_sources(doc) > 0) {
		buf_puts(&b, "Sources that could not be collected:\n");
		put_failed(&b, doc, "- ", ESC_DISCORD);
	}
	if (json_array_size(json_object_get(doc, "changes")) > 0)
		buf_printf(&b, "Drift since the baseline: %zu changes\n",
		    json_array_size(json_object_get(doc, "changes")));
	content = buf_detach(&b, NULL);
	utf8_truncate(content, DISCORD_CONTENT_MAX);
	out = json_pack("{s:s, s:{s:[]}}", "content", content,
	    "allowed_mentions", "parse");
	free(content);
	if (total == 0)
		return out;
	buf_init(&b, 0);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!is_fail(f) || shown == TOP_FINDINGS)
			continue;
		if (sev_of(f) > worst)
			worst = sev_of(f);
		put_finding(&b, f, ESC_DISCORD);
		buf_puts(&b, "\n");
		shown++;
	}
	if (total > shown)
		buf_printf(&b, "... and %zu more in the full report\n",
		    total - shown);
	desc = buf_detach(&b, NULL);
	utf8_truncate(desc, DISCORD_DESC_MAX);
	json_object_set_new(out, "embeds", json_pack("[{s:s, s:s, s:i}]",
	    "title", "Top findings", "description", desc, "color",
	    sev_color(worst)));
	free(desc);
	return out;
}

/* An alert: the subject in bold, then the text. */
static json_t *
alert_payload(json_t *w, const char *subject, const char *text)
{
	struct buf	 b;
	json_t		*out;
	char		*s;

	buf_init(&b, 0);
	if (is_discord(w)) {
		buf_puts(&b, "**");
		put_esc(&b, subject, ESC_DISCORD);
		buf_puts(&b, "**\n");
		put_esc(&b, text, ESC_DISCORD);
		s = buf_detach(&b, NULL);
		utf8_truncate(s, DISCORD_CONTENT_MAX);
		out = json_pack("{s:s, s:{s:[]}}", "content", s,
		    "allowed_mentions", "parse");
	} else {
		buf_puts(&b, "*");
		put_esc(&b, subject, ESC_SLACK);
		buf_puts(&b, "*\n");
		put_esc(&b, text, ESC_SLACK);
		s = buf_detach(&b, NULL);
		utf8_truncate(s, SLACK_FALLBACK_MAX);
		out = json_pack("{s:s}", "text", s);
	}
	free(s);
	return out;
}

static json_t *
webhooks_of(const struct policy *p)
{
	return p->notify != NULL ? json_object_get(p->notify, "webhooks") :
	    NULL;
}

static json_t *
email_of(const struct policy *p)
{
	return p->notify != NULL ? json_object_get(p->notify, "email") : NULL;
}

/* Worst of two results: VGL_ERR_HTTP over VGL_ERR_POLICY over 0. */
static int
worse(int a, int b)
{
	if (a == VGL_ERR_HTTP || b == VGL_ERR_HTTP)
		return VGL_ERR_HTTP;
	return a != 0 ? a : b;
}

static const char *
when_of(json_t *ch)
{
	const char	*w = json_string_value(json_object_get(ch, "when"));

	return w != NULL ? w : "findings";
}

static const char *
minsev_of(json_t *ch)
{
	const char	*s = json_string_value(json_object_get(ch,
			    "min_severity"));

	return s != NULL ? s : "high";
}

static void
dry_run_plan(const struct policy *p, json_t *doc, json_t *prev,
    const char *subject,
    const char *text, FILE *out)
{
	json_t		*em = email_of(p), *w, *v;
	const char	*url, *from;
	json_t		*to;
	char		*origin;
	size_t		 i;

	fprintf(out, "dry run: nothing is sent\n");
	if (em != NULL) {
		fprintf(out, "email: %s (when %s, min_severity %s)\n",
		    notify_due(doc, prev, when_of(em), minsev_of(em)) ?
		    "would send" : "not due", when_of(em), minsev_of(em));
		if (email_config(em, &url, &from, &to) == 0) {
			origin = url_origin(url);
			fprintf(out, "  server: %s\n  from: %s\n  to:",
			    origin, from);
			free(origin);
			json_array_foreach(to, i, v)
				fprintf(out, "%s%s", i > 0 ? ", " : " ",
				    json_string_value(v));
			fprintf(out, "\n");
		}
		fprintf(out, "  subject: %s\n", subject);
		if (!json_is_false(json_object_get(em, "attach_report")))
			fprintf(out, "  attachment: vigil-report-run-%lld.html"
			    "\n", jint(json_object_get(doc, "run"), "id"));
	}
	json_array_foreach(webhooks_of(p), i, w) {
		fprintf(out, "webhook %zu (%s): %s (when %s, min_severity "
		    "%s)\n", i + 1, wh_type(w), notify_due(doc, prev,
		    when_of(w), minsev_of(w)) ? "would send" : "not due",
		    when_of(w), minsev_of(w));
	}
	fprintf(out, "text:\n%s", text);
}

/* What was sent, without secrets: "sent email to a, b: SUBJECT". */
static void
print_sent_email(FILE *out, json_t *em, const char *subject)
{
	json_t	*v;
	size_t	 i;

	fprintf(out, "sent email to");
	json_array_foreach(json_object_get(em, "to"), i, v)
		fprintf(out, "%s%s", i > 0 ? ", " : " ", json_string_value(v));
	fprintf(out, ": %s\n", subject);
}

int
notify_run(const struct policy *p, json_t *doc, json_t *prev, int dry_run,
    FILE *out)
{
	struct email		 m;
	json_t			*em = email_of(p), *w, *payload;
	char			*subject, *text, *html = NULL, *att = NULL;
	size_t			 i, att_len = 0;
	int			 r = 0, rw;

	subject = notify_subject(doc);
	text = text_summary(doc);
	if (em == NULL && json_array_size(webhooks_of(p)) == 0) {
		log_info("notify: no channel configured (notify.email, "
		    "notify.webhooks)");
		if (dry_run)
			fprintf(out, "no notification channel is "
			    "configured\n");
		goto out;
	}
	if (dry_run) {
		dry_run_plan(p, doc, prev, subject, text, out);
		goto out;
	}
	if (em != NULL && !notify_due(doc, prev, when_of(em), minsev_of(em)))
		log_info("email: not due (when %s, min_severity %s)",
		    when_of(em), minsev_of(em));
	else if (em != NULL) {
		memset(&m, 0, sizeof(m));
		m.em = em;
		m.subject = subject;
		m.text = text;
		m.html = html = html_summary(doc, subject);
		m.run = jint(json_object_get(doc, "run"), "id");
		if (!json_is_false(json_object_get(em, "attach_report"))) {
			if ((att = html_report(doc, &att_len)) == NULL)
				r = VGL_ERR_HTTP;
			m.attach = att;
			m.attach_len = att_len;
		}
		if (r == 0 && (r = send_email(&m)) == 0)
			print_sent_email(out, em, subject);
	}
	json_array_foreach(webhooks_of(p), i, w) {
		if (!notify_due(doc, prev, when_of(w), minsev_of(w))) {
			log_info("webhook %zu (%s): not due (when %s, "
			    "min_severity %s)", i + 1, wh_type(w), when_of(w),
			    minsev_of(w));
			continue;
		}
		payload = is_discord(w) ? discord_payload(doc, subject) :
		    slack_payload(doc, subject);
		if ((rw = send_webhook(w, i + 1, payload)) == 0)
			fprintf(out, "sent webhook %zu (%s): %s\n", i + 1,
			    wh_type(w), subject);
		r = worse(r, rw);
		json_decref(payload);
	}
	fflush(out);
 out:
	free(subject);
	free(text);
	free(html);
	free(att);
	return r;
}

int
notify_alert(const struct policy *p, const char *subject, const char *text)
{
	struct email		 m;
	struct buf		 b;
	json_t			*em = email_of(p), *w, *payload;
	char			*html;
	size_t			 i;
	int			 r = 0;

	if (em != NULL) {
		buf_init(&b, 0);
		buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset="
		    "\"utf-8\"><title>");
		put_esc(&b, subject, ESC_HTML);
		buf_puts(&b, "</title></head>\n<body><h1>");
		put_esc(&b, subject, ESC_HTML);
		buf_puts(&b, "</h1>\n<pre>");
		put_esc(&b, text, ESC_HTML);
		buf_puts(&b, "</pre></body></html>\n");
		html = buf_detach(&b, NULL);
		memset(&m, 0, sizeof(m));
		m.em = em;
		m.subject = subject;
		m.text = text;
		m.html = html;
		r = send_email(&m);
		free(html);
	}
	json_array_foreach(webhooks_of(p), i, w) {
		payload = alert_payload(w, subject, text);
		r = worse(r, send_webhook(w, i + 1, payload));
		json_decref(payload);
	}
	return r;
}
