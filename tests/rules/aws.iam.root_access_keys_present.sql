-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:root
INSERT INTO aws_account(run, source, account_id, root_mfa_enabled, root_access_keys_present, root_access_key_last_used) VALUES
 (1, 'prod', '111111111111', 1, 1, '2025-12-01T14:00:00Z'),
 (1, 'staging', '222222222222', 0, 0, NULL),
 (2, 'prod', '333333333333', 1, 1, NULL);
