-- id: test.dup
-- title: Two
-- severity: low
-- provider: test
SELECT 1 AS resource;
