// STORE / UID STORE as a use case (RFC 9051 §6.4.6) with CONDSTORE's UNCHANGEDSINCE (RFC 7162 §3.1.3):
// only messages whose flags really change get the new modseq and are reported.
import type { MailboxChange } from '../changes.js';
import type { FlagChange, FlagMode, SetFlagsResult } from '../types.js';
import { applyFlags, flagList, normalizeFlags } from './flags.js';
import type { Outcome, Repos } from './repos.js';

export function setFlags(
  repos: Repos,
  userId: number,
  mailboxId: number,
  uids: readonly number[],
  mode: FlagMode,
  flags: readonly string[],
  opts: { unchangedSince?: number } = {},
): Outcome<SetFlagsResult> {
  const mailbox = repos.mailboxes.getById(userId, mailboxId);
  const change = normalizeFlags(flags);
  const modified: number[] = [];
  const updates: Array<{ id: number; uid: number; system: number; keywords: string }> = [];
  for (const row of repos.messages.byUids(mailbox.id, uids)) {
    // RFC 7162 §3.1.3: a message changed since the client's modseq is left alone and reported MODIFIED.
    if (opts.unchangedSince !== undefined && row.modseq > opts.unchangedSince) {
      modified.push(row.uid);
      continue;
    }
    const next = applyFlags({ system: row.system_flags, keywords: row.keywords }, mode, change);
    if (next.system === row.system_flags && next.keywords === row.keywords) continue;
    updates.push({ id: row.id, uid: row.uid, ...next });
  }
  if (updates.length === 0) return { value: { changed: [], modified }, changes: [] };
  const modseq = repos.mailboxes.nextModseq(mailbox.id);
  const changed: FlagChange[] = [];
  // Issue 13 item 2: a keyword new to the mailbox joins its list in this transaction, announced first.
  const changes: MailboxChange[] = repos.keywords.record(mailbox.id, updates.map((u) => u.keywords));
  for (const u of updates) {
    repos.messages.updateFlags(u.id, u.system, u.keywords, modseq);
    const list = flagList(u.system, u.keywords);
    changed.push({ uid: u.uid, flags: list, modseq });
    changes.push({ kind: 'flags', mailboxId: mailbox.id, uid: u.uid, flags: list, modseq });
  }
  return { value: { changed, modified }, changes };
}
