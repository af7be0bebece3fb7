// `postern quota set|show [--json]` (SPEC R10.3): per-user storage quotas in bytes; none by default.
import { cliConfig, requireUser, withStore } from './context.js';
import { formatBytes, parseByteSize, UsageError, type CommandArgs } from './io.js';

export async function runQuota({ positionals, values, io }: CommandArgs): Promise<number> {
  const [action, name, size, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  if (name === undefined) throw new UsageError('missing user name');
  const config = cliConfig(io);
  switch (action) {
    case 'set': {
      if (size === undefined) throw new UsageError('missing size (e.g. 2G, or none)');
      const bytes = parseByteSize(size);
      return withStore(config, async (store) => {
        const user = await requireUser(store, name);
        await store.setQuota(user.id, bytes);
        io.stdout.write(`quota of ${user.name}: ${bytes === null ? 'none' : formatBytes(bytes)}\n`);
        return 0;
      });
    }
    case 'show': {
      if (size !== undefined) throw new UsageError(`unexpected argument: ${size}`);
      return withStore(config, async (store) => {
        const user = await requireUser(store, name);
        const usage = await store.quotaUsage(user.id);
        if (values.json === true) {
          const doc = { user: user.name, usedBytes: usage.usedBytes, limitBytes: usage.limitBytes, messages: usage.messages };
          io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`); // issue 16 item 7
          return 0;
        }
        const limit = usage.limitBytes === null ? 'none' : `${usage.limitBytes} (${formatBytes(usage.limitBytes)})`;
        io.stdout.write(`user: ${user.name}\nused: ${usage.usedBytes} (${formatBytes(usage.usedBytes)})\nlimit: ${limit}\nmessages: ${usage.messages}\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(action === undefined ? 'missing action' : `unknown action "${action}"`);
  }
}
