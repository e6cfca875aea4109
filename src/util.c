/*
 * util.c: error strings, severities, time, clock and digest helpers
 * (util.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "buf.h"
#include "util.h"
#include "vigil.h"

const char *
vgl_err(int r)
{
	switch (r) {
	case 0:			return "success";
	case VGL_ERR_NOMEM:	return "out of memory";
	case VGL_ERR_IO:	return "input/output error";
	case VGL_ERR_PARSE:	return "parse error";
	case VGL_ERR_POLICY:	return "policy error";
	case VGL_ERR_RULE:	return "rule error";
	case VGL_ERR_STORE:	return "store error";
	case VGL_ERR_LOCKED:	return "store is locked by another run";
	case VGL_ERR_HTTP:	return "HTTP error";
	case VGL_ERR_TIMEOUT:	return "timed out";
	case VGL_ERR_TOOBIG:	return "response too large";
	case VGL_ERR_NOTFOUND:	return "not found";
	case VGL_ERR_PROVIDER:	return "provider error";
	case VGL_ERR_REPLAY:	return "no recorded exchange for request";
	case VGL_ERR_USAGE:	return "usage error";
	case VGL_ERR_DEADLINE:	return "source deadline exceeded";
	default:		return "internal error";
	}
}

static const char *const sev_names[SEV_COUNT] = {
	"info", "low", "medium", "high", "critical"
};

int
severity_parse(const char *s)
{
	int	 i;

	for (i = 0; i < SEV_COUNT; i++) {
		if (s != NULL && strcasecmp(s, sev_names[i]) == 0)
			return i;
	}
	return -1;
}

const char *
severity_name(int s)
{
	if (s < 0 || s >= SEV_COUNT)
		return "unknown";
	return sev_names[s];
}

void
iso8601_utc(long long t, char *out, size_t len)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
digits(const char **pp, int n, int *out)
{
	const char	*p = *pp;
	int		 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*pp = p + n;
	*out = v;
	return 0;
}

int
iso8601_parse(const char *s, long long *out)
{
	struct tm	 tm;
	const char	*p = s;
	int		 Y, M, D, h = 0, m = 0, sec = 0, oh, om, sign;
	long long	 off = 0;
	time_t		 t;

	if (s == NULL)
		return -1;
	if (digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) ||
	    *p++ != '-' || digits(&p, 2, &D))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &m))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
		}
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (digits(&p, 2, &om))
				return -1;
			off = sign * (oh * 3600LL + om * 60LL);
		}
	}
	if (*p != '\0' || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 ||
	    m > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (long long)t - off;
	return 0;
}

void
hex_encode(const unsigned char *md, size_t n, char *out)
{
	static const char	 xd[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = xd[md[i] >> 4];
		out[2 * i + 1] = xd[md[i] & 15];
	}
	out[2 * n] = '\0';
}

int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	hex_encode(md, n, out);
}

int
sha256_file_hex(const char *path, char out[65])
{
	struct buf	 b;
	int		 r;

	buf_init(&b, 1UL << 30);
	if ((r = buf_read_file(&b, path)) == 0)
		sha256_hex(b.data, b.len, out);
	buf_release(&b);
	return r;
}

void
rules_digest_init(struct rules_digest *d)
{
	buf_init(&d->lines, 0);
}

void
rules_digest_add(struct rules_digest *d, const char *id, const char *sha256)
{
	buf_printf(&d->lines, "%s %s\n", id, sha256);
}

void
rules_digest_end(struct rules_digest *d, char out[65])
{
	sha256_hex(d->lines.data, d->lines.len, out);
	buf_release(&d->lines);
}

double
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
sleep_s(double s)
{
	struct timespec	 ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

double
rand_unit(void)
{
	uint64_t	 v;

	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = ((uint64_t)random() << 32) ^ (uint64_t)random();
	return (double)(v >> 11) * (1.0 / 9007199254740992.0);
}
