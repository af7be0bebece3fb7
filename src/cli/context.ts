// Shared plumbing for CLI commands: the configuration they act on and the store it names.
import { dirname } from 'node:path';
import { loadConfig, type Config } from '../config/load.js';
import { ensurePrivateDir } from '../files/private-files.js';
import { openStore, requireSqlite, type ConfiguredStore } from '../store/open.js';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { User } from '../store/types.js';
import { posternHome } from './home.js';
import type { CliIo } from './io.js';

export function cliConfig(io: CliIo): Config {
  return loadConfig({ home: posternHome(io.env), env: io.env });
}

/** Runs `fn` on the configured store (either backend, issue 18 item 1) and closes it. */
export async function withStore<T>(config: Config, fn: (store: ConfiguredStore) => Promise<T>): Promise<T> {
  if (config.store.backend === 'sqlite') ensurePrivateDir(dirname(config.store.path)); // issue 12 hole 16
  const store = await openStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** For the commands only the SQLite store supports (backup, check): says so, before opening anything, otherwise. */
export async function withSqliteStore<T>(config: Config, command: string, fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  if (config.store.backend !== 'sqlite') requireSqlite(null, command);
  return withStore(config, (store) => fn(requireSqlite(store, command)));
}

/** Looks a user up by login name or fails with a message naming it. */
export async function requireUser(store: Store, name: string): Promise<User> {
  const user = await store.findUser(name);
  if (!user) throw new Error(`no such user: ${name}`);
  return user;
}
