-- id: test.writer
-- title: A rule that tries to write
-- severity: low
-- provider: test
DELETE FROM domains;
