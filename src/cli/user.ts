// `postern user add|passwd|delete|list|disable|enable` (SPEC R6.3, R10.3; issue 16 items 7, 10): accounts with
// scrypt hashes and SCRAM keys. `user delete` asks first and leaves an audit line, `user list --json` prints one JSON
// document; disabling or deleting an account ends its sessions in the running server.
import { hashPassword } from '../sasl/passwords.js';
import { cliConfig, requireUser, withStore } from './context.js';
import { audit, confirmDestructive } from './destructive.js';
import { formatBytes, parseByteSize, UsageError, type CommandArgs } from './io.js';
import { readNewPassword } from './password-input.js';
import { endSessionsIfRunning } from './sessions.js';

/** Login names: an address or a plain name, no spaces, controls or quotes (they appear in IMAP LOGIN). */
const USER_NAME = /^[A-Za-z0-9._%+=@-]{1,255}$/;

export async function runUser({ positionals, values, io }: CommandArgs): Promise<number> {
  const [action, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const config = cliConfig(io);
  switch (action) {
    case 'add': {
      const userName = requireName(name);
      const quota = typeof values.quota === 'string' ? parseByteSize(values.quota) : null;
      return withStore(config, async (store) => {
        if (await store.findUser(userName)) throw new Error(`user already exists: ${userName}`);
        const password = await readNewPassword(io);
        const credentials = await hashPassword(password, { scramIterations: config.auth.scramIterations });
        const user = await store.createUser(userName, credentials, { quotaBytes: quota });
        io.stdout.write(`user ${user.name} added with INBOX, Sent, Drafts, Trash, Junk and Archive\n`);
        return 0;
      });
    }
    case 'passwd': {
      const userName = requireName(name);
      return withStore(config, async (store) => {
        const user = await requireUser(store, userName);
        const password = await readNewPassword(io);
        await store.setCredentials(user.id, await hashPassword(password, { scramIterations: config.auth.scramIterations }));
        io.stdout.write(`password of ${user.name} changed\n`);
        return 0;
      });
    }
    case 'delete': {
      const userName = requireName(name);
      return withStore(config, async (store) => {
        const user = await requireUser(store, userName);
        const usage = await store.quotaUsage(user.id);
        await confirmDestructive(io, values.yes === true, `delete user ${user.name} and all their mail (${usage.messages} messages)`);
        await store.deleteUser(user.id);
        audit(io, 'user delete', { user: user.name, messages: usage.messages, bytes: usage.usedBytes });
        io.stdout.write(`user ${user.name} deleted with all their mail\n`);
        // Issue 16 item 10: after the deletion, so that a session cannot log in again in between.
        io.stdout.write(sessionsEnded(await endSessionsIfRunning(io, user.name, 'deleted')));
        return 0;
      });
    }
    case 'disable':
    case 'enable': {
      const userName = requireName(name);
      const disable = action === 'disable';
      return withStore(config, async (store) => {
        const user = await requireUser(store, userName);
        await store.setUserDisabled(user.id, disable);
        io.stdout.write(`user ${user.name} ${disable ? 'disabled: no login; mail is still delivered' : 'enabled'}\n`);
        // Issue 16 item 7: marked first, so that a session ended here cannot log in again.
        if (disable) io.stdout.write(sessionsEnded(await endSessionsIfRunning(io, user.name, 'disabled')));
        return 0;
      });
    }
    case 'list': {
      if (name !== undefined) throw new UsageError(`unexpected argument: ${name}`);
      return withStore(config, async (store) => {
        const rows = [];
        for (const user of await store.listUsers()) {
          const usage = await store.quotaUsage(user.id);
          rows.push({ name: user.name, messages: usage.messages, usedBytes: usage.usedBytes, quotaBytes: usage.limitBytes, createdAt: user.createdAt.toISOString(), disabled: user.disabled });
        }
        if (values.json === true) {
          io.stdout.write(`${JSON.stringify({ users: rows }, null, 2)}\n`);
          return 0;
        }
        for (const row of rows) {
          const quota = row.quotaBytes === null ? 'no quota' : `quota ${formatBytes(row.quotaBytes)}`;
          const state = row.disabled ? '\tdisabled' : '';
          io.stdout.write(`${row.name}\t${row.messages} messages\t${formatBytes(row.usedBytes)}\t${quota}${state}\n`);
        }
        return 0;
      });
    }
    default:
      throw new UsageError(action === undefined ? 'missing action' : `unknown action "${action}"`);
  }
}

function sessionsEnded(ended: number | null): string {
  if (ended === null) return 'the server is not running: no open sessions to end\n';
  return `${ended} open session${ended === 1 ? '' : 's'} ended\n`;
}

function requireName(name: string | undefined): string {
  if (name === undefined) throw new UsageError('missing user name');
  if (!USER_NAME.test(name)) {
    throw new UsageError(`invalid user name "${name}": letters, digits and . _ % + = @ - only, at most 255`);
  }
  return name;
}
