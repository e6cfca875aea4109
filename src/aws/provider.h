/*
 * provider.h: what the AWS provider contributes to the shared engines
 * besides its collector (aws/provider.c; struct source_type, source.h).
 */
#ifndef AWS_PROVIDER_H
#define AWS_PROVIDER_H

#include <jansson.h>

#include "source.h"

/* IAM users in the identities view (store.c). */
extern const struct identity_part aws_identity[];
/* Natural keys for drift, and what a freeze changed (drift.c). */
extern const struct drift_table aws_drift[];
/* The accounts of an organisation a failed source could not audit. */
extern const struct source_scope aws_scope;
/*
 * The "aws_ssm" critical value: source (an `aws` source), parameter;
 * read with aws_ssm_get_parameter() through critical.c's HTTP client.
 */
extern const struct critical_reader aws_critical[];
/*
 * Sets a finding's "account_id" (reports group by account):
 * evidence.account_id, else the account field of an ARN resource, else
 * "source:NAME/account:ID" (an account that was not audited), else an
 * aws or drift finding whose resource is the account id.
 */
void	 aws_finding_account(json_t *finding);

#endif
