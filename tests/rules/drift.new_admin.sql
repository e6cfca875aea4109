-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:group/ops, arn:aws:iam::111111111111:role/deploy, arn:aws:iam::111111111111:user/eve, arn:aws:iam::111111111111:user/mallory, owner@example.com
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 -- promoted: is_admin 0 -> 1
 (1, 7, 'aws_iam_users', 'prod', 'arn:aws:iam::111111111111:user/mallory', 'modified', 'is_admin', 0, 1),
 -- NULL (unknown) -> 1 is a promotion too
 (1, 7, 'aws_iam_roles', 'prod', 'arn:aws:iam::111111111111:role/deploy', 'modified', 'is_admin', NULL, 1),
 -- a new user who is an admin
 (1, 7, 'aws_iam_users', 'prod', 'arn:aws:iam::111111111111:user/eve', 'added', NULL, NULL, '{"arn":"arn:aws:iam::111111111111:user/eve","user_name":"eve","is_admin":1}'),
 -- a new group that grants admin
 (1, 7, 'aws_iam_groups', 'prod', 'arn:aws:iam::111111111111:group/ops', 'added', NULL, NULL, '{"arn":"arn:aws:iam::111111111111:group/ops","is_admin":1}'),
 -- another provider's admin flag
 (1, 7, 'atlassian_users', 'jira', 'owner@example.com', 'modified', 'is_org_admin', 0, 1),
 -- demoted: not flagged
 (1, 7, 'aws_iam_users', 'prod', 'arn:aws:iam::111111111111:user/alice', 'modified', 'is_admin', 1, 0),
 -- a new user who is not an admin
 (1, 7, 'aws_iam_users', 'prod', 'arn:aws:iam::111111111111:user/bob', 'added', NULL, NULL, '{"arn":"arn:aws:iam::111111111111:user/bob","is_admin":0}'),
 -- an admin removed: not flagged
 (1, 7, 'aws_iam_users', 'prod', 'arn:aws:iam::111111111111:user/old-admin', 'removed', NULL, '{"is_admin":1}', NULL),
 -- an admin whose other columns changed: not new
 (1, 7, 'aws_iam_users', 'prod', 'arn:aws:iam::111111111111:user/root-ish', 'modified', 'mfa_active', 1, 0);
-- another run's changes must not be seen
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 (2, 7, 'aws_iam_users', 'prod', 'arn:aws:iam::111111111111:user/other-run', 'modified', 'is_admin', 0, 1);
