-- now: 2026-03-01T00:00:00Z
-- parameters: {"inactive_user_days": 90}
-- expect: uid=frank,dc=x, uid=gina,dc=x
INSERT INTO ldap_users(run, source, dn, uid, disabled, is_admin, groups) VALUES
 (1, 'a', 'uid=alice,dc=x', 'alice', 0, 1, '[]'),
 (1, 'a', 'uid=frank,dc=x', 'frank', 0, 1, '[]'),
 (1, 'a', 'uid=bob,dc=x', 'bob', 1, 1, '[]'),
 (1, 'a', 'uid=gina,dc=x', 'gina', 0, 1, '[]'),
 (1, 'a', 'uid=hank,dc=x', 'hank', 0, 1, '[]'),
 (1, 'a', 'uid=ivan,dc=x', 'ivan', 0, 0, '[]'),
 (1, 'b', 'uid=jo,dc=y', 'jo', 0, 1, '[]');
INSERT INTO ldap_user_activity(run, source, dn, uid, last_bind, last_bind_attribute, created) VALUES
 -- bound 10 days ago: not flagged.
 (1, 'a', 'uid=alice,dc=x', 'alice', '2026-02-19T00:00:00Z', 'pwdlastsuccess', '2020-01-01T00:00:00Z'),
 -- bound years ago: flagged.
 (1, 'a', 'uid=frank,dc=x', 'frank', '2020-01-01T00:00:00Z', 'pwdlastsuccess', '2019-01-01T00:00:00Z'),
 -- disabled, never bound: not flagged (disabled_user_in_admin_group's job).
 (1, 'a', 'uid=bob,dc=x', 'bob', '2019-01-01T00:00:00Z', 'authtimestamp', NULL),
 -- never bound while binds are tracked, created long ago: flagged.
 (1, 'a', 'uid=gina,dc=x', 'gina', NULL, NULL, '2021-01-01T00:00:00Z'),
 -- never bound, created last week: not flagged.
 (1, 'a', 'uid=hank,dc=x', 'hank', NULL, NULL, '2026-02-22T00:00:00Z'),
 -- not an admin: not flagged.
 (1, 'a', 'uid=ivan,dc=x', 'ivan', '2019-01-01T00:00:00Z', 'lastlogontimestamp', NULL),
 -- a directory that tracks no bind at all: not flagged.
 (1, 'b', 'uid=jo,dc=y', 'jo', NULL, NULL, '2019-01-01T00:00:00Z');
