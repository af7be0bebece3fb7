-- Postern store schema (SPEC R7.4, RFC 9051 §6.4.4; issue 14 items 5-6): the shape of each message's trace prefix,
-- so that SEARCH FROM/TO/CC/BCC/SUBJECT over a mailbox can tell in SQL, from one integer, which messages are
-- served with exactly their body's stored values of a field (src/store/sqlite/prefix-shape.ts) instead of
-- scanning every prefix. Rows stored before have NULL: their prefix is then tested octet by octet, as before.
-- Never edit once released.

ALTER TABLE messages ADD COLUMN prefix_shape INTEGER;  -- bits 0-25: a line starts with that letter (a-z, any
                                                       -- case); bit 26: the prefix could change the body's header

-- The REQUIRETLS messages of a mailbox, which every SEARCH's listing names (R3.4), without reading every row.
CREATE INDEX messages_require_tls ON messages (mailbox_id, uid) WHERE require_tls != 0;
