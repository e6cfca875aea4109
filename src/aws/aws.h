/*
 * aws.h: the AWS source's exported pieces (aws/collect.c).
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
 * message when AWS answered).  With secret set, the value is registered
 * for redaction before the exchange is recorded, so neither logs nor a
 * --record directory hold it.
 */
int	 aws_ssm_get_parameter(const struct policy *, const struct policy_source *,
	    struct http_client *, const char *name, int secret, char **value,
	    char **error);

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
 * Admin analysis of one IAM policy document (parsed JSON; Statement an
 * object or an array, Action/Resource strings or arrays).
 *
 * aws_policy_admin_reason: a new string saying which statement allows
 * every action on every resource, or NULL.  Counted: Effect "Allow" with
 * an Action matching every action ("*", "*:*") or a NotAction that does
 * not exclude every action (everything else stays allowed), on a Resource
 * matching every resource ("*", "arn:aws:*:*:*:*") or a NotResource that
 * does not exclude every resource; a Condition does not stop it counting
 * and is named in the reason.  "iam:*" alone is not full admin.
 *
 * aws_policy_denies_all: 1 when a statement is an unconditional Deny of
 * every action on every resource (which cancels any Allow).
 *
 * aws_policy_allows_full_admin: 1 when there is a reason and the document
 * does not deny all.  0 otherwise (also on bad input).
 */
char	*aws_policy_admin_reason(json_t *doc);
int	 aws_policy_denies_all(json_t *doc);
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

/*
 * Connections for provider writes (the freeze, SPEC 8).  aws_conn_open()
 * reads credentials from creds (an object with the source's credential
 * keys: access_key_id_env, secret_access_key_env, session_token_env,
 * assume_role_arn; e.g. policy freeze.credentials.NAME), or from the
 * source itself when creds is NULL; assumes the role when one is named;
 * then asks STS who the caller is (checking the source's account_id).
 * Endpoints and region are the source's.  Through a replaying client no
 * credentials are read and no role is assumed (the access key id is
 * then NULL).  Returns 0, or an error with *error set (no secret in it).
 */
struct aws_conn;
int	 aws_conn_open(const struct policy_source *, json_t *creds,
	    struct http_client *, struct aws_conn **, char **error);
void	 aws_conn_free(struct aws_conn *);
/*
 * A connection into another account (an organisation member) with the
 * temporary credentials AssumeRole gave, through base's client,
 * endpoints and region; the caller must be in account.  0, or an error
 * with *error set.
 */
int	 aws_conn_enter(const struct aws_conn *base, const char *akid,
	    const char *secret, const char *token, const char *account,
	    struct aws_conn **, char **error);
/* The caller's ARN and account (GetCallerIdentity). */
const char *aws_conn_caller_arn(const struct aws_conn *);
const char *aws_conn_account(const struct aws_conn *);
/* The access key id the credentials were given with (before AssumeRole). */
const char *aws_conn_access_key_id(const struct aws_conn *);
/*
 * A signed Query request ("iam" or "sts"; params "Action=X&k=v", values
 * encoded; Version is appended), or a signed JSON 1.1 request
 * ("route53domains" or "ssm"; body is stolen).  Not yet performed: run
 * them with http_do().  NULL for another service.
 */
struct http_req *aws_conn_query(struct aws_conn *, const char *service,
	    const char *params);
struct http_req *aws_conn_json(struct aws_conn *, const char *service,
	    const char *target, const char *op, json_t *body);
/*
 * Why a request failed, in words (what: the operation), or NULL when it
 * got a 2xx reply; *code (if not NULL) gets the AWS error code or NULL.
 */
char	*aws_req_failure(const struct http_req *, const char *what,
	    char **code);
/*
 * The <resultResult> element (an xmlNode *) of a successful Query reply,
 * with *docp the xmlDoc * to free with xmlFreeDoc; NULL with *why set.
 */
void	*aws_xml_result(const struct http_req *, const char *what,
	    const char *result, void **docp, char **why);
/* The first child element of node named name, or NULL. */
struct _xmlNode *aws_xml_child(const struct _xmlNode *, const char *name);
/*
 * A copy of the text of the element at path ("A/B/C", by local names)
 * below node (caller frees), "" when empty, NULL when absent.
 */
char	*aws_xml_text(const struct _xmlNode *, const char *path);

/* The freeze's AWS operations (aws/freeze.c; freeze.h). */
struct freeze_ops;
extern const struct freeze_ops aws_freeze_ops;
/*
 * The keys AWS adds to the policy's "freeze" section ("aws_denied_actions")
 * and their checks at policy load (aws/freeze.c; struct source_type).
 */
extern const char *const aws_freeze_keys[];
void	 aws_check_freeze(json_t *fz, struct policy_check *);

#endif
