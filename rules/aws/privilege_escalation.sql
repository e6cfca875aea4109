-- id: aws.iam.privilege_escalation
-- title: Non-admin principals cannot escalate their own privileges
-- severity: critical
-- provider: aws
-- frameworks: NIST-800-53:AC-6
-- param: allowed_admins [] User or role names or ARNs allowed to be administrators (not flagged).
-- remediation: Remove the actions of the named set from the granting policy, scope them to specific resources (for iam:PassRole, to the roles the principal really passes), or add an explicit Deny; if the principal is meant to administer the account, add it to parameters.allowed_admins.
-- description: Users and roles that are not administrators (is_admin = 0) and not in :allowed_admins, whose effective identity policies (their own inline and attached policies and those of their groups) allow every action of a known privilege-escalation set (table aws_iam_escalation_sets, from data/aws-iam-escalation.json: Rhino Security Labs' 21 methods as reproduced by Bishop Fox iam-vulnerable). Actions match IAM wildcards case-insensitively and Allow statements with NotAction count; an explicit Deny removes an action only when it is unconditional and on Resource "*". Allow statements under a Condition count (the detail says so); statements limited to the caller's own user (${aws:username}) do not. Permissions boundaries, SCPs and resource policies are not evaluated: the rule over-reports rather than misses. A policy that could not be read is reported, never skipped.
WITH principals AS (
  SELECT source, account_id, arn, user_name AS name, 'user' AS kind FROM aws_iam_users
  WHERE coalesce(is_admin, 0) = 0
  UNION ALL
  SELECT source, account_id, arn, role_name, 'role' FROM aws_iam_roles
  WHERE coalesce(is_admin, 0) = 0
),
cand AS (
  SELECT * FROM principals p
  WHERE NOT EXISTS (SELECT 1 FROM json_each(:allowed_admins) a
                    WHERE a.value = p.name OR a.value = p.arn)
),
stmts AS (
  SELECT pp.source, pp.account_id, pp.principal_arn, pp.via, s.policy_ref, s.policy_name,
         s.idx, s.effect, s.action_kind, s.actions, s.resource_kind,
         s.resource_any, s.self_only, s.condition, s.error
  FROM aws_iam_principal_policies pp
  JOIN aws_iam_statements s ON s.source IS pp.source AND s.account_id IS pp.account_id
                          AND s.policy_ref = pp.policy_ref
),
-- (principal, set, action) with the first Allow statement that grants it.
granted AS (
  SELECT c.source, c.account_id, c.arn, e.set_id, e.action,
         (SELECT coalesce(st.policy_name, st.policy_ref)
                 || CASE WHEN st.via <> 'direct' THEN ' via ' || st.via ELSE '' END
                 || CASE WHEN st.condition IS NOT NULL
                         THEN ' under the condition ' || st.condition ELSE '' END
          FROM stmts st
          WHERE st.source IS c.source AND st.principal_arn = c.arn
            AND st.effect = 'Allow' AND st.self_only = 0
            AND CASE st.action_kind
                  WHEN 'Action' THEN EXISTS (SELECT 1 FROM json_each(st.actions) x
                                             WHERE lower(e.action) GLOB x.value)
                  ELSE NOT EXISTS (SELECT 1 FROM json_each(st.actions) x
                                   WHERE lower(e.action) GLOB x.value) END
          ORDER BY st.policy_ref, st.idx LIMIT 1) AS grant_by
  FROM cand c JOIN aws_iam_escalation_sets e ON e.source IS c.source AND e.account_id IS c.account_id
),
allowed AS (
  SELECT g.* FROM granted g
  WHERE g.grant_by IS NOT NULL
    AND NOT EXISTS (
      SELECT 1 FROM stmts st
      WHERE st.source IS g.source AND st.principal_arn = g.arn
        AND st.effect = 'Deny' AND st.resource_kind = 'Resource'
        AND st.resource_any = 1 AND st.condition IS NULL
        AND CASE st.action_kind
              WHEN 'Action' THEN EXISTS (SELECT 1 FROM json_each(st.actions) x
                                         WHERE lower(g.action) GLOB x.value)
              ELSE NOT EXISTS (SELECT 1 FROM json_each(st.actions) x
                               WHERE lower(g.action) GLOB x.value) END)
),
met AS (
  SELECT a.source, a.account_id, a.arn, a.set_id,
         a.set_id || ' (' || group_concat(a.action || ' by ' || a.grant_by, ', ') || ')' AS how
  FROM allowed a
  GROUP BY a.source, a.account_id, a.arn, a.set_id
  HAVING count(DISTINCT a.action) = (SELECT count(DISTINCT e.action) FROM aws_iam_escalation_sets e
                                     WHERE e.source IS a.source AND e.account_id IS a.account_id
                                       AND e.set_id = a.set_id)
),
unread AS (
  SELECT DISTINCT c.source, c.arn, st.policy_ref, st.error
  FROM cand c JOIN stmts st ON st.source IS c.source AND st.principal_arn = c.arn
  WHERE st.error IS NOT NULL
),
reasons AS (
  SELECT source, arn, set_id, 'can escalate through ' || how AS reason FROM met
  UNION ALL
  SELECT source, arn, NULL, 'could not be evaluated: policy ' || policy_ref || ': ' || error FROM unread
)
SELECT c.arn AS resource,
       c.source,
       c.kind || ' ' || c.name || ' ' || group_concat(r.reason, '; ') AS detail,
       json_group_array(r.set_id) FILTER (WHERE r.set_id IS NOT NULL) AS escalation_sets
FROM cand c JOIN reasons r ON r.source IS c.source AND r.arn = c.arn
GROUP BY c.source, c.arn;
