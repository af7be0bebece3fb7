-- Postern store schema (issue 13 item 5; SPEC R7.5): the cross-process change feed (src/store/sqlite/feed-watcher.ts)
-- reads the messages of a mailbox changed since the last MODSEQ it published; this index makes that read touch only
-- the changed rows instead of every message of the mailbox. CONDSTORE's CHANGEDSINCE reads the same way.
CREATE INDEX messages_modseq ON messages (mailbox_id, modseq);
