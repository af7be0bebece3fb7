-- Postern store schema, version 1 (SPEC R9): users, mailboxes with transactional counters (R9.3, R3.3),
-- single-instance bodies (R1.8), messages, the QRESYNC expunge log (RFC 7162 §3.2.5) and subscriptions.
-- Applied by src/store/sqlite/migrate.ts inside one transaction; never edit once released.

CREATE TABLE store_state (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

-- The last UIDVALIDITY handed out: each new mailbox gets a strictly larger one (RFC 9051 §2.3.1.1).
INSERT INTO store_state (key, value) VALUES ('last_uid_validity', 0);

-- AUTOINCREMENT on users, mailboxes and bodies: an id is never handed out twice, so a session holding the
-- id of something deleted can never reach a newer object that happens to get the same id.
CREATE TABLE users (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  name             TEXT NOT NULL,
  name_key         TEXT NOT NULL UNIQUE,   -- lower-cased name: logins are case-insensitive
  scrypt           TEXT NOT NULL,
  scram_salt       TEXT NOT NULL,
  scram_iterations INTEGER NOT NULL,
  scram_stored_key TEXT NOT NULL,
  scram_server_key TEXT NOT NULL,
  quota_bytes      INTEGER,                -- NULL: unlimited
  created_at       INTEGER NOT NULL        -- milliseconds since the epoch
);

CREATE TABLE mailboxes (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name                TEXT NOT NULL,        -- 'INBOX' always stored in upper case
  special_use         TEXT,
  uid_validity        INTEGER NOT NULL,
  uid_next            INTEGER NOT NULL DEFAULT 1,
  highest_modseq      INTEGER NOT NULL DEFAULT 1,
  messages            INTEGER NOT NULL DEFAULT 0,
  unseen              INTEGER NOT NULL DEFAULT 0,
  bytes               INTEGER NOT NULL DEFAULT 0,
  requiretls_messages INTEGER NOT NULL DEFAULT 0,
  UNIQUE (user_id, name)
);

CREATE TABLE bodies (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  bytes    BLOB NOT NULL,
  size     INTEGER NOT NULL,
  refcount INTEGER NOT NULL DEFAULT 0
);

-- system_flags bits: 1 \Seen, 2 \Answered, 4 \Flagged, 8 \Deleted, 16 \Draft.
-- keywords: space-separated, sorted, no duplicates ('' when none).
-- No ON DELETE CASCADE from mailboxes: messages are deleted explicitly so that the triggers below run.
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  mailbox_id      INTEGER NOT NULL REFERENCES mailboxes(id),
  uid             INTEGER NOT NULL,
  modseq          INTEGER NOT NULL,
  system_flags    INTEGER NOT NULL DEFAULT 0,
  keywords        TEXT NOT NULL DEFAULT '',
  internal_date   INTEGER NOT NULL,
  size            INTEGER NOT NULL,
  require_tls     INTEGER NOT NULL DEFAULT 0,
  tls_required_no INTEGER NOT NULL DEFAULT 0,
  forged_fields   INTEGER NOT NULL DEFAULT 0,
  body_id         INTEGER NOT NULL REFERENCES bodies(id),
  prefix          BLOB NOT NULL,
  UNIQUE (mailbox_id, uid)
);

CREATE INDEX messages_body ON messages (body_id);

CREATE TABLE expunged (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid        INTEGER NOT NULL,
  modseq     INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;

CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq);

CREATE TABLE subscriptions (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
) WITHOUT ROWID;

-- Counters and reference counts follow every row change in the same transaction (SPEC R9.3, R3.3, R1.8).
CREATE TRIGGER messages_counters_insert AFTER INSERT ON messages
BEGIN
  UPDATE mailboxes SET
    messages = messages + 1,
    unseen = unseen + ((NEW.system_flags & 1) = 0),
    bytes = bytes + NEW.size,
    requiretls_messages = requiretls_messages + (NEW.require_tls != 0)
  WHERE id = NEW.mailbox_id;
  UPDATE bodies SET refcount = refcount + 1 WHERE id = NEW.body_id;
END;

CREATE TRIGGER messages_counters_delete AFTER DELETE ON messages
BEGIN
  UPDATE mailboxes SET
    messages = messages - 1,
    unseen = unseen - ((OLD.system_flags & 1) = 0),
    bytes = bytes - OLD.size,
    requiretls_messages = requiretls_messages - (OLD.require_tls != 0)
  WHERE id = OLD.mailbox_id;
  UPDATE bodies SET refcount = refcount - 1 WHERE id = OLD.body_id;
  DELETE FROM bodies WHERE id = OLD.body_id AND refcount <= 0;
END;

CREATE TRIGGER messages_counters_seen AFTER UPDATE OF system_flags ON messages
WHEN (OLD.system_flags & 1) != (NEW.system_flags & 1)
BEGIN
  UPDATE mailboxes SET unseen = unseen + ((NEW.system_flags & 1) = 0) - ((OLD.system_flags & 1) = 0)
  WHERE id = NEW.mailbox_id;
END;
