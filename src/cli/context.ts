// Shared plumbing for CLI commands: the configuration they act on and the store it names.
import { dirname } from 'node:path';
import { loadConfig, type Config } from '../config/load.js';
import { ensurePrivateDir } from '../files/private-files.js';
import type { Store } from '../store/store.js';
import type { User } from '../store/types.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { posternHome } from './home.js';
import type { CliIo } from './io.js';

export function cliConfig(io: CliIo): Config {
  return loadConfig({ home: posternHome(io.env), env: io.env });
}

export async function withStore<T>(config: Config, fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  ensurePrivateDir(dirname(config.store.path)); // issue 12 hole 16
  const store = await openSqliteStore({
    path: config.store.path,
    busyTimeoutMs: config.store.busyTimeoutMs,
    expungeLogKeep: config.store.expungeLogKeep,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Looks a user up by login name or fails with a message naming it. */
export async function requireUser(store: Store, name: string): Promise<User> {
  const user = await store.findUser(name);
  if (!user) throw new Error(`no such user: ${name}`);
  return user;
}
