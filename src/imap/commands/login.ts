// LOGIN <user> <password> (RFC 9051 §6.2.3, SPEC R5.3, R6.4, R4.1): refused without TLS unless allowed
// (LOGINDISABLED); failures are delayed and limited by the authenticator; the tagged OK carries the new
// capability list with AUTHSERV=<id>.
import type { CommandSpec } from '../context.js';
import { no } from '../responses.js';
import { loggedIn } from './logged-in.js';

export const login: CommandSpec<'LOGIN'> = {
  states: ['not-authenticated'],
  expunge: 'allowed',
  async run(ctx, { user, password }) {
    const { authenticator, settings } = ctx.services;
    const authCtx = { tls: ctx.facts.tls !== null, peer: ctx.facts.peer, allowPlaintextWithoutTls: settings.allowPlaintextWithoutTls };
    if (!authenticator.plaintextAllowed(authCtx)) {
      return { result: no('Plaintext login is disabled without TLS; use STARTTLS or IMAPS', 'PRIVACYREQUIRED') };
    }
    const outcome = await authenticator.verifyLoginPassword(user, password, { ...authCtx, remoteAddress: ctx.facts.remoteAddress, protocol: 'imap', log: ctx.log });
    if (outcome.kind !== 'success') {
      return { result: no('Authentication failed', outcome.reason === 'temporary' ? 'UNAVAILABLE' : 'AUTHENTICATIONFAILED') };
    }
    return loggedIn(ctx, outcome.identity);
  },
};
