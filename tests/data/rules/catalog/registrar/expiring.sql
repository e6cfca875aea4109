-- id: test.domain_expiring
-- title: Domains are not about to expire
-- severity: medium
-- provider: registrar
-- A plain comment among the headers.
SELECT domain AS resource, expires, :domain_expiry_days AS days
FROM domains
WHERE julianday(expires) - julianday(:now)
      BETWEEN 0 AND :domain_expiry_days;
