-- now: 2026-03-01T00:00:00Z
-- parameters: {"trusted_account_ids": ["222222222222", 333333333333]}
-- expect: arn:aws:iam::111111111111:role/foreign, arn:aws:iam::111111111111:role/foreign-bare
-- foreign: trusts 444444444444's root (with an ExternalId: still external); foreign-bare: a bare account id.
-- Not flagged: partner (222222222222, trusted), partner-num (333333333333 given as a JSON number), own (same account), svc (a service principal), denied (Deny).
INSERT INTO aws_iam_role_trust(run, source, role_arn, role_name, role_account, idx, effect, actions, principal_kind, principal, principal_account, condition, restricting_condition) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/foreign', 'foreign', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::444444444444:root', '444444444444', '{"StringEquals":{"sts:ExternalId":"x"}}', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/foreign-bare', 'foreign-bare', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', '555555555555', '555555555555', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/partner', 'partner', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::222222222222:role/auditor', '222222222222', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/partner-num', 'partner-num', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::333333333333:root', '333333333333', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/own', 'own', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::111111111111:root', '111111111111', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/svc', 'svc', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'Service', 'lambda.amazonaws.com', NULL, NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/denied', 'denied', '111111111111', 0, 'Deny', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::666666666666:root', '666666666666', NULL, 0);
