-- id: drift.new_admin
-- title: No new administrators since the baseline
-- severity: high
-- provider: drift
-- frameworks: CIS-AWS-3.0:1.16, CIS-AWS-4.0:1.16, NIST-800-53:AC-2(7)
-- remediation: Confirm who granted the administrator rights and why. If the grant was not approved, remove it at once and review what the principal did; if it was, accept a new baseline with a note naming the approval.
-- description: A principal that is an administrator in this run but was not one (or did not exist) in the accepted baseline: a change to is_admin (or is_org_admin, is_super_admin) to 1, or an added row whose admin flag is 1, in any snapshot table that has one.
SELECT key AS resource,
       source,
       key || CASE change
                WHEN 'added' THEN ' is a new administrator (' || table_name || ', not in baseline run ' || baseline_run || ')'
                ELSE ' became an administrator (' || table_name || '.' || column_name || ': ' || coalesce(old, 'NULL') || ' -> 1 since baseline run ' || baseline_run || ')'
              END AS detail,
       table_name,
       change,
       baseline_run
FROM changes
WHERE (change = 'modified'
       AND column_name IN ('is_admin', 'is_org_admin', 'is_super_admin')
       AND CAST(new AS INTEGER) = 1)
   OR (change = 'added'
       AND json_valid(new)
       AND (CAST(json_extract(new, '$.is_admin') AS INTEGER) = 1
            OR CAST(json_extract(new, '$.is_org_admin') AS INTEGER) = 1
            OR CAST(json_extract(new, '$.is_super_admin') AS INTEGER) = 1));
