/*
 * notify-webhook.c: posting a payload to a Slack or Discord incoming
 * webhook through http.c, retrying 429, 5xx and connection errors within
 * the webhook's own deadline.  The URL embeds its token: it is read with
 * policy_secret() and never printed ("webhook N (TYPE)").
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "notify-int.h"
#include "policy.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

/* Webhook retries (429, 5xx, connection errors) and the longest wait. */
#define WEBHOOK_RETRIES		4
#define WEBHOOK_MAX_WAIT_S	60.0
/* Each webhook's own deadline (attempts and the waits between them). */
#define WEBHOOK_DEADLINE_S	120.0

const char *
nf_wh_type(json_t *w)
{
	return jstr(w, "type");
}

int
nf_is_discord(json_t *w)
{
	return strcmp(nf_wh_type(w), "discord") == 0;
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
	nf_put_esc(&b, s, ESC_TEXT);
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
int
nf_send_webhook(json_t *w, size_t idx, json_t *payload)
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
		    nf_wh_type(w), jstr(w, "url_env"));
		return VGL_ERR_POLICY;
	default:
		log_error("webhook %zu (%s): url_file: %s", idx, nf_wh_type(w),
		    why != NULL ? why : "?");
		free(why);
		return VGL_ERR_POLICY;
	}
	/* Discord answers the message (and its errors) with wait=true. */
	if (nf_is_discord(w) && strchr(url, '?') == NULL)
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
			    "attempt%s)", idx, nf_wh_type(w), req->status,
			    attempt + 1, attempt == 0 ? "" : "s");
			r = 0;
			break;
		}
		if (req->status != 0 && req->status != 429 &&
		    req->status < 500) {
			snip = resp_snippet(req);
			log_error("webhook %zu (%s): HTTP %ld: %s", idx,
			    nf_wh_type(w), req->status, snip);
			free(snip);
			break;
		}
		if (attempt == WEBHOOK_RETRIES) {
			if (req->status != 0) {
				snip = resp_snippet(req);
				log_error("webhook %zu (%s): HTTP %ld after "
				    "%d attempts: %s", idx, nf_wh_type(w),
				    req->status, attempt + 1, snip);
				free(snip);
			} else
				log_error("webhook %zu (%s): %d attempts "
				    "failed: %s", idx, nf_wh_type(w),
				    attempt + 1, req->error != NULL ?
				    req->error : "no response");
			break;
		}
		if (req->status == 0 && (req->result == VGL_ERR_POLICY ||
		    req->result == VGL_ERR_IO)) {
			log_error("webhook %zu (%s): %s", idx, nf_wh_type(w),
			    req->error != NULL ? req->error : "refused");
			break;
		}
		wait = http_backoff(attempt, 0.5, 20, rand_unit());
		ra = req->status != 0 ? retry_after(req) : -1;
		if (ra > WEBHOOK_MAX_WAIT_S) {
			log_error("webhook %zu (%s): rate limited for %.0f s "
			    "(more than %.0f s); not retried", idx,
			    nf_wh_type(w), ra, WEBHOOK_MAX_WAIT_S);
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
			    nf_wh_type(w), deadline, attempt + 1,
			    attempt == 0 ? "" : "s", snip);
			free(snip);
			break;
		}
		if (req->status != 0)
			log_info("webhook %zu (%s): HTTP %ld, retrying in "
			    "%.2f s", idx, nf_wh_type(w), req->status, wait);
		else
			log_info("webhook %zu (%s): %s, retrying in %.2f s",
			    idx, nf_wh_type(w), req->error != NULL ?
			    req->error : "no response", wait);
		sleep_s(wait);
	}
	http_req_free(req);
	http_client_free(hc);
	free(body);
	freestr_secret(full);
	freestr_secret(url);
	return r;
}
