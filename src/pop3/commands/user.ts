// USER name   RFC 1939 §7: remembers the name for PASS; never says whether the user exists (R6.4).
// Without TLS it is refused unless configured (SPEC R5.3; USER is then absent from CAPA).
import { answer, authContext, type CommandSpec } from '../context.js';
import { R } from '../responses.js';

export const user: CommandSpec<'USER'> = {
  states: ['authorization'],
  run(ctx, { name }) {
    if (!ctx.services.authenticator.plaintextAllowed(authContext(ctx))) return answer(R.plaintextDisabled());
    return answer(R.userOk(), { kind: 'authorization', user: name });
  },
};
