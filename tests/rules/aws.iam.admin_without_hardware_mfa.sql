-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:user/admin-none, arn:aws:iam::111111111111:user/admin-virtual
-- admin-virtual: an administrator with a virtual device; admin-none: an administrator without MFA.
-- Not flagged: admin-hw (MFA active, no virtual device: hardware or FIDO), dev-virtual (not an administrator).
INSERT INTO aws_iam_users(run, source, arn, user_name, is_admin, mfa_active) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/admin-virtual', 'admin-virtual', 1, 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/admin-none', 'admin-none', 1, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/admin-hw', 'admin-hw', 1, 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/dev-virtual', 'dev-virtual', 0, 1);
INSERT INTO aws_iam_virtual_mfa(run, source, serial_number, user_arn, user_name, is_root, enable_date) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:mfa/admin-virtual', 'arn:aws:iam::111111111111:user/admin-virtual', 'admin-virtual', 0, '2025-01-01T00:00:00Z'),
 (1, 'prod', 'arn:aws:iam::111111111111:mfa/dev-virtual', 'arn:aws:iam::111111111111:user/dev-virtual', 'dev-virtual', 0, '2025-01-01T00:00:00Z');
