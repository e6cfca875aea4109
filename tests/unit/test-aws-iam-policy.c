/*
 * test-aws-iam-policy.c: the IAM policy-document analysis of
 * src/aws/iam-policy.c: wildcard matching, statements (Action,
 * NotAction, Deny, self-only resources, malformed documents), trust
 * policies (any principal, restricting conditions, foreign accounts,
 * OIDC subjects) and the escalation sets file.
 */
#include "config.h"
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/iam-policy.h"
#include "xmalloc.h"
#include "tap.h"

static json_t *
J(const char *text)
{
	json_error_t	 je;
	json_t		*j = json_loads(text, JSON_DECODE_ANY, &je);

	if (j == NULL)
		fprintf(stderr, "bad test JSON: %s\n", je.text);
	return j;
}

/* The statements of doc as compact JSON of the keys that matter. */
static char *
stmts(const char *doc, char **error)
{
	json_t	*d = J(doc), *rows, *row, *out;
	size_t	 i;
	char	*s;

	*error = NULL;
	rows = aws_iam_statements(d, error);
	json_decref(d);
	if (rows == NULL)
		return NULL;
	out = json_array();
	json_array_foreach(rows, i, row) {
		json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:O, "
		    "s:O, s:O}", "effect", json_object_get(row, "effect"),
		    "kind", json_object_get(row, "action_kind"), "actions",
		    json_object_get(row, "actions"), "rkind",
		    json_object_get(row, "resource_kind"), "any",
		    json_object_get(row, "resource_any"), "self",
		    json_object_get(row, "self_only")));
	}
	s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(out);
	json_decref(rows);
	return s;
}

static void
statement_cases(void)
{
	static const char *const bad[] = {
		"[]",
		"{\"Version\": \"2012-10-17\"}",
		"{\"Statement\": [{\"Effect\": \"Permit\", \"Action\": \"*\", "
		    "\"Resource\": \"*\"}]}",
		"{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\"}]}",
		"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"a:b\", "
		    "\"NotAction\": \"c:d\", \"Resource\": \"*\"}]}",
		"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [1], "
		    "\"Resource\": \"*\"}]}",
		"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"a:b\"}]}",
		"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"a:b\", "
		    "\"Resource\": \"*\", \"Condition\": \"yes\"}]}",
		"{\"Statement\": [\"Allow\"]}",
		"{\"Statement\": 7}",
		NULL
	};
	char	*s, *err;
	size_t	 i;

	s = stmts("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": "
	    "\"IAM:Put*\", \"Resource\": \"*\"}}", &err);
	is_str(s, "[{\"actions\":[\"iam:put*\"],\"any\":true,\"effect\":"
	    "\"Allow\",\"kind\":\"Action\",\"rkind\":\"Resource\",\"self\":"
	    "false}]", "one statement object: patterns lower-cased");
	free(s);
	s = stmts("{\"Statement\": [{\"Effect\": \"Deny\", \"NotAction\": "
	    "[\"s3:*\", \"x:[a]\"], \"NotResource\": \"arn:aws:s3:::b\"}, "
	    "{\"Effect\": \"Allow\", \"Action\": \"iam:CreateAccessKey\", "
	    "\"Resource\": [\"arn:aws:iam::*:user/${aws:username}\"]}]}", &err);
	is_str(s, "[{\"actions\":[\"s3:*\",\"x:[[]a]\"],\"any\":false,"
	    "\"effect\":\"Deny\",\"kind\":\"NotAction\",\"rkind\":"
	    "\"NotResource\",\"self\":false},{\"actions\":["
	    "\"iam:createaccesskey\"],\"any\":false,\"effect\":\"Allow\","
	    "\"kind\":\"Action\",\"rkind\":\"Resource\",\"self\":true}]",
	    "NotAction, NotResource, '[' escaped for GLOB, ${aws:username}");
	free(s);
	for (i = 0; bad[i] != NULL; i++) {
		s = stmts(bad[i], &err);
		ok(s == NULL && err != NULL && *err != '\0',
		    "malformed policy %zu rejected: %s", i + 1,
		    err != NULL ? err : "(no error)");
		free(s);
		free(err);
	}
}

static void
match_cases(void)
{
	ok(aws_iam_action_match("iam:Put*", "iam:PutUserPolicy"), "iam:Put*");
	ok(aws_iam_action_match("IAM:*", "iam:CreateAccessKey"),
	    "case-insensitive service");
	ok(aws_iam_action_match("*", "lambda:InvokeFunction"), "*");
	ok(aws_iam_action_match("iam:?reateAccessKey", "iam:CreateAccessKey"),
	    "?");
	ok(aws_iam_action_match("*:Get*", "iam:GetUser"), "*:Get*");
	ok(!aws_iam_action_match("*:Get*", "iam:PassRole"), "*:Get* not PassRole");
	ok(!aws_iam_action_match("iam:Put", "iam:PutUserPolicy"), "no prefix");
	ok(!aws_iam_action_match("iam:*Policy", "iam:PassRole"), "*Policy");
	ok(aws_iam_action_match("iam:*Policy*", "iam:PutUserPolicy"),
	    "two stars");
}

/* Trust rows of doc, one line each: kind principal account restr oidc
 * sub_unrestricted. */
static char *
trust(const char *doc)
{
	json_t		*d = J(doc), *rows, *r;
	char		*err = NULL, *line;
	size_t		 i;
	size_t		 len = 0;
	char		*out = xstrdup("");

	rows = aws_iam_trust(d, &err);
	json_decref(d);
	if (rows == NULL) {
		free(out);
		line = xasprintf("error: %s", err);
		free(err);
		return line;
	}
	json_array_foreach(rows, i, r) {
		line = xasprintf("%s%s %s %s %d %s %s", len ? "; " : "",
		    json_string_value(json_object_get(r, "principal_kind")),
		    json_string_value(json_object_get(r, "principal")),
		    json_is_string(json_object_get(r, "principal_account")) ?
		    json_string_value(json_object_get(r, "principal_account"))
		    : "-", json_is_true(json_object_get(r,
		    "restricting_condition")),
		    json_is_string(json_object_get(r, "oidc_provider")) ?
		    json_string_value(json_object_get(r, "oidc_provider")) :
		    "-", json_is_null(json_object_get(r, "sub_unrestricted")) ?
		    "-" : json_is_true(json_object_get(r, "sub_unrestricted")) ?
		    "open" : "closed");
		out = xreallocarray(out, len + strlen(line) + 1, 1);
		memcpy(out + len, line, strlen(line) + 1);
		len += strlen(line);
		free(line);
	}
	json_decref(rows);
	return out;
}

#define GH	"token.actions.githubusercontent.com"
#define GHP	"{\"Federated\": \"arn:aws:iam::1:oidc-provider/" GH "\"}"

/* {"AWS": "*"} under one Condition: "restricted" or "open". */
static const char *
anyone_under(const char *cond)
{
	static char	 res[16];
	char		*doc, *s;

	doc = xasprintf("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\":"
	    " {\"AWS\": [\"arn:aws:iam::1:root\", \"*\"]}, \"Action\": "
	    "\"STS:AssumeRole*\", \"Condition\": %s}}", cond);
	s = trust(doc);
	free(doc);
	snprintf(res, sizeof(res), "%s", strstr(s, "* * - 1 - -") != NULL ?
	    "restricted" : strstr(s, "* * - 0 - -") != NULL ? "open" : s);
	free(s);
	return res;
}

/* Conditions on {"AWS": "*"}: the ones that restrict, and their twins
 * that only look as if they did. */
static void
any_principal_conditions(void)
{
	static const struct {
		const char	*cond, *want, *what;
	} t[] = {
		{ "{\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3\"}}",
		  "restricted", "aws:PrincipalOrgID" },
		{ "{\"ForAllValues:StringEquals\": {\"aws:PrincipalOrgID\": "
		  "\"o-a1b2c3\"}}", "open", "ForAllValues: is true without the "
		  "key (a principal outside any organisation)" },
		{ "{\"ForAnyValue:StringEquals\": {\"aws:PrincipalOrgID\": "
		  "\"o-a1b2c3\"}}", "restricted", "ForAnyValue: needs the key" },
		{ "{\"StringLike\": {\"aws:PrincipalOrgID\": \"o-*\"}}", "open",
		  "StringLike o-* is any organisation" },
		{ "{\"StringEquals\": {\"aws:SourceAccount\": \"111122223333\"}}",
		  "restricted", "aws:SourceAccount" },
		{ "{\"StringLike\": {\"aws:SourceAccount\": \"1111*\"}}", "open",
		  "a wildcard in an account id" },
		{ "{\"ArnLike\": {\"aws:PrincipalArn\": "
		  "\"arn:aws:iam::111122223333:role/ci-*\"}}", "restricted",
		  "ArnLike with a fixed account" },
		{ "{\"ArnLike\": {\"aws:PrincipalArn\": "
		  "\"arn:aws:iam::*:role/ci\"}}", "open",
		  "ArnLike with any account" },
		{ "{\"ArnEquals\": {\"aws:PrincipalArn\": \"arn:aws:*\"}}",
		  "open", "ArnEquals matches wildcards too" },
		{ "{\"StringLike\": {\"aws:PrincipalArn\": \"*\"}}", "open",
		  "StringLike aws:PrincipalArn \"*\"" },
		{ "{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:s3:::*\"}}",
		  "open", "any S3 bucket" },
		{ "{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:s3:::logs/*\"}}",
		  "restricted", "one S3 bucket" },
		{ "{\"ForAnyValue:StringLike\": {\"aws:PrincipalOrgPaths\": "
		  "\"o-a1b2c3/r-ab12/ou-ab12-1111/*\"}}", "restricted",
		  "an organisation path" },
		{ "{\"ForAnyValue:StringLike\": {\"aws:PrincipalOrgPaths\": "
		  "\"o-*/r-ab12/*\"}}", "open", "a path of any organisation" },
		{ "{\"StringLike\": {\"aws:userid\": \"AROAEXAMPLE:*\"}}",
		  "restricted", "one role's sessions" },
		{ "{\"StringLike\": {\"aws:userid\": \"AROA*:*\"}}", "open",
		  "any role's sessions" },
		{ "{\"IpAddress\": {\"aws:SourceIp\": \"192.0.2.0/24\"}}",
		  "restricted", "an address range" },
		{ "{\"IpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/0\", \"::/0\"]}}",
		  "open", "every address" },
		{ "{\"Bool\": {\"aws:SecureTransport\": \"true\"}}", "open",
		  "aws:SecureTransport" },
		{ "{\"StringEquals\": {\"sts:ExternalId\": \"e\"}}", "open",
		  "sts:ExternalId alone" },
		{ "{\"stringnotequals\": {\"aws:PrincipalOrgID\": \"o-1\"}}",
		  "open", "Not in any case" },
		{ "{\"StringEquals\": {\"AWS:PRINCIPALORGID\": \"o-1\"}}",
		  "restricted", "keys in any case" },
		{ "{\"Bool\": {\"aws:SecureTransport\": \"true\"}, "
		  "\"StringEquals\": {\"aws:PrincipalAccount\": \"111122223333\"}}",
		  "restricted", "one restricting condition among others" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_str(anyone_under(t[i].cond), t[i].want, "{\"AWS\": [..., "
		    "\"*\"]} under %s: %s", t[i].cond, t[i].what);
}

/* A GitHub OIDC trust under one Condition: "open" or "closed". */
static const char *
github_under(const char *action, const char *cond)
{
	static char	 res[16];
	char		*doc, *s;

	doc = xasprintf("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\":"
	    " " GHP ", \"Action\": %s, \"Condition\": %s}}", action, cond);
	s = trust(doc);
	free(doc);
	snprintf(res, sizeof(res), "%s", strstr(s, GH " open") != NULL ?
	    "open" : strstr(s, GH " closed") != NULL ? "closed" : s);
	free(s);
	return res;
}

static void
oidc_subjects(void)
{
	static const struct {
		const char	*action, *cond, *want, *what;
	} t[] = {
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{}", "open",
		  "no condition" },
		{ "\"sts:*\"", "{\"StringEquals\": {\"" GH ":aud\": "
		  "\"sts.amazonaws.com\"}}", "open", "aud only" },
		{ "[\"STS:AssumeRoleWithWebIdentity\"]", "{\"StringLike\": {\""
		  GH ":sub\": \"repo:*\"}}", "open", "repo:*" },
		{ "\"*\"", "{\"StringLike\": {\"" GH ":sub\": \"*\"}}", "open",
		  "*" },
		{ "\"sts:AssumeRole*\"", "{\"StringLike\": {\"" GH ":sub\": "
		  "\"rep*\"}}", "open", "rep* (a wildcard in \"repo:\")" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"StringLike\": {\"" GH
		  ":sub\": \"repo*\"}}", "open", "repo*" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"StringLike\": {\"" GH
		  ":sub\": \"repo:org*\"}}", "open", "repo:org* (org-evil)" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"StringLike\": {\"" GH
		  ":sub\": \"repo:org/*\"}}", "closed",
		  "repo:org/* (the repositories of one owner)" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"ForAnyValue:"
		  "StringLike\": {\"" GH ":sub\": [\"repo:org/app:*\", "
		  "\"repo:*\"]}}", "open", "ForAnyValue:StringLike with repo:*" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"ForAnyValue:"
		  "StringLike\": {\"" GH ":sub\": \"repo:org/app:*\"}}", "closed",
		  "ForAnyValue:StringLike with one repository" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"StringEquals\": {\""
		  GH ":SUB\": \"repo:org/app:ref:refs/heads/main\"}}", "closed",
		  ":SUB is the same key" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"stringlike\": {\""
		  GH ":sub\": \"repo:*\"}}", "open", "stringlike in any case" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"StringLike\": {\""
		  GH ":sub\": \"repository_owner:*\"}}", "open",
		  "a custom claim, any value" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"StringLike\": {\""
		  GH ":sub\": \"repository_owner:org:*\"}}", "closed",
		  "a custom claim naming the owner" },
		{ "\"sts:AssumeRoleWithWebIdentity\"", "{\"StringNotLike\": {\""
		  GH ":sub\": \"repo:evil/*\"}}", "open", "StringNotLike" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_str(github_under(t[i].action, t[i].cond), t[i].want,
		    "GitHub OIDC, Action %s, Condition %s: %s", t[i].action,
		    t[i].cond, t[i].what);
}

static void
trust_cases(void)
{
	char	*s;

	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": "
	    "\"*\", \"Action\": \"sts:AssumeRole\"}}");
	is_str(s, "* * - 0 - -", "Principal \"*\"");
	free(s);
	s = trust("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
	    "{\"AWS\": [\"*\", \"arn:aws:iam::444455556666:root\", "
	    "\"210987654321\"], \"Service\": \"ec2.amazonaws.com\"}, "
	    "\"Action\": \"sts:AssumeRole\", \"Condition\": {\"StringEquals\": "
	    "{\"aws:PrincipalOrgID\": \"o-1\"}}}]}");
	is_str(s, "* * - 1 - -; AWS arn:aws:iam::444455556666:root "
	    "444455556666 1 - -; AWS 210987654321 210987654321 1 - -; "
	    "Service ec2.amazonaws.com - 1 - -",
	    "{\"AWS\": \"*\"} is any principal; accounts from ARN and id; "
	    "aws:PrincipalOrgID restricts");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": "
	    "{\"AWS\": \"*\"}, \"Action\": \"sts:AssumeRole\", \"Condition\": "
	    "{\"StringNotEquals\": {\"aws:PrincipalAccount\": \"1\"}, "
	    "\"StringLikeIfExists\": {\"aws:PrincipalArn\": \"arn:x\"}, "
	    "\"StringLike\": {\"aws:PrincipalOrgID\": \"*\"}, "
	    "\"StringEquals\": {\"sts:ExternalId\": \"e\"}}}}");
	is_str(s, "* * - 0 - -", "Not..., ...IfExists, wildcard values and "
	    "sts:ExternalId do not restrict");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"NotPrincipal\": "
	    "{\"AWS\": \"arn:aws:iam::1:root\"}, \"Action\": \"sts:AssumeRole\"}}");
	is_str(s, "* * - 0 - -", "Allow with NotPrincipal is everyone else");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": " GHP
	    ", \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": "
	    "{\"StringEquals\": {\"" GH ":aud\": \"sts.amazonaws.com\"}}}}");
	is_str(s, "Federated arn:aws:iam::1:oidc-provider/" GH " - 0 " GH
	    " open", "GitHub OIDC with an audience only: open");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": " GHP
	    ", \"Condition\": {\"StringLike\": {\"" GH ":sub\": [\"repo:org/a:*\","
	    " \"repo:*/b:*\"]}}}}");
	is_str(s, "Federated arn:aws:iam::1:oidc-provider/" GH " - 0 " GH
	    " open", "a sub pattern with a wildcard owner: open");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": " GHP
	    ", \"Condition\": {\"StringLike\": {\"" GH ":sub\": "
	    "\"repo:org/app:*\"}}}}");
	is_str(s, "Federated arn:aws:iam::1:oidc-provider/" GH " - 0 " GH
	    " closed", "repo:org/app:* names one repository: closed");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": " GHP
	    ", \"Condition\": {\"StringEquals\": {\"" GH ":sub\": \"*\"}}}}");
	is_str(s, "Federated arn:aws:iam::1:oidc-provider/" GH " - 0 " GH
	    " closed", "StringEquals \"*\" is a literal star: closed");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": "
	    "{\"Federated\": \"arn:aws:iam::1:saml-provider/okta\"}}}");
	is_str(s, "Federated arn:aws:iam::1:saml-provider/okta - 0 - -",
	    "SAML is not OIDC");
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": "
	    "{\"Federated\": \"cognito-identity.amazonaws.com\"}, \"Condition\":"
	    " {\"StringEquals\": {\"cognito-identity.amazonaws.com:aud\": "
	    "\"us-east-1:pool\"}}}}");
	is_str(s, "Federated cognito-identity.amazonaws.com - 0 "
	    "cognito-identity.amazonaws.com closed", "Cognito: aud restricts");
	free(s);
	any_principal_conditions();
	oidc_subjects();
	s = trust("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": 5}}");
	ok(strncmp(s, "error: ", 7) == 0, "a bad Principal is an error: %s", s);
	free(s);
	s = trust("{\"Statement\": {\"Effect\": \"Allow\"}}");
	ok(strncmp(s, "error: ", 7) == 0, "no Principal is an error: %s", s);
	free(s);
	s = trust("\"x\"");
	ok(strncmp(s, "error: ", 7) == 0, "not an object is an error: %s", s);
	free(s);
}

static void
sets_cases(void)
{
	json_t	*sets;
	char	*err, path[] = "/tmp/vigil-esc-XXXXXX";
	FILE	*f;
	int	 fd, r;

	r = aws_iam_escalation_load(VIGIL_SRCDIR
	    "/data/aws-iam-escalation.json", &sets, &err);
	is_int(r, 0, "data/aws-iam-escalation.json loads");
	ok(json_array_size(sets) >= 21, "it has the 21 Rhino Security Labs "
	    "methods");
	json_decref(sets);
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "temporary file");
		return;
	}
	fputs("{\"sets\": [{\"id\": \"x\", \"actions\": [\"iam:*\"]}]}", f);
	fclose(f);
	r = aws_iam_escalation_load(path, &sets, &err);
	ok(r != 0 && err != NULL && strstr(err, "wildcards") != NULL,
	    "a set with a wildcard action is refused: %s", err);
	free(err);
	unlink(path);
	r = aws_iam_escalation_load("/nonexistent/vigil.json", &sets, &err);
	ok(r != 0 && err != NULL, "a missing file is an error: %s", err);
	free(err);
}

int
main(void)
{
	match_cases();
	statement_cases();
	trust_cases();
	sets_cases();
	return done_testing();
}
