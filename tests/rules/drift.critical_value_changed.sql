-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: bundle-wallet, ssm-wallet, wallet-api
INSERT INTO critical_values(run, source, name, source_type, status, observed_sha256, observed, expected_sha256, error) VALUES
 -- a secret pin that changed: flagged, no value
 (1, 'policy', 'wallet-api', 'http_json', 'changed', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', NULL, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', NULL),
 -- a public pin that changed: flagged
 (1, 'policy', 'ssm-wallet', 'aws_ssm', 'changed', 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', 'terra1evil', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', NULL),
 (1, 'policy', 'bundle-wallet', 'http_body', 'changed', 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd', NULL, 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', NULL),
 -- as pinned: not flagged
 (1, 'policy', 'dns-apex', 'dns', 'ok', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '192.0.2.10', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', NULL),
 -- unreadable is the other rule's: not flagged here
 (1, 'policy', 'rdap-ns', 'rdap', 'unreadable', NULL, NULL, 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'HTTP 500 from https://rdap.example/domain/example.com');
-- another run's pins must not be seen
INSERT INTO critical_values(run, source, name, source_type, status, observed_sha256, observed, expected_sha256, error) VALUES
 (2, 'policy', 'other-run', 'http_json', 'changed', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', NULL, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', NULL);
