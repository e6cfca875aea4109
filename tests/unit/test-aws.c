/*
 * test-aws.c: the AWS source's pure helpers (aws.h): throttling codes,
 * error replies, full-admin policy detection, policy document decoding,
 * the credential report CSV, time normalisation and SSM replies.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/aws.h"
#include "xmalloc.h"
#include "tap.h"

static void
test_throttling(void)
{
	static const struct {
		const char	*code;
		int		 want;
	} t[] = {
		{ "Throttling", 1 },
		{ "ThrottlingException", 1 },
		{ "RequestLimitExceeded", 1 },
		{ "TooManyRequestsException", 1 },
		{ "PriorRequestNotComplete", 1 },
		{ "LimitExceeded", 0 },		/* an IAM quota, not throttling */
		{ "AccessDenied", 0 },
		{ "SignatureDoesNotMatch", 0 },
		{ "throttling", 0 },
		{ "", 0 },
		{ NULL, 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(aws_throttling_code(t[i].code), t[i].want,
		    "throttling code '%s'", t[i].code != NULL ? t[i].code :
		    "(null)");
}

static void
test_errors(void)
{
	static const struct {
		const char	*body;
		const char	*hdr;
		int		 ret;
		const char	*code;
		const char	*msg;
	} t[] = {
		{ "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://iam"
		  ".amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
		  "<Code>SignatureDoesNotMatch</Code><Message>The request "
		  "signature we calculated does not match</Message></Error>"
		  "<RequestId>x</RequestId></ErrorResponse>", NULL, 0,
		  "SignatureDoesNotMatch",
		  "The request signature we calculated does not match" },
		{ "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate "
		  "exceeded</Message></Error></ErrorResponse>", NULL, 0,
		  "Throttling", "Rate exceeded" },
		{ "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
		  "</Error></Errors></Response>", NULL, 0,
		  "RequestLimitExceeded", NULL },
		{ "{\"__type\":\"ThrottlingException\",\"message\":\"Rate "
		  "exceeded\"}", NULL, 0, "ThrottlingException",
		  "Rate exceeded" },
		{ "{\"__type\":\"com.amazonaws.ssm#ParameterNotFound\","
		  "\"Message\":\"no such parameter\"}", NULL, 0,
		  "ParameterNotFound", "no such parameter" },
		{ "{\"message\":\"x\"}", "InvalidSignatureException:http://"
		  "internal.amazon.com/coral/", 0,
		  "InvalidSignatureException", "x" },
		{ "", "UnrecognizedClientException:", 0,
		  "UnrecognizedClientException", NULL },
		{ "<Error><Code>Trunc", NULL, -1, NULL, NULL },
		{ "not an error at all", NULL, -1, NULL, NULL },
		{ "{}", NULL, -1, NULL, NULL },
	};
	size_t	 i;
	char	*code, *msg;
	int	 r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = aws_error_parse(t[i].body, strlen(t[i].body), t[i].hdr,
		    &code, &msg);
		is_int(r, t[i].ret, "error reply %zu: return value", i);
		if (t[i].code != NULL)
			is_str(code, t[i].code, "error reply %zu: code", i);
		else
			ok(code == NULL, "error reply %zu: no code", i);
		if (t[i].msg != NULL)
			is_str(msg, t[i].msg, "error reply %zu: message", i);
		else
			ok(msg == NULL, "error reply %zu: no message", i);
		free(code);
		free(msg);
	}
}

static void
test_admin(void)
{
	static const struct {
		const char	*doc;
		int		 want;
		const char	*reason;	/* a substring, or NULL */
	} t[] = {
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"*\"}]}", 1, "Allow Action \"*\" on Resource "
		  "\"*\"" },
		/* Statement as one object. */
		{ "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"*\"}}", 1, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*:*\","
		  "\"Resource\":[\"*\"]}]}", 1, NULL },
		/* "*" among other actions and resources. */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\","
		  "\"*\"],\"Resource\":[\"arn:aws:s3:::x\",\"*\"]}]}", 1, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:Get*"
		  "\",\"Resource\":\"*\"},{\"Sid\":\"Two\",\"Effect\":\"Allow\","
		  "\"Action\":\"*\",\"Resource\":\"*\"}]}", 1, "statement 'Two'" },
		{ "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
		  "\"Resource\":\"*\"}]}", 0, NULL },
		/* iam:* alone is not full admin. */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:*\","
		  "\"Resource\":\"*\"}]}", 0, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"*:Get*"
		  "\",\"*:List*\"],\"Resource\":\"*\"}]}", 0, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"arn:aws:s3:::bucket/*\"}]}", 0, NULL },
		/* NotAction leaves everything else allowed on "*". */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"iam:*"
		  "\",\"Resource\":\"*\"}]}", 1, "Allow NotAction \"iam:*\" "
		  "(every other action) on Resource \"*\"" },
		{ "{\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":["
		  "\"iam:CreateUser\"],\"Resource\":[\"*\"]}}", 1,
		  "NotAction [\"iam:CreateUser\"]" },
		/* Twins: NotAction on a scoped resource; NotAction "*". */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"iam:*"
		  "\",\"Resource\":\"arn:aws:s3:::bucket/*\"}]}", 0, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[\"s3:*"
		  "\",\"*\"],\"Resource\":\"*\"}]}", 0, NULL },
		/* A Condition does not hide it; the reason names it. */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:"
		  "SourceIp\":\"192.0.2.0/24\"}}}]}", 1, "under Condition "
		  "{\"IpAddress\":{\"aws:SourceIp\":\"192.0.2.0/24\"}}" },
		/* NotResource: every other resource. */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"NotResource\":\"arn:aws:s3:::x\"}]}", 1, "on NotResource "
		  "\"arn:aws:s3:::x\" (every other resource)" },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"NotResource\":[\"*\"]}]}", 0, NULL },
		/* ARN patterns that match every resource, and one that
		 * does not. */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"arn:aws:*:*:*:*\"}]}", 1, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"arn:*\"}]}", 1, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"arn:aws:iam::*:*\"}]}", 0, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"arn:aws:s3:*\"}]}", 0, NULL },
		/* An unconditional Deny "*" on "*" cancels the Allow... */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":[\"*\"],"
		  "\"Resource\":\"*\"}]}", 0, NULL },
		/* ...a conditional or partial Deny does not. */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"*\","
		  "\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:"
		  "MultiFactorAuthPresent\":\"false\"}}}]}", 1, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
		  "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:*\","
		  "\"Resource\":\"*\"}]}", 1, NULL },
		/* Effect is case-sensitive in IAM; bad shapes are ignored. */
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[1,\"*\"],"
		  "\"Resource\":[null,\"*\"]}]}", 1, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}",
		  0, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}",
		  0, NULL },
		{ "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\":*\","
		  "\"Resource\":\"*\"}]}", 0, NULL },
		{ "{\"Statement\":[]}", 0, NULL },
		{ "{}", 0, NULL },
		{ "[1,2]", 0, NULL },
	};
	json_t		*doc;
	json_error_t	 je;
	size_t		 i;
	char		*r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		doc = json_loads(t[i].doc, 0, &je);
		is_int(aws_policy_allows_full_admin(doc), t[i].want,
		    "full admin %zu: %s", i, t[i].doc);
		r = aws_policy_admin_reason(doc);
		if (t[i].reason != NULL)
			ok(r != NULL && strstr(r, t[i].reason) != NULL,
			    "reason %zu: '%s' has '%s'", i, r != NULL ? r :
			    "(null)", t[i].reason);
		free(r);
		json_decref(doc);
	}
	is_int(aws_policy_allows_full_admin(NULL), 0, "full admin: NULL");
	ok(aws_policy_admin_reason(NULL) == NULL, "reason: NULL");
	is_int(aws_policy_denies_all(NULL), 0, "denies all: NULL");
}

static void
test_decode(void)
{
	json_t	*j;

	j = aws_policy_decode("%7B%22Version%22%3A%20%222012-10-17%22%2C%20"
	    "%22Statement%22%3A%20%7B%22Effect%22%3A%20%22Allow%22%2C%20%22"
	    "Action%22%3A%20%22%2A%22%2C%20%22Resource%22%3A%20%22%2A%22%7D"
	    "%7D");
	ok(j != NULL, "URL-encoded policy document decodes");
	is_int(aws_policy_allows_full_admin(j), 1, "decoded document is "
	    "full admin");
	is_str(json_string_value(json_object_get(j, "Version")), "2012-10-17",
	    "decoded document keeps Version");
	json_decref(j);
	j = aws_policy_decode("{\"Statement\": []}");
	ok(json_is_array(json_object_get(j, "Statement")), "plain JSON "
	    "document is accepted");
	json_decref(j);
	ok(aws_policy_decode("%7Bnot json") == NULL, "bad document: NULL");
	ok(aws_policy_decode(NULL) == NULL, "NULL document: NULL");
}

static void
test_report(void)
{
	static const char csv[] =
	    "user,arn,user_creation_time,password_enabled,mfa_active\n"
	    "<root_account>,arn:aws:iam::1:root,2019-05-01T09:00:00+00:00,"
	    "not_supported,false\n"
	    "alice,arn:aws:iam::1:user/alice,2024-01-10T10:00:00+00:00,true,"
	    "true\r\n"
	    "\"we,ird\",\"arn:aws:iam::1:user/\"\"q\"\"\",N/A,false,false\n";
	static const char *bad[] = {
	    "user,arn\nalice\n",
	    "user,arn\n\"alice,arn\n",
	    "",
	};
	json_t	*rows;
	char	*err;
	size_t	 i;

	is_int(aws_credential_report_parse(csv, strlen(csv), &rows, &err), 0,
	    "credential report parses");
	is_int((int)json_array_size(rows), 3, "three rows");
	is_str(json_string_value(json_object_get(json_array_get(rows, 0),
	    "user")), "<root_account>", "row 1 is the root account");
	is_str(json_string_value(json_object_get(json_array_get(rows, 1),
	    "mfa_active")), "true", "CRLF line: last field without CR");
	is_str(json_string_value(json_object_get(json_array_get(rows, 2),
	    "user")), "we,ird", "quoted field with a comma");
	is_str(json_string_value(json_object_get(json_array_get(rows, 2),
	    "arn")), "arn:aws:iam::1:user/\"q\"", "doubled quotes");
	json_decref(rows);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rows = NULL;
		is_int(aws_credential_report_parse(bad[i], strlen(bad[i]),
		    &rows, &err), -1, "bad report %zu fails", i);
		ok(err != NULL && rows == NULL, "bad report %zu: %s", i,
		    err != NULL ? err : "(no message)");
		free(err);
	}
}

static void
test_times(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "2026-01-05T12:00:00+00:00", "2026-01-05T12:00:00Z" },
		{ "2026-01-05T12:00:00Z", "2026-01-05T12:00:00Z" },
		{ "2026-01-05T12:00:00.123Z", "2026-01-05T12:00:00Z" },
		{ "2026-01-05T14:00:00+02:00", "2026-01-05T12:00:00Z" },
		{ "N/A", NULL },
		{ "no_information", NULL },
		{ "not_supported", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = aws_iso_time(t[i].in);
		if (t[i].want != NULL)
			is_str(s, t[i].want, "time '%s'", t[i].in);
		else
			ok(s == NULL, "time '%s' is NULL", t[i].in != NULL ?
			    t[i].in : "(null)");
		free(s);
	}
}

static void
test_ssm(void)
{
	static const char good[] = "{\"Parameter\":{\"Name\":\"/launch/wallet"
	    "\",\"Type\":\"SecureString\",\"Value\":\"terra1qxyz\",\"Version"
	    "\":3,\"LastModifiedDate\":1771063200}}";
	static const char *bad[] = {
	    "{\"Parameter\":{\"Name\":\"/x\"}}",
	    "{\"Parameter\":{\"Value\":3}}",
	    "{\"Parameter\":",
	    "[]",
	};
	char	*v, *err;
	size_t	 i;

	is_int(aws_ssm_parse_parameter(good, strlen(good), &v, &err), 0,
	    "SSM reply parses");
	is_str(v, "terra1qxyz", "SSM value");
	free(v);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(aws_ssm_parse_parameter(bad[i], strlen(bad[i]), &v,
		    &err), -1, "bad SSM reply %zu fails", i);
		ok(v == NULL && err != NULL, "bad SSM reply %zu: %s", i,
		    err != NULL ? err : "(no message)");
		free(err);
	}
}

int
main(void)
{
	test_throttling();
	test_errors();
	test_admin();
	test_decode();
	test_report();
	test_times();
	test_ssm();
	return done_testing();
}
