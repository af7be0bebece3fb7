// PASS string   RFC 1939 §7: checks the password of the USER name under the shared policy (failure delay,
// limits, one log line: SPEC R6.4), then opens the maildrop (R3.4, R8.2). A failure needs a new USER.
import { answer, authContext, type CommandSpec } from '../context.js';
import { openMaildrop } from '../login.js';
import { R } from '../responses.js';
import { AUTHORIZATION } from '../state.js';

export const pass: CommandSpec<'PASS'> = {
  states: ['authorization'],
  async run(ctx, { password }) {
    if (ctx.state.kind !== 'authorization' || ctx.state.user === null) return answer(R.userFirst());
    const outcome = await ctx.services.authenticator.verifyLoginPassword(ctx.state.user, password, {
      ...authContext(ctx),
      remoteAddress: ctx.facts.remoteAddress,
      protocol: 'pop3',
      log: ctx.log,
    });
    if (outcome.kind === 'success') {
      return openMaildrop(ctx, outcome.identity);
    }
    return answer(outcome.reason === 'temporary' ? R.authTemp() : R.authFailed(), AUTHORIZATION);
  },
};
