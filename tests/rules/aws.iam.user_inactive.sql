-- now: 2026-03-01T00:00:00Z
-- parameters: {"inactive_user_days": 90}
-- expect: arn:aws:iam::111111111111:user/dave, arn:aws:iam::111111111111:user/svc-idle
INSERT INTO aws_iam_users(run, source, arn, user_name, created, password_enabled, password_last_used, mfa_active, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', '2024-01-10T10:00:00Z', 1, '2026-02-27T09:15:00Z', 1, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/dave', 'dave', '2023-03-15T10:00:00Z', 1, '2025-09-01T10:00:00Z', 1, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/carol', 'carol', '2023-01-01T00:00:00Z', 0, NULL, 0, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/svc-idle', 'svc-idle', '2025-10-01T10:00:00Z', 0, NULL, 0, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/newbie', 'newbie', '2026-02-01T10:00:00Z', 1, NULL, 0, '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/disabled', 'disabled', '2020-01-01T00:00:00Z', 0, NULL, 0, '[]', '[]', '[]', 0);
INSERT INTO aws_iam_access_keys(run, source, access_key_id, user_name, user_arn, status, created, last_used) VALUES
 (1, 'prod', 'AKIACAROL00000000001', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Active', '2023-01-01T00:00:00Z', '2026-02-25T07:00:00Z'),
 (1, 'prod', 'AKIASVCIDLE000000001', 'svc-idle', 'arn:aws:iam::111111111111:user/svc-idle', 'Active', '2025-10-01T10:05:00Z', NULL),
 (1, 'prod', 'AKIADISABLED00000001', 'disabled', 'arn:aws:iam::111111111111:user/disabled', 'Inactive', '2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z');
