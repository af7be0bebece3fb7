// UIDL [msg]   RFC 1939 §7: "msg unique-id" for one message or every message not marked deleted. The id is
// <uidvalidity>.<uid>: the same in every session, never reused within the mailbox's incarnation (R8.2).
import { answer, transactionOf, type CommandSpec } from '../context.js';
import { lookupFailure } from '../lookup.js';
import { R } from '../responses.js';

export const uidl: CommandSpec<'UIDL'> = {
  states: ['transaction'],
  run(ctx, { msg }) {
    const { maildrop } = transactionOf(ctx);
    if (msg !== null) {
      const found = maildrop.get(msg);
      if (!found.ok) return answer(lookupFailure(found.why));
      return answer(R.uidListing(msg, maildrop.uniqueId(found.message)));
    }
    return answer(R.uidList(maildrop.live().map((m) => `${m.msg} ${maildrop.uniqueId(m)}`)));
  },
};
