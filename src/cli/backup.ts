// `postern backup FILE` (SPEC R10.3): SQLite's online backup, consistent while the server keeps running.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { cliConfig, withSqliteStore } from './context.js';
import { formatBytes, UsageError, type CommandArgs } from './io.js';
import { statSync } from 'node:fs';

export async function runBackup({ positionals, io }: CommandArgs): Promise<number> {
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('missing backup file name');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const destination = resolve(file);
  if (existsSync(destination)) throw new Error(`${destination} exists; choose a new file name`);
  const config = cliConfig(io);
  if (destination === config.store.path) throw new Error('the backup file cannot be the database itself');
  return withSqliteStore(config, 'backup', async (store) => {
    const result = await store.backup(destination);
    io.stdout.write(`backed up ${config.store.path} to ${result.path} (${formatBytes(statSync(result.path).size)})\n`);
    return 0;
  });
}
