-- id: registrar.update_lock_missing
-- title: Registered domains have an update lock
-- severity: medium
-- provider: registrar
-- frameworks: SEAL:DNS-REG-LOCK, NIST-800-53:CM-5
-- remediation: Enable clientUpdateProhibited at the registrar (and ask for serverUpdateProhibited on critical names); lift it only for a planned nameserver or contact change.
-- description: Without an update lock anyone who gets into the registrar account (or the registrar's API key) can repoint the domain's nameservers or DS records at once. Flags a registered domain (lookup ok) with neither client nor server update prohibited.
SELECT domain AS resource,
       source,
       domain || ' can be modified without unlocking: no client or server update '
         || 'prohibited status (status: '
         || coalesce((SELECT group_concat(value, ', ') FROM json_each(domains.status)), 'none')
         || ')' AS detail,
       status
FROM domains
WHERE lookup = 'ok' AND coalesce(update_locked, 0) = 0;
