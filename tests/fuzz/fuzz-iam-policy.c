/*
 * fuzz-iam-policy.c: IAM policy documents as IAM returns them (URL-
 * encoded or plain JSON): decoding, the admin analysis (aws/collect.c),
 * the statement flattening and the trust-policy analysis
 * (aws/iam-policy.c), and the action wildcard matcher (first line the
 * pattern, the rest the action).
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/iam-policy.h"
#include "aws/aws.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_strndup(data, size), *nl, *err = NULL;
	json_t	*doc, *v;

	if ((doc = aws_policy_decode(s)) != NULL) {
		free(aws_policy_admin_reason(doc));
		(void)aws_policy_denies_all(doc);
		(void)aws_policy_allows_full_admin(doc);
		if ((v = aws_iam_statements(doc, &err)) != NULL)
			json_decref(v);
		free(err);
		err = NULL;
		if ((v = aws_iam_trust(doc, &err)) != NULL)
			json_decref(v);
		free(err);
		json_decref(doc);
	}
	if (size < 4096 && (nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		(void)aws_iam_action_match(s, nl + 1);
	}
	free(s);
	return 0;
}
