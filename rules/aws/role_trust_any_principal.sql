-- id: aws.iam.role_trust_any_principal
-- title: No role can be assumed by any AWS principal
-- severity: critical
-- provider: aws
-- frameworks: NIST-800-53:AC-3
-- remediation: Name the accounts or roles that may assume the role in its trust policy's Principal, or add a condition such as StringEquals on aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceAccount, or ArnLike on aws:PrincipalArn with the account written out. Conditions that do not restrict who assumes the role (aws:SecureTransport, aws:MultiFactorAuthPresent, sts:ExternalId alone, a ForAllValues: operator, a pattern with a wildcard in the account) do not make it safe.
-- description: Roles whose trust policy has an Allow statement with Principal "*", {"AWS": "*"} (also in a list beside named principals) or NotPrincipal (everyone but the listed principals), whatever its Action ("sts:*", "*", "sts:AssumeRole*", any case), and no condition that restricts who assumes it: a positive operator (not a Not... operator, not ...IfExists, not ForAllValues:, which holds when the caller lacks the key, e.g. a principal outside any organisation) on aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:SourceOrgPaths, aws:SourceOwner, aws:SourceIp, aws:SourceVpc, aws:SourceVpce or aws:userid with a value that is not only wildcards, not an address range of every address (/0), and, under a pattern operator (...Like, Arn...), has no wildcard in the part that names the account or organisation (an ARN's account field or, for S3, its bucket; an organisation id or path's first part; the unique id of aws:userid; any wildcard in an account or organisation id). The test errs towards reporting: a wildcard before the account field (say in the region) counts as open even with the account written out. sts:ExternalId alone does not restrict: anyone who learns it gets in. A trust policy that could not be read is reported too.
SELECT role_arn AS resource,
       source,
       CASE WHEN error IS NOT NULL
            THEN 'role ' || coalesce(role_name, role_arn) || ': the trust policy could not be evaluated: ' || error
            ELSE 'role ' || role_name || ' can be assumed by any AWS principal (statement '
                 || (idx + 1) || coalesce(', condition ' || condition, ', no condition') || ')'
       END AS detail,
       condition
FROM aws_iam_role_trust
WHERE error IS NOT NULL
   OR (effect = 'Allow' AND principal_kind = '*' AND coalesce(restricting_condition, 0) = 0)
GROUP BY source, role_arn;
