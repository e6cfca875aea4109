-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:user/dave, arn:aws:iam::111111111111:user/erin, arn:aws:iam::111111111111:user/frank, arn:aws:iam::111111111111:user/mallory, arn:aws:iam::111111111111:user/service/svc-deploy
-- During freeze 2 (active) vigil attached vigil-freeze-0123456789ab to
-- bob and erin: bob has nothing else and passes; erin has her own policy
-- too.  mallory's policy has the same name under another path (not the
-- journaled ARN) and fails; frank's comes from freeze 1, thawed, and fails.
INSERT INTO aws_iam_users(run, source, arn, user_name, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', '["admins"]', '[]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/dave', 'dave', '[]', '[]', '["dave-s3-reports"]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/service/svc-deploy', 'svc-deploy', '[]', '["arn:aws:iam::111111111111:policy/deploy-s3"]', '[]', 0);
INSERT INTO aws_iam_users(run, source, arn, user_name, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/bob', 'bob', '[]', '["arn:aws:iam::111111111111:policy/vigil-freeze-0123456789ab"]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/erin', 'erin', '[]', '["arn:aws:iam::111111111111:policy/vigil-freeze-0123456789ab", "arn:aws:iam::111111111111:policy/erin-own"]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/mallory', 'mallory', '[]', '["arn:aws:iam::111111111111:policy/x/vigil-freeze-0123456789ab"]', '[]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/frank', 'frank', '[]', '["arn:aws:iam::111111111111:policy/vigil-freeze-fedcba987654"]', '[]', 0);
INSERT INTO freeze_journal(freeze, seq, source, action, op, target, params, prior, state) VALUES
 (1, 0, NULL, 'freeze', 'freeze', 'x', NULL, NULL, 'thawed'),
 (1, 1, 'prod', 'aws.deny_mutations', 'attach_user_policy', 'arn:aws:iam::111111111111:user/frank', '{"policy_arn":"arn:aws:iam::111111111111:policy/vigil-freeze-fedcba987654","user_name":"frank"}', '{"attached":false}', 'undone'),
 (2, 0, NULL, 'freeze', 'freeze', 'x', NULL, NULL, 'active'),
 (2, 1, 'prod', 'aws.deny_mutations', 'attach_user_policy', 'arn:aws:iam::111111111111:user/bob', '{"policy_arn":"arn:aws:iam::111111111111:policy/vigil-freeze-0123456789ab","user_name":"bob"}', '{"attached":false}', 'done'),
 (2, 2, 'prod', 'aws.deny_mutations', 'attach_user_policy', 'arn:aws:iam::111111111111:user/erin', '{"policy_arn":"arn:aws:iam::111111111111:policy/vigil-freeze-0123456789ab","user_name":"erin"}', '{"attached":false}', 'done'),
 (2, 3, 'prod', 'aws.deny_mutations', 'attach_user_policy', 'arn:aws:iam::111111111111:user/mallory', '{"policy_arn":"arn:aws:iam::111111111111:policy/vigil-freeze-0123456789ab","user_name":"mallory"}', '{"attached":false}', 'done');
