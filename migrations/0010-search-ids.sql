-- Postern store schema (SPEC R7.4, RFC 9051 §6.4.4; issue 13 item 7): the searched fields kept per body (0003)
-- grow the message identifiers clients look messages up by (HEADER Message-ID / In-Reply-To / References), and
-- an index of their msg-ids, so that `UID SEARCH HEADER Message-ID <id>` finds the body without reading every
-- message. Computed by src/store/sqlite/search-fields.ts (its version 3); rows of an older version, which have
-- no such values and no index entries, are recomputed on first use, as 0003 describes. Never edit once released.

ALTER TABLE body_search_fields ADD COLUMN message_id_values  TEXT;  -- as from_values: JSON arrays of decoded,
ALTER TABLE body_search_fields ADD COLUMN in_reply_to_values TEXT;  -- NFC, lower-cased values; NULL when none
ALTER TABLE body_search_fields ADD COLUMN references_values  TEXT;

-- Each `<…>` token (no angle bracket inside) of those values, once per body and field: complete for every body
-- whose body_search_fields row is of version 3 or later, and freed with that row.
CREATE TABLE body_msg_ids (
  field   TEXT NOT NULL,     -- 'message-id', 'in-reply-to' or 'references'
  token   TEXT NOT NULL,     -- as folded in the values, angle brackets included
  body_id INTEGER NOT NULL REFERENCES body_search_fields(body_id) ON DELETE CASCADE,
  PRIMARY KEY (field, token, body_id)
) WITHOUT ROWID;

CREATE INDEX body_msg_ids_body ON body_msg_ids (body_id);
