/*
 * notify-format.c: the bodies of notifications (SPEC section 9): the
 * plain-text and HTML summaries of a run, the subject, the HTML report
 * attached to the email, Slack blocks and Discord embeds, and alerts.
 * Every value from the run is escaped for the body it goes into.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "notify-int.h"
#include "notify.h"
#include "report.h"
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

void
nf_put_esc(struct buf *b, const char *s, enum esc mode)
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

int
nf_sev_of(json_t *f)
{
	return severity_parse(jstr(f, "severity"));
}

int
nf_is_fail(json_t *f)
{
	return strcmp(jstr(f, "status"), "fail") == 0;
}

size_t
nf_failed_sources(json_t *doc)
{
	json_t	*s;
	size_t	 i, n = 0;

	json_array_foreach(json_object_get(doc, "sources"), i, s) {
		if (strcmp(jstr(s, "status"), "ok") != 0)
			n++;
	}
	return n;
}

char *
notify_subject(json_t *doc)
{
	json_t		*sum = json_object_get(doc, "summary");
	struct buf	 b;
	size_t		 nfail;

	buf_init(&b, 0);
	buf_puts(&b, "[vigil] ");
	nf_put_esc(&b, *jstr(doc, "organization") != '\0' ?
	    jstr(doc, "organization") : "vigil", ESC_TEXT);
	buf_printf(&b, ": %lld critical, %lld high, %lld new",
	    jint(sum, "critical"), jint(sum, "high"), jint(sum, "new"));
	if ((nfail = nf_failed_sources(doc)) > 0)
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
	nf_put_esc(b, jstr(f, "rule"), mode);
	buf_puts(b, " ");
	nf_put_esc(b, jstr(f, "resource"), mode);
	buf_puts(b, ": ");
	nf_put_esc(b, *jstr(f, "detail") != '\0' ? jstr(f, "detail") :
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
		if (nf_is_fail(f))
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
		nf_put_esc(b, jstr(s, "name"), mode);
		buf_puts(b, ": ");
		nf_put_esc(b, *jstr(s, "error") != '\0' ? jstr(s, "error") :
		    "failed", mode);
		buf_printf(b, " (%lld rule%s not checked)\n",
		    jint(s, "rules_blinded"), jint(s, "rules_blinded") == 1 ?
		    "" : "s");
	}
}

/* The plain-text summary: the email's text part and --dry-run. */
char *
nf_text_summary(json_t *doc)
{
	json_t		*run = json_object_get(doc, "run"), *f;
	struct buf	 b;
	size_t		 i, shown = 0, total = count_fail(doc), nchg;

	buf_init(&b, 0);
	buf_puts(&b, "vigil: ");
	nf_put_esc(&b, jstr(doc, "organization"), ESC_TEXT);
	buf_printf(&b, ", run %lld (%s), collected %s\n\n", jint(run, "id"),
	    jstr(run, "status"), jstr(run, "collected_at"));
	buf_puts(&b, "Unwaived findings: ");
	put_counts(&b, doc);
	buf_puts(&b, "\n");
	if (nf_failed_sources(doc) > 0) {
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
		if (!nf_is_fail(f) || shown == TOP_FINDINGS)
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
char *
nf_html_summary(json_t *doc, const char *subject)
{
	json_t		*run = json_object_get(doc, "run"), *sum, *f;
	struct buf	 b;
	size_t		 i, shown = 0, total = count_fail(doc), nchg;
	int		 sev;

	sum = json_object_get(doc, "summary");
	buf_init(&b, 0);
	buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>");
	nf_put_esc(&b, subject, ESC_HTML);
	buf_puts(&b, "</title></head>\n<body style=\"font-family:sans-serif\">"
	    "\n<h1>");
	nf_put_esc(&b, jstr(doc, "organization"), ESC_HTML);
	buf_printf(&b, ": run %lld</h1>\n<p>Status: ", jint(run, "id"));
	nf_put_esc(&b, jstr(run, "status"), ESC_HTML);
	buf_puts(&b, ", collected ");
	nf_put_esc(&b, jstr(run, "collected_at"), ESC_HTML);
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
	if (nf_failed_sources(doc) > 0) {
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
		if (!nf_is_fail(f) || shown == TOP_FINDINGS)
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
char *
nf_html_report(json_t *doc, size_t *len)
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

static json_t *
slack_section(const char *mrkdwn)
{
	return json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text",
	    "type", "mrkdwn", "text", mrkdwn);
}

/* Slack: {"text": fallback, "blocks": [summary, top findings, more]}. */
json_t *
nf_slack_payload(json_t *doc, const char *subject)
{
	json_t		*blocks, *f;
	struct buf	 b;
	char		*s;
	size_t		 i, shown = 0, total = count_fail(doc);

	blocks = json_array();
	buf_init(&b, 0);
	buf_puts(&b, "*");
	nf_put_esc(&b, subject, ESC_SLACK);
	buf_puts(&b, "*\nUnwaived findings: ");
	put_counts(&b, doc);
	if (nf_failed_sources(doc) > 0) {
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
		if (!nf_is_fail(f) || shown == TOP_FINDINGS)
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
	nf_put_esc(&b, subject, ESC_SLACK);
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
json_t *
nf_discord_payload(json_t *doc, const char *subject)
{
	json_t		*f, *out;
	struct buf	 b;
	char		*content, *desc;
	size_t		 i, shown = 0, total = count_fail(doc);
	int		 worst = -1;

	buf_init(&b, 0);
	buf_puts(&b, "**");
	nf_put_esc(&b, subject, ESC_DISCORD);
	buf_puts(&b, "**\nUnwaived findings: ");
	put_counts(&b, doc);
	buf_puts(&b, "\n");
	if (nf_failed_sources(doc) > 0) {
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
		if (!nf_is_fail(f) || shown == TOP_FINDINGS)
			continue;
		if (nf_sev_of(f) > worst)
			worst = nf_sev_of(f);
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
json_t *
nf_alert_payload(json_t *w, const char *subject, const char *text)
{
	struct buf	 b;
	json_t		*out;
	char		*s;

	buf_init(&b, 0);
	if (nf_is_discord(w)) {
		buf_puts(&b, "**");
		nf_put_esc(&b, subject, ESC_DISCORD);
		buf_puts(&b, "**\n");
		nf_put_esc(&b, text, ESC_DISCORD);
		s = buf_detach(&b, NULL);
		utf8_truncate(s, DISCORD_CONTENT_MAX);
		out = json_pack("{s:s, s:{s:[]}}", "content", s,
		    "allowed_mentions", "parse");
	} else {
		buf_puts(&b, "*");
		nf_put_esc(&b, subject, ESC_SLACK);
		buf_puts(&b, "*\n");
		nf_put_esc(&b, text, ESC_SLACK);
		s = buf_detach(&b, NULL);
		utf8_truncate(s, SLACK_FALLBACK_MAX);
		out = json_pack("{s:s}", "text", s);
	}
	free(s);
	return out;
}
