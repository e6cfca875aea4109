-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:policy/assume-any, arn:aws:iam::111111111111:policy/iam-star, arn:aws:iam::111111111111:role/ci#pass-any, arn:aws:iam::111111111111:user/ops#not-action, arn:aws:iam::aws:policy/AttachedAwsPassRole
-- pass-any: iam:PassRole on "*"; assume-any: sts:AssumeRole on "*"; iam-star: iam:* on "*"; not-action: NotAction s3:* on "*";
-- AttachedAwsPassRole: an attached AWS managed policy.
-- Not flagged: pass-one (one role ARN), full-admin (Action "*", reported by the admin rules), deny-pass (Deny), unattached AWS managed, s3-only.
INSERT INTO aws_iam_policies(run, source, arn, policy_name, aws_managed, attachment_count) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:policy/assume-any', 'assume-any', 0, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:policy/iam-star', 'iam-star', 0, 2),
 (1, 'prod', 'arn:aws:iam::aws:policy/AttachedAwsPassRole', 'AttachedAwsPassRole', 1, 1),
 (1, 'prod', 'arn:aws:iam::aws:policy/UnattachedAwsPassRole', 'UnattachedAwsPassRole', 1, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:policy/full-admin', 'full-admin', 0, 1);
INSERT INTO aws_iam_statements(run, source, policy_ref, policy_name, policy_kind, owner_arn, idx, effect, action_kind, actions, resource_kind, resources, resource_any, self_only, condition) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/ci#pass-any', 'pass-any', 'inline', 'arn:aws:iam::111111111111:role/ci', 0, 'Allow', 'Action', '["iam:passrole"]', 'Resource', '["*"]', 1, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/ci#pass-one', 'pass-one', 'inline', 'arn:aws:iam::111111111111:role/ci', 0, 'Allow', 'Action', '["iam:passrole"]', 'Resource', '["arn:aws:iam::111111111111:role/app"]', 0, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:policy/assume-any', 'assume-any', 'managed', NULL, 0, 'Allow', 'Action', '["sts:assumerole"]', 'Resource', '["*"]', 1, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:policy/iam-star', 'iam-star', 'managed', NULL, 0, 'Allow', 'Action', '["iam:*"]', 'Resource', '["*"]', 1, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:user/ops#not-action', 'not-action', 'inline', 'arn:aws:iam::111111111111:user/ops', 0, 'Allow', 'NotAction', '["s3:*"]', 'Resource', '["*"]', 1, 0, NULL),
 (1, 'prod', 'arn:aws:iam::aws:policy/AttachedAwsPassRole', 'AttachedAwsPassRole', 'managed', NULL, 0, 'Allow', 'Action', '["iam:passrole"]', 'Resource', '["*"]', 1, 0, '{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}'),
 (1, 'prod', 'arn:aws:iam::aws:policy/UnattachedAwsPassRole', 'UnattachedAwsPassRole', 'managed', NULL, 0, 'Allow', 'Action', '["iam:passrole"]', 'Resource', '["*"]', 1, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:policy/full-admin', 'full-admin', 'managed', NULL, 0, 'Allow', 'Action', '["*"]', 'Resource', '["*"]', 1, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/ci#deny-pass', 'deny-pass', 'inline', 'arn:aws:iam::111111111111:role/ci', 0, 'Deny', 'Action', '["iam:passrole"]', 'Resource', '["*"]', 1, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/ci#s3-only', 's3-only', 'inline', 'arn:aws:iam::111111111111:role/ci', 0, 'Allow', 'Action', '["s3:*"]', 'Resource', '["*"]', 1, 0, NULL);
