-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: lapsing.example, unknown.example
-- lapsing: AutoRenew false; unknown: AutoRenew not reported (NULL counts as off).
-- Not flagged: renewing.example.
INSERT INTO route53_domains(run, source, domain, auto_renew, expires) VALUES
 (1, 'prod', 'lapsing.example', 0, '2026-09-01T00:00:00Z'),
 (1, 'prod', 'unknown.example', NULL, '2026-09-01T00:00:00Z'),
 (1, 'prod', 'renewing.example', 1, '2026-09-01T00:00:00Z');
