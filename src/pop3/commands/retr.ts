// RETR msg   RFC 1939 §5: "+OK <octets> octets", then the message byte-stuffed and ".". The octet count is
// MessageMeta.size and exactly that many octets are sent before stuffing (SPEC R8.2).
import { answer, transactionOf, type CommandSpec } from '../context.js';
import { lookupFailure } from '../lookup.js';
import { R } from '../responses.js';
import { sendMessage } from '../send-message.js';

export const retr: CommandSpec<'RETR'> = {
  states: ['transaction'],
  run(ctx, { msg }) {
    const found = transactionOf(ctx).maildrop.get(msg);
    if (!found.ok) return answer(lookupFailure(found.why));
    transactionOf(ctx).maildrop.noteRetrieved(msg);
    return sendMessage(ctx, found.message, R.message(found.message.octets), null);
  },
};
