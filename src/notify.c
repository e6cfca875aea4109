/*
 * notify.c: notifications of a run (SPEC section 9): an email through
 * SMTP (libcurl, multipart/alternative text + HTML summary, the HTML
 * report attached) and Slack/Discord incoming webhooks (through http.c),
 * each channel sending when its "when" and "min_severity" say so; and the
 * immediate alerts of watch, sent to every channel regardless of "when".
 * This file decides which channel is due and sends through the others
 * (notify-int.h): bodies in notify-format.c, email in notify-smtp.c,
 * webhooks in notify-webhook.c.
 *
 * Secrets (the SMTP password, webhook URLs, which embed their token) are
 * read with policy_secret(), so they are registered for redaction, and are
 * never printed: channels are named "email" and "webhook N (TYPE)".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "notify-int.h"
#include "notify.h"
#include "policy.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

/* 1 when finding f (a fail at or above min) is a fail of doc too. */
static int
still_fails(json_t *doc, json_t *f)
{
	json_t	*g;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "findings"), i, g) {
		if (nf_is_fail(g) && strcmp(jstr(g, "rule"), jstr(f, "rule")) ==
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
	if (nf_failed_sources(doc) > 0)
		return 1;
	changes = strcmp(when, "changes") == 0;
	/* "changes": since the previous run, not since the baseline. */
	if (changes && drift_changed(doc, prev))
		return 1;
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!nf_is_fail(f) || nf_sev_of(f) < min)
			continue;
		if (!changes || json_is_true(json_object_get(f, "new")))
			return 1;
	}
	/* A finding of the previous run that is resolved is a change. */
	json_array_foreach(changes && prev != NULL ?
	    json_object_get(prev, "findings") : NULL, i, f) {
		if (nf_is_fail(f) && nf_sev_of(f) >= min &&
		    !still_fails(doc, f))
			return 1;
	}
	return 0;
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
		if (nf_email_config(em, &url, &from, &to) == 0) {
			origin = nf_url_origin(url);
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
		    "%s)\n", i + 1, nf_wh_type(w), notify_due(doc, prev,
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
	text = nf_text_summary(doc);
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
		m.html = html = nf_html_summary(doc, subject);
		m.run = jint(json_object_get(doc, "run"), "id");
		if (!json_is_false(json_object_get(em, "attach_report"))) {
			if ((att = nf_html_report(doc, &att_len)) == NULL)
				r = VGL_ERR_HTTP;
			m.attach = att;
			m.attach_len = att_len;
		}
		if (r == 0 && (r = nf_send_email(&m)) == 0)
			print_sent_email(out, em, subject);
	}
	json_array_foreach(webhooks_of(p), i, w) {
		if (!notify_due(doc, prev, when_of(w), minsev_of(w))) {
			log_info("webhook %zu (%s): not due (when %s, "
			    "min_severity %s)", i + 1, nf_wh_type(w),
			    when_of(w), minsev_of(w));
			continue;
		}
		payload = nf_is_discord(w) ? nf_discord_payload(doc, subject) :
		    nf_slack_payload(doc, subject);
		if ((rw = nf_send_webhook(w, i + 1, payload)) == 0)
			fprintf(out, "sent webhook %zu (%s): %s\n", i + 1,
			    nf_wh_type(w), subject);
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
		nf_put_esc(&b, subject, ESC_HTML);
		buf_puts(&b, "</title></head>\n<body><h1>");
		nf_put_esc(&b, subject, ESC_HTML);
		buf_puts(&b, "</h1>\n<pre>");
		nf_put_esc(&b, text, ESC_HTML);
		buf_puts(&b, "</pre></body></html>\n");
		html = buf_detach(&b, NULL);
		memset(&m, 0, sizeof(m));
		m.em = em;
		m.subject = subject;
		m.text = text;
		m.html = html;
		r = nf_send_email(&m);
		free(html);
	}
	json_array_foreach(webhooks_of(p), i, w) {
		payload = nf_alert_payload(w, subject, text);
		r = worse(r, nf_send_webhook(w, i + 1, payload));
		json_decref(payload);
	}
	return r;
}
