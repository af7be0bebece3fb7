-- Postern store schema (SPEC R2.2; issue 16 item 7): the Authentication-Results fields removed at ingest, kept with
-- each message so that an administrator can see them (`postern message show`). Never edit once released.

-- A JSON array of {name, value, reason, claimedId} (src/store/types.ts RemovedFieldRecord); '[]' when nothing was
-- removed. NULL means "not recorded": every message stored before this migration keeps NULL, shown as unknown (its
-- count of forged fields stays in forged_fields). Adding a column with a NULL default rewrites no row.
ALTER TABLE messages ADD COLUMN removed_fields TEXT;
