-- now: 2026-03-01T00:00:00Z
-- parameters: {"max_unused_days": 45}
-- expect: arn:aws:iam::111111111111:user/carol/AKIANEVERUSED0000001, arn:aws:iam::111111111111:user/old/AKIASTALE00000000001
INSERT INTO aws_iam_access_keys(run, source, access_key_id, user_name, user_arn, status, created, last_used, last_used_service) VALUES
 (1, 'prod', 'AKIAUSED000000000001', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Active', '2025-06-01T10:00:00Z', '2026-02-25T07:00:00Z', 's3'),
 (1, 'prod', 'AKIANEVERUSED0000001', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Active', '2025-11-01T10:00:00Z', NULL, NULL),
 (1, 'prod', 'AKIAFRESH00000000001', 'new', 'arn:aws:iam::111111111111:user/new', 'Active', '2026-02-20T10:00:00Z', NULL, NULL),
 (1, 'prod', 'AKIASTALE00000000001', 'old', 'arn:aws:iam::111111111111:user/old', 'Active', '2024-01-01T00:00:00Z', '2025-12-01T00:00:00Z', 'sts'),
 (1, 'prod', 'AKIAINACTIVE00000001', 'dave', 'arn:aws:iam::111111111111:user/dave', 'Inactive', '2023-03-15T10:20:00Z', '2025-08-30T10:00:00Z', 'sts');
