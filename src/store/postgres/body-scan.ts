// A chunked body of the PostgreSQL store read synchronously a window at a time (issue 17 item 4, SPEC R11.2), for
// the MIME parser's window reader (mime/byte-scan.ts), which is synchronous as SQLite's reads are: a helper thread
// on its own connection reads the chunks a window touches into shared memory while this thread waits on it
// (Atomics.wait), so that parsing a 64 MiB body again (a structure of an older parser version) never holds it whole.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { RangeBody } from '../body-analysis.js';
import type { PgPool } from './database.js';

/** Octets handed over per request (a larger range is read in several). */
const SHARED_BYTES = 1024 * 1024;
/** How long one read may take before the scan gives up (the caller falls back). */
const READ_TIMEOUT_MS = 15_000;

/** The helper thread (CommonJS, evaluated: no file to locate beside the compiled one). */
const HELPER = `
const { parentPort, workerData } = require('node:worker_threads');
const { bodyId, chunkBytes } = workerData;
const state = new Int32Array(workerData.state);
const data = Buffer.from(workerData.data);
let ready = null;
const done = (code, filled) => { Atomics.store(state, 1, filled); Atomics.store(state, 0, code); Atomics.notify(state, 0); };
parentPort.on('message', async ({ start, end }) => {
  try {
    ready ??= (async () => {
      const pg = require(workerData.pgPath);
      const client = new pg.Client({ connectionString: workerData.url, application_name: 'postern body scan' });
      await client.connect();
      return client;
    })();
    const client = await ready;
    const { rows } = await client.query('SELECT seq, bytes FROM body_chunks WHERE body_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
      [bodyId, Math.floor(start / chunkBytes), Math.floor((end - 1) / chunkBytes)]);
    let filled = 0;
    for (const row of rows) {
      const at = row.seq * chunkBytes;
      const a = Math.max(start, at) - at;
      const b = Math.min(end, at + row.bytes.length) - at;
      if (b > a) filled += row.bytes.copy(data, Math.max(at, start) - start, a, b);
    }
    done(1, filled);
  } catch {
    done(2, 0); // no connection, or the query failed: the caller is told at once
  }
});
`;

/** A chunked body as a RangeBody read synchronously; `close` ends the helper thread. */
export interface ScannedBody extends RangeBody {
  close(): Promise<void>;
}

/**
 * Opens a synchronous window reader over chunked body `bodyId` (`size` octets in chunks of `chunkBytes`); null when
 * the pool was not made from a connection URL (the helper connects with it).
 */
export function openBodyScan(pool: PgPool, bodyId: number, size: number, chunkBytes: number): ScannedBody | null {
  const url = pool.options.connectionString;
  if (url === undefined) return null;
  const state = new SharedArrayBuffer(8);
  const data = new SharedArrayBuffer(SHARED_BYTES);
  const flags = new Int32Array(state);
  const shared = Buffer.from(data);
  const pgPath = createRequire(import.meta.url).resolve('pg');
  const worker = new Worker(HELPER, { eval: true, workerData: { pgPath, url, bodyId, chunkBytes, state, data } });
  worker.unref();
  const piece = (start: number, end: number, out: Buffer, at: number): void => {
    Atomics.store(flags, 0, 0);
    worker.postMessage({ start, end });
    if (Atomics.wait(flags, 0, 0, READ_TIMEOUT_MS) === 'timed-out') throw new Error(`body ${bodyId}: a chunk read timed out`);
    const filled = Atomics.load(flags, 1);
    if (Atomics.load(flags, 0) !== 1 || filled !== end - start) throw new Error(`body ${bodyId}: chunks cover ${filled} of ${end - start} octets asked for`);
    shared.copy(out, at, 0, filled);
  };
  return {
    length: size,
    read(start: number, end: number): Buffer {
      const from = Math.min(Math.max(0, Math.floor(start)), size);
      const to = Math.min(size, Math.max(from, Math.floor(end)));
      const out = Buffer.allocUnsafe(to - from);
      for (let at = from; at < to; at += SHARED_BYTES) piece(at, Math.min(to, at + SHARED_BYTES), out, at - from);
      return out;
    },
    async close(): Promise<void> {
      await worker.terminate();
    },
  };
}
