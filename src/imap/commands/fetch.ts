// FETCH <sequence-set> (<fetch-att>...) [(CHANGEDSINCE <modseq>)], and UID FETCH
// (RFC 9051 §6.4.5, §6.4.9, §7.5.2; RFC 7162 §3.1.4.1; RFC 3516 BINARY): messages are fetched in batches and
// each message's response is written as soon as it is built; \Seen is set implicitly unless read-only.
import { isStoreError } from '../../store/errors.js';
import type { MessageMeta, UserId } from '../../store/types.js';
import { selectedOf, type CommandSpec, type ImapContext } from '../context.js';
import { UnknownCteError, type FetchedMessage } from '../fetch/body-section.js';
import { fetchLine, messageItems, planFetch } from '../fetch/items.js';
import type { MailboxView } from '../mailbox-view.js';
import { no, ok } from '../responses.js';
import { resolveSet, toRanges } from '../sequence.js';

/** Messages per store round trip: bounds memory for a 10,000-message FETCH (SPEC R12). */
const BATCH = 200;

/**
 * RFC 9051 §6.4.5: "The \Seen flag is implicitly set; if this causes the flags to change, they SHOULD be
 * included as part of the FETCH responses." Updates `metas` in place; returns the UIDs whose flags changed.
 */
async function markSeen(ctx: ImapContext, userId: UserId, view: MailboxView, metas: MessageMeta[]): Promise<Set<number>> {
  const unseen = metas.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
  if (unseen.length === 0) return new Set();
  const { changed } = await ctx.services.store.setFlags(userId, view.mailboxId, unseen, 'add', ['\\Seen']);
  const byUid = new Map(changed.map((c) => [c.uid, c]));
  for (const meta of metas) {
    const change = byUid.get(meta.uid);
    if (!change) continue;
    meta.flags = change.flags;
    meta.modseq = change.modseq;
    view.forgetFlagChange(meta.uid); // reported in this FETCH, not again by the dispatcher's flush
  }
  return new Set(byUid.keys());
}

export const fetch: CommandSpec<'FETCH'> = {
  states: ['selected'],
  expunge: 'deferred',
  async run(ctx, cmd) {
    const { view, user } = selectedOf(ctx);
    const { store } = ctx.services;
    const uids = resolveSet(view.allUids(), cmd.set, { byUid: cmd.uid });
    const plan = planFetch(cmd.attributes, cmd.uid, cmd.changedSince);
    if (plan.modseq) ctx.enabled.condstore = true; // RFC 7162 §3.1: a CONDSTORE-enabling command
    let missing = false;
    let undecodable: string | null = null;
    for (let i = 0; i < uids.length; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      const found = await store.listMessages(user.id, view.mailboxId, toRanges(batch));
      if (found.length < batch.length) missing = true; // expunged by another session, still in our view
      const since = cmd.changedSince;
      const metas = since === null ? found : found.filter((m) => m.modseq > since);
      if (metas.length === 0) continue;
      const seenNow = plan.seen && !view.readOnly ? await markSeen(ctx, user.id, view, metas) : new Set<number>();
      const structures = plan.structure ? await store.messageStructures(user.id, view.mailboxId, metas.map((m) => m.uid)) : null;
      for (const meta of metas) {
        const msg: FetchedMessage = {
          meta,
          structure: structures?.get(meta.uid) ?? null,
          read: (range) => store.readMessage(user.id, view.mailboxId, meta.uid, range),
        };
        let items;
        try {
          items = await messageItems(plan, msg, {
            view,
            utf8: ctx.enabled.utf8Accept,
            flagsChanged: seenNow.has(meta.uid),
            condstore: ctx.enabled.condstore,
            cache: ctx.services.renderCache,
          });
        } catch (err) {
          if (err instanceof UnknownCteError) {
            undecodable = err.message;
            continue;
          }
          if (!isStoreError(err, 'not-found')) throw err;
          missing = true; // expunged between the listing and the read
          continue;
        }
        await ctx.send(fetchLine(view.seqOf(meta.uid), items)); // backpressure: wait when the socket is full
      }
    }
    if (undecodable !== null) return { result: no(undecodable, 'UNKNOWN-CTE') };
    // RFC 2180 §4.1.2 / RFC 5530: a message number that names an expunged message; UIDs that name no message
    // are simply ignored (RFC 9051 §6.4.8).
    if (missing && !cmd.uid) return { result: no('Some of the requested messages no longer exist', 'EXPUNGEISSUED') };
    return { result: ok(`${cmd.uid ? 'UID FETCH' : 'FETCH'} completed`) };
  },
};
