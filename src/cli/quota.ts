// `postern quota set|show` (SPEC R10.3): per-user storage quotas in bytes; none by default.
import { cliConfig, requireUser, withStore } from './context.js';
import { formatBytes, parseByteSize, UsageError, type CommandArgs } from './io.js';

export async function runQuota({ positionals, io }: CommandArgs): Promise<number> {
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
        const limit = usage.limitBytes === null ? 'none' : `${usage.limitBytes} (${formatBytes(usage.limitBytes)})`;
        io.stdout.write(`user: ${user.name}\nused: ${usage.usedBytes} (${formatBytes(usage.usedBytes)})\nlimit: ${limit}\nmessages: ${usage.messages}\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(action === undefined ? 'missing action' : `unknown action "${action}"`);
  }
}
