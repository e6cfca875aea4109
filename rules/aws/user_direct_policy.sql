-- id: aws.iam.user_direct_policy
-- title: IAM users receive permissions only through groups
-- severity: low
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.15
-- remediation: Move the user's attached and inline policies to a group (or a role) and make the user a member; detach and delete the user's own policies.
SELECT arn AS resource,
       source,
       user_name || ' has policies of its own:'
         || coalesce(' attached ' || (SELECT group_concat(value, ', ') FROM json_each(attached_policies)), '')
         || coalesce(' inline ' || (SELECT group_concat(value, ', ') FROM json_each(inline_policy_names)), '') AS detail,
       attached_policies,
       inline_policy_names
FROM aws_iam_users
WHERE json_array_length(attached_policies) > 0
   OR json_array_length(inline_policy_names) > 0;
