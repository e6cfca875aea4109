-- id: test.drift_upper
-- title: Reads the drift table, spelled in capitals
-- severity: high
-- provider: drift
SELECT key AS resource FROM CHANGES WHERE 0;
