-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: arn:aws:iam::111111111111:role/anyone, arn:aws:iam::111111111111:role/anyone-aws, arn:aws:iam::111111111111:role/broken-trust, arn:aws:iam::111111111111:role/externalid-only, arn:aws:iam::111111111111:role/forall-org, arn:aws:iam::111111111111:role/list-star-sts-any, arn:aws:iam::111111111111:role/not-principal, arn:aws:iam::111111111111:role/org-wildcard, arn:aws:iam::111111111111:role/principal-arn-any-account, arn:aws:iam::111111111111:role/secure-transport
-- anyone: Principal "*"; anyone-aws: {"AWS": "*"}; not-principal: Allow with NotPrincipal; org-wildcard: aws:PrincipalOrgID "*" (no restriction);
-- externalid-only: sts:ExternalId is no restriction; broken-trust: unreadable trust policy;
-- forall-org: ForAllValues:StringEquals aws:PrincipalOrgID (true when the caller has no organisation);
-- principal-arn-any-account: ArnLike aws:PrincipalArn with "*" as the account; secure-transport: aws:SecureTransport restricts nobody;
-- list-star-sts-any: {"AWS": ["arn:...", "*"]} with Action "STS:*" (actions are not filtered: any action the trust allows counts).
-- Not flagged (twins): forany-org (ForAnyValue:StringEquals needs the key), principal-arn-own-account (ArnLike with the account fixed).
-- Not flagged: org-only (aws:PrincipalOrgID), source-arn (aws:SourceArn), deny-star (Effect Deny), own-account (a named principal).
INSERT INTO aws_iam_role_trust(run, source, role_arn, role_name, role_account, idx, effect, actions, principal_kind, principal, principal_account, condition, restricting_condition, error) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:role/anyone', 'anyone', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, NULL, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/anyone-aws', 'anyone-aws', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, NULL, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/not-principal', 'not-principal', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, NULL, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/org-wildcard', 'org-wildcard', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"StringLike":{"aws:PrincipalOrgID":"*"}}', 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/externalid-only', 'externalid-only', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"StringEquals":{"sts:ExternalId":"s3cr3t"}}', 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/broken-trust', 'broken-trust', '111111111111', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'the trust policy has no Statement'),
 (1, 'prod', 'arn:aws:iam::111111111111:role/org-only', 'org-only', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}', 1, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/source-arn', 'source-arn', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::bucket"}}', 1, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/deny-star', 'deny-star', '111111111111', 0, 'Deny', '["sts:AssumeRole"]', '*', '*', NULL, NULL, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/own-account', 'own-account', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', 'AWS', 'arn:aws:iam::111111111111:root', '111111111111', NULL, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/forall-org', 'forall-org', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}', 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/forany-org', 'forany-org', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"ForAnyValue:StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}', 1, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/principal-arn-any-account', 'principal-arn-any-account', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deploy"}}', 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/principal-arn-own-account', 'principal-arn-own-account', '111111111111', 0, 'Allow', '["sts:AssumeRole"]', '*', '*', NULL, '{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/deploy-*"}}', 1, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/secure-transport', 'secure-transport', '111111111111', 0, 'Allow', '["sts:AssumeRole*"]', '*', '*', NULL, '{"Bool":{"aws:SecureTransport":"true"}}', 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/list-star-sts-any', 'list-star-sts-any', '111111111111', 0, 'Allow', '["STS:*"]', '*', '*', NULL, NULL, 0, NULL),
 (1, 'prod', 'arn:aws:iam::111111111111:role/list-star-sts-any', 'list-star-sts-any', '111111111111', 0, 'Allow', '["STS:*"]', 'AWS', 'arn:aws:iam::222222222222:root', '222222222222', NULL, 0, NULL);
