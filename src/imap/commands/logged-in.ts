// The move to the authenticated state after LOGIN or AUTHENTICATE (RFC 9051 §6.2): the per-user connection
// limit (R11.2) and the tagged OK with the post-login capabilities, including AUTHSERV=<id> (R4.1).
import type { AuthIdentity } from '../../sasl/mechanism.js';
import type { ImapContext, Outcome } from '../context.js';
import { no, ok } from '../responses.js';
import type { ImapState } from '../state.js';

export function loggedIn(ctx: ImapContext, identity: AuthIdentity): Outcome {
  const { userSessions, settings } = ctx.services;
  const open = userSessions.get(identity.userId) ?? 0;
  if (open >= settings.maxConnectionsPerUser) {
    return { result: no('Too many connections for this user', 'LIMIT') };
  }
  userSessions.set(identity.userId, open + 1);
  ctx.facts.auth = identity;
  const state: ImapState = { kind: 'authenticated', user: { id: identity.userId, name: identity.user } };
  ctx.log.info({ user: identity.user }, 'logged in');
  return { result: ok('Logged in', `CAPABILITY ${ctx.capabilities(true).join(' ')}`), state };
}
