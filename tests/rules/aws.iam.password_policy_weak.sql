-- now: 2026-03-01T00:00:00Z
-- parameters: {"min_password_length": 14}
-- expect: 111111111111, 222222222222
INSERT INTO aws_account(run, source, account_id, root_mfa_enabled, root_access_keys_present, password_policy) VALUES
 (1, 'prod', '111111111111', 1, 0, '{"MinimumPasswordLength": 8, "RequireSymbols": true}'),
 (1, 'staging', '222222222222', 1, 0, NULL),
 (1, 'secure', '333333333333', 1, 0, '{"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}'),
 (1, 'long', '444444444444', 1, 0, '{"MinimumPasswordLength": 20}');
