-- The expunge log's horizon per mailbox (RFC 7162 §3.2.5.2, issue 15 item 2): the log keeps the newest
-- expunges of each mailbox and forgets older ones; expunge_horizon is the highest mod-sequence forgotten, so
-- that QRESYNC from a mod-sequence below it answers from the UIDs present instead (complete, larger, never
-- wrong). 0 for a store that already holds mail: nothing has been forgotten yet.
ALTER TABLE mailboxes ADD COLUMN expunge_horizon INTEGER NOT NULL DEFAULT 0;
