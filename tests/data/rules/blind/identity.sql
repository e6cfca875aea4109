-- id: test.identity_rule
-- title: Reads the people of every directory
-- severity: high
-- provider: identity
SELECT name AS resource FROM sources WHERE 0;
