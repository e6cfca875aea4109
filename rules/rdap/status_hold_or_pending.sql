-- id: registrar.status_hold_or_pending
-- title: No domain is on hold, being transferred or being deleted
-- severity: critical
-- provider: registrar
-- frameworks: SEAL:DNS-REG-MONITOR, NIST-800-53:CP-2
-- remediation: Call the registrar now. A hold takes the domain out of the DNS (it stops resolving); a pending transfer you did not start can still be rejected at the losing registrar within the transfer window; a domain in pending delete or redemption must be restored before it is released.
-- description: Flags a registered domain (lookup ok) whose RDAP status holds client hold, server hold, pending transfer, pending delete, redemption period or pending restore (RFC 8056 phrases; the EPP forms such as clientHold are accepted too). The detail names the statuses found.
WITH st AS (
  SELECT d.source, d.domain, j.value AS phrase
  FROM domains d, json_each(d.status) j
  WHERE d.lookup = 'ok'
    AND lower(replace(j.value, ' ', '')) IN ('clienthold', 'serverhold', 'pendingtransfer',
      'pendingdelete', 'redemptionperiod', 'pendingrestore')
)
SELECT domain AS resource,
       source,
       domain || ' is ' || group_concat(phrase, ', ') AS detail,
       json_group_array(phrase) AS statuses
FROM st
GROUP BY source, domain;
