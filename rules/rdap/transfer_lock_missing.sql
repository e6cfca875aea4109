-- id: registrar.transfer_lock_missing
-- title: Registered domains have a transfer lock
-- severity: high
-- provider: registrar
-- frameworks: SEAL:DNS-REG-LOCK, ICANN-TransferPolicy, NIST-800-53:CM-5
-- remediation: Enable the registrar lock (clientTransferProhibited) at the registrar; for high-value names also ask the registry for serverTransferProhibited.
-- description: Without a transfer lock, anyone who obtains the auth code (or phishes the registrar account) can move the domain to another registrar.
SELECT domain AS resource,
       source,
       domain || ' can be transferred away: no client or server transfer '
         || 'prohibited status (status: '
         || coalesce((SELECT group_concat(value, ', ') FROM json_each(domains.status)), 'none')
         || ')' AS detail,
       status
FROM domains
WHERE lookup = 'ok' AND transfer_locked = 0;
