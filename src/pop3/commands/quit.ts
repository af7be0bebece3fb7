// QUIT   RFC 1939 §6: in TRANSACTION state enters UPDATE: the marked messages are expunged in one store
// transaction (IMAP sessions then see EXPUNGE through the change feed: SPEC R8.2), then the session ends.
// Messages downloaded with RETR get \Seen. Outside TRANSACTION nothing is touched. The maildrop lock is released by the session's end.
import { logExpunge } from '../../log/mail-events.js';
import { isStoreError } from '../../store/errors.js';
import type { CommandSpec, Outcome } from '../context.js';
import { R } from '../responses.js';

export const quit: CommandSpec<'QUIT'> = {
  states: ['authorization', 'transaction'],
  beforeTls: true,
  async run(ctx): Promise<Outcome> {
    const { hostname } = ctx.services.settings;
    const closing = { state: { kind: 'closing' } as const, after: 'close' as const };
    if (ctx.state.kind !== 'transaction') return { responses: [R.bye(hostname)], ...closing };
    const { identity, maildrop } = ctx.state;
    const uids = maildrop.markedUids();
    const seen = maildrop.retrievedUids();
    try {
      // Downloaded mail reads as read in IMAP afterwards (Dovecot's default, pop3_no_flag_updates = no).
      if (seen.length > 0) await ctx.services.store.setFlags(identity.userId, maildrop.mailboxId, seen, 'add', ['\\Seen']);
      if (uids.length === 0) return { responses: [R.bye(hostname)], ...closing };
      const removed = await ctx.services.store.expunge(identity.userId, maildrop.mailboxId, { uids, force: true });
      logExpunge(ctx.log, { user: identity.user, mailbox: 'INBOX', command: 'QUIT', uids: removed, extra: { marked: uids.length } });
      return { responses: [R.byeDeleted(hostname, removed.length)], ...closing };
    } catch (err) {
      if (!isStoreError(err)) throw err;
      ctx.log.warn({ user: identity.user, kind: err.kind, err: err.message }, 'UPDATE failed; nothing removed');
      return { responses: [R.notRemoved()], ...closing };
    }
  },
};
