-- id: registrar.rdap_unverified
-- title: Every audited domain could be checked at its registry
-- severity: medium
-- provider: registrar
-- remediation: For "not_found", check the name is spelled right and still registered to you. For "no_rdap_service", check the registrar's portal by hand and record the result, or set the source's endpoint to the registry's RDAP server.
-- description: A domain vigil could not look up is not a pass: the registry answered 404, or its TLD has no RDAP service in the IANA bootstrap file.
SELECT domain AS resource,
       source,
       CASE lookup
         WHEN 'not_found' THEN domain || ' is not registered according to ' || coalesce(rdap_server, 'its RDAP server')
         WHEN 'no_rdap_service' THEN domain || ': no RDAP service is known for its TLD; registrar state is unverified'
         ELSE domain || ': lookup ' || lookup
       END AS detail,
       lookup
FROM domains
WHERE lookup != 'ok';
