// CLOSE (RFC 9051 §6.4.1: expunges silently unless read-only) and UNSELECT (RFC 3691: no expunge).
import { logExpunge } from '../../log/mail-events.js';
import type { CommandSpec } from '../context.js';
import { ok } from '../responses.js';

export const close: CommandSpec<'CLOSE'> = {
  states: ['selected'],
  expunge: 'allowed',
  async run(ctx) {
    if (ctx.state.kind !== 'selected') return { result: ok('CLOSE completed') };
    const { view, user } = ctx.state;
    view.close();
    // As EXPUNGE: only messages this session knows of (a cleartext session never touches mail it could not see, R3.4).
    if (!view.readOnly) {
      const removed = await ctx.services.store.expunge(user.id, view.mailboxId, { uids: [...view.allUids()] });
      logExpunge(ctx.log, { user: user.name, mailbox: view.name, command: 'CLOSE', uids: removed });
    }
    return { result: ok('CLOSE completed'), state: { kind: 'authenticated', user } };
  },
};

export const unselect: CommandSpec<'UNSELECT'> = {
  states: ['selected'],
  expunge: 'allowed',
  run(ctx) {
    if (ctx.state.kind !== 'selected') return { result: ok('UNSELECT completed') };
    ctx.state.view.close();
    return { result: ok('UNSELECT completed'), state: { kind: 'authenticated', user: ctx.state.user } };
  },
};
