/*
 * vigil.h: project-wide error codes, exit codes and small shared helpers.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include <stddef.h>

/* Exit codes (SPEC section 3; documented in vigil(1) EXIT STATUS). */
#define VGL_EXIT_OK		0	/* no finding at or above --fail-on */
#define VGL_EXIT_FINDINGS	1	/* unwaived finding at or above --fail-on */
#define VGL_EXIT_USAGE		2	/* usage, policy or rule error */
#define VGL_EXIT_INCOMPLETE	3	/* a source could not be collected */
#define VGL_EXIT_WRITE		4	/* freeze/notify/provider write failed */

/* Internal error codes: 0 or negative; vgl_err() turns them into text. */
#define VGL_ERR_INTERNAL	-1
#define VGL_ERR_NOMEM		-2
#define VGL_ERR_IO		-3
#define VGL_ERR_PARSE		-4
#define VGL_ERR_POLICY		-5
#define VGL_ERR_RULE		-6
#define VGL_ERR_STORE		-7
#define VGL_ERR_LOCKED		-8
#define VGL_ERR_HTTP		-9
#define VGL_ERR_TIMEOUT		-10
#define VGL_ERR_TOOBIG		-11
#define VGL_ERR_NOTFOUND	-12
#define VGL_ERR_PROVIDER	-13
#define VGL_ERR_REPLAY		-14
#define VGL_ERR_USAGE		-15
#define VGL_ERR_DEADLINE	-16

const char	*vgl_err(int);

/* Severities, ordered. */
enum severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};
#define SEV_COUNT 5
/* Returns the severity for a name, or -1. */
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

#endif
