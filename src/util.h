/*
 * util.h: util.c's small helpers: the names of vigil.h's error codes and
 * severities, ISO-8601 times, hex, SHA-256, and the one monotonic clock,
 * sleep and jitter source.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>

#include "buf.h"

/* The text of a VGL_ERR_* code (vigil.h). */
const char	*vgl_err(int);

/* Returns the severity (enum severity) for a name, or -1. */
int		 severity_parse(const char *);
const char	*severity_name(int);

/* ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" for t into out (at least 21 bytes). */
void		 iso8601_utc(long long t, char *out, size_t len);
/* Parse ISO-8601 UTC (date, or date-time with Z/offset); -1 if invalid. */
int		 iso8601_parse(const char *, long long *out);

/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void		 hex_encode(const unsigned char *, size_t n, char *out);
/* The value of one hex digit, or -1. */
int		 hex_value(int c);

/* SHA-256 of data as 64 lowercase hex characters plus NUL in out[65]. */
void		 sha256_hex(const void *data, size_t len, char out[65]);
/* SHA-256 of a file; 0 or VGL_ERR_IO. */
int		 sha256_file_hex(const char *path, char out[65]);

/*
 * rules_sha256, the one digest of a rule set (the seal's, and what
 * "vigil verify" recomputes): SHA-256 of "ID SHA256\n" for each rule
 * file in catalog order.  init, add each file, then end (which writes
 * the 64 hex digits and NUL into out and releases the state).
 */
struct rules_digest {
	struct buf	 lines;
};
void		 rules_digest_init(struct rules_digest *);
void		 rules_digest_add(struct rules_digest *, const char *id,
		    const char *sha256);
void		 rules_digest_end(struct rules_digest *, char out[65]);

/* Seconds on the monotonic clock (for deadlines and pacing). */
double		 mono_now(void);
/* Sleeps s seconds (nothing when s <= 0), resuming after signals. */
void		 sleep_s(double s);
/* A uniform random number in [0, 1), for backoff jitter. */
double		 rand_unit(void);

#endif
