// UTF8   RFC 6856 §2: the client accepts UTF-8 in responses and messages; valid in AUTHORIZATION state.
// Names and passwords are UTF-8 here in any case (RFC 6856 §2.1, SASLprep in the SASL module).
import { answer, type CommandSpec } from '../context.js';
import { R } from '../responses.js';

export const utf8: CommandSpec<'UTF8'> = {
  states: ['authorization'],
  run(ctx) {
    ctx.facts.utf8 = true;
    return answer(R.utf8());
  },
};
