-- now: 2026-03-01T00:00:00Z
-- parameters: {"domain_expiry_days": 30}
-- expect: expired.example, soon-renewing.example, soon.example
-- soon: expires in 20 days; soon-renewing: in 29 days with auto-renew on (still reported); expired: 5 days ago.
-- Not flagged: later.example (in 45 days), undated.example (no expiry).
INSERT INTO route53_domains(run, source, domain, auto_renew, expires) VALUES
 (1, 'prod', 'soon.example', 0, '2026-03-21T00:00:00Z'),
 (1, 'prod', 'soon-renewing.example', 1, '2026-03-30T00:00:00Z'),
 (1, 'prod', 'expired.example', 0, '2026-02-24T00:00:00Z'),
 (1, 'prod', 'later.example', 1, '2026-04-15T00:00:00Z'),
 (1, 'prod', 'undated.example', 1, NULL);
