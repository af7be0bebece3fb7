-- Postern store schema, version 4 (SPEC R7.4, R12): the full-text index leaves the store's file. It now lives
-- in its own file beside it (`<name>.text.sqlite`, src/store/sqlite/text-index/), filled in the background by
-- an indexer thread, so that a delivery's transaction stores the body and its structure only. Never edit once
-- released.

DROP TRIGGER bodies_text_delete;
DROP TABLE body_text;
-- Bodies without a stored structure are parsed on first need (body-index.ts); the text index covers every
-- body by its own high-water mark, so the old "unindexed bodies" marker has no use left.
DELETE FROM store_state WHERE key = 'unindexed_body_max';

-- Bodies freed since the indexer last looked: it removes their rows from the index, then the store forgets
-- the entries up to the sequence number the index has applied.
CREATE TABLE text_index_purge (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  body_id INTEGER NOT NULL
);

CREATE TRIGGER bodies_text_purge AFTER DELETE ON bodies
BEGIN
  INSERT INTO text_index_purge (body_id) VALUES (OLD.id);
END;

-- Names the index file that belongs to this store: an index carrying another token is rebuilt.
INSERT INTO store_state (key, value) VALUES ('text_index_token', abs(random() % 9007199254740991) + 1);
