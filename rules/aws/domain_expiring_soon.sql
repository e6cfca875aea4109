-- id: aws.route53.domain_expiring_soon
-- title: Route 53 domains are not about to expire
-- severity: high
-- provider: aws
-- frameworks: SEAL:DNS-REG-EXPIRY
-- param: domain_expiry_days 30 A domain expiring within this many days after the audit is reported.
-- remediation: Renew the domain now (aws route53domains renew-domain) and enable automatic renewal.
-- description: Domains registered with Route 53 Domains whose expiry date (GetDomainDetail ExpirationDate, else ListDomains Expiry) is within :domain_expiry_days days after the audit, or already past. Reported whether or not auto-renew is on: a renewal that fails (payment, registry hold) shows up here in time.
SELECT domain AS resource,
       source,
       domain || CASE WHEN julianday(expires) < julianday(:now)
                      THEN ' expired on ' || expires
                      ELSE ' expires on ' || expires || ' (in '
                           || CAST(julianday(expires) - julianday(:now) AS INTEGER) || ' days)'
                 END
         || CASE WHEN coalesce(auto_renew, 0) = 0 THEN '; auto-renew is off' ELSE '' END AS detail,
       account_id,
       expires,
       auto_renew
FROM route53_domains
WHERE expires IS NOT NULL
  AND julianday(expires) - julianday(:now) <= :domain_expiry_days;
