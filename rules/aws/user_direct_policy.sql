-- id: aws.iam.user_direct_policy
-- title: IAM users receive permissions only through groups
-- severity: low
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.15, CIS-AWS-4.0:1.15
-- remediation: Move the user's attached and inline policies to a group (or a role) and make the user a member; detach and delete the user's own policies.
-- description: A user with attached or inline policies of its own. During an active freeze the deny policy vigil attached to the user (the exact ARN the freeze journal records for that user, not any policy named like it) is not counted: it is the freeze, reported in the report's freeze section.
WITH vigil_freeze(user_arn, policy_arn) AS (
  SELECT target, json_extract(params, '$.policy_arn')
  FROM freeze_journal
  WHERE op = 'attach_user_policy'
    AND state IN ('started', 'done')
    AND freeze IN (SELECT freeze FROM freeze_journal
                   WHERE seq = 0 AND state = 'active')
),
own(arn, source, user_name, attached_policies, inline_policy_names) AS (
  SELECT u.arn, u.source, u.user_name,
         (SELECT json_group_array(e.value) FROM json_each(u.attached_policies) e
          WHERE NOT EXISTS (SELECT 1 FROM vigil_freeze v
                            WHERE v.user_arn = u.arn AND v.policy_arn = e.value)),
         u.inline_policy_names
  FROM aws_iam_users u
)
SELECT arn AS resource,
       source,
       user_name || ' has policies of its own:'
         || coalesce(' attached ' || (SELECT group_concat(value, ', ') FROM json_each(attached_policies)), '')
         || coalesce(' inline ' || (SELECT group_concat(value, ', ') FROM json_each(inline_policy_names)), '') AS detail,
       attached_policies,
       inline_policy_names
FROM own
WHERE json_array_length(attached_policies) > 0
   OR json_array_length(inline_policy_names) > 0;
