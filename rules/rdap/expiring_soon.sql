-- id: registrar.expiring_soon
-- title: Domains are not about to expire
-- severity: high
-- provider: registrar
-- frameworks: SEAL:DNS-REG-EXPIRY, NIST-800-53:CP-2
-- remediation: Renew the domain now and turn on auto-renew with a payment method that will not lapse.
-- description: A domain that expires stops resolving and can be registered by someone else. :domain_expiry_days sets the warning window.
SELECT domain AS resource,
       source,
       domain || ' expires ' || expires || ' ('
         || CAST(round(julianday(expires) - julianday(:now)) AS INTEGER)
         || ' days from the audit)' AS detail,
       expires
FROM domains
WHERE lookup = 'ok'
  AND expires IS NOT NULL
  AND julianday(expires) - julianday(:now) < :domain_expiry_days;
