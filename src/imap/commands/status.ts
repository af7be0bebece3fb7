// STATUS <mailbox> (<items>) (RFC 9051 §6.3.11; RFC 8438 SIZE; RFC 7162 HIGHESTMODSEQ): from the mailbox
// counters, refused without TLS for a mailbox holding REQUIRETLS mail (SPEC R3.4).
import type { CommandSpec } from '../context.js';
import { mailboxWire, privacyRefusal } from '../mailbox-names.js';
import { raw } from '../protocol/encode.js';
import { ok } from '../responses.js';
import { userOf } from '../state.js';

export const status: CommandSpec<'STATUS'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  async run(ctx, { mailbox, items }) {
    const user = userOf(ctx.state)!;
    const info = await ctx.services.store.getMailbox(user.id, mailbox);
    const refusal = privacyRefusal(ctx, info);
    if (refusal) return { result: refusal };
    const values: string[] = [];
    for (const item of items) {
      switch (item) {
        case 'MESSAGES':
          values.push(`MESSAGES ${info.messages}`);
          break;
        case 'RECENT':
          values.push('RECENT 0');
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
          values.push(`DELETED ${(await ctx.services.store.listMessages(user.id, info.id)).filter((m) => m.flags.includes('\\Deleted')).length}`);
          break;
        default: {
          const never: never = item;
          return never;
        }
      }
    }
    ctx.send(Buffer.concat([raw('* STATUS '), mailboxWire(ctx, info.name), raw(` (${values.join(' ')})\r\n`)]));
    return { result: ok('STATUS completed') };
  },
};
