-- id: dns.parent_child_ns_mismatch
-- title: The registry delegation and the zone's own NS set agree
-- severity: high
-- provider: dns
-- frameworks: SEAL:DNS-REG-DELEGATION, NIST-800-53:SC-20, RFC-1034
-- remediation: Make the nameservers at the registrar and the NS records in the zone the same set. A nameserver listed only at the registry still receives queries (and, if its name lapses or its hosting account closes, whoever takes it over answers for the domain); one listed only in the zone is never asked by resolvers that start from the parent.
-- description: For each domain that both an rdap source (the registry's delegation, domains.nameservers) and a dns source (the NS set answered at the zone apex) cover, compares the two sets (case-insensitive, trailing dots and order ignored). A zone that answered no NS at all is compared as an empty set.
WITH reg AS (
  SELECT d.source, d.domain,
         (SELECT group_concat(v, ' ') FROM
            (SELECT DISTINCT lower(rtrim(value, '.')) AS v FROM json_each(d.nameservers) ORDER BY v)) AS ns
  FROM domains d
  WHERE d.lookup = 'ok'
), child AS (
  SELECT c.source, c.zone,
         (SELECT group_concat(v, ' ') FROM
            (SELECT DISTINCT lower(rtrim(r.value, '.')) AS v FROM dns_records r
             WHERE r.source = c.source AND r.zone = c.zone AND r.name = c.zone
               AND r.type = 'NS' AND r.status = 'answer'
             ORDER BY v)) AS ns
  FROM (SELECT DISTINCT source, zone FROM dns_records WHERE name = zone) c
)
SELECT child.zone AS resource,
       child.source,
       child.zone || ' is delegated by the registry to [' || coalesce(reg.ns, '')
         || '] but the zone itself answers NS [' || coalesce(child.ns, '') || ']' AS detail,
       reg.ns AS registry,
       child.ns AS zone_ns
FROM child JOIN reg ON reg.domain = child.zone
WHERE coalesce(reg.ns, '') != coalesce(child.ns, '');
