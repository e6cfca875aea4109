-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:user/dave, arn:aws:iam::111111111111:user/service/svc-deploy
INSERT INTO aws_iam_users(run, source, arn, user_name, groups, attached_policies, inline_policy_names, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', '["admins"]', '[]', '[]', 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/dave', 'dave', '[]', '[]', '["dave-s3-reports"]', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/service/svc-deploy', 'svc-deploy', '[]', '["arn:aws:iam::111111111111:policy/deploy-s3"]', '[]', 0);
