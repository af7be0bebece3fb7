// STORE / UID STORE in the PostgreSQL store (RFC 9051 §6.4.6) with CONDSTORE's UNCHANGEDSINCE (RFC 7162 §3.1.3):
// only messages whose flags really change get the new modseq and are reported; a keyword new to the mailbox joins
// its list (issue 13 item 2), announced first. As src/store/sqlite/set-flags.ts.
import type { MailboxChange } from '../changes.js';
import type { FlagChange, FlagMode, SetFlagsResult } from '../types.js';
import { applyFlags, flagList, normalizeFlags } from '../sqlite/flags.js';
import type { Outcome } from './context.js';
import type { PgClient } from './database.js';
import { recordKeywords } from './keywords.js';
import { lockMailbox, nextModseq } from './mailbox-locks.js';
import { rowsByUids } from './write-rows.js';

export async function setFlagsIn(
  client: PgClient,
  userId: number,
  mailboxId: number,
  uids: readonly number[],
  mode: FlagMode,
  flags: readonly string[],
  opts: { unchangedSince?: number } = {},
): Promise<Outcome<SetFlagsResult>> {
  const mailbox = await lockMailbox(client, userId, mailboxId);
  const change = normalizeFlags(flags);
  const modified: number[] = [];
  const updates: Array<{ id: number; uid: number; system: number; keywords: string }> = [];
  for (const row of await rowsByUids(client, mailbox.id, uids)) {
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
  const modseq = await nextModseq(client, mailbox.id);
  const changes: MailboxChange[] = await recordKeywords(client, mailbox.id, updates.map((u) => u.keywords));
  await client.query(
    'UPDATE messages m SET system_flags = u.system, keywords = u.keywords, modseq = $1 ' +
      'FROM unnest($2::bigint[], $3::int[], $4::text[]) AS u(id, system, keywords) WHERE m.id = u.id',
    [modseq, updates.map((u) => u.id), updates.map((u) => u.system), updates.map((u) => u.keywords)],
  );
  const changed: FlagChange[] = [];
  for (const u of updates) {
    const list = flagList(u.system, u.keywords);
    changed.push({ uid: u.uid, flags: list, modseq });
    changes.push({ kind: 'flags', mailboxId: mailbox.id, uid: u.uid, flags: list, modseq });
  }
  return { value: { changed, modified }, changes };
}
