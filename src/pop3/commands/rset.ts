// RSET   RFC 1939 §5: unmarks every message marked deleted in this session.
import { answer, transactionOf, type CommandSpec } from '../context.js';
import { R } from '../responses.js';

export const rset: CommandSpec<'RSET'> = {
  states: ['transaction'],
  run(ctx) {
    const { maildrop } = transactionOf(ctx);
    maildrop.reset();
    const { count, octets } = maildrop.stat();
    return answer(R.reset(count, octets));
  },
};
