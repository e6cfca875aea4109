-- id: test.drift_count
-- title: Counts drift rows (no column read), from a custom provider
-- severity: low
-- provider: custom
SELECT 'n:' || count(*) AS resource FROM "Changes" WHERE 0 HAVING 0;
