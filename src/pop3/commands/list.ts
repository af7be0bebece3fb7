// LIST [msg]   RFC 1939 §5: a scan listing "msg octets" of one message, or of every message not marked
// deleted as a multi-line response. Octets are exactly what RETR sends before byte-stuffing (R8.2).
import { answer, transactionOf, type CommandSpec } from '../context.js';
import { lookupFailure } from '../lookup.js';
import { R } from '../responses.js';

export const list: CommandSpec<'LIST'> = {
  states: ['transaction'],
  run(ctx, { msg }) {
    const { maildrop } = transactionOf(ctx);
    if (msg !== null) {
      const found = maildrop.get(msg);
      if (!found.ok) return answer(lookupFailure(found.why));
      return answer(R.scanListing(msg, found.message.octets));
    }
    const { count, octets } = maildrop.stat();
    return answer(R.scanList(count, octets, maildrop.live().map((m) => `${m.msg} ${m.octets}`)));
  },
};
