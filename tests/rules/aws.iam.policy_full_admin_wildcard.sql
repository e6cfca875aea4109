-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:policy/power-notaction, arn:aws:iam::111111111111:policy/wildcard-admin
INSERT INTO aws_iam_policies(run, source, arn, policy_name, aws_managed, default_version, attachment_count, allows_full_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:policy/wildcard-admin', 'wildcard-admin', 0, 'v2', 0, 1),
 (1, 'prod', 'arn:aws:iam::111111111111:policy/deploy-s3', 'deploy-s3', 0, 'v1', 1, 0),
 (1, 'prod', 'arn:aws:iam::aws:policy/AdministratorAccess', 'AdministratorAccess', 1, 'v1', 2, 1);
-- NotAction on "*" (flagged) and its twin, NotAction on one bucket.
INSERT INTO aws_iam_policies(run, source, arn, policy_name, aws_managed, default_version, attachment_count, allows_full_admin, admin_reason) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:policy/power-notaction', 'power-notaction', 0, 'v1', 3, 1, 'Allow NotAction "iam:*" (every other action) on Resource "*"'),
 (1, 'prod', 'arn:aws:iam::111111111111:policy/scoped-notaction', 'scoped-notaction', 0, 'v1', 1, 0, NULL);
