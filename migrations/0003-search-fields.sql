-- Postern store schema, version 3 (SPEC R7.4, RFC 9051 §6.4.4): what SEARCH FROM/TO/CC/BCC/SUBJECT and
-- SENTBEFORE/SENTON/SENTSINCE compare, kept per body (computed at ingest by src/store/sqlite/search-fields.ts),
-- so that those keys read one small row per message instead of its header. Never edit once released.

-- Beside the body, not in a column of bodies (see 0002). Freed with its body: foreign keys are enforced
-- (database.ts), so ON DELETE CASCADE follows messages_counters_delete and check --repair.
CREATE TABLE body_search_fields (
  body_id      INTEGER PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version      INTEGER NOT NULL,  -- extraction version: another version is recomputed on first use
  header_len   INTEGER NOT NULL,  -- octets of the body's header that were read (at most 256 KiB)
  folds        INTEGER NOT NULL,  -- 1 when the body's first line starts with a space or tab (it would continue
                                  -- the last field of a trace prefix)
  from_values    TEXT,            -- each: a JSON array of the field's values, decoded (RFC 2047), NFC and
  to_values      TEXT,            -- lower-cased, in header order; NULL when the body has no such field
  cc_values      TEXT,
  bcc_values     TEXT,
  subject_values TEXT,
  sent_day     INTEGER            -- yyyymmdd written in the first Date: field; NULL when none can be read
);

-- Bodies stored before this version have no row: the read joins with LEFT JOIN, computes a missing row on first
-- need and stores it, so no marker of "old bodies" is kept.
