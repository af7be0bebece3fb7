-- Keywords in FLAGS and PERMANENTFLAGS (RFC 9051 §7.3.5, §7.1; issue 13 item 2): per mailbox, every keyword
-- ever set on one of its messages, in the order they first appeared, as Dovecot keeps it (the list only
-- grows). Maintained in the same transaction as each flag change, APPEND, COPY/MOVE and delivery.
CREATE TABLE mailbox_keywords (
  id         INTEGER PRIMARY KEY,
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  key        TEXT NOT NULL,   -- lower-cased: keywords compare case-insensitively (the first spelling is kept)
  name       TEXT NOT NULL,
  UNIQUE (mailbox_id, key)
);

-- The keywords of the mail already stored (messages.keywords: space-separated atoms, never a space inside).
WITH RECURSIVE split(mailbox_id, message_id, n, word, rest) AS (
  SELECT mailbox_id, id, 0, '', keywords || ' ' FROM messages WHERE keywords != ''
  UNION ALL
  SELECT mailbox_id, message_id, n + 1, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
  FROM split WHERE rest != ''
)
INSERT OR IGNORE INTO mailbox_keywords (mailbox_id, key, name)
SELECT mailbox_id, lower(word), word FROM split WHERE word != '' ORDER BY mailbox_id, message_id, n;
