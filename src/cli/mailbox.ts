// `postern mailbox list|create|delete|rename|subscribe|unsubscribe` (SPEC R10.3): a user's mailboxes with their
// counters, and what an administrator changes in them. Open IMAP sessions see the changes (the store's feed).
// `mailbox delete` of a mailbox with mail asks first; every delete leaves an audit line; `list --json` (issue 16 item 7).
import { SPECIAL_USES, type SpecialUse } from '../store/types.js';
import { cliConfig, requireUser, withStore } from './context.js';
import { audit, confirmDestructive } from './destructive.js';
import { formatBytes, UsageError, type CommandArgs } from './io.js';

export async function runMailbox({ positionals, values, io }: CommandArgs): Promise<number> {
  const [action, name, mailbox, ...rest] = positionals;
  const [target, ...extra] = action === 'rename' ? rest : [undefined, ...rest];
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  if (name === undefined) throw new UsageError('missing user name');
  const config = cliConfig(io);
  switch (action) {
    case 'list':
      if (mailbox !== undefined) throw new UsageError(`unexpected argument: ${mailbox}`);
      return withStore(config, async (store) => {
        const user = await requireUser(store, name);
        const boxes = await store.listMailboxes(user.id);
        boxes.sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name.localeCompare(b.name)));
        if (values.json === true) {
          const mailboxes = boxes.map((b) => ({
            name: b.name,
            specialUse: b.specialUse,
            subscribed: b.subscribed,
            messages: b.messages,
            unseen: b.unseen,
            bytes: b.bytes,
            requireTlsMessages: b.requireTlsMessages,
            uidValidity: b.uidValidity,
            uidNext: b.uidNext,
          }));
          io.stdout.write(`${JSON.stringify({ user: user.name, mailboxes }, null, 2)}\n`);
          return 0;
        }
        for (const box of boxes) {
          const flags = [box.specialUse, box.subscribed ? 'subscribed' : null].filter((x) => x !== null).join(' ');
          io.stdout.write(
            `${box.name}\t${box.messages} messages\t${box.unseen} unseen\t${formatBytes(box.bytes)}\t` +
              `${box.requireTlsMessages} REQUIRETLS\t${flags}\n`,
          );
        }
        return 0;
      });
    case 'create': {
      if (mailbox === undefined) throw new UsageError('missing mailbox name');
      const specialUse = parseSpecialUse(values['special-use']);
      return withStore(config, async (store) => {
        const user = await requireUser(store, name);
        const box = await store.createMailbox(user.id, mailbox, { specialUse });
        await store.subscribe(user.id, box.name);
        io.stdout.write(`mailbox ${box.name} created for ${user.name}\n`);
        return 0;
      });
    }
    case 'delete':
      if (mailbox === undefined) throw new UsageError('missing mailbox name');
      return withStore(config, async (store) => {
        const user = await requireUser(store, name);
        const box = await store.getMailbox(user.id, mailbox);
        if (box.messages > 0) {
          await confirmDestructive(io, values.yes === true, `delete mailbox ${box.name} of ${user.name} with its ${box.messages} messages`);
        }
        await store.deleteMailbox(user.id, mailbox);
        audit(io, 'mailbox delete', { user: user.name, mailbox: box.name, messages: box.messages, bytes: box.bytes });
        io.stdout.write(`mailbox ${mailbox} of ${user.name} deleted\n`);
        return 0;
      });
    case 'rename':
      if (mailbox === undefined || target === undefined) throw new UsageError('rename needs the mailbox and its new name');
      return withStore(config, async (store) => {
        const user = await requireUser(store, name);
        await store.renameMailbox(user.id, mailbox, target);
        io.stdout.write(`mailbox ${mailbox} of ${user.name} renamed to ${target}\n`);
        return 0;
      });
    case 'subscribe':
    case 'unsubscribe':
      if (mailbox === undefined) throw new UsageError('missing mailbox name');
      return withStore(config, async (store) => {
        const user = await requireUser(store, name);
        await (action === 'subscribe' ? store.subscribe(user.id, mailbox) : store.unsubscribe(user.id, mailbox));
        io.stdout.write(`${user.name} ${action}d ${mailbox}\n`);
        return 0;
      });
    default:
      throw new UsageError(action === undefined ? 'missing action' : `unknown action "${action}"`);
  }
}

function parseSpecialUse(value: unknown): SpecialUse | null {
  if (value === undefined) return null;
  const text = String(value);
  // `Archive`, `\Archive`, and `\\Archive` as a shell passes it on when quoted (issue 16 item 10) all mean \Archive.
  const wanted = `\\${text.replace(/^\\+/, '')}`;
  const found = SPECIAL_USES.find((u) => u.toLowerCase() === wanted.toLowerCase());
  if (!found) throw new UsageError(`unknown special use "${text}"; one of ${SPECIAL_USES.join(' ')}`);
  return found;
}
