-- id: aws.iam.role_trust_oidc_unrestricted
-- title: Web-identity (OIDC) roles are limited to known subjects
-- severity: critical
-- provider: aws
-- frameworks: NIST-800-53:AC-3
-- remediation: Add a StringEquals (or StringLike with a fixed owner) condition on the provider's "sub" key naming the repository and branch or environment, e.g. "token.actions.githubusercontent.com:sub": "repo:ORG/REPO:ref:refs/heads/main".
-- description: Roles trusting an OpenID Connect provider (a Federated principal that is not a SAML provider, e.g. GitHub Actions' token.actions.githubusercontent.com), whatever the Action (sts:AssumeRoleWithWebIdentity, "sts:*", "*", any case), with no positive condition on "<provider>:sub" (key compared without case; Cognito: "cognito-identity.amazonaws.com:aud"), or with a pattern (...Like, also ForAnyValue:) whose value matches any subject or any repository: a wildcard in or right after the first field's name ("*", "rep*", "repo*", "repo:*", "repository_owner:*") or in the owner part of "repo:OWNER/..." ("repo:org*" also matches org-evil). "repo:OWNER/*", every repository of one owner, is not reported: GitHub owner names are unique, and the owner controls which workflows run; name the repository and branch or environment to narrow it further. An audience condition alone lets every workflow of every GitHub user assume the role.
SELECT role_arn AS resource,
       source,
       'role ' || role_name || ' trusts ' || oidc_provider || ' for '
         || CASE WHEN sub_values IS NULL OR json_array_length(sub_values) = 0
                 THEN 'any subject (no sub condition)'
                 ELSE 'subjects matching ' || (SELECT group_concat(value, ', ') FROM json_each(sub_values))
            END AS detail,
       oidc_provider,
       sub_values
FROM aws_iam_role_trust
WHERE effect = 'Allow' AND oidc_provider IS NOT NULL AND sub_unrestricted = 1
GROUP BY source, role_arn;
