-- id: test.runtime_error
-- title: A rule that fails while running
-- severity: low
-- provider: test
SELECT domain AS resource
FROM domains
WHERE json_extract(raw, '$.x') IS NOT NULL;
