// COPY (RFC 9051 §6.4.7, RFC 4315 COPYUID), MOVE (RFC 6851) and EXPUNGE (RFC 9051 §6.4.3, RFC 4315 UID
// EXPUNGE, RFC 7162 §3.2.5 expunge log). Bodies are shared, never copied (SPEC R1.8); REQUIRETLS travels (R3.3).
import type { MailboxChange } from '../changes.js';
import type { CopyResult, PrivacyGuard } from '../types.js';
import { DELETED_BIT } from './flags.js';
import { refuseProtected } from './privacy.js';
import type { Outcome, Repos } from './repos.js';
import type { MessageRow } from './rows.js';

/** Copies rows into mailbox `to` with fresh ascending UIDs and one new modseq. */
export function copyRows(repos: Repos, rows: readonly MessageRow[], to: number): Outcome<Array<[number, number]>> {
  if (rows.length === 0) return { value: [], changes: [] };
  const first = repos.mailboxes.takeUids(to, rows.length);
  const modseq = repos.mailboxes.nextModseq(to);
  const mapping: Array<[number, number]> = [];
  const changes: MailboxChange[] = repos.keywords.record(to, rows.map((r) => r.keywords)); // issue 13 item 2
  rows.forEach((row, i) => {
    const uid = first + i;
    repos.messages.copy(row.id, to, uid, modseq);
    mapping.push([row.uid, uid]);
    changes.push({ kind: 'exists', mailboxId: to, uid, modseq, requireTls: row.require_tls !== 0 });
  });
  return { value: mapping, changes };
}

/** Removes rows from a mailbox under one new modseq, logging them for QRESYNC. */
export function expungeRows(repos: Repos, mailboxId: number, rows: readonly MessageRow[]): Outcome<number[]> {
  if (rows.length === 0) return { value: [], changes: [] };
  const modseq = repos.mailboxes.nextModseq(mailboxId);
  repos.messages.expungeRows(mailboxId, rows, modseq);
  const uids = rows.map((r) => r.uid);
  return { value: uids, changes: [{ kind: 'expunge', mailboxId, uids, modseq }] };
}

export function copy(
  repos: Repos,
  userId: number,
  from: number,
  uids: readonly number[],
  to: number,
  guard: PrivacyGuard = {},
): Outcome<CopyResult> {
  const source = repos.mailboxes.getById(userId, from);
  const target = repos.mailboxes.getById(userId, to);
  refuseProtected(guard, [source, target]); // R3.4: no COPYUID of, nor mail into or out of, a protected mailbox
  const rows = repos.messages.byUids(source.id, uids);
  repos.users.assertRoom(userId, rows.reduce((sum, r) => sum + r.size, 0));
  const copied = copyRows(repos, rows, target.id);
  return { value: { uidValidity: target.uid_validity, mapping: copied.value }, changes: copied.changes };
}

/**
 * Copy and expunge in one transaction. Both mailboxes belong to the same user, so the user's usage does not
 * grow and a move is never refused for quota (moving mail to Trash must work for a user over quota).
 */
export function move(
  repos: Repos,
  userId: number,
  from: number,
  uids: readonly number[],
  to: number,
  guard: PrivacyGuard = {},
): Outcome<CopyResult> {
  const source = repos.mailboxes.getById(userId, from);
  const target = repos.mailboxes.getById(userId, to);
  refuseProtected(guard, [source, target]); // R3.4
  const rows = repos.messages.byUids(source.id, uids);
  const copied = copyRows(repos, rows, target.id);
  const removed = expungeRows(repos, source.id, rows);
  return {
    value: { uidValidity: target.uid_validity, mapping: copied.value },
    changes: [...copied.changes, ...removed.changes],
  };
}

/**
 * Without `uids`: every \Deleted message. With `uids`: those among them flagged \Deleted, or all of them
 * when `force` (POP3 QUIT). `force` without `uids` is the same as no options.
 */
export function expunge(
  repos: Repos,
  userId: number,
  mailboxId: number,
  opts: { uids?: readonly number[]; force?: boolean } = {},
): Outcome<number[]> {
  const mailbox = repos.mailboxes.getById(userId, mailboxId);
  let rows: MessageRow[];
  if (opts.uids) {
    rows = repos.messages.byUids(mailbox.id, opts.uids);
    if (!opts.force) rows = rows.filter((r) => (r.system_flags & DELETED_BIT) !== 0);
  } else {
    rows = repos.messages.deletedMessages(mailbox.id);
  }
  return expungeRows(repos, mailbox.id, rows);
}
