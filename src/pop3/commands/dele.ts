// DELE msg   RFC 1939 §5: marks the message deleted; nothing is removed until QUIT's UPDATE state (R8.2),
// so a dropped connection deletes nothing.
import { answer, transactionOf, type CommandSpec } from '../context.js';
import { lookupFailure } from '../lookup.js';
import { R } from '../responses.js';

export const dele: CommandSpec<'DELE'> = {
  states: ['transaction'],
  run(ctx, { msg }) {
    const { maildrop } = transactionOf(ctx);
    const found = maildrop.get(msg);
    if (!found.ok) return answer(lookupFailure(found.why));
    maildrop.mark(msg);
    return answer(R.deleted(msg));
  },
};
