-- id: aws.iam.admin_without_hardware_mfa
-- title: IAM administrators use hardware MFA
-- severity: high
-- provider: aws
-- remediation: Register a FIDO security key or hardware TOTP token for the user and remove the virtual device; an administrator without MFA must get one first.
-- description: IAM users with administrator access (is_admin, allowlisted or not) whose MFA is not hardware: no MFA device at all (credential report mfa_active false), or a virtual device (listed by ListVirtualMFADevices). A user with MFA active and no virtual device has a hardware or FIDO device. A user holding both a virtual and a hardware device is reported too (vigil does not call ListMFADevices per user): remove the virtual one.
SELECT u.arn AS resource,
       u.source,
       CASE WHEN coalesce(u.mfa_active, 0) = 0
            THEN 'administrator ' || u.user_name || ' has no MFA device'
            ELSE 'administrator ' || u.user_name || ' uses a virtual MFA device ('
                 || (SELECT group_concat(v.serial_number, ', ') FROM aws_iam_virtual_mfa v
                     WHERE v.source IS u.source AND v.user_arn = u.arn) || ')'
       END AS detail,
       u.mfa_active
FROM aws_iam_users u
WHERE u.is_admin = 1
  AND (coalesce(u.mfa_active, 0) = 0
       OR EXISTS (SELECT 1 FROM aws_iam_virtual_mfa v
                  WHERE v.source IS u.source AND v.user_arn = u.arn));
