/*
 * notify.h: email (SMTP through libcurl) and Slack/Discord webhook
 * notifications of a run (SPEC section 9), and immediate alerts for watch.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdio.h>

#include <jansson.h>

struct policy;

/*
 * Sends the notifications of a run: doc is the run's report_build()
 * document with every finding (max_findings -1), prev the same of its
 * previous run (store_prev_run(); NULL: none), which "when": "changes"
 * compares with.  Each channel (the email, each webhook) decides on its
 * own from its "when" and "min_severity".  What was sent (channel,
 * recipients or webhook type, subject) is printed to out.
 * With dry_run, nothing is sent: the plan (recipients, subject, webhook
 * types, text body) is printed to out, without secrets.  Returns 0 when
 * every due channel was sent (or none was due), VGL_ERR_HTTP when any send
 * failed (each failure is logged with its reason), VGL_ERR_POLICY when a
 * channel is misconfigured (e.g. its secret is unset).
 */
int	 notify_run(const struct policy *, json_t *doc, json_t *prev,
	    int dry_run, FILE *out);

/*
 * Sends an immediate alert (subject, plain text) to every configured
 * channel, regardless of "when" (watch alerts).  Returns 0 when every
 * channel was sent, VGL_ERR_HTTP when any send failed, VGL_ERR_POLICY when
 * a channel is misconfigured; 0 when no channel is configured.
 */
int	 notify_alert(const struct policy *, const char *subject,
	    const char *text);

/*
 * Pure helpers, exposed for tests.
 * notify_due: 1 when a channel with when ("always", "findings",
 * "changes"; NULL: "findings") and min_severity (NULL: "high") should send
 * for doc.  "changes" means since prev, the previous run (NULL: none): a
 * new finding, a resolved one, drift that differs from prev's, or a
 * failed source.
 */
int	 notify_due(json_t *doc, json_t *prev, const char *when,
	    const char *min_severity);
/* The email subject for doc (free() it). */
char	*notify_subject(json_t *doc);

#endif
