// SELECT / EXAMINE <mailbox> (RFC 9051 §6.3.2, §6.3.3; RFC 3501 §6.3.1): opens the mailbox view and reports
// FLAGS, EXISTS, RECENT, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, UNSEEN, MAILBOXID (RFC 8474 §4.2) (rev2: LIST instead of RECENT and UNSEEN,
// RFC 9051 §6.3.2, Appendix E); refused without TLS when the mailbox
// holds REQUIRETLS mail (SPEC R3.4, O(1) through the counter of the very snapshot the view is built from).
// With (QRESYNC (uidvalidity modseq [known-uids [seq-match-data]])) (RFC 7162 §3.2.5): VANISHED (EARLIER) for
// the known UIDs expunged since, then FETCH (UID FLAGS MODSEQ) for the known messages changed since.
import { isStoreError } from '../../store/errors.js';
import type { CommandSpec, ImapContext, Outcome } from '../context.js';
import { storeErrorResult } from '../errors.js';
import { MailboxView } from '../mailbox-view.js';
import { privacyRequired } from '../privacy.js';
import { raw } from '../protocol/encode.js';
import { sendOwnList } from './list.js';
import { fetchLine } from '../fetch/items.js';
import type { QresyncParams } from '../protocol/types.js';
import { vanishedEarlier } from '../qresync.js';
import { bad, ok } from '../responses.js';
import { inRanges, normalizeRanges, vanishedLines } from '../vanished.js';
import { userOf } from '../state.js';

async function open(ctx: ImapContext, name: string, readOnly: boolean, condstore: boolean, qresync: QresyncParams | null): Promise<Outcome> {
  const user = userOf(ctx.state)!;
  // RFC 7162 §3.2.5: the QRESYNC parameter without ENABLE QRESYNC is BAD (and the current mailbox stays selected).
  if (qresync !== null && !ctx.enabled.qresync) return { result: bad('QRESYNC parameter without ENABLE QRESYNC') };
  const { store } = ctx.services;
  // Selecting closes the current mailbox first, whatever happens next (RFC 9051 §6.3.2).
  const previous = ctx.state;
  if (previous.kind === 'selected') {
    previous.view.close();
    ctx.send(raw('* OK [CLOSED] Previous mailbox closed\r\n'));
  }
  const unselected = { kind: 'authenticated' as const, user };
  let opened;
  try {
    opened = await MailboxView.open(store, user.id, name, {
      tls: ctx.facts.tls !== null,
      readOnly,
      condstore: () => ctx.enabled.condstore,
      imap4rev2: ctx.enabled.imap4rev2,
      qresync: () => ctx.enabled.qresync,
    });
  } catch (err) {
    if (!isStoreError(err)) throw err;
    return { result: storeErrorResult(err), state: unselected };
  }
  const { view, snapshot } = opened;
  if (view === null) return { result: privacyRequired(), state: unselected }; // R3.4, judged on the snapshot
  const { info, uids } = snapshot;
  if (condstore) ctx.enabled.condstore = true;
  ctx.send(view.flagsResponse()); // issue 13 item 2: with the keywords in use, as Dovecot
  ctx.send(raw(`* ${uids.length} EXISTS\r\n`));
  const rev2 = ctx.enabled.imap4rev2;
  // RFC 9051 §6.3.2: a rev2 session gets a LIST response for the mailbox instead of RECENT (Appendix E).
  if (rev2) await sendOwnList(ctx, user.id, info.name);
  else ctx.send(raw(`* ${view.recentCount} RECENT\r\n`)); // issue 13 item 1: claimed by SELECT, shown by EXAMINE
  ctx.send(raw(`* OK [UIDVALIDITY ${info.uidValidity}] UIDs valid\r\n`));
  ctx.send(raw(`* OK [UIDNEXT ${info.uidNext}] Predicted next UID\r\n`));
  ctx.send(view.permanentFlagsResponse());
  // RFC 9051 Appendix E: the UNSEEN response code is gone in rev2 (clients SEARCH UNSEEN).
  if (snapshot.firstUnseenUid !== null && !rev2) ctx.send(raw(`* OK [UNSEEN ${view.seqOf(snapshot.firstUnseenUid)}] First unseen\r\n`));
  if (ctx.enabled.condstore) ctx.send(raw(`* OK [HIGHESTMODSEQ ${info.highestModseq}] Highest\r\n`));
  if (qresync !== null && qresync.uidValidity === info.uidValidity) {
    if (!(await resync(ctx, user.id, view, qresync))) {
      view.close();
      return { result: privacyRequired(), state: unselected };
    }
  }
  ctx.send(raw(`* OK [MAILBOXID (${info.objectId})] Ok\r\n`)); // RFC 8474 §4.2
  return {
    result: ok(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE'),
    state: { kind: 'selected', user, view },
  };
}

/**
 * RFC 7162 §3.2.5.2: what the client's cache lacks since `modseq`, for the UIDs it knows (all without known-uids).
 * seq-match-data only lets a server narrow the expunges it reports; the log answers without it. False: a message
 * to report may not be served to this session (R3.4), nothing of it was sent.
 */
async function resync(ctx: ImapContext, userId: number, view: MailboxView, q: QresyncParams): Promise<boolean> {
  const { store } = ctx.services;
  const known = q.knownUids === null || q.knownUids.kind !== 'set' ? null : normalizeRanges(q.knownUids.ranges, view.settledThrough);
  const changed = (await store.changedSince(userId, view.mailboxId, q.modseq)).filter(
    (m) => view.seqOf(m.uid) > 0 && (known === null || inRanges(known, m.uid)),
  );
  if (!view.admits(changed)) return false; // R3.4, defence in depth
  for (const line of vanishedLines(await vanishedEarlier(store, userId, view, q.modseq, known), true)) ctx.send(line);
  for (const line of view.keywordUpdate(changed.flatMap((m) => m.flags))) ctx.send(line);
  for (const m of changed) {
    ctx.send(fetchLine(view.seqOf(m.uid), [raw(`UID ${m.uid}`), Buffer.concat([raw('FLAGS '), view.withRecent(m.uid, m.flags)]), raw(`MODSEQ (${m.modseq})`)]));
    view.ownFlagChange(m.uid, m.modseq, true); // its current flags went out
  }
  return true;
}

export const select: CommandSpec<'SELECT'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  closesSelected: true,
  run: (ctx, { mailbox, condstore, qresync }) => open(ctx, mailbox, false, condstore, qresync ?? null),
};

export const examine: CommandSpec<'EXAMINE'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  closesSelected: true,
  run: (ctx, { mailbox, condstore, qresync }) => open(ctx, mailbox, true, condstore, qresync ?? null),
};
