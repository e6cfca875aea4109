-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:user/carol
INSERT INTO aws_iam_users(run, source, arn, user_name, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/carol', 'carol', '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/rotating', 'rotating', '[]', '[]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', '[]', '[]', '[]', 0);
INSERT INTO aws_iam_access_keys(run, source, access_key_id, user_name, user_arn, status, created) VALUES
 (1, 'prod', 'AKIACAROL00000000001', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Active', '2025-06-01T10:00:00Z'),
 (1, 'prod', 'AKIACAROL00000000002', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Active', '2025-11-01T10:00:00Z'),
 (1, 'prod', 'AKIAROTATING00000001', 'rotating', 'arn:aws:iam::111111111111:user/rotating', 'Active', '2026-02-01T10:00:00Z'),
 (1, 'prod', 'AKIAROTATING00000002', 'rotating', 'arn:aws:iam::111111111111:user/rotating', 'Inactive', '2025-01-01T10:00:00Z'),
 (1, 'prod', 'AKIAALICE00000000001', 'alice', 'arn:aws:iam::111111111111:user/alice', 'Active', '2026-01-05T12:00:00Z');
