// COPY (RFC 9051 §6.4.7, RFC 4315 COPYUID), MOVE (RFC 6851) and EXPUNGE (RFC 9051 §6.4.3, RFC 4315 UID EXPUNGE,
// RFC 7162 §3.2.5 expunge log) in the PostgreSQL store, in the caller's transaction. Bodies are shared, never copied
// (SPEC R1.8); REQUIRETLS travels (R3.3); R3.4 judged on the rows locked here. As src/store/sqlite/transfer.ts.
import type { MailboxChange } from '../changes.js';
import { StoreError } from '../errors.js';
import type { CopyResult, PrivacyGuard } from '../types.js';
import { DELETED_BIT } from '../sqlite/flags.js';
import { refuseProtected } from '../sqlite/privacy.js';
import type { Outcome } from './context.js';
import type { PgClient } from './database.js';
import { recordKeywords } from './keywords.js';
import { assertRoom, lockMailbox, lockMailboxPair, lockUser, nextModseq, takeUids } from './mailbox-locks.js';
import { deleteRows, deletedRows, rowsByUids, type WriteRow } from './write-rows.js';

/** Copies rows into mailbox `to` with fresh ascending UIDs and one new modseq (SQLite transfer.ts copyRows). */
async function copyRows(client: PgClient, rows: readonly WriteRow[], to: number): Promise<Outcome<Array<[number, number]>>> {
  if (rows.length === 0) return { value: [], changes: [] };
  const { uid: first, modseq } = await takeUids(client, to, rows.length);
  const changes: MailboxChange[] = await recordKeywords(client, to, rows.map((r) => r.keywords)); // issue 13 item 2
  const uids = rows.map((_, i) => first + i);
  // COPY/MOVE keep INTERNALDATE and its zone (issue 13 item 6) and EMAILID (RFC 8474 §5.1); SAVEDATE is now (RFC 8514 §3).
  await client.query(
    'INSERT INTO messages (mailbox_id, uid, modseq, system_flags, keywords, internal_date, internal_tz, size, require_tls, tls_required_no, ' +
      'forged_fields, removed_fields, body_id, prefix, prefix_shape, email_id, save_date) ' +
      'SELECT $1, c.uid, $2, m.system_flags, m.keywords, m.internal_date, m.internal_tz, m.size, m.require_tls, m.tls_required_no, ' +
      'm.forged_fields, m.removed_fields, m.body_id, m.prefix, m.prefix_shape, m.email_id, $3 ' +
      'FROM unnest($4::bigint[], $5::bigint[]) WITH ORDINALITY AS c(id, uid, n) JOIN messages m ON m.id = c.id ORDER BY c.n',
    [to, modseq, Date.now(), rows.map((r) => r.id), uids],
  );
  const mapping: Array<[number, number]> = [];
  rows.forEach((row, i) => {
    mapping.push([row.uid, uids[i]!]);
    changes.push({ kind: 'exists', mailboxId: to, uid: uids[i]!, modseq, requireTls: row.require_tls });
  });
  return { value: mapping, changes };
}

/** Removes rows from a mailbox under one new modseq, logging them for QRESYNC (SQLite transfer.ts expungeRows). */
async function expungeRows(client: PgClient, mailboxId: number, rows: readonly WriteRow[], logKeep: number): Promise<Outcome<number[]>> {
  if (rows.length === 0) return { value: [], changes: [] };
  const modseq = await nextModseq(client, mailboxId);
  await deleteRows(client, mailboxId, rows, modseq, logKeep);
  const uids = rows.map((r) => r.uid);
  return { value: uids, changes: [{ kind: 'expunge', mailboxId, uids, modseq }] };
}

export async function copyIn(
  client: PgClient,
  userId: number,
  from: number,
  uids: readonly number[],
  to: number,
  guard: PrivacyGuard = {},
): Promise<Outcome<CopyResult>> {
  // The user row before the mailboxes' (mailbox-locks.ts); a missing user is a missing mailbox, as in SQLite.
  const { quotaBytes } = await lockUser(client, userId, () => new StoreError('not-found', `no mailbox with id ${from}`));
  const [source, target] = await lockMailboxPair(client, userId, from, to);
  refuseProtected(guard, [source, target]); // R3.4: no COPYUID of, nor mail into or out of, a protected mailbox
  const rows = await rowsByUids(client, source.id, uids);
  await assertRoom(client, userId, quotaBytes, rows.reduce((sum, r) => sum + r.size, 0));
  const copied = await copyRows(client, rows, target.id);
  return { value: { uidValidity: target.uid_validity, mapping: copied.value }, changes: copied.changes };
}

/**
 * Copy and expunge in one transaction. Both mailboxes belong to the same user, so the user's usage does not grow
 * and a move is never refused for quota (moving mail to Trash must work for a user over quota).
 */
export async function moveIn(
  client: PgClient,
  userId: number,
  from: number,
  uids: readonly number[],
  to: number,
  guard: PrivacyGuard,
  logKeep: number,
): Promise<Outcome<CopyResult>> {
  const [source, target] = await lockMailboxPair(client, userId, from, to);
  refuseProtected(guard, [source, target]); // R3.4
  const rows = await rowsByUids(client, source.id, uids);
  const copied = await copyRows(client, rows, target.id);
  const removed = await expungeRows(client, source.id, rows, logKeep);
  return { value: { uidValidity: target.uid_validity, mapping: copied.value }, changes: [...copied.changes, ...removed.changes] };
}

/**
 * Without `uids`: every \Deleted message. With `uids`: those among them flagged \Deleted, or all of them when
 * `force` (POP3 QUIT). `force` without `uids` is the same as no options.
 */
export async function expungeIn(
  client: PgClient,
  userId: number,
  mailboxId: number,
  opts: { uids?: readonly number[]; force?: boolean },
  logKeep: number,
): Promise<Outcome<number[]>> {
  const mailbox = await lockMailbox(client, userId, mailboxId);
  let rows: WriteRow[];
  if (opts.uids) {
    rows = await rowsByUids(client, mailbox.id, opts.uids);
    if (!opts.force) rows = rows.filter((r) => (r.system_flags & DELETED_BIT) !== 0);
  } else {
    rows = await deletedRows(client, mailbox.id);
  }
  return expungeRows(client, mailbox.id, rows, logKeep);
}
