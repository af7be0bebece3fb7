-- Postern store schema (issue 13 item 6, RFC 9051 §2.3.3, §6.3.12, §6.4.4): each message keeps the zone its
-- INTERNALDATE is written in, in minutes east of UTC. FETCH INTERNALDATE serves the date in that zone and
-- SEARCH BEFORE/ON/SINCE compare the calendar day as written in it.
--   APPEND with a date-time: the client's zone ("+0530" → 330), exactly.
--   LMTP deliveries and APPEND without a date-time: the server's local zone at that instant, as Dovecot serves
--   received dates (store/sqlite/deliver.ts localZoneAt).
--   Rows stored before this migration: their zone was not recorded, so they get what Dovecot would show, the
--   server's local zone at their INTERNALDATE (SQLite's 'localtime' follows the same TZ as the server process).
--   The instant itself is unchanged. COPY and MOVE carry the zone with the message.
-- Never edit once released.

ALTER TABLE messages ADD COLUMN internal_tz INTEGER NOT NULL DEFAULT 0;

UPDATE messages SET internal_tz = CAST(round(
  (julianday(internal_date / 1000.0, 'unixepoch', 'localtime') - julianday(internal_date / 1000.0, 'unixepoch')) * 1440
) AS INTEGER);
