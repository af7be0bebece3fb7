// CAPA   RFC 2449 §5: the capability list of this session, recomputed each time (after STLS too: R5.2),
// with AUTHSERV bare before login and AUTHSERV <authserv-id> after (SPEC R4.2).
import { capabilities } from '../capabilities.js';
import { answer, authContext, type CommandSpec } from '../context.js';
import { R } from '../responses.js';

export const capa: CommandSpec<'CAPA'> = {
  states: ['authorization', 'transaction'],
  beforeTls: true,
  run(ctx) {
    const { authenticator, settings } = ctx.services;
    const auth = authContext(ctx);
    const caps = capabilities({
      authservId: settings.authservId,
      tlsActive: ctx.facts.tls !== null,
      stlsAvailable: ctx.facts.stlsAvailable,
      userAllowed: authenticator.plaintextAllowed(auth),
      mechanisms: authenticator.mechanisms(auth),
      transaction: ctx.state.kind === 'transaction',
    });
    return answer(R.capa(caps));
  },
};
