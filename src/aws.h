/*
 * aws.h: the AWS source's exported pieces (source-aws.c).
 *
 * aws_ssm_get_parameter() reads one SSM parameter through an `aws`
 * source's credentials and endpoints (for critical values, SPEC 7).  The
 * other functions are the collector's pure parsing helpers, exposed for
 * tests/unit/test-aws.c.
 */
#ifndef AWS_H
#define AWS_H

#include <stddef.h>

#include <jansson.h>

#include "http.h"
#include "policy.h"

/*
 * Reads parameter name (WithDecryption) with the credentials and the
 * `ssm` endpoint of source ps, through http (the caller's client; replay
 * needs no credentials).  On success *value is a new string (free with
 * freestr_secret: it may be a secret) and 0 is returned; otherwise an
 * error with *error set to the reason in words (the AWS error code and
 * message when AWS answered).
 */
int	 aws_ssm_get_parameter(const struct policy *, const struct policy_source *,
	    struct http_client *, const char *name, char **value, char **error);

/* 1 when an AWS error code means "throttled: retry later". */
int	 aws_throttling_code(const char *code);

/*
 * Parses an AWS error reply: Query/REST-XML <Error><Code/><Message/>
 * (inside <ErrorResponse> or not), or JSON 1.1 {"__type", "message"}
 * (the x-amzn-ErrorType header value, or NULL, is used when the body has
 * no type).  Prefixes before '#' and suffixes after ':' are stripped.
 * Returns 0 with *code (and *message, maybe NULL) set, or -1.
 */
int	 aws_error_parse(const char *body, size_t len, const char *errtype,
	    char **code, char **message);

/*
 * 1 when an IAM policy document (parsed JSON) allows full administrator
 * access: a Statement with Effect "Allow", Action "*" or "*:*" (a string
 * or inside an array), Resource "*" (string or inside an array), and no
 * NotAction, NotResource or Condition.  0 otherwise (also on bad input).
 */
int	 aws_policy_allows_full_admin(json_t *doc);

/*
 * Decodes an IAM policy document as returned by IAM (RFC 3986 URL-encoded
 * JSON; plain JSON is accepted too).  Returns a new reference or NULL.
 */
json_t	*aws_policy_decode(const char *encoded);

/*
 * Parses the credential report CSV (RFC 4180: quoted fields, "" inside
 * quotes, CRLF or LF) into an array of objects keyed by the header row's
 * column names, values as strings.  Returns 0, or -1 with *error set.
 */
int	 aws_credential_report_parse(const char *csv, size_t len,
	    json_t **rows, char **error);

/*
 * A credential report or IAM time as ISO-8601 UTC ("...Z"), or NULL for
 * "N/A", "no_information", "not_supported" and anything unparseable.
 */
char	*aws_iso_time(const char *);

/*
 * Parses an SSM GetParameter JSON reply.  Returns 0 with *value set, or
 * -1 with *error set.
 */
int	 aws_ssm_parse_parameter(const char *body, size_t len, char **value,
	    char **error);

#endif
