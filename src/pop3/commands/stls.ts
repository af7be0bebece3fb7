// STLS   RFC 2595 §4 (SPEC R5.2): +OK, then the session upgrades the connection in the same tick, drops every
// byte the client sent after the command, forgets what it learnt (a USER name) and recomputes CAPA.
import { answer, type CommandSpec } from '../context.js';
import { R } from '../responses.js';
import { AUTHORIZATION } from '../state.js';

export const stls: CommandSpec<'STLS'> = {
  states: ['authorization'],
  beforeTls: true,
  run(ctx) {
    if (ctx.facts.tls !== null) return answer(R.tlsActive());
    if (!ctx.facts.stlsAvailable) return answer(R.stlsUnavailable());
    return { responses: [R.stls()], state: AUTHORIZATION, after: 'stls' };
  },
};
