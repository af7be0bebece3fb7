-- Object identifiers (RFC 8474 OBJECTID, issue 15 item 6) and save dates (RFC 8514 SAVEDATE). Never edit once
-- released.
--
-- MAILBOXID: a random opaque id per mailbox ('F' and 24 hex digits, RFC 8474 §4), kept by RENAME (the row
-- stays) and new for a new mailbox, also one that reuses a name. Random, not mailboxes.id: that counter is shared
-- by every user, so it would tell a user how many mailboxes the others create.
ALTER TABLE mailboxes ADD COLUMN object_id TEXT NOT NULL DEFAULT '';
UPDATE mailboxes SET object_id = 'F' || lower(hex(randomblob(12)));
CREATE UNIQUE INDEX mailboxes_object_id ON mailboxes (object_id);

-- EMAILID: a random opaque id per message content ('M' and 24 hex digits), new for each delivery and APPEND,
-- carried by COPY and MOVE (RFC 8474 §5.1: the content is immutable; messages.id changes with MOVE and may be
-- reused). Mail already stored: one id per (body, trace prefix), so copies made before this version share one,
-- as copies made after it do.
ALTER TABLE messages ADD COLUMN email_id TEXT NOT NULL DEFAULT '';
CREATE TEMP TABLE email_id_backfill AS
  SELECT body_id, prefix, 'M' || lower(hex(randomblob(12))) AS email_id FROM messages GROUP BY body_id, prefix;
CREATE INDEX temp.email_id_backfill_body ON email_id_backfill (body_id);
UPDATE messages SET email_id = (
  SELECT e.email_id FROM email_id_backfill e WHERE e.body_id = messages.body_id AND e.prefix = messages.prefix
);
DROP TABLE email_id_backfill;

-- SAVEDATE (RFC 8514 §3): when the message was saved into its mailbox (delivery, APPEND, COPY, MOVE), in ms since
-- the epoch. Mail stored before this version was not timed: its INTERNALDATE stands in.
ALTER TABLE messages ADD COLUMN save_date INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET save_date = internal_date;

-- Every row has its ids whichever statement inserted it: one that names none (the column defaults) gets them
-- here, so that no later insert path can leave a message or mailbox with an empty id or a save date of 1970.
CREATE TRIGGER mailboxes_object_id AFTER INSERT ON mailboxes WHEN NEW.object_id = '' BEGIN
  UPDATE mailboxes SET object_id = 'F' || lower(hex(randomblob(12))) WHERE id = NEW.id;
END;
CREATE TRIGGER messages_object_ids AFTER INSERT ON messages WHEN NEW.email_id = '' OR NEW.save_date = 0 BEGIN
  UPDATE messages SET
    email_id = CASE WHEN NEW.email_id = '' THEN 'M' || lower(hex(randomblob(12))) ELSE NEW.email_id END,
    save_date = CASE WHEN NEW.save_date = 0 THEN CAST(unixepoch('subsec') * 1000 AS INTEGER) ELSE NEW.save_date END
  WHERE id = NEW.id;
END;
