-- now: 2026-03-01T00:00:00Z
-- parameters: {"max_unused_days": 90}
-- expect: arn:aws:iam::111111111111:role/never-used, arn:aws:iam::111111111111:role/stale
-- stale: last used 120 days ago; never-used: created a year ago, never used.
-- Not flagged: fresh (used yesterday), new (created 10 days ago, never used), AWSServiceRoleForSupport (service-linked).
INSERT INTO aws_iam_roles(run, source, arn, role_name, path, created, last_used) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/stale', 'stale', '/', '2024-01-01T00:00:00Z', '2025-11-01T00:00:00Z'),
 (1, 'prod', 'arn:aws:iam::111111111111:role/never-used', 'never-used', '/', '2025-03-01T00:00:00Z', NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/fresh', 'fresh', '/', '2024-01-01T00:00:00Z', '2026-02-28T00:00:00Z'),
 (1, 'prod', 'arn:aws:iam::111111111111:role/new', 'new', '/', '2026-02-19T00:00:00Z', NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport', 'AWSServiceRoleForSupport', '/aws-service-role/support.amazonaws.com/', '2020-01-01T00:00:00Z', NULL);
