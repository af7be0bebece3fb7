// CREATE (RFC 9051 §6.3.4, RFC 6154 §5.2 USE, RFC 8474 §4.1 MAILBOXID), DELETE (§6.3.5), RENAME (§6.3.6: INBOX moves its messages),
// SUBSCRIBE / UNSUBSCRIBE (§6.3.7, §6.3.8): whole use cases of the store.
import { logMailboxDeleted } from '../../log/mail-events.js';
import { isStoreError } from '../../store/errors.js';
import type { Store } from '../../store/store.js';
import { SPECIAL_USES, type MailboxId, type SpecialUse, type UserId } from '../../store/types.js';
import type { CommandSpec } from '../context.js';
import { privacyGuard } from '../privacy.js';
import { no, ok } from '../responses.js';
import { userOf } from '../state.js';

const AUTHED = ['authenticated', 'selected'] as const;

export const create: CommandSpec<'CREATE'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { mailbox, specialUse }) {
    const user = userOf(ctx.state)!;
    if (specialUse.length > 1) return { result: no('Only one special use per mailbox', 'USEATTR') };
    let use: SpecialUse | null = null;
    if (specialUse.length === 1) {
      use = SPECIAL_USES.find((u) => u.toLowerCase() === specialUse[0]!.toLowerCase()) ?? null;
      if (use === null) return { result: no(`Unsupported special use ${specialUse[0]}`, 'USEATTR') };
    }
    const name = mailbox.replace(/\/+$/, ''); // a trailing delimiter only says "will have children" (§6.3.4)
    const created = await ctx.services.store.createMailbox(user.id, name, { specialUse: use });
    return { result: ok('CREATE completed', `MAILBOXID (${created.objectId})`) }; // RFC 8474 §4.1
  },
};

export const del: CommandSpec<'DELETE'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { mailbox }) {
    const user = userOf(ctx.state)!;
    // Issue 13 item 5: the guard follows the selected mailbox by id, whatever it has been renamed to since.
    if (ctx.state.kind === 'selected' && (await mailboxIdOf(ctx.services.store, user.id, mailbox)) === ctx.state.view.mailboxId) {
      return { result: no('Cannot delete the selected mailbox; close it first', 'INUSE') };
    }
    const messages = await messageCount(ctx.services.store, user.id, mailbox);
    await ctx.services.store.deleteMailbox(user.id, mailbox, privacyGuard(ctx)); // R3.4, checked in the write
    logMailboxDeleted(ctx.log, { user: user.name, mailbox, messages });
    return { result: ok('DELETE completed') };
  },
};

/** The id of the mailbox of that name, or null when there is none (the store's DELETE then says why). */
async function mailboxIdOf(store: Store, userId: UserId, name: string): Promise<MailboxId | null> {
  try {
    return (await store.getMailbox(userId, name)).id;
  } catch (err) {
    if (isStoreError(err, 'not-found')) return null;
    throw err;
  }
}

/** How many messages the mailbox holds, for the deletion's log line; null when there is no such mailbox. */
async function messageCount(store: Store, userId: UserId, name: string): Promise<number | null> {
  try {
    return (await store.getMailbox(userId, name)).messages;
  } catch (err) {
    if (isStoreError(err, 'not-found')) return null;
    throw err;
  }
}

export const rename: CommandSpec<'RENAME'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { from, to }) {
    const user = userOf(ctx.state)!;
    await ctx.services.store.renameMailbox(user.id, from, to.replace(/\/+$/, ''), privacyGuard(ctx)); // R3.4
    return { result: ok('RENAME completed') };
  },
};

export const subscribe: CommandSpec<'SUBSCRIBE'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { mailbox }) {
    const user = userOf(ctx.state)!;
    await ctx.services.store.getMailbox(user.id, mailbox); // RFC 9051 §6.3.7: only existing mailboxes
    await ctx.services.store.subscribe(user.id, mailbox);
    return { result: ok('SUBSCRIBE completed') };
  },
};

export const unsubscribe: CommandSpec<'UNSUBSCRIBE'> = {
  states: AUTHED,
  expunge: 'allowed',
  async run(ctx, { mailbox }) {
    const user = userOf(ctx.state)!;
    await ctx.services.store.unsubscribe(user.id, mailbox);
    return { result: ok('UNSUBSCRIBE completed') };
  },
};
