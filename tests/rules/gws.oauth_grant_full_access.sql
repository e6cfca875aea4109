-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_oauth_clients": ["555-backup.apps.googleusercontent.com", "Approved CRM"]}
-- expect: dave@example.com/999-shady.apps.googleusercontent.com, heidi@example.com/444-admintool.apps.googleusercontent.com, kim@example.com/222-reader.apps.googleusercontent.com
INSERT INTO gws_tokens(run, source, email, client_id, display_text, scopes, anonymous, native_app) VALUES
 (1, 'ws', 'alice@example.com', '1234-slack.apps.googleusercontent.com', 'Slack', '["openid", "https://www.googleapis.com/auth/userinfo.email"]', 0, 0),
 (1, 'ws', 'carol@example.com', '777-calsync.apps.googleusercontent.com', 'Calendar Sync', '["https://www.googleapis.com/auth/calendar"]', 0, 0),
 (1, 'ws', 'dave@example.com', '999-shady.apps.googleusercontent.com', 'Shady Mail Helper', '["https://mail.google.com/", "openid"]', 0, 0),
 (1, 'ws', 'erin@example.com', '555-backup.apps.googleusercontent.com', 'Backup Tool', '["https://www.googleapis.com/auth/drive"]', 0, 0),
 (1, 'ws', 'frank@example.com', '888-crm.apps.googleusercontent.com', 'Approved CRM', '["https://www.googleapis.com/auth/gmail.modify"]', 0, 0),
 (1, 'ws', 'heidi@example.com', '444-admintool.apps.googleusercontent.com', 'Directory Helper', '["https://www.googleapis.com/auth/admin.directory.user"]', 0, 0),
 (1, 'ws', 'kim@example.com', '222-reader.apps.googleusercontent.com', 'Reader', '["https://www.googleapis.com/auth/drive.readonly"]', 0, 0),
 (1, 'ws', 'leo@example.com', '333-files.apps.googleusercontent.com', 'One File', '["https://www.googleapis.com/auth/drive.file", "https://www.googleapis.com/auth/gmail.send"]', 0, 0),
 (1, 'ws', 'ivan@example.com', '333-none.apps.googleusercontent.com', 'Empty', '[]', 0, 0);
