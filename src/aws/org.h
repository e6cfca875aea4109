/*
 * aws/org.h: every account of an AWS organisation in one collection
 * (the aws source's "organization" key, issue 11).
 */
#ifndef AWS_ORG_H
#define AWS_ORG_H

#include <stddef.h>

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

/*
 * For the freeze (aws/freeze.c): the accounts of the organisation of ps
 * that "include"/"exclude" select, listed and entered as the collection
 * does, through c (the management account's connection) and its client
 * http.  An entered member has akid, secret and token (registered for
 * redaction); the management account has none (use c); an account that
 * cannot be entered has error.  0 with *out (free with
 * aws_org_members_free) and *n set, or an error with *why set.
 */
struct aws_conn;
struct http_client;
struct aws_org_member {
	char	*id;
	char	*name;
	int	 management;
	char	*akid;
	char	*secret;
	char	*token;
	char	*error;
};
int	 aws_org_members(const struct policy_source *, struct aws_conn *c,
	    struct http_client *http, struct aws_org_member **out, size_t *n,
	    char **why);
void	 aws_org_members_free(struct aws_org_member *, size_t);

/* From aws/collect.c: one account with the given credentials. */
int	 aws_collect_account(struct source_ctx *, const char *akid,
	    const char *secret, const char *token, const char *account,
	    char **why);
/* From aws/collect.c: registers an AssumeRole reply's secrets. */
void	 aws_assume_role_seen(struct http_req *, void *);

#endif
