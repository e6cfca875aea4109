-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:user/bob
INSERT INTO aws_iam_users(run, source, arn, user_name, password_enabled, password_last_used, mfa_active, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', 1, '2026-02-27T09:15:00Z', 1, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/bob', 'bob', 1, '2026-02-20T11:00:00Z', 0, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/ci', 'ci', 0, NULL, 0, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/unknown', 'unknown', NULL, NULL, NULL, '[]', '[]', '[]', 0);
