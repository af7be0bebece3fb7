-- Postern store schema (RFC 5256 §2.1-§2.3, RFC 5957; issue 15 item 4): what SORT and THREAD compare, kept per
-- body (computed at ingest by src/store/sqlite/sort-keys.ts from src/mime/sort-keys.ts), so that SORT and THREAD
-- over 10,000 messages read one small row per message instead of parsing its header. Never edit once released.

-- Beside the body, freed with it (foreign keys are enforced, database.ts).
CREATE TABLE body_sort_keys (
  body_id      INTEGER PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version      INTEGER NOT NULL,  -- extraction version: another version is recomputed on first use
  header_len   INTEGER NOT NULL,  -- octets of the body's header that were read
  folds        INTEGER NOT NULL,  -- 1 when the body's first line starts with a space or tab
  subject      TEXT NOT NULL,     -- base subject (RFC 5256 §2.1), ASCII upper-cased
  is_reply     INTEGER NOT NULL,  -- 1 when extracting it removed a reply or forward marker
  from_mailbox TEXT NOT NULL,     -- first address's addr-mailbox, ASCII upper-cased ('' when none)
  from_display TEXT NOT NULL,     -- its display name (else addr-spec), folded (RFC 5957)
  to_mailbox   TEXT NOT NULL,
  to_display   TEXT NOT NULL,
  cc_mailbox   TEXT NOT NULL,
  cc_display   TEXT NOT NULL,
  sent_ms      INTEGER,           -- the Date: field's instant; NULL when none can be read (INTERNALDATE then)
  message_id   TEXT,              -- first msg-id of Message-ID, as written
  refs         TEXT NOT NULL      -- References' msg-ids (else In-Reply-To's first), space-separated
);

-- Bodies stored before this version have no row: the read joins with LEFT JOIN, computes a missing row on first
-- need and stores it (as body_search_fields, 0003).
