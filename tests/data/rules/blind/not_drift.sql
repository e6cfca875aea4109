-- id: test.not_drift
-- title: Mentions changes but reads only expected values
-- severity: high
-- provider: drift
-- description: the word changes, not the table
SELECT 'no changes' AS resource /* changes */ FROM expected WHERE 0;
