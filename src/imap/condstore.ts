// Turning CONDSTORE on by use (RFC 7162 §3.1): the CONDSTORE-enabling commands (SELECT/EXAMINE (CONDSTORE),
// STATUS HIGHESTMODSEQ, FETCH MODSEQ or CHANGEDSINCE, SEARCH MODSEQ, STORE UNCHANGEDSINCE, ENABLE CONDSTORE or
// QRESYNC). Enabled while a mailbox is selected, the mailbox's HIGHESTMODSEQ goes out at once (RFC 7162 §3.1,
// as Dovecot does): SELECT only reports it when CONDSTORE was already on.
import type { ImapContext } from './context.js';
import { raw } from './protocol/encode.js';

export function enableCondstore(ctx: Pick<ImapContext, 'enabled' | 'state' | 'send'>): void {
  if (ctx.enabled.condstore) return;
  ctx.enabled.condstore = true;
  if (ctx.state.kind === 'selected') void ctx.send(raw(`* OK [HIGHESTMODSEQ ${ctx.state.view.highestModseq}] Highest\r\n`));
}
