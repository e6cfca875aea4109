-- id: aws.iam.access_key_unused
-- title: Active access keys are in use
-- severity: medium
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.12, CIS-AWS-4.0:1.12
-- remediation: Deactivate the key; delete it once nothing breaks. A key nobody uses is only a liability.
-- description: Active access keys not used for :max_unused_days days (a key never used counts from its creation). Last use comes from the credential report, which AWS updates at most every 4 hours.
SELECT user_arn || '/' || access_key_id AS resource,
       source,
       user_name || ': access key ' || access_key_id
         || CASE WHEN last_used IS NULL
              THEN ' was never used (created ' || created || ')'
              ELSE ' was last used ' || last_used
                   || coalesce(' (' || last_used_service || ')', '')
            END AS detail,
       access_key_id,
       last_used
FROM aws_iam_access_keys
WHERE status = 'Active'
  AND coalesce(last_used, created) IS NOT NULL
  AND julianday(:now) - julianday(coalesce(last_used, created)) > :max_unused_days;
