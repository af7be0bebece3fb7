-- Postern store schema (SPEC R9.3, RFC 9051 §6.3.11 STATUS DELETED; issue 13 item 8): the number of messages with
-- \Deleted kept per mailbox by the counter triggers of 0001 (recreated here to maintain it in the same UPDATE),
-- so that STATUS (DELETED) reads one row instead of every message. Never edit once released.

ALTER TABLE mailboxes ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

-- A store that already holds mail: count what is there.
UPDATE mailboxes SET deleted = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id AND (m.system_flags & 8) != 0);

DROP TRIGGER messages_counters_insert;
DROP TRIGGER messages_counters_delete;
DROP TRIGGER messages_counters_seen;

CREATE TRIGGER messages_counters_insert AFTER INSERT ON messages
BEGIN
  UPDATE mailboxes SET
    messages = messages + 1,
    unseen = unseen + ((NEW.system_flags & 1) = 0),
    deleted = deleted + ((NEW.system_flags & 8) != 0),
    bytes = bytes + NEW.size,
    requiretls_messages = requiretls_messages + (NEW.require_tls != 0)
  WHERE id = NEW.mailbox_id;
  UPDATE bodies SET refcount = refcount + 1 WHERE id = NEW.body_id;
END;

CREATE TRIGGER messages_counters_delete AFTER DELETE ON messages
BEGIN
  UPDATE mailboxes SET
    messages = messages - 1,
    unseen = unseen - ((OLD.system_flags & 1) = 0),
    deleted = deleted - ((OLD.system_flags & 8) != 0),
    bytes = bytes - OLD.size,
    requiretls_messages = requiretls_messages - (OLD.require_tls != 0)
  WHERE id = OLD.mailbox_id;
  UPDATE bodies SET refcount = refcount - 1 WHERE id = OLD.body_id;
  DELETE FROM bodies WHERE id = OLD.body_id AND refcount <= 0;
END;

-- \Seen (bit 1) or \Deleted (bit 8) changed.
CREATE TRIGGER messages_counters_seen AFTER UPDATE OF system_flags ON messages
WHEN (OLD.system_flags & 9) != (NEW.system_flags & 9)
BEGIN
  UPDATE mailboxes SET
    unseen = unseen + ((NEW.system_flags & 1) = 0) - ((OLD.system_flags & 1) = 0),
    deleted = deleted + ((NEW.system_flags & 8) != 0) - ((OLD.system_flags & 8) != 0)
  WHERE id = NEW.mailbox_id;
END;
