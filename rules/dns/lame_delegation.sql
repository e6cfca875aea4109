-- id: dns.lame_delegation
-- title: Every nameserver of a zone answers for it authoritatively
-- severity: high
-- provider: dns
-- frameworks: SEAL:DNS-REG-DELEGATION, NIST-800-53:SC-20, RFC-1912
-- remediation: Fix or remove the nameserver at the DNS provider and at the registrar. A lame nameserver slows or breaks resolution, and one whose name or address no longer belongs to you (an expired domain, a released cloud IP or DNS-hosting account) can be taken over and answer for the whole zone.
-- description: The dns source asks SOA for the zone directly at each IPv4 address of each nameserver in the zone's NS set (table dns_ns_checks). Anything but an authoritative answer is flagged: a name that does not resolve (no IPv4 address), no answer at all, an error RCODE (REFUSED, SERVFAIL...) or an answer without the AA bit or the zone's SOA. A nameserver that could not be queried is not a pass. The resource is zone/nameserver.
SELECT zone || '/' || nameserver AS resource,
       source,
       nameserver || ' is lame for ' || zone || ': ' || group_concat(
         coalesce(address, 'no address') || ' ' ||
         CASE status
           WHEN 'unresolved' THEN 'its name does not resolve to an IPv4 address (' || coalesce(rcode, '?') || ')'
           WHEN 'no_answer' THEN 'did not answer'
           WHEN 'error_rcode' THEN 'answered ' || coalesce(rcode, '?')
           ELSE 'answered without authority (AA ' || coalesce(authoritative, '?') || ')'
         END, '; ') AS detail,
       group_concat(DISTINCT status) AS statuses
FROM dns_ns_checks
WHERE status != 'authoritative'
GROUP BY source, zone, nameserver;
