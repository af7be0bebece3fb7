-- \Recent (RFC 3501 §2.3.2, issue 13 item 1): per mailbox, the lowest UID no session has claimed yet. A
-- read-write SELECT (or a session that sees new mail arrive) claims every UID from here up and moves it on,
-- so that each message is \Recent in exactly one session; it survives restarts. Mail already stored when this
-- migration runs counts as seen by some earlier session: nothing is recent.
ALTER TABLE mailboxes ADD COLUMN first_recent_uid INTEGER NOT NULL DEFAULT 1;
UPDATE mailboxes SET first_recent_uid = uid_next;
