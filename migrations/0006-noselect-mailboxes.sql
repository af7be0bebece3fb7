-- Postern store schema (issue 13 item 17; RFC 3501 §6.3.4): \Noselect placeholders. DELETE of a mailbox that
-- has inferiors removes the mailbox (its row, its messages, its UIDVALIDITY) and leaves its name here, listed
-- \Noselect until CREATE makes it a mailbox again (a new row, a fresh UIDVALIDITY) or its last inferior goes.
-- A placeholder holds no messages and no counters, so the mailboxes table and everything that reads it (POP3,
-- quota, check, the change feed) keep seeing only selectable mailboxes. INBOX is never a placeholder (it cannot
-- be deleted). Stores from before this version hold none: nothing to backfill. Never edit once released.

CREATE TABLE noselect_mailboxes (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
) WITHOUT ROWID;
