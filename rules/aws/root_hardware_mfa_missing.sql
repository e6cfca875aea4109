-- id: aws.iam.root_hardware_mfa_missing
-- title: The root user has a hardware MFA device
-- severity: high
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.6, CIS-AWS-4.0:1.6
-- remediation: Sign in as root and replace the virtual MFA device with a hardware TOTP token or a FIDO security key kept in a safe; then deactivate the virtual device.
-- description: The root user's MFA is a virtual device (ListVirtualMFADevices lists one assigned to arn:aws:iam::ACCOUNT:root, serial mfa/root-account-mfa-device), or root has no MFA at all (aws.iam.root_mfa_disabled reports that too). A virtual device lives on a phone with its own attack surface; CIS asks for hardware MFA on root.
SELECT 'arn:aws:iam::' || a.account_id || ':root' AS resource,
       a.source,
       CASE WHEN coalesce(a.root_mfa_enabled, 0) = 0
            THEN 'the root user of account ' || a.account_id || ' has no MFA device at all'
            ELSE 'the root user of account ' || a.account_id || ' uses a virtual MFA device ('
                 || (SELECT group_concat(v.serial_number, ', ') FROM aws_iam_virtual_mfa v
                     WHERE v.source IS a.source AND v.is_root = 1) || ')'
       END AS detail
FROM aws_account a
WHERE coalesce(a.root_mfa_enabled, 0) = 0
   OR EXISTS (SELECT 1 FROM aws_iam_virtual_mfa v
              WHERE v.source IS a.source AND v.is_root = 1);
