-- id: test.dns_expected
-- title: Expected values are present
-- severity: low
-- provider: dns
SELECT subject AS resource, value AS detail
FROM expected
WHERE kind = 'missing';
