// Opening the SQLite database (SPEC R9.1, R1.5): WAL journal, fsync on every commit, foreign keys, a busy
// timeout, and write transactions that take the write lock up front (BEGIN IMMEDIATE) so that several
// processes on one file serialise instead of failing half-way.
import Database from 'better-sqlite3';
import { createPrivateFile } from '../../files/private-files.js';
import { StoreError } from '../errors.js';

export type SqliteDb = Database.Database;

export interface OpenDatabaseOptions {
  /** How long a writer waits for another's lock before giving up (default 5000 ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
  /**
   * The connection's page cache in MiB (SQLite's default is 2): a search over a large mailbox reads its index and
   * search fields pages from here rather than from the operating system, page by page.
   */
  cacheMiB?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): SqliteDb {
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  // Issue 12 hole 16: mail and credentials are for this user only. SQLite gives -wal and -shm the main file's mode.
  if (!(opts.readonly ?? false) && path !== ':memory:' && path !== '') createPrivateFile(path);
  const db = new Database(path, { readonly: opts.readonly ?? false, timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL'); // R1.5: a committed delivery survives a power cut
    db.pragma('foreign_keys = ON');
    if (opts.cacheMiB !== undefined) db.pragma(`cache_size = ${-Math.max(1, Math.floor(opts.cacheMiB)) * 1024}`); // negative: KiB
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Whether an error from better-sqlite3 means "another connection holds the lock". */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Runs `fn` in a BEGIN IMMEDIATE transaction (committed, or rolled back when it throws). A lock held
 * longer than the busy timeout becomes StoreError 'temporary' so that callers can answer "try again".
 */
export function writeTransaction<T>(db: SqliteDb, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (err) {
    if (isBusyError(err)) throw new StoreError('temporary', 'the mail store is busy; try again');
    throw err;
  }
}
