-- now: 2026-03-01T00:00:00Z
-- parameters: {"max_access_key_age_days": 90}
-- expect: arn:aws:iam::111111111111:user/carol/AKIAOLD0000000000001
INSERT INTO aws_iam_access_keys(run, source, access_key_id, user_name, user_arn, status, created, last_used) VALUES
 (1, 'prod', 'AKIAOLD0000000000001', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Active', '2025-06-01T10:00:00Z', '2026-02-25T07:00:00Z'),
 (1, 'prod', 'AKIANEW0000000000001', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Active', '2026-01-05T12:00:00Z', NULL),
 (1, 'prod', 'AKIAEDGE000000000001', 'edge', 'arn:aws:iam::111111111111:user/edge', 'Active', '2025-12-01T00:00:00Z', NULL),
 (1, 'prod', 'AKIAINACTIVE00000001', 'dave', 'arn:aws:iam::111111111111:user/dave', 'Inactive', '2023-03-15T10:20:00Z', NULL);
