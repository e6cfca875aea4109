-- id: drift.registrar_changed
-- title: Registrar, status, nameservers and DS are as in the baseline
-- severity: critical
-- provider: drift
-- frameworks: SEAL:DNS-REG-MONITOR, NIST-800-53:CM-3, NIST-800-53:SC-20
-- remediation: Confirm with the registrar that the change was yours (a ticket, the account's audit log). An unexplained registrar, status, nameserver or DS change is how domains are hijacked: lock the registrar account, restore the delegation, rotate the registrar credentials. When the change is intended, accept a new baseline with a note.
-- description: Changes since the accepted baseline in the registry's view of a domain (table domains): its registrar (name or IANA id), its status codes, its nameservers or its lookup result (e.g. ok to not_found), and any DS record added to or removed from the registry's DS set (table domain_ds). A domain added to or removed from the audited list is not flagged here. The resource is the domain.
SELECT CASE WHEN table_name = 'domain_ds' THEN substr(key, 1, instr(key, '/') - 1) ELSE key END AS resource,
       source,
       CASE WHEN table_name = 'domain_ds' THEN substr(key, 1, instr(key, '/') - 1) ELSE key END
         || ' ' || group_concat(
         CASE change
           WHEN 'modified' THEN column_name || ' ' || coalesce(old, 'NULL') || ' -> ' || coalesce(new, 'NULL')
           ELSE 'DS ' || substr(key, instr(key, '/') + 1) || ' ' || change
         END, '; ') || ' since baseline run ' || baseline_run AS detail,
       group_concat(DISTINCT coalesce(column_name, 'ds')) AS changed,
       baseline_run
FROM changes
WHERE (table_name = 'domains' AND change = 'modified'
       AND column_name IN ('registrar', 'registrar_iana_id', 'status', 'nameservers', 'lookup'))
   OR (table_name = 'domain_ds' AND change IN ('added', 'removed'))
GROUP BY source, CASE WHEN table_name = 'domain_ds' THEN substr(key, 1, instr(key, '/') - 1) ELSE key END, baseline_run;
