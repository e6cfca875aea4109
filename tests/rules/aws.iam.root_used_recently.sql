-- now: 2026-03-01T00:00:00Z
-- parameters: {"root_use_days": 90}
-- expect: arn:aws:iam::111111111111:root, arn:aws:iam::222222222222:root
-- 111111111111: console sign-in 20 days ago; 222222222222: root access key used 89 days ago.
-- Not flagged: 333333333333 (last used 91 days ago), 444444444444 (never used).
INSERT INTO aws_account(run, source, account_id, root_password_last_used, root_access_key_last_used) VALUES
 (1, 'a', '111111111111', '2026-02-09T10:00:00Z', NULL),
 (1, 'b', '222222222222', '2024-01-01T00:00:00Z', '2025-12-02T00:00:00Z'),
 (1, 'c', '333333333333', '2025-11-30T00:00:00Z', '2025-11-30T00:00:00Z'),
 (1, 'd', '444444444444', NULL, NULL);
