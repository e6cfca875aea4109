-- id: drift.critical_value_unreadable
-- title: Critical values can be read
-- severity: high
-- provider: drift
-- frameworks: NIST-800-53:SI-7, NIST-800-53:SI-4
-- remediation: Find out why the value could not be read (the endpoint down or moved, a JSON field renamed, DNS or SSM errors, credentials): an unreadable pin is not a passing one. Restore access, or fix the pin's source in the policy.
-- description: A critical value (policy critical_values, SPEC 7) that could not be read in this run: an HTTP error or timeout, a JSON pointer naming nothing, a DNS failure, an SSM error. The resource is the pin's name; the detail is the reason.
SELECT name AS resource,
       source,
       name || ' (' || source_type || ') could not be read: ' || coalesce(error, 'unknown error') AS detail,
       source_type
FROM critical_values
WHERE status = 'unreadable';
