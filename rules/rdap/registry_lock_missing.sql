-- id: registrar.registry_lock_missing
-- title: High-value domains have a registry lock (server locks)
-- severity: medium
-- provider: registrar
-- frameworks: SEAL:DNS-REG-LOCK, ICANN-TransferPolicy
-- remediation: Ask the registrar for a registry lock: the registry sets serverTransferProhibited, serverUpdateProhibited and serverDeleteProhibited and lifts them only after an out-of-band check, so a phished registrar account alone cannot move, repoint or delete the domain.
-- description: Flags a registered domain (lookup ok) whose RDAP status lacks any of server transfer prohibited, server update prohibited or server delete prohibited (RFC 8056 phrases; the EPP forms such as serverTransferProhibited are accepted too). Client locks are set and lifted from the registrar account and do not count. The detail names the missing ones.
WITH st AS (
  SELECT d.source, d.domain,
         (SELECT group_concat(lower(replace(value, ' ', '')), ',') FROM json_each(d.status)) AS codes
  FROM domains d
  WHERE d.lookup = 'ok'
  -- OFFSET keeps SQLite from flattening the CTE into its users, which
  -- would parse d.status once for every use of codes (nine a row).
  LIMIT -1 OFFSET 0
), miss AS (
  SELECT source, domain,
         trim(CASE WHEN ',' || coalesce(codes, '') || ',' NOT LIKE '%,servertransferprohibited,%' THEN 'serverTransferProhibited ' ELSE '' END
           || CASE WHEN ',' || coalesce(codes, '') || ',' NOT LIKE '%,serverupdateprohibited,%' THEN 'serverUpdateProhibited ' ELSE '' END
           || CASE WHEN ',' || coalesce(codes, '') || ',' NOT LIKE '%,serverdeleteprohibited,%' THEN 'serverDeleteProhibited' ELSE '' END) AS missing
  FROM st
  LIMIT -1 OFFSET 0
)
SELECT domain AS resource,
       source,
       domain || ' has no registry lock: missing ' || replace(missing, ' ', ', ') AS detail,
       missing
FROM miss
WHERE missing != '';
