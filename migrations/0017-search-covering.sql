-- Postern store schema (SPEC R7.4, RFC 9051 §6.4.4; issue 14 items 5-6): SEARCH FROM/TO/CC/BCC/SUBJECT and the
-- date keys over a whole mailbox read every message's body id, prefix shape and length, and dates. An index that
-- holds them (in UID order) answers those queries without visiting each message's row, which also holds its
-- trace prefix: about three times less work per message (src/store/sqlite/search-keys.ts names it with
-- INDEXED BY). Never edit once released.
CREATE INDEX messages_search ON messages (mailbox_id, uid, body_id, prefix_shape, length(prefix), internal_date, internal_tz);

-- Messages stored before migrations/0013 have no prefix shape: their prefixes are tested octet by octet, found
-- through this small index instead of a pass over the mailbox. New messages never enter it.
CREATE INDEX messages_unshaped ON messages (mailbox_id, uid) WHERE prefix_shape IS NULL;
