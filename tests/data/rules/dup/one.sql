-- id: test.dup
-- title: One
-- severity: low
-- provider: test
SELECT 1 AS resource;
