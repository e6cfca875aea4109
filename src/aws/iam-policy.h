/*
 * aws/iam-policy.h: IAM policy-document analysis for the aws source:
 * identity-policy statements flattened for SQL, which policies reach
 * each principal (directly or through a group), role trust policies,
 * and the known privilege-escalation sets (data/aws-iam-escalation.json).
 * The tables are documented in docs/schema.md.
 */
#ifndef AWS_IAM_POLICY_H
#define AWS_IAM_POLICY_H

#include <jansson.h>

struct source_ctx;

#define AWS_IAM_POLICY_SCHEMA \
"CREATE TABLE IF NOT EXISTS aws_iam_statements(run INTEGER NOT NULL,\n" \
"  source TEXT, policy_ref TEXT, policy_name TEXT, policy_kind TEXT,\n" \
"  owner_arn TEXT, idx INTEGER, sid TEXT, effect TEXT, action_kind TEXT,\n" \
"  actions TEXT, resource_kind TEXT, resources TEXT, resource_any INTEGER,\n" \
"  self_only INTEGER, condition TEXT, error TEXT, raw TEXT, account_id TEXT);\n" \
"CREATE INDEX IF NOT EXISTS aws_iam_statements_run\n" \
"  ON aws_iam_statements(run, policy_ref);\n" \
"CREATE TABLE IF NOT EXISTS aws_iam_principal_policies(run INTEGER\n" \
"  NOT NULL, source TEXT, principal_arn TEXT, principal_type TEXT,\n" \
"  principal_name TEXT, policy_ref TEXT, via TEXT, account_id TEXT);\n" \
"CREATE INDEX IF NOT EXISTS aws_iam_principal_policies_run\n" \
"  ON aws_iam_principal_policies(run, principal_arn);\n" \
"CREATE TABLE IF NOT EXISTS aws_iam_role_trust(run INTEGER NOT NULL,\n" \
"  source TEXT, role_arn TEXT, role_name TEXT, role_account TEXT,\n" \
"  idx INTEGER, effect TEXT, actions TEXT, principal_kind TEXT,\n" \
"  principal TEXT, principal_account TEXT, condition TEXT,\n" \
"  restricting_condition INTEGER, oidc_provider TEXT, sub_values TEXT,\n" \
"  sub_unrestricted INTEGER, error TEXT, account_id TEXT);\n" \
"CREATE INDEX IF NOT EXISTS aws_iam_role_trust_run\n" \
"  ON aws_iam_role_trust(run, role_arn);\n" \
"CREATE TABLE IF NOT EXISTS aws_iam_escalation_sets(run INTEGER NOT NULL,\n" \
"  source TEXT, set_id TEXT, title TEXT, action TEXT, actions TEXT,\n" \
"  reference TEXT, account_id TEXT);\n" \
"CREATE INDEX IF NOT EXISTS aws_iam_escalation_sets_run\n" \
"  ON aws_iam_escalation_sets(run, set_id);\n" \
"CREATE TABLE IF NOT EXISTS aws_iam_virtual_mfa(run INTEGER NOT NULL,\n" \
"  source TEXT, serial_number TEXT, user_arn TEXT, user_name TEXT,\n" \
"  is_root INTEGER, enable_date TEXT, raw TEXT, account_id TEXT);\n" \
"CREATE INDEX IF NOT EXISTS aws_iam_virtual_mfa_run\n" \
"  ON aws_iam_virtual_mfa(run, serial_number);\n"

/*
 * 1 when the IAM action pattern (wildcards '*' and '?') matches action,
 * case-insensitively ("iam:Put*" matches "iam:PutUserPolicy").
 */
int	 aws_iam_action_match(const char *pattern, const char *action);

/*
 * The statements of an identity policy document as an array of objects
 * (idx, sid, effect, action_kind, actions, resource_kind, resources,
 * resource_any, self_only, condition, raw); actions are lower-cased
 * patterns in SQLite GLOB syntax.  NULL with *error for a document that
 * is not a valid policy (no Statement, a bad Effect, no Action, ...).
 */
json_t	*aws_iam_statements(json_t *doc, char **error);

/*
 * The principals a role's trust policy lets in: an array of objects
 * (idx, effect, actions, principal_kind, principal, principal_account,
 * condition, restricting_condition, oidc_provider, sub_values,
 * sub_unrestricted).  NULL with *error for a malformed document.
 */
json_t	*aws_iam_trust(json_t *doc, char **error);

/* Reads the escalation sets file; *sets gets its "sets" array. */
int	 aws_iam_escalation_load(const char *path, json_t **sets,
	    char **error);

/* The escalation sets file: $VIGIL_AWS_ESCALATION, datadir, source. */
char	*aws_iam_escalation_path(void);

/*
 * Writes aws_iam_statements, aws_iam_principal_policies,
 * aws_iam_role_trust and aws_iam_escalation_sets from the collected
 * authorization details (aws/collect.c's users, groups: name -> object;
 * roles: array; policies: arn -> object).  Returns 0 or an error with
 * *why set.
 */
int	 aws_iam_policy_tables(struct source_ctx *, json_t *users,
	    json_t *groups, json_t *roles, json_t *policies, char **why);

#endif
