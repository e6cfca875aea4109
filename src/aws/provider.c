/*
 * aws/provider.c: the AWS provider's part of the shared engines (see
 * aws/provider.h): identities, drift keys, organisation scope, the
 * aws_ssm critical value and the account of a finding.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/aws.h"
#include "aws/provider.h"
#include "policy.h"
#include "source.h"
#include "vigil.h"
#include "xmalloc.h"

/* IAM users have no email: a user name that is one is used. */
const struct identity_part aws_identity[] = {
	{ "aws_iam_users", "arn user_name is_admin password_enabled",
	  "aws_iam_access_keys", "user_name status",
	  "SELECT CASE WHEN u.user_name LIKE '%_@_%' THEN lower(u.user_name) "
	  "END, 'aws', u.source, u.arn, u.user_name, "
	  "CASE WHEN u.password_enabled = 1 OR EXISTS (SELECT 1 FROM "
	  "temp.aws_iam_access_keys k WHERE k.source IS u.source AND "
	  "k.user_name = u.user_name AND k.status = 'Active') THEN 1 ELSE 0 "
	  "END, coalesce(u.is_admin, 0) FROM temp.aws_iam_users u" },
	{ NULL, NULL, NULL, NULL, NULL }
};

/*
 * Freeze journal ops (aws/freeze.c) that attach vigil's deny policy, and
 * the policy it created: during an active freeze, that exact policy is
 * dropped from both sides of aws_iam_policies, its ARN from
 * attached_policies of the users and roles the journal says vigil
 * attached it to, and its statements (aws_iam_statements) and journaled
 * attachments (aws_iam_principal_policies) the same way.  A policy merely
 * named like vigil's, or attached to anyone else, is still drift.
 */
#define FZ_ATTACH	"op IN ('attach_user_policy', 'attach_role_policy')"
#define FZ_CREATED	"SELECT json_extract(params, '$.arn') FROM " \
	"main.freeze_journal WHERE op = 'create_policy' AND {active}"

static const char fz_principal_policy[] =
    "UPDATE temp.{side} AS t SET attached_policies = (SELECT "
    "json_group_array(e.value) FROM json_each(t.attached_policies) e "
    "WHERE e.value NOT IN (SELECT json_extract(params, '$.policy_arn') "
    "FROM main.freeze_journal WHERE target = t.arn AND " FZ_ATTACH " AND "
    "{active})) WHERE t.arn IN (SELECT target FROM main.freeze_journal "
    "WHERE " FZ_ATTACH " AND {active}) AND json_valid(t.attached_policies)";

/*
 * Natural keys for drift; not compared: aws_account.summary (the
 * account's entity counts), route53_zones.record_count (route53_records
 * has the records), aws_org_accounts.error (a failed source's reason).
 * aws_iam_policies is keyed by account too: the ARN of an AWS-managed
 * policy is the same in every account of an organisation (the other keys,
 * ARNs with the account and global ids, are unique already).
 */
const struct drift_table aws_drift[] = {
	{ "aws_account",		"account_id", "summary", NULL, NULL },
	{ "aws_iam_access_keys",	"access_key_id", NULL, NULL, NULL },
	{ "aws_iam_groups",		"arn", NULL, NULL, NULL },
	{ "aws_iam_policies",		"account_id,arn", NULL, "arn",
	  "DELETE FROM temp.{side} WHERE arn IN (" FZ_CREATED ")" },
	{ "aws_iam_principal_policies",	NULL, NULL,
	  "policy_ref principal_arn",
	  "DELETE FROM temp.{side} AS t WHERE EXISTS (SELECT 1 FROM "
	  "main.freeze_journal WHERE target = t.principal_arn AND "
	  "json_extract(params, '$.policy_arn') = t.policy_ref AND "
	  FZ_ATTACH " AND {active})" },
	{ "aws_iam_roles",		"arn", NULL, "arn attached_policies",
	  fz_principal_policy },
	{ "aws_iam_statements",		NULL, NULL, "policy_ref",
	  "DELETE FROM temp.{side} WHERE policy_ref IN (" FZ_CREATED ")" },
	{ "aws_iam_users",		"arn", NULL, "arn attached_policies",
	  fz_principal_policy },
	{ "aws_org_accounts",		"account_id", "error", NULL, NULL },
	{ "route53_domains",		"domain", NULL, NULL, NULL },
	{ "route53_records",
	    "zone_id,name,type,value,set_identifier", NULL, NULL, NULL },
	{ "route53_zones",		"zone_id", "record_count", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

/* The accounts an organisation source (aws/org.c) could not audit. */
const struct source_scope aws_scope = {
	"account", "account_id",
	"SELECT account_id, error FROM main.aws_org_accounts WHERE run = ?1 "
	"AND source = ?2 AND audited = 1 AND error IS NOT NULL ORDER BY "
	"account_id"
};

/* ---- the aws_ssm critical value ---------------------------------------- */

static const char *const ssm_pin_keys[] = { "source", "parameter", NULL };

static void
ssm_pin_check(const struct policy *p, json_t *src, json_t *problems)
{
	const char	*s;
	char		*why;

	if ((s = json_string_value(json_object_get(src, "source"))) != NULL &&
	    (why = source_ref_problem(p, s, "aws")) != NULL) {
		json_array_append_new(problems, json_string(why));
		free(why);
	}
}

static int
ssm_pin_read(const struct policy *p, json_t *src, struct http_client *http,
    int secret, char **value, char **error)
{
	const struct policy_source *ps;
	const char	*name;
	char		*err = NULL;
	int		 r;

	*value = *error = NULL;
	name = json_string_value(json_object_get(src, "parameter"));
	ps = policy_source_find(p, json_string_value(json_object_get(src,
	    "source")));
	if ((r = aws_ssm_get_parameter(p, ps, http, name, secret, value,
	    &err)) != 0) {
		*error = xasprintf("SSM parameter %s: %s", name,
		    err != NULL ? err : "cannot read");
		free(err);
		return r;
	}
	return 0;
}

const struct critical_reader aws_critical[] = {
	{
		.type = "aws_ssm",
		.keys = ssm_pin_keys,
		.nrequired = 2,
		.check = ssm_pin_check,
		.read = ssm_pin_read,
	},
	{ .type = NULL }
};

/* ---- the account of a finding ------------------------------------------ */

/* 1 when s is an AWS account id (12 digits). */
static int
aws_account_like(const char *s, size_t n)
{
	size_t	 i;

	if (n != 12)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

void
aws_finding_account(json_t *f)
{
	const char	*res, *p, *q, *prov;
	json_t		*ev;

	ev = json_object_get(json_object_get(f, "evidence"), "account_id");
	res = json_string_value(json_object_get(f, "resource"));
	prov = json_string_value(json_object_get(f, "provider"));
	if (json_is_string(ev) && aws_account_like(json_string_value(ev),
	    strlen(json_string_value(ev)))) {
		json_object_set(f, "account_id", ev);
		return;
	}
	if (res == NULL)
		return;
	if (strncmp(res, "arn:aws", 7) == 0) {
		/* arn:PARTITION:SERVICE:REGION:ACCOUNT:... */
		p = res;
		for (int i = 0; i < 4 && p != NULL; i++)
			if ((p = strchr(p, ':')) != NULL)
				p++;
		if (p != NULL && (q = strchr(p, ':')) != NULL &&
		    aws_account_like(p, (size_t)(q - p)))
			json_object_set_new(f, "account_id",
			    json_stringn(p, (size_t)(q - p)));
		return;
	}
	if (strncmp(res, "source:", 7) == 0 && (p = strstr(res,
	    "/account:")) != NULL && aws_account_like(p + 9, strlen(p + 9))) {
		json_object_set_new(f, "account_id", json_string(p + 9));
		return;
	}
	if (prov != NULL && (strcmp(prov, "aws") == 0 ||
	    strcmp(prov, "drift") == 0) && aws_account_like(res, strlen(res)))
		json_object_set_new(f, "account_id", json_string(res));
}
