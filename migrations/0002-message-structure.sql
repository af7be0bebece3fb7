-- Postern store schema, version 2 (SPEC R7.3, R7.4): the parsed MIME structure of each body (JSON, computed at
-- ingest) and a full-text index of its decoded header and text parts (FTS5 trigram: substring search), both
-- keyed by body id. Never edit once released.

-- The structure lives beside the body, not in a column of bodies: a column stored after a large BLOB can only
-- be read by walking the BLOB's overflow pages, and updating it would rewrite the BLOB.
CREATE TABLE body_structures (
  body_id   INTEGER PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version   INTEGER NOT NULL,   -- parser version: another version is recomputed on first use
  structure TEXT NOT NULL       -- JSON of the MimeMessage (src/mime/types.ts)
);

-- Text is stored lower-cased (by the store, Unicode-aware), so that an exact instr() check narrows trigram hits.
CREATE VIRTUAL TABLE body_text USING fts5(header, body, tokenize = 'trigram');

-- Bodies stored before this version have neither; they are parsed on first need (a migration is SQL only).
-- Only ids up to this one can lack them; 0 once all are done, so the check costs one lookup.
INSERT INTO store_state (key, value) SELECT 'unindexed_body_max', COALESCE(MAX(id), 0) FROM bodies;

-- A freed body takes its text with it (bodies are deleted by messages_counters_delete and check --repair).
CREATE TRIGGER bodies_text_delete AFTER DELETE ON bodies
BEGIN
  DELETE FROM body_text WHERE rowid = OLD.id;
END;
