// STAT   RFC 1939 §5: "+OK nn mm", the count and octets of the messages not marked deleted.
import { answer, transactionOf, type CommandSpec } from '../context.js';
import { R } from '../responses.js';

export const stat: CommandSpec<'STAT'> = {
  states: ['transaction'],
  run(ctx) {
    const { count, octets } = transactionOf(ctx).maildrop.stat();
    return answer(R.stat(count, octets));
  },
};
