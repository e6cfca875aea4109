-- id: aws.iam.passrole_or_assumerole_wildcard
-- title: iam:PassRole and sts:AssumeRole are not granted on every resource
-- severity: high
-- provider: aws
-- frameworks: NIST-800-53:AC-6
-- remediation: Replace Resource "*" with the ARNs of the roles the principal must pass or assume (and for iam:PassRole add an iam:PassedToService condition).
-- description: Policies in use (inline policies; customer managed policies; AWS managed policies attached to someone) with an Allow statement that grants iam:PassRole or sts:AssumeRole, by name or by wildcard (iam:*, iam:Pass*, sts:*, a NotAction that leaves them), on Resource "*" or through NotResource. Whoever holds it can pass or assume any role, the administrator's included. Statements granting Action "*" are reported by aws.iam.policy_full_admin_wildcard and the admin rules instead.
WITH hits AS (
  SELECT s.source, s.account_id, s.policy_ref, s.policy_name, s.policy_kind, s.owner_arn, s.idx, s.condition,
         (SELECT group_concat(a.name, ' and ') FROM (SELECT 'iam:PassRole' AS name UNION ALL SELECT 'sts:AssumeRole') a
          WHERE CASE s.action_kind
                  WHEN 'Action' THEN EXISTS (SELECT 1 FROM json_each(s.actions) x WHERE lower(a.name) GLOB x.value)
                  ELSE NOT EXISTS (SELECT 1 FROM json_each(s.actions) x WHERE lower(a.name) GLOB x.value) END) AS granted
  FROM aws_iam_statements s
  LEFT JOIN aws_iam_policies p ON p.source IS s.source AND p.account_id IS s.account_id
                           AND p.arn = s.policy_ref
  WHERE s.effect = 'Allow'
    AND (s.resource_kind = 'NotResource' OR s.resource_any = 1)
    AND NOT (s.action_kind = 'Action' AND EXISTS (SELECT 1 FROM json_each(s.actions) x
                                                  WHERE x.value IN ('*', '*:*')))
    AND (s.policy_kind = 'inline' OR coalesce(p.aws_managed, 0) = 0
         OR coalesce(p.attachment_count, 0) > 0)
)
SELECT policy_ref AS resource,
       source,
       policy_kind || ' policy ' || coalesce(policy_name, policy_ref)
         || coalesce(' of ' || owner_arn, '') || ' allows ' || granted
         || ' on every resource (statement ' || (idx + 1) || coalesce(', condition ' || condition, '') || ')' AS detail,
       granted,
       account_id
FROM hits
WHERE granted IS NOT NULL
GROUP BY source, account_id, policy_ref;
