-- Postern store schema, version 5 (SPEC R1.8, R11.2; issue 12 item 13): large bodies are stored as fixed-size
-- chunks, so that neither the writer nor a reader ever binds or materialises a large body whole. A body with
-- chunk_bytes = 0 keeps its octets in bodies.bytes as before; one with chunk_bytes = N > 0 has an empty
-- bodies.bytes and its octets in body_chunks rows seq 0, 1, ... of N octets each (the last may be shorter).
-- Read through src/store/sqlite/body-bytes.ts only. Never edit once released.

ALTER TABLE bodies ADD COLUMN chunk_bytes INTEGER NOT NULL DEFAULT 0;

-- A rowid table (not WITHOUT ROWID): rows of 256 KiB belong in overflow pages, keyed by the unique index.
CREATE TABLE body_chunks (
  body_id INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  bytes   BLOB NOT NULL,
  UNIQUE (body_id, seq)
);

-- Freeing a body (its last message deleted: migrations/0001 trigger messages_counters_delete) frees its chunks.
CREATE TRIGGER bodies_chunks_delete AFTER DELETE ON bodies
BEGIN
  DELETE FROM body_chunks WHERE body_id = OLD.id;
END;
