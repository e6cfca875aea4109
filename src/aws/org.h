/*
 * aws/org.h: every account of an AWS organisation in one collection
 * (the aws source's "organization" key, issue 11).
 */
#ifndef AWS_ORG_H
#define AWS_ORG_H

struct source_ctx;
struct http_req;
struct policy_source;
struct diags;

/*
 * The accounts ListAccounts returned, whether each was audited, and why
 * not (error: it could not be entered or collected; NULL when it was, or
 * when it is outside include/exclude).
 */
#define AWS_ORG_SCHEMA \
"CREATE TABLE IF NOT EXISTS aws_org_accounts(run INTEGER NOT NULL,\n" \
"  source TEXT, account_id TEXT, name TEXT, email TEXT, status TEXT,\n" \
"  joined TEXT, management INTEGER, audited INTEGER, error TEXT);\n" \
"CREATE INDEX IF NOT EXISTS aws_org_accounts_run\n" \
"  ON aws_org_accounts(run, account_id);\n"

/* The collector of a source with "organization" (aws/org.c). */
int	 aws_org_collect(struct source_ctx *);
/* Policy checks of the "organization" object. */
void	 aws_org_check(const struct policy_source *, struct diags *);

/* From aws/collect.c: one account with the given credentials. */
int	 aws_collect_account(struct source_ctx *, const char *akid,
	    const char *secret, const char *token, const char *account,
	    char **why);
/* From aws/collect.c: registers an AssumeRole reply's secrets. */
void	 aws_assume_role_seen(struct http_req *, void *);

#endif
