// TOP msg n   RFC 1939 §7: the header, the blank line, and the first n lines of the body, byte-stuffed.
// Streamed and cut as it is read: fetchmail asks "TOP n 99999999" for every message it downloads.
import { answer, transactionOf, type CommandSpec } from '../context.js';
import { lookupFailure } from '../lookup.js';
import { TopCutter } from '../protocol/multiline.js';
import { R } from '../responses.js';
import { sendMessage } from '../send-message.js';

export const top: CommandSpec<'TOP'> = {
  states: ['transaction'],
  run(ctx, { msg, lines }) {
    const found = transactionOf(ctx).maildrop.get(msg);
    if (!found.ok) return answer(lookupFailure(found.why));
    return sendMessage(ctx, found.message, R.top(), new TopCutter(lines));
  },
};
