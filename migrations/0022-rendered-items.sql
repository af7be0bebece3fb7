-- Postern store schema (issue 17 item 2): the ENVELOPE, BODY and BODYSTRUCTURE wire forms of each body, rendered
-- once at ingest (src/mime/render/forms.ts) so that a cold metadata FETCH reads and concatenates them, as Cyrus
-- serves them from its cache file. Never edit once released.

-- Beside the body, in small rows of their own (not columns of body_structures, whose JSON would be walked past):
-- FETCH reads them for a batch of messages in one join. The values are the octets sent, as text whose characters
-- are all below U+0100 (one per octet). A *_utf8 column holds the UTF8=ACCEPT form (RFC 6855 §3) where it differs,
-- NULL where it is the same octets.
CREATE TABLE body_renderings (
  body_id            INTEGER PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  version            INTEGER NOT NULL,   -- parser and renderer version: another version is rendered again on first use
  envelope           TEXT NOT NULL,
  body               TEXT NOT NULL,
  bodystructure      TEXT NOT NULL,
  envelope_utf8      TEXT,
  body_utf8          TEXT,
  bodystructure_utf8 TEXT
);

-- Bodies stored before this version have no row: the store renders and stores their forms on first need.
