// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then changes to the selected mailbox are pushed as they
// happen (SPEC R7.5) until the client sends DONE; a REQUIRETLS arrival on a cleartext session ends it (R3.4).
// `* OK Still here` every idleKeepaliveMs keeps NAT boxes from dropping a quiet connection; it does not put
// off the autologout, which only the client's own traffic refreshes (RFC 9051 §5.4).
import type { CommandSpec } from '../context.js';
import { raw } from '../protocol/encode.js';
import { bad, ok } from '../responses.js';

export const idle: CommandSpec<'IDLE'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  async run(ctx) {
    ctx.send(raw('+ idling\r\n'));
    const state = ctx.state;
    let wake: (() => void) | null = null;
    const unsubscribe =
      state.kind === 'selected'
        ? ctx.services.store.changes.subscribe(state.view.mailboxId, () => setImmediate(() => wake?.()))
        : () => undefined;
    try {
      if (await ctx.flush()) return { result: ok('IDLE terminated') };
      const done = ctx.lines.readLine();
      for (;;) {
        const changed = new Promise<'change'>((resolve) => {
          wake = () => resolve('change');
        });
        let keepalive: NodeJS.Timeout | undefined;
        const quiet = new Promise<'keepalive'>((resolve) => {
          keepalive = setTimeout(() => resolve('keepalive'), ctx.services.settings.idleKeepaliveMs);
        });
        const what = await Promise.race([done, changed, quiet]).finally(() => clearTimeout(keepalive));
        if (what === 'keepalive') {
          ctx.send(raw('* OK Still here\r\n'));
          continue;
        }
        if (what === 'change') {
          // The dispatcher says BYE: [PRIVACYREQUIRED] (R3.4), or the mailbox was deleted (issue 13 item 5).
          if (await ctx.flush()) return { result: ok('IDLE terminated') };
          continue;
        }
        return { result: what.toUpperCase() === 'DONE' ? ok('IDLE terminated') : bad('Expected DONE') };
      }
    } finally {
      unsubscribe();
    }
  },
};
