/*
 * notify-smtp.c: sending the notification email through SMTP (libcurl):
 * multipart/alternative text + HTML summary, the HTML report attached.
 * The password is read with policy_secret() (registered for redaction)
 * and never printed.
 */
#include "config.h"

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
#include "notify-int.h"
#include "policy.h"
#include "url.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define SMTP_TIMEOUT_S		60L

/* scheme://host:port of url, for messages (no user, no path). */
char *
nf_url_origin(const char *url)
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
int
nf_email_config(json_t *em, const char **url, const char **from, json_t **to)
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

int
nf_send_email(const struct email *m)
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
	if (nf_email_config(m->em, &url, &from, &to) != 0)
		goto out;
	origin = nf_url_origin(url);
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
