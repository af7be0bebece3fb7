-- Postern store schema (issue 16 item 7): `postern user disable|enable`. A disabled account cannot log in
-- (IMAP, POP3, LMTP AUTH) and keeps receiving mail, as Dovecot's nologin does. Never edit once released.

-- Existing accounts stay enabled: the default fills every row already stored.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
