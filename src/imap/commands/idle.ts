// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then changes to the selected mailbox are pushed as they
// happen (SPEC R7.5) until the client sends DONE; a REQUIRETLS arrival on a cleartext session ends it (R3.4).
// `* OK Still here` every idleKeepaliveMs keeps NAT boxes from dropping a quiet connection; it does not put
// off the autologout, which only the client's own traffic refreshes (RFC 9051 §5.4).
// Issue 17 item 3: with 10,000 sessions idling, a delivery wakes each of them; a wake costs one promise, the
// keepalive is one timer per IDLE (refreshed, not made anew) and the read of DONE is awaited once, not raced
// again on every wake (each race left a reaction on it for as long as the IDLE lasted).
import type { CommandSpec } from '../context.js';
import { catchUpSelected } from './capability.js';
import { raw } from '../protocol/encode.js';
import { bad, ok } from '../responses.js';

export const idle: CommandSpec<'IDLE'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  async run(ctx) {
    ctx.send(raw('+ idling\r\n'));
    const state = ctx.state;
    let notify: (() => void) | null = null;
    const poke = (): void => {
      const n = notify;
      notify = null;
      n?.();
    };
    let changed = false;
    let keepaliveDue = false;
    let ended: { line: string } | { err: unknown } | null = null;
    // A commit publishes its changes together: one wake, after all of them reached the view.
    const unsubscribe =
      state.kind === 'selected'
        ? ctx.services.store.changes.subscribe(state.view.mailboxId, () => {
            if (changed) return;
            changed = true;
            setImmediate(poke);
          })
        : () => undefined;
    const keepalive = setTimeout(() => {
      keepaliveDue = true;
      poke();
    }, ctx.services.settings.idleKeepaliveMs);
    try {
      await catchUpSelected(ctx); // issue 18 item 4: what other processes committed before IDLE is told at once
      if (await ctx.flush()) return { result: ok('IDLE terminated') };
      ctx.lines.readLine().then(
        (line) => {
          ended = { line };
          poke();
        },
        (err: unknown) => {
          ended = { err };
          poke();
        },
      );
      keepalive.refresh();
      for (;;) {
        const end = ended as { line: string } | { err: unknown } | null;
        if (end !== null) {
          if ('err' in end) throw end.err;
          return { result: end.line.toUpperCase() === 'DONE' ? ok('IDLE terminated') : bad('Expected DONE') };
        }
        if (changed) {
          changed = false;
          // The dispatcher says BYE: [PRIVACYREQUIRED] (R3.4), or the mailbox was deleted (issue 13 item 5).
          if (await ctx.flush()) return { result: ok('IDLE terminated') };
          keepalive.refresh();
          continue;
        }
        if (keepaliveDue) {
          keepaliveDue = false;
          ctx.send(raw('* OK Still here\r\n'));
          keepalive.refresh();
          continue;
        }
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
      }
    } finally {
      clearTimeout(keepalive);
      unsubscribe();
    }
  },
};
