-- id: drift.dns_changed
-- title: DNS records are as in the baseline
-- severity: medium
-- provider: drift
-- frameworks: SEAL:DNS-REG-MONITOR, NIST-800-53:CM-3, NIST-800-53:SC-20
-- remediation: Check that the change was planned (a change ticket, a deploy). An unexplained record change can be a hijack or a takeover in progress: restore the record and review who has write access to the zone. When the change is intended, accept a new baseline with a note.
-- description: Any record added, removed or modified in route53_records or dns_records since the accepted baseline. The resource is the record's key (zone/name/type/value, set identifier when there is one); a value change shows as the old value removed and the new one added.
SELECT key AS resource,
       source,
       table_name || ' ' || key || ' ' || group_concat(
         CASE change
           WHEN 'modified' THEN 'modified ' || column_name || ' ' || coalesce(old, 'NULL') || ' -> ' || coalesce(new, 'NULL')
           ELSE change
         END, '; ') || ' since baseline run ' || baseline_run AS detail,
       table_name,
       group_concat(DISTINCT change) AS changes,
       baseline_run
FROM changes
WHERE table_name IN ('route53_records', 'dns_records')
GROUP BY table_name, source, key, baseline_run;
