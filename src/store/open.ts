// Opening the configured store (issue 18 item 1, SPEC R9.4): `store.backend` picks SQLite (one process, the
// default) or PostgreSQL (several front ends over one database). The server and every CLI command open it here.
import type { Config } from '../config/load.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore, SqliteStore } from './sqlite/sqlite-store.js';

export type ConfiguredStore = SqliteStore | PostgresStore;

/** What a store's background work reports (the server logs it). */
export type StoreFault = 'text index' | 'ingest' | 'feed';

export interface OpenStoreOptions {
  /**
   * The server's store: SQLite ingests and indexes on threads beside the event loop (group commit, the indexer
   * on the second core). Without it (the CLI), everything runs inline.
   */
  serving?: boolean;
  /** Spooled bodies SQLite's writer thread holds at once (limits.maxConcurrentLargeBodies). */
  maxLargeBodies?: number;
  onError?: (err: Error, what: StoreFault) => void;
}

export async function openStore(config: Config, opts: OpenStoreOptions = {}): Promise<ConfiguredStore> {
  const onError = opts.onError;
  const st = config.store;
  if (st.backend === 'postgres') {
    if (st.url === undefined) throw new Error('store.url is required with store.backend: postgres');
    // Loaded only when configured: SQLite's commands keep their start-up time.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore({
      url: st.url,
      poolSize: st.poolSize,
      expungeLogKeep: st.expungeLogKeep, // QRESYNC's expunge log horizon, as with SQLite
      listen: opts.serving === true, // the CLI has no session to tell of other front ends' changes
      ...(onError === undefined ? {} : { onFeedError: (err: Error) => onError(err, 'feed') }),
    });
  }
  return openSqliteStore({
    path: st.path,
    busyTimeoutMs: st.busyTimeoutMs,
    expungeLogKeep: st.expungeLogKeep, // issue 15 item 2: QRESYNC's expunge log horizon
    ...(opts.serving === true
      ? {
          textIndex: 'thread', // SEARCH BODY/TEXT index filled on the second core, outside deliveries' transactions
          ingest: 'thread', // deliveries and APPENDs: group commit on a writer thread; fsync never blocks the event loop
          maxLargeBodies: opts.maxLargeBodies,
          cacheMiB: st.cacheMiB, // issue 14 item 6: SEARCH on a 100,000-message mailbox reads memory, not the disk
          feedPollMs: st.feedPollMs, // issue 13 item 5: the CLI's and other processes' changes reach sessions
        }
      : {}),
    ...(onError === undefined
      ? {}
      : {
          onTextIndexError: (err: Error) => onError(err, 'text index'),
          onIngestError: (err: Error) => onError(err, 'ingest'),
          onFeedError: (err: Error) => onError(err, 'feed'),
        }),
  });
}

/** The SQLite store for a command that only it supports (backup, check), or an error saying so. */
export function requireSqlite(store: ConfiguredStore | null, command: string): SqliteStore {
  if (store instanceof SqliteStore) return store;
  throw new Error(
    `\`postern ${command}\` needs the SQLite backend (store.backend: sqlite); this configuration uses PostgreSQL — use its own tools (pg_dump, amcheck)`,
  );
}
