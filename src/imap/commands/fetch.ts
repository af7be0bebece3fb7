// FETCH <sequence-set> (<fetch-att>...) [(CHANGEDSINCE <modseq>)], and UID FETCH
// (RFC 9051 §6.4.5, §6.4.9, §7.5.2; RFC 7162 §3.1.4.1, §3.2.6 VANISHED; RFC 3516 BINARY; RFC 8970 PREVIEW): messages are fetched in batches
// (metadata, then the stored ENVELOPE / BODY / BODYSTRUCTURE forms only where one is not cached, structures only
// for sections, then whole messages by the megabyte when asked for) and responses go out through a WriteCoalescer
// in large writes, waiting whenever the socket is full (R11.2); \Seen is set implicitly unless read-only. Messages
// of the view another session expunged get NIL data and the command OK [EXPUNGEISSUED] (RFC 5530; issue 13 item 4,
// as Dovecot).
import { WriteCoalescer } from '../../net/write-coalescer.js';
import { isStoreError } from '../../store/errors.js';
import type { MessageMeta, MessageStructure, UserId } from '../../store/types.js';
import { selectedOf, type CommandSpec, type ImapContext } from '../context.js';
import { ConnectionClosedError } from '../../net/errors.js';
import { RangeStream, STREAM_BYTES, UnknownCteError, slicePieces, type FetchPiece, type FetchedMessage } from '../fetch/body-section.js';
import { FORM_OF, cachedRenderings, expungedResponse, fetchResponse, planFetch, storedRenderings, type CachedRenderings, type ItemContext } from '../fetch/items.js';
import type { MailboxView } from '../mailbox-view.js';
import { enableCondstore } from '../condstore.js';
import { privacyRequired } from '../privacy.js';
import { vanishedEarlier } from '../qresync.js';
import { bad, no, ok } from '../responses.js';
import { normalizeRanges, vanishedLines } from '../vanished.js';
import { resolveSet, toRanges } from '../sequence.js';
import { partialSlice } from '../partial.js';
import type { PartialRange } from '../protocol/types.js';

/** Messages per store round trip: bounds memory for a 10,000-message FETCH (SPEC R12). */
const BATCH = 200;
/** Whole messages read per store query (then written before the next read): bounds memory for BODY[]. */
const WHOLE_BYTES = 1024 * 1024;

/** Octets read per store call when a literal is streamed (RangeStream). */
const STREAM_WINDOW = 256 * 1024;

/**
 * Reads the whole messages of `metas` (one store query per WHOLE_BYTES); absent ones are left out, and so are
 * those above STREAM_BYTES: they are streamed a window at a time (issue 12 item 13).
 */
async function readWhole(ctx: ImapContext, userId: UserId, view: MailboxView, metas: readonly MessageMeta[]): Promise<Map<number, Buffer[]>> {
  const out = new Map<number, Buffer[]>();
  let uids = metas.filter((m) => m.size <= STREAM_BYTES).map((m) => m.uid);
  while (uids.length > 0) {
    const got = await ctx.services.store.readMessages(userId, view.mailboxId, uids, WHOLE_BYTES);
    const last = got[got.length - 1];
    if (last === undefined) break;
    for (const m of got) out.set(m.uid, [m.prefix, m.body]);
    uids = uids.filter((u) => u > last.uid);
  }
  return out;
}

/** The end (exclusive) of the run of messages from `from` whose sizes add up to WHOLE_BYTES (at least one). */
function wholeGroupEnd(metas: readonly MessageMeta[], from: number): number {
  let bytes = 0;
  let end = from;
  while (end < metas.length && (end === from || bytes + (metas[end]?.size ?? 0) <= WHOLE_BYTES)) {
    bytes += metas[end]?.size ?? 0;
    end += 1;
  }
  return end;
}

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
    view.ownFlagChange(meta.uid, change.modseq, true); // reported in this FETCH, not again by the dispatcher's flush
  }
  return new Set(byUid.keys());
}

/**
 * Pushes a response's pieces, reading each RangeStream a window at a time, waiting whenever a chunk went out
 * (backpressure, R11.2): memory per session stays a window however large the message. Once its literal's
 * length is out, a message that can no longer be read whole (expunged meanwhile) ends the connection.
 */
async function send(out: WriteCoalescer, pieces: readonly FetchPiece[], msg: FetchedMessage | null): Promise<void> {
  for (const piece of pieces) {
    if (!(piece instanceof RangeStream)) {
      const full = out.push(piece);
      if (full) await full;
      continue;
    }
    if (msg === null) throw new Error('a streamed FETCH item without its message');
    for (let done = 0; done < piece.length; ) {
      const want = Math.min(STREAM_WINDOW, piece.length - done);
      let bytes: Buffer;
      try {
        bytes = await msg.read({ offset: piece.offset + done, length: want });
      } catch (err) {
        throw new ConnectionClosedError(`UID ${msg.meta.uid} could not be read after its literal began: ${String(err)}`);
      }
      if (bytes.length !== want) throw new ConnectionClosedError(`UID ${msg.meta.uid} ended after ${done + bytes.length} of ${piece.length} octets`);
      done += want;
      const full = out.push(bytes);
      if (full) await full;
    }
  }
}

/**
 * RFC 9394 §3.3: the UID FETCH modifier PARTIAL keeps the messages at the range's positions among those the set
 * names, in UID order; with CHANGEDSINCE, among those changed since (the ones FETCH would answer).
 */
async function partialUids(ctx: ImapContext, uids: number[], changedSince: number | null, range: PartialRange): Promise<number[]> {
  if (changedSince === null) return partialSlice(uids, range);
  const { view, user } = selectedOf(ctx);
  const changed: number[] = [];
  for (let i = 0; i < uids.length; i += BATCH) {
    const found = await ctx.services.store.listMessages(user.id, view.mailboxId, toRanges(uids.slice(i, i + BATCH)));
    for (const m of found) if (m.modseq > changedSince) changed.push(m.uid);
  }
  return partialSlice(changed, range);
}

export const fetch: CommandSpec<'FETCH'> = {
  states: ['selected'],
  expunge: 'deferred',
  async run(ctx, cmd) {
    const { view, user } = selectedOf(ctx);
    const { store } = ctx.services;
    let uids = resolveSet(view.allUids(), cmd.set, { byUid: cmd.uid });
    if (cmd.partial !== undefined) uids = await partialUids(ctx, uids, cmd.changedSince, cmd.partial);
    const plan = planFetch(cmd.attributes, cmd.uid, cmd.changedSince);
    if (plan.modseq) enableCondstore(ctx); // RFC 7162 §3.1: a CONDSTORE-enabling command
    if (cmd.vanished === true && cmd.changedSince !== null) {
      // RFC 7162 §3.2.6: the UIDs of the set expunged since CHANGEDSINCE, before the FETCH responses.
      if (!ctx.enabled.qresync) return { result: bad('VANISHED needs ENABLE QRESYNC') };
      const named = cmd.set.kind === 'set' ? normalizeRanges(cmd.set.ranges, view.settledThrough) : null;
      for (const line of vanishedLines(await vanishedEarlier(store, user.id, view, cmd.changedSince, named), true)) await ctx.send(line);
    }
    let missing = false;
    let undecodable: string | null = null;
    const out = new WriteCoalescer((chunk) => ctx.send(chunk)); // send() resolves when the socket has room
    const ic: ItemContext = {
      view,
      utf8: ctx.enabled.utf8Accept,
      flagsChanged: false,
      condstore: ctx.enabled.condstore,
      cache: ctx.services.renderCache,
    };
    try {
      for (let i = 0; i < uids.length; i += BATCH) {
        const batch = uids.slice(i, i + BATCH);
        const found = await store.listMessages(user.id, view.mailboxId, toRanges(batch));
        // R3.4, defence in depth: a REQUIRETLS message in a cleartext session's view ends the session (BYE) before
        // any of this batch is sent. UIDs are never reused, so these flags are those of the bytes read below.
        if (!view.admits(found)) return { result: privacyRequired() };
        const since = cmd.changedSince;
        // Messages of this session's view expunged by another session (issue 13 item 4, as Dovecot): answered with
        // NIL data in their place among the others, the command still OK [EXPUNGEISSUED]. Under CHANGEDSINCE their
        // MODSEQ is unknown and they are left out (their EXPUNGE follows the command).
        const present = new Set(found.map((m) => m.uid));
        const gone = batch.filter((u) => !present.has(u));
        if (gone.length > 0) missing = true;
        const nilFor = since === null ? gone : [];
        let g = 0;
        const sendGone = async (below: number): Promise<void> => {
          for (; g < nilFor.length && nilFor[g]! < below; g++) {
            await send(out, expungedResponse(view.seqOf(nilFor[g]!), nilFor[g]!, plan, view), null);
          }
        };
        const metas = since === null ? found : found.filter((m) => m.modseq > since);
        if (metas.length === 0) {
          await sendGone(Infinity);
          continue;
        }
        const seenNow = plan.seen && !view.readOnly ? await markSeen(ctx, user.id, view, metas) : new Set<number>();
        // Issue 13 item 2: a keyword the session was not told of goes out in FLAGS before a FETCH shows it.
        const announce = view.keywordUpdate(metas.flatMap((m) => m.flags));
        if (announce.length > 0) await send(out, announce, null);
        // ENVELOPE / BODY / BODYSTRUCTURE: from the cache, else from the forms the store keeps (issue 17 item 2:
        // rendered at ingest), read in one call for the messages that lack a cached one.
        const cached: CachedRenderings[] = [];
        const needForms: number[] = [];
        for (const meta of metas) {
          const c = cachedRenderings(plan, meta.bodyId, ic);
          cached.push(c.found);
          if (!c.complete) needForms.push(meta.uid);
        }
        const forms = needForms.length > 0 ? await store.messageForms(user.id, view.mailboxId, needForms, ic.utf8, plan.rendered.map((r) => FORM_OF[r])) : null;
        if (forms !== null) {
          metas.forEach((meta, k) => {
            const f = forms.get(meta.uid);
            if (f !== undefined) storedRenderings(plan, meta.bodyId, f, cached[k]!, ic);
          });
        }
        // RFC 8970: the previews the text indexer stored (LAZY: NIL for a body not indexed yet, else computed).
        const previews = plan.preview ? await store.previews(user.id, view.mailboxId, metas.map((m) => m.uid), plan.preview.lazy) : null;
        const structures: Map<number, MessageStructure> | null = plan.sections
          ? await store.messageStructures(user.id, view.mailboxId, metas.map((m) => m.uid))
          : null;
        // Expunged between the listing and these reads: nothing left to answer from (NIL data, as below).
        const noStructure = new Set([
          ...(forms === null ? [] : needForms.filter((u) => !forms.has(u))),
          ...(structures === null ? [] : metas.filter((m) => !structures.has(m.uid)).map((m) => m.uid)),
        ]);
        for (let j = 0; j < metas.length; ) {
          const end = plan.whole ? wholeGroupEnd(metas, j) : metas.length;
          const wholes = plan.whole ? await readWhole(ctx, user.id, view, metas.slice(j, end)) : null;
          for (; j < end; j++) {
            const meta = metas[j]!;
            await sendGone(meta.uid);
            const whole = wholes?.get(meta.uid) ?? null;
            const msg: FetchedMessage = {
              meta,
              structure: structures?.get(meta.uid) ?? null,
              read: whole
                ? async (range) => Buffer.concat(slicePieces(whole, range))
                : (range) => store.readMessage(user.id, view.mailboxId, meta.uid, range),
              whole,
              preview: previews?.get(meta.uid) ?? null,
            };
            let pieces;
            if (noStructure.has(meta.uid)) {
              missing = true;
              await send(out, expungedResponse(view.seqOf(meta.uid), meta.uid, plan, view), null);
              continue;
            }
            try {
              ic.flagsChanged = seenNow.has(meta.uid);
              pieces = await fetchResponse(view.seqOf(meta.uid), plan, msg, ic, cached[j]);
            } catch (err) {
              if (err instanceof UnknownCteError) {
                undecodable = err.message;
                continue;
              }
              if (!isStoreError(err, 'not-found')) throw err;
              missing = true; // expunged between the listing and the read: NIL data as above
              pieces = expungedResponse(view.seqOf(meta.uid), meta.uid, plan, view);
            }
            await send(out, pieces, msg);
            // The current flags went out: a change announced by the feed up to them is not reported again.
            if (plan.flags) view.ownFlagChange(meta.uid, meta.modseq, true);
          }
        }
        await sendGone(Infinity);
      }
    } finally {
      await out.flush(); // before the tagged reply, which the session writes itself
    }
    if (undecodable !== null) return { result: no(undecodable, 'UNKNOWN-CTE') };
    // RFC 2180 §4.1.2 / RFC 5530: the request named messages of this session's view another session expunged. OK,
    // not NO (mutt treats NO as failure), for FETCH and UID FETCH alike, as Dovecot answers (issue 13 item 4);
    // UIDs outside the view name no message and are simply ignored (RFC 9051 §6.4.8).
    if (missing) return { result: ok('Some messages were already expunged', 'EXPUNGEISSUED') };
    return { result: ok(`${cmd.uid ? 'UID FETCH' : 'FETCH'} completed`) };
  },
};
