-- id: test.null_resource
-- title: A rule that returns NULL resources
-- severity: low
-- provider: test
SELECT NULL AS resource FROM domains;
