-- id: test.domain_unlocked
-- title: Domains are transfer locked
-- severity: high
-- provider: registrar
-- frameworks: TEST:1.1
-- remediation: Lock the domain at the registrar.
SELECT domain AS resource,
       domain || ' is not transfer locked' AS detail,
       registrar,
       source
FROM domains
WHERE transfer_locked = 0
ORDER BY domain;
