-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: 999999999901, 999999999903
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 -- a new account, audited
 (1, 7, 'aws_org_accounts', 'org', '999999999901', 'added', NULL, NULL, '{"account_id":"999999999901","name":"sandbox","status":"ACTIVE","audited":1}'),
 -- a new account outside include: still drift
 (1, 7, 'aws_org_accounts', 'org', '999999999903', 'added', NULL, NULL, '{"account_id":"999999999903","name":"shadow","status":"ACTIVE","audited":0}'),
 -- an account that left: not this rule
 (1, 7, 'aws_org_accounts', 'org', '999999999902', 'removed', NULL, '{"account_id":"999999999902"}', NULL),
 -- an account whose status changed: not new
 (1, 7, 'aws_org_accounts', 'org', '999999999904', 'modified', 'status', 'ACTIVE', 'SUSPENDED'),
 -- a new IAM user: not an account
 (1, 7, 'aws_iam_users', 'org', 'arn:aws:iam::999999999901:user/bob', 'added', NULL, NULL, '{"arn":"arn:aws:iam::999999999901:user/bob"}');
-- another run's changes must not be seen
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 (2, 7, 'aws_org_accounts', 'org', '999999999909', 'added', NULL, NULL, '{"account_id":"999999999909"}');
