-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: rdap-ns, ssm-wallet
INSERT INTO critical_values(run, source, name, source_type, status, observed_sha256, observed, expected_sha256, error) VALUES
 -- could not be read: flagged
 (1, 'policy', 'rdap-ns', 'rdap', 'unreadable', NULL, NULL, 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'HTTP 500 from https://rdap.example/domain/example.com'),
 -- no error text recorded: still flagged
 (1, 'policy', 'ssm-wallet', 'aws_ssm', 'unreadable', NULL, NULL, NULL, NULL),
 -- read and as pinned: not flagged
 (1, 'policy', 'wallet-api', 'http_json', 'ok', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', NULL, 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', NULL),
 -- read and changed: the other rule's
 (1, 'policy', 'bundle', 'http_body', 'changed', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', NULL, 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', NULL);
INSERT INTO critical_values(run, source, name, source_type, status, observed_sha256, observed, expected_sha256, error) VALUES
 (2, 'policy', 'other-run', 'dns', 'unreadable', NULL, NULL, NULL, 'timed out');
