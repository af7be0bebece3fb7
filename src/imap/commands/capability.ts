// CAPABILITY (RFC 9051 §6.1.1), NOOP (§6.1.2), LOGOUT (§6.1.3), CHECK (RFC 3501 §6.4.1): the commands
// valid in every state. NOOP and CHECK let the dispatcher announce pending mailbox changes — first caught up with
// what other processes committed (issue 18 item 4: as Dovecot, they answer from the mailbox as it is now, not as
// the last cross-process notification left it).
import type { CommandSpec, ImapContext } from '../context.js';
import { raw } from '../protocol/encode.js';
import { ok } from '../responses.js';

const ANY_STATE = ['not-authenticated', 'authenticated', 'selected'] as const;

export const capability: CommandSpec<'CAPABILITY'> = {
  states: ANY_STATE,
  expunge: 'allowed',
  beforeTls: true,
  run(ctx) {
    ctx.send(raw(`* CAPABILITY ${ctx.capabilities().join(' ')}\r\n`));
    return { result: ok('CAPABILITY completed') };
  },
};

export const noop: CommandSpec<'NOOP'> = {
  states: ANY_STATE,
  expunge: 'allowed',
  beforeTls: true,
  async run(ctx) {
    await catchUpSelected(ctx);
    return { result: ok('NOOP completed') };
  },
};

export const check: CommandSpec<'CHECK'> = {
  states: ['selected'],
  expunge: 'allowed',
  async run(ctx) {
    await catchUpSelected(ctx);
    return { result: ok('CHECK completed') };
  },
};

export const logout: CommandSpec<'LOGOUT'> = {
  states: ANY_STATE,
  expunge: 'allowed',
  beforeTls: true,
  run(ctx) {
    ctx.send(raw(`* BYE ${ctx.services.settings.hostname} logging out\r\n`));
    if (ctx.state.kind === 'selected') ctx.state.view.close();
    return { result: ok('LOGOUT completed'), state: { kind: 'logout' }, after: 'logout' };
  },
};

/** Has the store publish what other processes committed to the selected mailbox; the dispatcher then announces it. */
export async function catchUpSelected(ctx: ImapContext): Promise<void> {
  if (ctx.state.kind === 'selected') await ctx.services.store.catchUp(ctx.state.view.mailboxId);
}
