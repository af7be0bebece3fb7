// EXPUNGE / UID EXPUNGE <uid-set> (RFC 9051 §6.4.3, §7.5.1; RFC 4315 §2.1): removes the \Deleted messages
// (only those in the UID set for UID EXPUNGE) and announces each with the message number it has at that moment.
import { logExpunge } from '../../log/mail-events.js';
import { selectedOf, type CommandSpec } from '../context.js';
import { no, ok } from '../responses.js';
import { searchUpdateLines } from '../search/updates.js';
import { resolveSet } from '../sequence.js';

export const expunge: CommandSpec<'EXPUNGE'> = {
  states: ['selected'],
  expunge: 'allowed',
  async run(ctx, cmd) {
    const { view, user } = selectedOf(ctx);
    const verb = cmd.uids === null ? 'EXPUNGE' : 'UID EXPUNGE';
    // RFC 9051 §6.3.3: nothing may be expunged from a mailbox opened with EXAMINE.
    if (view.readOnly) return { result: no('Mailbox is read-only (opened with EXAMINE)') };
    // Only messages this session knows of: one that arrived unannounced (and was flagged \Deleted by another
    // session) stays until the client has seen it, so an EXISTS never counts a message already gone.
    const uids = cmd.uids === null ? [...view.allUids()] : resolveSet(view.allUids(), cmd.uids, { byUid: true });
    if (uids.length === 0) return { result: ok(`${verb} completed`) };
    const removed = await ctx.services.store.expunge(user.id, view.mailboxId, { uids });
    logExpunge(ctx.log, { user: user.name, mailbox: view.name, command: verb, uids: removed });
    // RFC 9051 §7.5.1: the numbers above an expunged message shift down at once; from the highest down, the
    // numbers still to be announced stay valid.
    for (const line of await searchUpdateLines(ctx, view, 'before', true)) ctx.send(line); // RFC 5267 §4.3: REMOVEFROM first
    for (const line of view.announceExpunged(new Set(removed))) ctx.send(line); // VANISHED with QRESYNC (RFC 7162 §3.2.10)
    return { result: ok(`${verb} completed`) };
  },
};
