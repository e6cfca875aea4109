-- id: aws.route53.domain_transfer_lock_disabled
-- title: Domains registered with Route 53 have a transfer lock
-- severity: high
-- provider: aws
-- frameworks: SEAL:DNS-REG-LOCK, ICANN-TransferPolicy, NIST-800-53:CM-5
-- remediation: Enable the transfer lock (Route 53, Registered domains, Actions, Turn on transfer lock), which sets clientTransferProhibited.
-- description: Route 53 Domains registrations without clientTransferProhibited (or serverTransferProhibited): anyone with the auth code or access to the account can move the name away.
SELECT domain AS resource,
       source,
       domain || ' has no transfer lock (status: '
         || coalesce((SELECT group_concat(value, ', ') FROM json_each(route53_domains.status)), 'none')
         || ')' AS detail,
       account_id,
       status
FROM route53_domains
WHERE transfer_lock = 0;
