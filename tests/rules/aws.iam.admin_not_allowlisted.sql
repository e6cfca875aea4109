-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_admins": ["alice", "arn:aws:iam::111111111111:role/BreakGlass"]}
-- expect: arn:aws:iam::111111111111:role/legacy-ci, arn:aws:iam::111111111111:user/mallory
INSERT INTO aws_iam_users(run, source, arn, user_name, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', '["admins"]', '[]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/mallory', 'mallory', '[]', '["arn:aws:iam::aws:policy/AdministratorAccess"]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/bob', 'bob', '[]', '[]', '[]', 0);
INSERT INTO aws_iam_roles(run, source, arn, role_name, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/BreakGlass', 'BreakGlass', '["arn:aws:iam::aws:policy/AdministratorAccess"]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:role/legacy-ci', 'legacy-ci', '[]', '["everything"]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:role/app', 'app', '[]', '[]', 0);
