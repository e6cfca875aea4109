-- id: aws.route53.domain_auto_renew_disabled
-- title: Route 53 domains renew automatically
-- severity: high
-- provider: aws
-- frameworks: SEAL:DNS-REG-EXPIRY, NIST-800-53:CP-2
-- remediation: Enable automatic renewal (Route 53 console, or aws route53domains enable-domain-auto-renew --domain-name DOMAIN) and keep the account's payment method valid.
-- description: Domains registered with Route 53 Domains whose AutoRenew is off (ListDomains/GetDomainDetail). An expired domain stops mail and web at once and can be registered by someone else after the grace period.
SELECT domain AS resource,
       source,
       domain || ' does not renew automatically' || coalesce(' (expires ' || expires || ')', '') AS detail,
       account_id,
       expires
FROM route53_domains
WHERE coalesce(auto_renew, 0) = 0;
