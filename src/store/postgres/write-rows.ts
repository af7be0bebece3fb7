// The message rows the PostgreSQL store's writes read and change (SPEC R9.3; RFC 7162 §3.2.5 expunge log): rows by
// UID, \Deleted rows, deletion with the expunge log and its pruning (issue 15 item 2). As the SQLite store's
// MessageRepo (src/store/sqlite/messages.ts) for byUids, deletedMessages, expungeRows and pruneLog.
import type { PgClient } from './database.js';

/** What COPY, MOVE, EXPUNGE and STORE read of a message. */
export interface WriteRow {
  id: number;
  uid: number;
  modseq: number;
  system_flags: number;
  keywords: string;
  size: number;
  require_tls: boolean;
}

const COLUMNS = 'SELECT id, uid, modseq, system_flags, keywords, size, require_tls FROM messages';

/** The messages of the mailbox among `uids`, ascending by UID (absent UIDs are skipped). */
export async function rowsByUids(client: PgClient, mailboxId: number, uids: readonly number[]): Promise<WriteRow[]> {
  const wanted = uids.filter(Number.isSafeInteger);
  if (wanted.length === 0) return [];
  return (await client.query<WriteRow>(`${COLUMNS} WHERE mailbox_id = $1 AND uid = ANY($2::bigint[]) ORDER BY uid`, [mailboxId, wanted])).rows;
}

/** The messages flagged \Deleted, ascending by UID. */
export async function deletedRows(client: PgClient, mailboxId: number): Promise<WriteRow[]> {
  return (await client.query<WriteRow>(`${COLUMNS} WHERE mailbox_id = $1 AND (system_flags & 8) <> 0 ORDER BY uid`, [mailboxId])).rows;
}

/** Deletes message rows (bodies freed by the trigger with their last row) and logs their UIDs with `modseq`. */
export async function deleteRows(client: PgClient, mailboxId: number, rows: readonly WriteRow[], modseq: number, logKeep: number): Promise<void> {
  if (rows.length === 0) return;
  await client.query('DELETE FROM messages WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
  await client.query(
    'INSERT INTO expunged (mailbox_id, uid, modseq) SELECT $1, u, $2 FROM unnest($3::bigint[]) AS u ' +
      'ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq',
    [mailboxId, modseq, rows.map((r) => r.uid)],
  );
  await pruneLog(client, mailboxId, modseq, logKeep);
}

/** The modseq of the log's entry `offset` places below its newest, for the mailbox; undefined past its end. */
async function logAt(client: PgClient, mailboxId: number, offset: number): Promise<number | undefined> {
  const rows = (await client.query<{ modseq: number }>('SELECT modseq FROM expunged WHERE mailbox_id = $1 ORDER BY modseq DESC LIMIT 1 OFFSET $2', [mailboxId, offset])).rows;
  return rows[0]?.modseq;
}

/**
 * Issue 15 item 2 (as the SQLite MessageRepo.pruneLog): once the log holds a quarter more than `keep` entries for
 * the mailbox, forgets all but about the newest `keep` (whole expunges, never the one being logged) and raises the
 * mailbox's horizon to the highest mod-sequence forgotten, in the expunge's transaction.
 */
async function pruneLog(client: PgClient, mailboxId: number, newest: number, keep: number): Promise<void> {
  if ((await logAt(client, mailboxId, keep + Math.floor(keep / 4))) === undefined) return;
  const cutoff = Math.min((await logAt(client, mailboxId, keep)) ?? 0, newest - 1);
  if (cutoff < 1) return;
  await client.query('DELETE FROM expunged WHERE mailbox_id = $1 AND modseq <= $2', [mailboxId, cutoff]);
  await client.query('UPDATE mailboxes SET expunge_horizon = GREATEST(expunge_horizon, $1) WHERE id = $2', [cutoff, mailboxId]);
}
