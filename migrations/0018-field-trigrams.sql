-- Postern store schema (SPEC R7.4, RFC 9051 §6.4.4; issue 14 items 5-6): SEARCH FROM/TO/CC/BCC/SUBJECT on a large
-- mailbox without a pass over every message's search fields (src/store/sqlite/search-keys.ts, field-trigrams.ts).
-- Never edit once released.

-- Bodies stored before migrations/0003 have no search-field row: give them one of version 0, which is recomputed
-- on first use like a row of any other version (search-fields.ts), so that every body has a row and "the rows the
-- stored values cannot answer for" are found through the indexes below.
INSERT INTO body_search_fields (body_id, version, header_len, folds)
  SELECT b.id, 0, 0, 0 FROM bodies b WHERE NOT EXISTS (SELECT 1 FROM body_search_fields f WHERE f.body_id = b.id);

-- Rows of another extraction version, and bodies whose first line folds or whose header is long (a trace prefix
-- could then change what a field holds): few, found without a pass.
CREATE INDEX body_search_fields_version ON body_search_fields (version);
CREATE INDEX body_search_fields_irregular ON body_search_fields (body_id) WHERE folds != 0 OR header_len > 131072;

-- From the bodies the index names to their messages in a mailbox without reading the messages' rows: the index
-- on body ids (0001) grows the columns the search reads.
DROP INDEX messages_body;
CREATE INDEX messages_body ON messages (body_id, mailbox_id, uid, prefix_shape, length(prefix));

-- The messages whose trace prefix may change From, To, Cc, Bcc or Subject (its shape, 0013: a line starting with
-- f, t, c, b or s in either case, bit 26 anything odd), which a trace prefix of Return-Path, Delivered-To,
-- Received and Authentication-Results never does: src/store/sqlite/field-trigrams.ts repeats this expression.
CREATE INDEX messages_prefix_fields ON messages (mailbox_id, uid) WHERE (prefix_shape & 67895334) != 0;

-- The messages whose trace prefix is long (beside an irregular body, the other way a prefix changes a field).
CREATE INDEX messages_long_prefix ON messages (mailbox_id, uid) WHERE length(prefix) > 131072;

-- The trigrams of each body's field values (the JSON text of search-fields.ts, as stored), rowid = body id: the
-- bodies whose field may hold a needle of three characters or more. No positions (detail=column): candidates
-- that the stored values then confirm. Contentless: the values stay in body_search_fields only.
CREATE VIRTUAL TABLE body_field_trigrams USING fts5(
  from_values, to_values, cc_values, bcc_values, subject_values,
  content = '', contentless_delete = 1, tokenize = 'trigram', detail = column
);
INSERT INTO body_field_trigrams (rowid, from_values, to_values, cc_values, bcc_values, subject_values)
  SELECT body_id, from_values, to_values, cc_values, bcc_values, subject_values FROM body_search_fields;

-- Bodies stored later are indexed in batches, after their delivery has committed (field-trigrams.ts
-- indexFieldTrigrams, from the ingest writer thread): a row per delivery cost the delivery a segment of its own.
-- Every body up to indexed_max is in the index; a search looks at the others directly.
CREATE TABLE body_field_trigrams_mark (indexed_max INTEGER NOT NULL);
INSERT INTO body_field_trigrams_mark (indexed_max) SELECT coalesce(max(body_id), 0) FROM body_search_fields;

-- Kept with its rows once indexed: recomputed rows (an upsert's update), and rows freed with their body (ON
-- DELETE CASCADE fires the delete trigger). Deleting a body the index does not hold yet does nothing.
CREATE TRIGGER body_search_fields_trigrams_update AFTER UPDATE ON body_search_fields BEGIN
  DELETE FROM body_field_trigrams WHERE rowid = old.body_id;
  INSERT INTO body_field_trigrams (rowid, from_values, to_values, cc_values, bcc_values, subject_values)
    VALUES (new.body_id, new.from_values, new.to_values, new.cc_values, new.bcc_values, new.subject_values);
END;
CREATE TRIGGER body_search_fields_trigrams_delete AFTER DELETE ON body_search_fields BEGIN
  DELETE FROM body_field_trigrams WHERE rowid = old.body_id;
END;
