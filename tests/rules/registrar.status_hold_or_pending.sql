-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: client-hold.example, epp-redemption.example, pending-delete.example, pending-transfer.example, restore.example, server-hold.example
INSERT INTO domains(run, source, domain, status, lookup, nameservers)
VALUES
 (1, 'registrar', 'active.example', '["active","client transfer prohibited"]', 'ok', '[]'),
 (1, 'registrar', 'client-hold.example', '["client hold"]', 'ok', '[]'),
 (1, 'registrar', 'server-hold.example', '["server hold","server transfer prohibited"]', 'ok', '[]'),
 (1, 'registrar', 'pending-transfer.example', '["pending transfer"]', 'ok', '[]'),
 (1, 'registrar', 'pending-delete.example', '["pending delete","redemption period"]', 'ok', '[]'),
 (1, 'registrar', 'epp-redemption.example', '["redemptionPeriod"]', 'ok', '[]'),
 (1, 'registrar', 'restore.example', '["pending restore"]', 'ok', '[]'),
 -- other pending states are routine: not flagged
 (1, 'registrar', 'pending-update.example', '["pending update","pending renew","pending create"]', 'ok', '[]'),
 -- "hold" inside another phrase is not a hold
 (1, 'registrar', 'holder.example', '["client hold released"]', 'ok', '[]'),
 (1, 'registrar', 'unknown.example', NULL, 'no_rdap_service', '[]');
INSERT INTO domains(run, source, domain, status, lookup, nameservers) VALUES
 (2, 'registrar', 'other-run.example', '["client hold"]', 'ok', '[]');
