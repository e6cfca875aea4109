/*
 * notify-int.h: what the pieces of notify share (not for use outside
 * src/notify*.c).
 *
 * notify.c		routing: which channel is due, dry runs, the entry
 *			points notify_run() and notify_alert()
 * notify-format.c	message bodies: text and HTML summaries, the HTML
 *			report, Slack blocks, Discord embeds, alerts
 * notify-smtp.c	email through SMTP (libcurl)
 * notify-webhook.c	posting to a Slack/Discord webhook (http.c), with
 *			retries and its own deadline
 */
#ifndef NOTIFY_INT_H
#define NOTIFY_INT_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"

enum esc {
	ESC_TEXT,		/* control characters become '?' */
	ESC_SLACK,		/* and & < > as entities (mrkdwn) */
	ESC_DISCORD,		/* and markdown characters escaped */
	ESC_HTML,		/* and & < > " ' as entities */
};

struct email {
	json_t		*em;		/* notify.email */
	const char	*subject;
	const char	*text;
	const char	*html;		/* NULL: text only */
	const char	*attach;	/* NULL: no attachment */
	size_t		 attach_len;
	long long	 run;		/* 0: an alert */
};

/* Member k of o as a string ("" if not one) or an integer (0). */
static inline const char *
jstr(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static inline long long
jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* notify-format.c */
void	 nf_put_esc(struct buf *, const char *s, enum esc mode);
int	 nf_sev_of(json_t *finding);
int	 nf_is_fail(json_t *finding);
size_t	 nf_failed_sources(json_t *doc);
char	*nf_text_summary(json_t *doc);
char	*nf_html_summary(json_t *doc, const char *subject);
char	*nf_html_report(json_t *doc, size_t *len);
json_t	*nf_slack_payload(json_t *doc, const char *subject);
json_t	*nf_discord_payload(json_t *doc, const char *subject);
json_t	*nf_alert_payload(json_t *w, const char *subject, const char *text);

/* notify-smtp.c */
char	*nf_url_origin(const char *url);
int	 nf_email_config(json_t *em, const char **url, const char **from,
	    json_t **to);
int	 nf_send_email(const struct email *);

/* notify-webhook.c */
const char *nf_wh_type(json_t *w);
int	 nf_is_discord(json_t *w);
int	 nf_send_webhook(json_t *w, size_t idx, json_t *payload);

#endif
