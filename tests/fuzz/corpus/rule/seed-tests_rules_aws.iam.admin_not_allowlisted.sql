-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_admins": ["alice", "arn:aws:iam::111111111111:role/BreakGlass"]}
-- expect: arn:aws:iam::111111111111:role/cond-admin, arn:aws:iam::111111111111:role/legacy-ci, arn:aws:iam::111111111111:role/notaction-admin, arn:aws:iam::111111111111:user/mallory
INSERT INTO aws_iam_users(run, source, arn, user_name, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', '["admins"]', '[]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/mallory', 'mallory', '[]', '["arn:aws:iam::aws:policy/AdministratorAccess"]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/bob', 'bob', '[]', '[]', '[]', 0);
INSERT INTO aws_iam_roles(run, source, arn, role_name, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/BreakGlass', 'BreakGlass', '["arn:aws:iam::aws:policy/AdministratorAccess"]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:role/legacy-ci', 'legacy-ci', '[]', '["everything"]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:role/app', 'app', '[]', '[]', 0);
-- Admin through NotAction on "*" and under a Condition (admin_reason from
-- the collector), and the twin: NotAction on a scoped resource (not admin).
INSERT INTO aws_iam_roles(run, source, arn, role_name, attached_policies, inline_policy_names, is_admin, admin_reason) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/notaction-admin', 'notaction-admin', '[]', '["everything-but"]', 1, 'inline policy ''everything-but'': Allow NotAction ["iam:CreateUser"] (every other action) on Resource "*"'),
 (1, 'prod', 'arn:aws:iam::111111111111:role/cond-admin', 'cond-admin', '[]', '["office-only"]', 1, 'inline policy ''office-only'': Allow Action "*" on Resource "*" under Condition {"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}'),
 (1, 'prod', 'arn:aws:iam::111111111111:role/scoped-notaction', 'scoped-notaction', '[]', '["build"]', 0, NULL);
