-- now: 2026-03-01T00:00:00Z
-- parameters: {"trusted_account_ids": ["222222222222", 333333333333]}
-- expect: arn:aws:iam::111111111111:role/foreign, arn:aws:iam::111111111111:role/foreign-bare, arn:aws:iam::111111111111:role/from-member, arn:aws:iam::111111111111:role/other-mgmt
-- foreign: trusts 444444444444's root (with an ExternalId: still external); foreign-bare: a bare account id; from-member: another member account (777777777777) of the source's organisation; other-mgmt: the management account (999999999999) of another source's organisation.
-- Not flagged: partner (222222222222, trusted), partner-num (333333333333 given as a JSON number), own (same account), svc (a service principal), denied (Deny), from-mgmt (888888888888, the management account of the source's own organisation).
INSERT INTO aws_org_accounts(run, source, account_id, name, status, management, audited) VALUES
 (1, 'prod', '888888888888', 'management', 'ACTIVE', 1, 1),
 (1, 'prod', '111111111111', 'prod', 'ACTIVE', 0, 1),
 (1, 'prod', '777777777777', 'sandbox', 'ACTIVE', 0, 1),
 (1, 'other', '999999999999', 'elsewhere', 'ACTIVE', 1, 1);
INSERT INTO aws_iam_role_trust(run, source, role_arn, role_name, role_account, idx, effect, actions, principal_kind, principal, principal_account, condition, restricting_condition) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/foreign', 'foreign', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::444444444444:root', '444444444444', '{"StringEquals":{"sts:ExternalId":"x"}}', 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/foreign-bare', 'foreign-bare', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', '555555555555', '555555555555', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/partner', 'partner', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::222222222222:role/auditor', '222222222222', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/partner-num', 'partner-num', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::333333333333:root', '333333333333', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/own', 'own', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::111111111111:root', '111111111111', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/svc', 'svc', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'Service', 'lambda.amazonaws.com', NULL, NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/denied', 'denied', '111111111111', 0, 'Deny', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::666666666666:root', '666666666666', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/from-member', 'from-member', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::777777777777:root', '777777777777', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/from-mgmt', 'from-mgmt', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::888888888888:root', '888888888888', NULL, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:role/other-mgmt', 'other-mgmt', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::999999999999:root', '999999999999', NULL, 0);
