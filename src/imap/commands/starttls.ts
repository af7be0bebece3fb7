// STARTTLS (RFC 9051 §6.2.1, SPEC R5.2): OK, then the session upgrades, dropping every byte the client
// pipelined after the command; the capability list is recomputed (clients ask again).
import type { CommandSpec } from '../context.js';
import { bad, no, ok } from '../responses.js';

export const starttls: CommandSpec<'STARTTLS'> = {
  states: ['not-authenticated'],
  expunge: 'allowed',
  beforeTls: true,
  run(ctx) {
    if (ctx.facts.tls !== null) return { result: bad('TLS is already active') };
    if (!ctx.facts.startTlsAvailable) return { result: no('STARTTLS is not available here') };
    return { result: ok('Begin TLS negotiation now'), after: 'starttls' };
  },
};
