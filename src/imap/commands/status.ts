// STATUS <mailbox> (<items>) (RFC 9051 §6.3.11; RFC 8438 SIZE; RFC 9208 §4.2 DELETED-STORAGE; RFC 7162 HIGHESTMODSEQ; RFC 8474 §4.3 MAILBOXID; RFC 7889 §3 APPENDLIMIT,
// the same for every mailbox here: the advertised limit): from the mailbox
// counters, read in one snapshot with the REQUIRETLS counter that judges them: refused without TLS for a
// mailbox holding REQUIRETLS mail (SPEC R3.4).
import type { MailboxInfo, MailboxStatus, MailboxStatusOptions } from '../../store/types.js';
import type { CommandSpec, ImapContext } from '../context.js';
import { enableCondstore } from '../condstore.js';
import { mailboxWire } from '../mailbox-names.js';
import { privacyRefusal } from '../privacy.js';
import { raw } from '../protocol/encode.js';
import type { StatusItem } from '../protocol/types.js';
import { ok } from '../responses.js';
import { userOf } from '../state.js';

export const status: CommandSpec<'STATUS'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  async run(ctx, { mailbox, items }) {
    const user = userOf(ctx.state)!;
    const snapshot = await ctx.services.store.mailboxStatus(user.id, mailbox, statusOptions(items));
    const { info } = snapshot;
    const refusal = privacyRefusal(ctx, info); // R3.4: before any count is sent
    if (refusal) return { result: refusal };
    if (items.includes('HIGHESTMODSEQ')) enableCondstore(ctx); // RFC 7162 §3.1: a CONDSTORE-enabling command
    ctx.send(statusResponse(ctx, info, snapshot, items));
    return { result: ok('STATUS completed') };
  },
};

/** What the store reads beyond its counters for these items (STATUS and LIST-STATUS). */
export function statusOptions(items: readonly StatusItem[]): MailboxStatusOptions {
  return { deleted: items.includes('DELETED'), recent: items.includes('RECENT'), deletedStorage: items.includes('DELETED-STORAGE') };
}

/** The `* STATUS` line for `info` (one snapshot), with the items asked for: STATUS and LIST-STATUS (RFC 5819 §2). */
export function statusResponse(
  ctx: Pick<ImapContext, 'enabled' | 'services'>,
  info: MailboxInfo,
  counts: Pick<MailboxStatus, 'deleted' | 'recent' | 'deletedStorage'>,
  items: readonly StatusItem[],
): Buffer {
  const values: string[] = [];
  for (const item of items) {
    switch (item) {
      case 'MESSAGES':
        values.push(`MESSAGES ${info.messages}`);
        break;
      case 'RECENT':
        values.push(`RECENT ${counts.recent ?? 0}`); // RFC 3501 §6.3.10: not yet claimed by any session (issue 13 item 1)
        break;
      case 'UIDNEXT':
        values.push(`UIDNEXT ${info.uidNext}`);
        break;
      case 'UIDVALIDITY':
        values.push(`UIDVALIDITY ${info.uidValidity}`);
        break;
      case 'UNSEEN':
        values.push(`UNSEEN ${info.unseen}`);
        break;
      case 'SIZE':
        values.push(`SIZE ${info.bytes}`);
        break;
      case 'HIGHESTMODSEQ':
        values.push(`HIGHESTMODSEQ ${info.highestModseq}`);
        break;
      case 'DELETED':
        values.push(`DELETED ${counts.deleted ?? 0}`);
        break;
      case 'DELETED-STORAGE':
        values.push(`DELETED-STORAGE ${counts.deletedStorage ?? 0}`); // RFC 9208 §4.2
        break;
      case 'MAILBOXID':
        values.push(`MAILBOXID (${info.objectId})`); // RFC 8474 §4.3
        break;
      case 'APPENDLIMIT':
        values.push(`APPENDLIMIT ${ctx.services.settings.maxMessageBytes}`);
        break;
      default: {
        const never: never = item;
        return never;
      }
    }
  }
  return Buffer.concat([raw('* STATUS '), mailboxWire(ctx, info.name), raw(` (${values.join(' ')})\r\n`)]);
}
