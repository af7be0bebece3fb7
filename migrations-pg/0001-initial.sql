-- The PostgreSQL store's schema (issue 18, SPEC R9.4): the same tables and meanings as the SQLite store's
-- migrations/ (0001 to 0022) in PostgreSQL's dialect, so that both backends answer every Store call alike.
-- Counters, refcounts and object ids are kept by statement-level triggers over transition tables, in the same
-- transaction as the change, so that front ends writing at once keep them exact.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- 24 random hex digits (96 bits: a v4 UUID's random digits, around its version and variant digits) for the
-- RFC 8474 object ids, as the SQLite store's 'F'/'M' || hex(randomblob(12)).
CREATE FUNCTION random_hex_id() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT substr(u, 1, 12) || substr(u, 18, 12) FROM (SELECT translate(gen_random_uuid()::text, '-', '') AS u) r
$$;

CREATE TABLE store_state (
  key   TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO store_state (key, value) VALUES ('last_uid_validity', 0);

CREATE TABLE users (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             TEXT NOT NULL,
  name_key         TEXT NOT NULL UNIQUE,   -- lower-cased name: logins are case-insensitive
  scrypt           TEXT NOT NULL,
  scram_salt       TEXT NOT NULL,
  scram_iterations INTEGER NOT NULL,
  scram_stored_key TEXT NOT NULL,
  scram_server_key TEXT NOT NULL,
  quota_bytes      BIGINT,                 -- NULL: unlimited
  created_at       BIGINT NOT NULL,        -- milliseconds since the epoch
  disabled         BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE mailboxes (
  id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id             BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name                TEXT NOT NULL,        -- 'INBOX' always stored in upper case
  special_use         TEXT,
  uid_validity        BIGINT NOT NULL,
  uid_next            BIGINT NOT NULL DEFAULT 1,
  highest_modseq      BIGINT NOT NULL DEFAULT 1,
  messages            BIGINT NOT NULL DEFAULT 0,
  unseen              BIGINT NOT NULL DEFAULT 0,
  deleted             BIGINT NOT NULL DEFAULT 0,
  bytes               BIGINT NOT NULL DEFAULT 0,
  requiretls_messages BIGINT NOT NULL DEFAULT 0,
  first_recent_uid    BIGINT NOT NULL DEFAULT 1,
  expunge_horizon     BIGINT NOT NULL DEFAULT 0,
  object_id           TEXT NOT NULL UNIQUE DEFAULT ('F' || random_hex_id()),
  UNIQUE (user_id, name)
);

CREATE TABLE noselect_mailboxes (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
);

CREATE TABLE subscriptions (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
);

CREATE TABLE mailbox_keywords (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mailbox_id BIGINT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  key        TEXT NOT NULL,   -- lower-cased: keywords compare case-insensitively (the first spelling is kept)
  name       TEXT NOT NULL,
  UNIQUE (mailbox_id, key)
);

-- Bodies are stored once (SPEC R1.4). A small one is in `bytes`; a large one is in body_chunks of `chunk_bytes`
-- octets each, `bytes` then empty (read and written a chunk at a time, never whole).
CREATE TABLE bodies (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bytes       BYTEA NOT NULL,
  size        BIGINT NOT NULL,
  refcount    BIGINT NOT NULL DEFAULT 0,
  chunk_bytes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE body_chunks (
  body_id BIGINT NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,
  bytes   BYTEA NOT NULL,
  PRIMARY KEY (body_id, seq)
);

CREATE TABLE messages (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mailbox_id      BIGINT NOT NULL REFERENCES mailboxes(id),
  uid             BIGINT NOT NULL,
  modseq          BIGINT NOT NULL,
  system_flags    INTEGER NOT NULL DEFAULT 0,
  keywords        TEXT NOT NULL DEFAULT '',
  internal_date   BIGINT NOT NULL,
  internal_tz     INTEGER NOT NULL DEFAULT 0,
  size            BIGINT NOT NULL,
  require_tls     BOOLEAN NOT NULL DEFAULT false,
  tls_required_no BOOLEAN NOT NULL DEFAULT false,
  forged_fields   INTEGER NOT NULL DEFAULT 0,
  body_id         BIGINT NOT NULL REFERENCES bodies(id),
  prefix          BYTEA NOT NULL,
  prefix_shape    INTEGER,
  email_id        TEXT NOT NULL DEFAULT ('M' || random_hex_id()),
  save_date       BIGINT NOT NULL DEFAULT (floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint),
  removed_fields  TEXT,
  pop3_uidl       TEXT,
  UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_modseq ON messages (mailbox_id, modseq);
CREATE INDEX messages_body ON messages (body_id);
CREATE INDEX messages_require_tls ON messages (mailbox_id, uid) WHERE require_tls;

CREATE TABLE expunged (
  mailbox_id BIGINT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid        BIGINT NOT NULL,
  modseq     BIGINT NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq);

-- What ingest derives from each body (SPEC R7.3, R7.4; issue 15 item 4, issue 17 item 2): see the SQLite
-- migrations 0002, 0003, 0010, 0014 and 0022 for each column's meaning; `version` as there.
CREATE TABLE body_structures (
  body_id   BIGINT PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version   INTEGER NOT NULL,
  structure TEXT NOT NULL
);

CREATE TABLE body_renderings (
  body_id            BIGINT PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version            INTEGER NOT NULL,
  envelope           TEXT NOT NULL,
  body               TEXT NOT NULL,
  bodystructure      TEXT NOT NULL,
  envelope_utf8      TEXT,
  body_utf8          TEXT,
  bodystructure_utf8 TEXT
);

CREATE TABLE body_search_fields (
  body_id            BIGINT PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version            INTEGER NOT NULL,
  header_len         BIGINT NOT NULL,
  folds              BOOLEAN NOT NULL,
  from_values        TEXT,
  to_values          TEXT,
  cc_values          TEXT,
  bcc_values         TEXT,
  subject_values     TEXT,
  sent_day           INTEGER,
  message_id_values  TEXT,
  in_reply_to_values TEXT,
  references_values  TEXT
);
CREATE INDEX body_search_fields_from ON body_search_fields USING gin (from_values gin_trgm_ops);
CREATE INDEX body_search_fields_to ON body_search_fields USING gin (to_values gin_trgm_ops);
CREATE INDEX body_search_fields_cc ON body_search_fields USING gin (cc_values gin_trgm_ops);
CREATE INDEX body_search_fields_bcc ON body_search_fields USING gin (bcc_values gin_trgm_ops);
CREATE INDEX body_search_fields_subject ON body_search_fields USING gin (subject_values gin_trgm_ops);

CREATE TABLE body_msg_ids (
  field   TEXT NOT NULL,     -- 'message-id', 'in-reply-to' or 'references'
  token   TEXT NOT NULL,     -- as folded in the values, angle brackets included
  body_id BIGINT NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  PRIMARY KEY (field, token, body_id)
);
CREATE INDEX body_msg_ids_body ON body_msg_ids (body_id);

CREATE TABLE body_sort_keys (
  body_id      BIGINT PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version      INTEGER NOT NULL,
  header_len   BIGINT NOT NULL,
  folds        BOOLEAN NOT NULL,
  subject      TEXT NOT NULL,
  is_reply     BOOLEAN NOT NULL,
  from_mailbox TEXT NOT NULL,
  from_display TEXT NOT NULL,
  to_mailbox   TEXT NOT NULL,
  to_display   TEXT NOT NULL,
  cc_mailbox   TEXT NOT NULL,
  cc_display   TEXT NOT NULL,
  sent_ms      BIGINT,
  message_id   TEXT,
  refs         TEXT NOT NULL
);

-- The full-text index (SPEC R7.4): each body's decoded text parts and header, searched as case-insensitive
-- substrings through pg_trgm (like the SQLite store's FTS5 trigram index); the RFC 8970 preview beside them.
CREATE TABLE body_text (
  body_id BIGINT PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  header  TEXT NOT NULL,
  text    TEXT NOT NULL,
  preview TEXT NOT NULL
);
CREATE INDEX body_text_header ON body_text USING gin (header gin_trgm_ops);
CREATE INDEX body_text_text ON body_text USING gin (text gin_trgm_ops);

-- Mailbox counters and body refcounts follow the message rows, per statement (SPEC R9.3: exact under concurrency).
CREATE FUNCTION messages_counted_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mailboxes b SET
    messages = b.messages + d.n,
    unseen = b.unseen + d.unseen,
    deleted = b.deleted + d.deleted,
    bytes = b.bytes + d.bytes,
    requiretls_messages = b.requiretls_messages + d.requiretls
  FROM (SELECT mailbox_id, count(*) AS n, count(*) FILTER (WHERE system_flags & 1 = 0) AS unseen,
               count(*) FILTER (WHERE system_flags & 8 <> 0) AS deleted, sum(size) AS bytes,
               count(*) FILTER (WHERE require_tls) AS requiretls
        FROM new_rows GROUP BY mailbox_id) d
  WHERE b.id = d.mailbox_id;
  UPDATE bodies SET refcount = bodies.refcount + d.n
  FROM (SELECT body_id, count(*) AS n FROM new_rows GROUP BY body_id) d WHERE bodies.id = d.body_id;
  RETURN NULL;
END $$;

CREATE FUNCTION messages_counted_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mailboxes b SET
    messages = b.messages - d.n,
    unseen = b.unseen - d.unseen,
    deleted = b.deleted - d.deleted,
    bytes = b.bytes - d.bytes,
    requiretls_messages = b.requiretls_messages - d.requiretls
  FROM (SELECT mailbox_id, count(*) AS n, count(*) FILTER (WHERE system_flags & 1 = 0) AS unseen,
               count(*) FILTER (WHERE system_flags & 8 <> 0) AS deleted, sum(size) AS bytes,
               count(*) FILTER (WHERE require_tls) AS requiretls
        FROM old_rows GROUP BY mailbox_id) d
  WHERE b.id = d.mailbox_id;
  UPDATE bodies SET refcount = bodies.refcount - d.n
  FROM (SELECT body_id, count(*) AS n FROM old_rows GROUP BY body_id) d WHERE bodies.id = d.body_id;
  DELETE FROM bodies WHERE id IN (SELECT DISTINCT body_id FROM old_rows) AND refcount <= 0;
  RETURN NULL;
END $$;

CREATE FUNCTION messages_counted_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mailboxes b SET
    unseen = b.unseen + d.unseen,
    deleted = b.deleted + d.deleted
  FROM (SELECT n.mailbox_id,
               sum((n.system_flags & 1 = 0)::int - (o.system_flags & 1 = 0)::int) AS unseen,
               sum((n.system_flags & 8 <> 0)::int - (o.system_flags & 8 <> 0)::int) AS deleted
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.system_flags & 9) <> (o.system_flags & 9)
        GROUP BY n.mailbox_id) d
  WHERE b.id = d.mailbox_id;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_counted_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_counted_insert();
CREATE TRIGGER messages_counted_delete AFTER DELETE ON messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_counted_delete();
CREATE TRIGGER messages_counted_update AFTER UPDATE ON messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_counted_update();
