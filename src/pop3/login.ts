// The end of a successful authentication (RFC 1939 §7 PASS, RFC 5034 §4 AUTH; SPEC R3.4, R8.2): the
// REQUIRETLS refusal before anything of the maildrop is revealed or locked, the one-session lock, and the
// snapshot of INBOX that the session works on.
import type { AuthIdentity } from '../sasl/mechanism.js';
import { isStoreError } from '../store/errors.js';
import { answer, type Outcome, type Pop3Context } from './context.js';
import { Maildrop } from './maildrop.js';
import { R } from './responses.js';
import { AUTHORIZATION } from './state.js';

export async function openMaildrop(ctx: Pop3Context, identity: AuthIdentity): Promise<Outcome> {
  const { store, locks } = ctx.services;
  const { facts } = ctx;
  const cleartext = facts.tls === null;
  try {
    const inbox = await store.getMailbox(identity.userId, 'INBOX');
    // R3.4: the whole maildrop is refused without TLS; the O(1) counter decides before any lock or count.
    if (cleartext && inbox.requireTlsMessages > 0) {
      ctx.log.info({ user: identity.user, event: 'pop3-requiretls-refused' }, 'maildrop holds REQUIRETLS mail; TLS needed');
      ctx.services.metrics.cleartextRefusal('pop3');
      return answer(R.requireTls(), AUTHORIZATION);
    }
    if (!(await locks.acquire(identity.userId, facts.sid))) return answer(R.inUse(), AUTHORIZATION); // R8.2
    try {
      const messages = await store.listMessages(identity.userId, inbox.id);
      // R3.4 again on the snapshot itself: REQUIRETLS mail may have arrived since the counter was read.
      if (cleartext && messages.some((m) => m.requireTls)) {
        locks.release(identity.userId, facts.sid);
        ctx.services.metrics.cleartextRefusal('pop3');
        return answer(R.requireTls(), AUTHORIZATION);
      }
      const maildrop = new Maildrop(inbox.id, inbox.uidValidity, messages, await store.pop3Uidls(identity.userId, inbox.id));
      const { count, octets } = maildrop.stat();
      ctx.log.info({ user: identity.user, messages: count, octets, tls: !cleartext, utf8: facts.utf8 }, 'maildrop opened');
      return answer(R.loggedIn(count, octets), { kind: 'transaction', identity, maildrop });
    } catch (err) {
      locks.release(identity.userId, facts.sid);
      throw err;
    }
  } catch (err) {
    if (!isStoreError(err)) throw err;
    ctx.log.warn({ user: identity.user, kind: err.kind, err: err.message }, 'maildrop not opened');
    return answer(err.kind === 'in-use' ? R.inUse() : R.storeFailed(), AUTHORIZATION);
  }
}
