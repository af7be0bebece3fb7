// Connecting to PostgreSQL (issue 18, SPEC R9.4): a pool of node-postgres clients whose BIGINT columns come back as
// numbers, and transactions that commit or roll back as a whole. A lost database becomes StoreError 'temporary'
// (clients are told to try again, IMAP BYE / LMTP 4xx), a serialization failure or deadlock is retried.
import pg from 'pg';
import { StoreError } from '../errors.js';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

/** Our ids, UIDs, modseqs, sizes and dates fit a double exactly (below 2^53): read INT8 as a number. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PgPoolOptions {
  /** `postgres://user@host/db` or `postgresql:///db?host=/socket/dir`. */
  url: string;
  /** Connections at most (default 10). */
  max?: number;
  /** How long to wait for a connection before the call fails as temporary (default 10,000 ms). */
  connectTimeoutMs?: number;
  applicationName?: string;
}

export function openPool(opts: PgPoolOptions): PgPool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    application_name: opts.applicationName ?? 'postern',
    types,
  });
  // An idle client whose server went away emits here; the next query gets a new one.
  pool.on('error', () => undefined);
  return pool;
}

/** SQLSTATEs that mean "run the transaction again": serialization_failure, deadlock_detected. */
const RETRY = new Set(['40001', '40P01']);
/** Connection-level failures: class 08, admin shutdown, cannot connect now, too many connections. */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' ||
    code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOENT' || code === 'EPIPE' || code === 'ETIMEDOUT';
}

function asStoreError(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  if (isUnavailable(err) || (err instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(err.message))) {
    return new StoreError('temporary', 'the mail store is unavailable; try again');
  }
  return err;
}

/**
 * Runs `fn` in one transaction on one pooled client (committed when it returns, rolled back when it throws), again
 * from the start after a serialization failure or deadlock (at most `attempts` times).
 */
export async function transaction<T>(
  pool: PgPool,
  fn: (client: PgClient) => Promise<T>,
  opts: { attempts?: number; snapshot?: boolean } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 5;
  // A read of several statements sees one snapshot (R3.4: counters and UIDs read together agree).
  const begin = opts.snapshot === true ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
  for (let attempt = 1; ; attempt++) {
    let client: PgClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw asStoreError(err);
    }
    let broken = false;
    try {
      await client.query(begin);
      const value = await fn(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      const code = (err as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && RETRY.has(code) && attempt < attempts) continue;
      if (isUnavailable(err)) broken = true;
      throw asStoreError(err);
    } finally {
      client.release(broken);
    }
  }
}

/** One statement outside a transaction (a read from one snapshot). */
export async function query<R extends pg.QueryResultRow>(pool: PgPool, text: string, values: readonly unknown[] = []): Promise<R[]> {
  try {
    return (await pool.query<R>(text, values as unknown[])).rows;
  } catch (err) {
    throw asStoreError(err);
  }
}
