/*
 * aws/collect.c: the AWS source (type "aws"): IAM, STS, Route 53 and
 * Route 53 Domains, read-only: its schema, policy keys and checks, and
 * the collection of one account.  The parts: aws/client.c (requests,
 * replies, STS), aws/iam.c, aws/route53.c, aws/ssm.c (the SSM parameter
 * reader of aws.h), aws/org.c (every account of an organisation).
 *
 * The cheapest complete enumeration (docs/apis.md section 1):
 *   STS   [AssumeRole], GetCallerIdentity
 *   IAM   GenerateCredentialReport, GetCredentialReport (users, passwords,
 *         MFA, key use), GetAccountAuthorizationDetails (every user,
 *         group, role and managed policy with documents; all pages),
 *         GetAccountSummary (root MFA and keys), GetAccountPasswordPolicy,
 *         ListAccessKeys only for users whose report shows a key (the
 *         report has no key ids)
 *   Route 53          ListHostedZones, ListResourceRecordSets per zone
 *   Route 53 Domains  ListDomains, GetDomainDetail per domain
 * Independent calls go out together through http_do_all().  Any AWS
 * error other than throttling (aws/client.c) fails the source with the
 * AWS code and message.
 *
 * Lists are followed to their last page (IAM Marker, Route 53 NextMarker
 * and NextRecordName/Type/Identifier, Route 53 Domains NextPageMarker); a
 * truncated page that cannot be followed fails the source.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "aws/iam-policy.h"
#include "aws/org.h"
#include "aws/aws.h"
#include "aws/provider.h"
#include "aws/aws-int.h"
#include "log.h"
#include "aws/sigv4.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

static const char aws_schema[] =
"CREATE TABLE IF NOT EXISTS aws_account(run INTEGER NOT NULL, source TEXT,\n"
"  account_id TEXT, caller_arn TEXT, root_mfa_enabled INTEGER,\n"
"  root_access_keys_present INTEGER, root_password_last_used TEXT,\n"
"  root_access_key_last_used TEXT, password_policy TEXT, summary TEXT,\n"
"  raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_account_run ON aws_account(run, account_id);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_users(run INTEGER NOT NULL, source TEXT,\n"
"  arn TEXT, user_name TEXT, user_id TEXT, path TEXT, created TEXT,\n"
"  password_enabled INTEGER, password_last_used TEXT,\n"
"  password_last_changed TEXT, mfa_active INTEGER,\n"
"  active_access_keys INTEGER, groups TEXT, attached_policies TEXT,\n"
"  inline_policy_names TEXT, is_admin INTEGER, admin_reason TEXT,\n"
"  raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_users_run ON aws_iam_users(run, arn);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_access_keys(run INTEGER NOT NULL,\n"
"  source TEXT, access_key_id TEXT, user_name TEXT, user_arn TEXT,\n"
"  status TEXT, created TEXT, last_used TEXT, last_used_service TEXT,\n"
"  last_used_region TEXT, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_access_keys_run\n"
"  ON aws_iam_access_keys(run, access_key_id);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_roles(run INTEGER NOT NULL, source TEXT,\n"
"  arn TEXT, role_name TEXT, role_id TEXT, path TEXT, created TEXT,\n"
"  trust_policy TEXT, attached_policies TEXT, inline_policy_names TEXT,\n"
"  is_admin INTEGER, last_used TEXT, last_used_region TEXT, raw TEXT,\n"
"  admin_reason TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_roles_run ON aws_iam_roles(run, arn);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_groups(run INTEGER NOT NULL, source TEXT,\n"
"  arn TEXT, group_name TEXT, group_id TEXT, path TEXT, created TEXT,\n"
"  members TEXT, attached_policies TEXT, inline_policy_names TEXT,\n"
"  is_admin INTEGER, raw TEXT, admin_reason TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_groups_run ON aws_iam_groups(run, arn);\n"
"CREATE TABLE IF NOT EXISTS aws_iam_policies(run INTEGER NOT NULL,\n"
"  source TEXT, arn TEXT, policy_name TEXT, policy_id TEXT,\n"
"  aws_managed INTEGER, default_version TEXT, document TEXT,\n"
"  attachment_count INTEGER, allows_full_admin INTEGER, raw TEXT,\n"
"  admin_reason TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS aws_iam_policies_run\n"
"  ON aws_iam_policies(run, arn);\n"
"CREATE TABLE IF NOT EXISTS route53_zones(run INTEGER NOT NULL, source TEXT,\n"
"  zone_id TEXT, name TEXT, private INTEGER, record_count INTEGER,\n"
"  comment TEXT, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS route53_zones_run ON route53_zones(run, zone_id);\n"
"CREATE TABLE IF NOT EXISTS route53_records(run INTEGER NOT NULL,\n"
"  source TEXT, zone_id TEXT, name TEXT, type TEXT, ttl INTEGER,\n"
"  value TEXT, set_identifier TEXT, alias INTEGER, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS route53_records_run\n"
"  ON route53_records(run, zone_id, name, type);\n"
"CREATE TABLE IF NOT EXISTS route53_domains(run INTEGER NOT NULL,\n"
"  source TEXT, domain TEXT, transfer_lock INTEGER, auto_renew INTEGER,\n"
"  expires TEXT, status TEXT, registrar TEXT, nameservers TEXT,\n"
"  dnssec TEXT, created TEXT, raw TEXT, account_id TEXT);\n"
"CREATE INDEX IF NOT EXISTS route53_domains_run\n"
"  ON route53_domains(run, domain);\n"
AWS_ORG_SCHEMA
AWS_IAM_POLICY_SCHEMA;

static const char *const aws_keys[] = {
	"region", "access_key_id_env", "secret_access_key_env",
	"session_token_env", "assume_role_arn", "account_id", "deadline_s",
	"organization",
	NULL
};

/* How the policy checker checks its keys (struct policy_type). */
static const struct policy_key aws_kinds[] = {
	{ "region", POLICY_STRING },
	{ "assume_role_arn", POLICY_STRING },
	{ "account_id", POLICY_STRING },
	{ "secret_access_key", POLICY_SECRET },
	{ NULL, 0 }
};

static const char *const aws_endpoint_keys[] = {
	"iam", "sts", "route53", "route53domains", "ssm", "organizations", NULL
};

static int
aws_collect_all(struct aws *a, char **why)
{
	enum { Q_GEN, Q_GAAD, Q_SUM, Q_PWD, Q_ZONES, Q_DOMS, Q_VMFA, Q_N };
	struct http_req	*q[Q_N], *q2[1];
	struct zone	*zones = NULL;
	json_t		*doms;
	char		*marker = NULL, *prev = NULL, *st = NULL, *e, *p;
	size_t		 nz = 0, i;
	int		 r;

	memset(q, 0, sizeof(q));
	doms = json_array();
	a->users = json_object();
	a->groups = json_object();
	a->roles = json_array();
	a->policies = json_object();

	/* Round 1: everything that needs nothing else. */
	q[Q_GEN] = query_req(a, SVC_IAM, "Action=GenerateCredentialReport");
	q[Q_GAAD] = gaad_req(a, NULL);
	q[Q_SUM] = query_req(a, SVC_IAM, "Action=GetAccountSummary");
	q[Q_PWD] = query_req(a, SVC_IAM, "Action=GetAccountPasswordPolicy");
	q[Q_ZONES] = get_req(a, SVC_R53, R53_PATH "/hostedzone?maxitems=100");
	q[Q_DOMS] = domains_req(a, NULL);
	q[Q_VMFA] = vmfa_req(a, NULL);
	http_do_all(a->http, q, Q_N);

	if ((st = report_state(q[Q_GEN], why)) == NULL) {
		r = VGL_ERR_PROVIDER;
		goto out;
	}
	if ((r = summary_parse(a, q[Q_SUM], why)) != 0 ||
	    (r = pwpolicy_parse(a, q[Q_PWD], why)) != 0)
		goto out;
	/* Authorization details: the remaining pages one after another. */
	r = gaad_page(a, q[Q_GAAD], &marker, why);
	while (r == 0 && marker != NULL) {
		q2[0] = gaad_req(a, marker);
		free(prev);
		prev = marker;
		http_do(a->http, q2[0]);
		r = gaad_page(a, q2[0], &marker, why);
		http_req_free(q2[0]);
		if (r == 0)
			r = marker_advances(prev, &marker,
			    "GetAccountAuthorizationDetails", why);
	}
	if (r != 0)
		goto out;
	r = zones_page(a, q[Q_ZONES], &zones, &nz, &marker, why);
	while (r == 0 && marker != NULL) {
		e = http_escape(marker);
		p = xasprintf(R53_PATH "/hostedzone?maxitems=100&marker=%s",
		    e);
		q2[0] = get_req(a, SVC_R53, p);
		free(e);
		free(p);
		free(prev);
		prev = marker;
		http_do(a->http, q2[0]);
		r = zones_page(a, q2[0], &zones, &nz, &marker, why);
		http_req_free(q2[0]);
		if (r == 0)
			r = marker_advances(prev, &marker, "ListHostedZones",
			    why);
	}
	if (r != 0)
		goto out;
	r = vmfa_page(a, q[Q_VMFA], &marker, why);
	while (r == 0 && marker != NULL) {
		q2[0] = vmfa_req(a, marker);
		free(marker);
		http_do(a->http, q2[0]);
		r = vmfa_page(a, q2[0], &marker, why);
		http_req_free(q2[0]);
	}
	if (r != 0)
		goto out;
	r = domains_page(q[Q_DOMS], doms, &marker, why);
	while (r == 0 && marker != NULL) {
		q2[0] = domains_req(a, marker);
		free(prev);
		prev = marker;
		http_do(a->http, q2[0]);
		r = domains_page(q2[0], doms, &marker, why);
		http_req_free(q2[0]);
		if (r == 0)
			r = marker_advances(prev, &marker, "ListDomains", why);
	}
	if (r != 0)
		goto out;
	for (i = 0; i < Q_N; i++) {
		http_req_free(q[i]);
		q[i] = NULL;
	}

	/* Round 2: the report, the records of every zone, domain details. */
	q[0] = query_req(a, SVC_IAM, "Action=GetCredentialReport");
	http_do(a->http, q[0]);
	if ((r = credential_report(a, q[0], why)) != 0)
		goto out;
	if ((r = route53_records(a, zones, nz, why)) != 0 ||
	    (r = domain_details(a, doms, why)) != 0)
		goto out;
	/* Round 3: key ids of the users that have keys. */
	if ((r = access_keys(a, why)) != 0 || (r = write_iam(a)) != 0 ||
	    (r = write_account(a)) != 0)
		goto out;
	/* Policy documents, trust policies, escalation sets (new file). */
	if ((r = aws_iam_policy_tables(a->ctx, a->users, a->groups, a->roles,
	    a->policies, why)) != 0)
		goto out;
 out:
	for (i = 0; i < Q_N; i++)
		http_req_free(q[i]);
	for (i = 0; i < nz; i++) {
		free(zones[i].id);
		free(zones[i].next_name);
		free(zones[i].next_type);
		free(zones[i].next_ident);
	}
	free(zones);
	free(marker);
	free(prev);
	free(st);
	json_decref(doms);
	return r;
}

static int
aws_collect(struct source_ctx *ctx)
{
	struct aws	 a;
	const char	*role;
	char		*why = NULL;
	int		 r;

	xmlInitParser();
	if (json_object_get(ctx->ps->obj, "organization") != NULL)
		return aws_org_collect(ctx);
	if ((r = aws_init(&a, ctx->ps, ctx->http, &why)) != 0)
		goto out;
	a.ctx = ctx;
	role = policy_source_str(ctx->ps, "assume_role_arn", NULL);
	if (role != NULL && !a.replay &&
	    (r = sts_assume_role(&a, role, &why)) != 0)
		goto out;
	if ((r = sts_identity(&a, &why)) != 0)
		goto out;
	ctx->account_id = a.account_id;
	r = aws_collect_all(&a, &why);
	ctx->account_id = NULL;
 out:
	if (r != 0)
		r = source_fail(ctx, "%s", why != NULL ? why : vgl_err(r));
	free(why);
	aws_release(&a);
	return r;
}

/*
 * One account of an organisation (aws/org.c): ctx->http is the account's
 * own client; akid/secret/token are its temporary credentials (NULL: the
 * source's own, for the management account).  The identity must be
 * account; every row is stamped with it.
 */
int
aws_collect_account(struct source_ctx *ctx, const char *akid,
    const char *secret, const char *token, const char *account, char **why)
{
	struct aws	 a;
	int		 r;

	*why = NULL;
	if ((r = aws_init(&a, ctx->ps, ctx->http, why)) != 0)
		goto out;
	a.ctx = ctx;
	if (akid != NULL) {
		free(a.akid);
		freestr_secret(a.secret);
		freestr_secret(a.token);
		a.akid = xstrdup(akid);
		a.secret = xstrdup(secret);
		a.token = token != NULL ? xstrdup(token) : NULL;
		aws_set_signers(&a);
	}
	a.member = 1;
	if ((r = sts_identity(&a, why)) != 0)
		goto out;
	if (strcmp(a.account_id, account) != 0) {
		*why = xasprintf("credentials belong to account %s, not %s",
		    a.account_id, account);
		r = VGL_ERR_PROVIDER;
		goto out;
	}
	ctx->account_id = account;
	r = aws_collect_all(&a, why);
 out:
	aws_release(&a);
	return r;
}

void
aws_assume_role_seen(struct http_req *q, void *arg)
{
	assume_role_seen(q, arg);
}

/* ---- the type ------------------------------------------------------------ */

static void
aws_check(const struct policy_source *ps, struct diags *d)
{
	const char	*s;
	size_t		 i;

	if ((s = policy_source_str(ps, "region", NULL)) != NULL) {
		for (i = 0; s[i] != '\0'; i++)
			if (!islower((unsigned char)s[i]) &&
			    !isdigit((unsigned char)s[i]) && s[i] != '-')
				break;
		if (i == 0 || s[i] != '\0')
			diags_add(d, ps->file, ps->line, ps->col, "source "
			    "'%s': \"region\" must look like \"us-east-1\"",
			    ps->name);
	}
	if ((s = policy_source_str(ps, "account_id", NULL)) != NULL) {
		for (i = 0; isdigit((unsigned char)s[i]); i++)
			;
		if (i != 12 || s[i] != '\0')
			diags_add(d, ps->file, ps->line, ps->col, "source "
			    "'%s': \"account_id\" must be 12 digits",
			    ps->name);
	}
	if ((s = policy_source_str(ps, "assume_role_arn", NULL)) != NULL &&
	    strncmp(s, "arn:", 4) != 0)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"assume_role_arn\" must be a role ARN (arn:aws:iam::"
		    "ACCOUNT:role/NAME)", ps->name);
	aws_org_check(ps, d);
}

const struct source_type source_aws = {
	.name = "aws",
	.keys = aws_keys,
	.endpoint_keys = aws_endpoint_keys,
	.kinds = aws_kinds,
	.http = 1,
	.schema = aws_schema,
	.check = aws_check,
	.collect = aws_collect,
	.identity = aws_identity,
	.drift = aws_drift,
	.scope = &aws_scope,
	.critical = aws_critical,
	.finding_account = aws_finding_account,
	.accounts_sql = "SELECT source, account_id, name, status, management, "
	    "audited, error FROM main.aws_org_accounts WHERE run = ?1 "
	    "ORDER BY account_id, source",
	.freeze = &aws_freeze_ops,
	.freeze_keys = aws_freeze_keys,
	.check_freeze = aws_check_freeze,
};
