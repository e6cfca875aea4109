-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:root, arn:aws:iam::333333333333:root
-- 111111111111: root MFA is the virtual mfa/root-account-mfa-device; 333333333333: no MFA at all.
-- Not flagged: 222222222222 (root MFA on, no virtual device of root: hardware; a user's virtual device does not count).
INSERT INTO aws_account(run, source, account_id, root_mfa_enabled) VALUES
 (1, 'a', '111111111111', 1), (1, 'b', '222222222222', 1), (1, 'c', '333333333333', 0);
INSERT INTO aws_iam_virtual_mfa(run, source, serial_number, user_arn, user_name, is_root, enable_date) VALUES
 (1, 'a', 'arn:aws:iam::111111111111:mfa/root-account-mfa-device', 'arn:aws:iam::111111111111:root', NULL, 1, '2024-01-01T00:00:00Z'),
 (1, 'b', 'arn:aws:iam::222222222222:mfa/alice', 'arn:aws:iam::222222222222:user/alice', 'alice', 0, '2024-01-01T00:00:00Z');
