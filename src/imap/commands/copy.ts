// COPY <sequence-set> <mailbox> / MOVE <sequence-set> <mailbox>, and their UID forms (RFC 9051 §6.4.7,
// §6.4.8; RFC 6851 MOVE; RFC 4315 §3 COPYUID, TRYCREATE from RFC 9051 §7.1): one store use case each; MOVE
// announces the expunges of the moved messages itself (RFC 6851 §4.3).
import { logExpunge } from '../../log/mail-events.js';
import { isStoreError } from '../../store/errors.js';
import type { CopyResult, MailboxInfo } from '../../store/types.js';
import { selectedOf, type CommandSpec, type ImapContext, type Outcome } from '../context.js';
import { storeErrorResult } from '../errors.js';
import { privacyGuard } from '../privacy.js';
import { number, raw } from '../protocol/encode.js';
import type { Command } from '../protocol/types.js';
import { no, ok, untagged, type Code } from '../responses.js';
import { searchUpdateLines } from '../search/updates.js';
import { formatSet, resolveSet } from '../sequence.js';

type Transfer = Extract<Command, { name: 'COPY' | 'MOVE' }>;

/** `COPYUID <uidvalidity> <source set> <destination set>`, both sets in the same (ascending) order. */
export function copyUidCode(res: CopyResult): Code {
  return `COPYUID ${res.uidValidity} ${formatSet(res.mapping.map(([s]) => s))} ${formatSet(res.mapping.map(([, d]) => d))}`;
}

/** The destination, or the reply: a missing one gets NO [TRYCREATE] (RFC 9051 §6.4.7). */
async function destination(ctx: ImapContext, userId: number, name: string): Promise<MailboxInfo | Outcome> {
  try {
    return await ctx.services.store.getMailbox(userId, name);
  } catch (err) {
    if (!isStoreError(err, 'not-found')) throw err;
    return { result: storeErrorResult(err, 'destination') };
  }
}

async function transfer(ctx: ImapContext, cmd: Transfer): Promise<Outcome> {
  const { view, user } = selectedOf(ctx);
  const verb = `${cmd.uid ? 'UID ' : ''}${cmd.name}`;
  // RFC 6851 §3.3: MOVE expunges from the source, which a mailbox opened with EXAMINE does not allow.
  if (cmd.name === 'MOVE' && view.readOnly) return { result: no('Mailbox is read-only (opened with EXAMINE)') };
  const uids = resolveSet(view.allUids(), cmd.set, { byUid: cmd.uid });
  const target = await destination(ctx, user.id, cmd.mailbox);
  if ('result' in target) return target;
  if (uids.length === 0) return { result: ok(`${verb} completed; no messages`) };
  const { store } = ctx.services;
  // R3.4: the dispatcher refused a protected source or destination already; the store checks both again
  // inside the write, so no COPYUID of a protected mailbox reaches a cleartext session and no mail moves.
  const guard = privacyGuard(ctx);
  if (cmd.name === 'COPY') {
    const res = await store.copy(user.id, view.mailboxId, uids, target.id, guard);
    return { result: ok(`${verb} completed`, res.mapping.length > 0 ? copyUidCode(res) : null) };
  }
  const res = await store.move(user.id, view.mailboxId, uids, target.id, guard);
  if (res.mapping.length === 0) return { result: ok(`${verb} completed; no messages`) };
  const moved = res.mapping.map(([uid]) => uid);
  logExpunge(ctx.log, { user: user.name, mailbox: view.name, command: verb, uids: moved, extra: { to: target.name } });
  // RFC 6851 §4.3: the COPYUID goes in an untagged OK before the EXPUNGEs, then the tagged OK.
  ctx.send(untagged(raw(`OK [${copyUidCode(res)}] Moved`)));
  // RFC 9051 §7.5.1: each EXPUNGE names the message number at that moment; from the highest down, the
  // numbers still to be announced do not shift.
  for (const line of await searchUpdateLines(ctx, view, 'before', true)) ctx.send(line); // RFC 5267 §4.3: REMOVEFROM first
  for (const line of view.announceExpunged(new Set(moved))) ctx.send(line); // VANISHED with QRESYNC
  return { result: ok(`${verb} completed`) };
}

export const copy: CommandSpec<'COPY'> = {
  states: ['selected'],
  expunge: 'allowed',
  run: (ctx, cmd) => transfer(ctx, cmd),
};

export const move: CommandSpec<'MOVE'> = {
  states: ['selected'],
  expunge: 'allowed',
  run: (ctx, cmd) => transfer(ctx, cmd),
};
