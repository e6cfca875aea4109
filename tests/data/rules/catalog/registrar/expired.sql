-- id: test.domain_expired
-- title: Domains have not expired
-- severity: critical
-- provider: registrar
SELECT domain AS resource, expires
FROM domains
WHERE expires < :now;
