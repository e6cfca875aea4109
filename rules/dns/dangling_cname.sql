-- id: dns.dangling_cname
-- title: No CNAME points at a name that does not exist
-- severity: high
-- provider: dns
-- frameworks: NIST-800-53:SC-20
-- remediation: Delete the CNAME, or re-create what it points to. A dangling alias into a cloud service (a deleted bucket, app or CDN endpoint) can be claimed by anyone and serve content under your name.
-- description: Each CNAME of the audited names is followed once: its target is asked for A and AAAA, and a target that answers NXDOMAIN is dangling (target_status = 'nxdomain'). A target that exists without addresses (nodata) is not flagged.
SELECT name AS resource,
       source,
       name || ' is a CNAME to ' || target || ', which does not exist (NXDOMAIN)' AS detail,
       target
FROM dns_records
WHERE type = 'CNAME' AND status = 'answer' AND target_status = 'nxdomain';
