// SELECT / EXAMINE <mailbox> (RFC 9051 §6.3.2, §6.3.3; RFC 3501 §6.3.1): opens the mailbox view and reports
// FLAGS, EXISTS, RECENT, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, UNSEEN (rev2: LIST instead of RECENT and UNSEEN,
// RFC 9051 §6.3.2, Appendix E); refused without TLS when the mailbox
// holds REQUIRETLS mail (SPEC R3.4, O(1) through the counter of the very snapshot the view is built from).
import { isStoreError } from '../../store/errors.js';
import type { CommandSpec, ImapContext, Outcome } from '../context.js';
import { storeErrorResult } from '../errors.js';
import { MailboxView } from '../mailbox-view.js';
import { privacyRequired } from '../privacy.js';
import { raw } from '../protocol/encode.js';
import { sendOwnList } from './list.js';
import { ok } from '../responses.js';
import { userOf } from '../state.js';

async function open(ctx: ImapContext, name: string, readOnly: boolean, condstore: boolean): Promise<Outcome> {
  const user = userOf(ctx.state)!;
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
  return {
    result: ok(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE'),
    state: { kind: 'selected', user, view },
  };
}

export const select: CommandSpec<'SELECT'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  closesSelected: true,
  run: (ctx, { mailbox, condstore }) => open(ctx, mailbox, false, condstore),
};

export const examine: CommandSpec<'EXAMINE'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  closesSelected: true,
  run: (ctx, { mailbox, condstore }) => open(ctx, mailbox, true, condstore),
};
