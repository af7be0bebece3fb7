// Body octets in the store (SPEC R1.8, R11.2; migrations/0005; issue 12 item 13): the one place that writes and
// reads them. A body up to CHUNK_BYTES stays in bodies.bytes; a larger one is written as chunks of CHUNK_BYTES
// from subarrays of the caller's buffer (never bound whole), and every read is by byte range, touching only the
// chunks that range needs, so that serving a large body costs a chunk or two, not the body.
import type { Statement } from 'better-sqlite3';
import type { RangeBody } from '../body-analysis.js';
import type { SqliteDb } from './database.js';

/** Octets per stored chunk; bodies above this are chunked. */
export const CHUNK_BYTES = 256 * 1024;

const EMPTY = Buffer.alloc(0);

interface BodyInfo {
  size: number;
  chunk_bytes: number;
}

/** Range reads of stored bodies; works on a read-only connection. */
export class BodyReader {
  private readonly infoStmt: Statement<[number], BodyInfo>;
  private readonly inlineStmt: Statement<[number, number, number], Buffer | null>;
  private readonly chunksStmt: Statement<[number, number, number], { seq: number; bytes: Buffer }>;

  constructor(db: SqliteDb) {
    this.infoStmt = db.prepare('SELECT size, chunk_bytes FROM bodies WHERE id = ?');
    this.inlineStmt = db.prepare<[number, number, number], Buffer | null>('SELECT substr(bytes, ?, ?) FROM bodies WHERE id = ?').pluck();
    this.chunksStmt = db.prepare('SELECT seq, bytes FROM body_chunks WHERE body_id = ? AND seq BETWEEN ? AND ? ORDER BY seq');
  }

  /** The body's size, or undefined when it does not exist (freed). */
  size(bodyId: number): number | undefined {
    return this.infoStmt.get(bodyId)?.size;
  }

  /** Octets [start, end) of the body, clamped to its size; undefined when the body does not exist. */
  read(bodyId: number, start = 0, end = Number.MAX_SAFE_INTEGER): Buffer | undefined {
    const info = this.infoStmt.get(bodyId);
    if (!info) return undefined;
    const from = Math.min(Math.max(0, Math.floor(start)), info.size);
    const to = Math.min(info.size, Math.max(from, Math.floor(end)));
    if (to <= from) return EMPTY;
    if (info.chunk_bytes === 0) return this.inlineStmt.get(from + 1, to - from, bodyId) ?? EMPTY; // substr counts from 1
    const n = info.chunk_bytes;
    const first = Math.floor(from / n);
    if (first === Math.floor((to - 1) / n)) {
      // Within one chunk (a window of a streamed FETCH or RETR, issue 17 item 4): a view of the row, no copy.
      const row = this.chunksStmt.get(bodyId, first, first);
      const view = row === undefined ? EMPTY : row.bytes.subarray(from - first * n, to - first * n);
      if (view.length !== to - from) throw new Error(`body ${bodyId}: chunks cover ${view.length} of ${to - from} octets asked for`);
      return view;
    }
    const out = Buffer.allocUnsafe(to - from);
    let filled = 0;
    for (const row of this.chunksStmt.iterate(bodyId, Math.floor(from / n), Math.floor((to - 1) / n))) {
      const at = row.seq * n;
      const a = Math.max(from, at) - at;
      const b = Math.min(to, at + row.bytes.length) - at;
      if (b > a) filled += row.bytes.copy(out, Math.max(at, from) - from, a, b);
    }
    if (filled !== out.length) throw new Error(`body ${bodyId}: chunks cover ${filled} of ${out.length} octets asked for`);
    return out;
  }
}

export type { RangeBody } from '../body-analysis.js';

/** Writes bodies (inside the caller's transaction); chunked above CHUNK_BYTES. */
export class BodyWriter {
  private readonly insertStmt: Statement<[Buffer, number, number], { id: number }>;
  private readonly chunkStmt: Statement<[number, number, Buffer]>;

  constructor(db: SqliteDb) {
    this.insertStmt = db.prepare('INSERT INTO bodies (bytes, size, refcount, chunk_bytes) VALUES (?, ?, 0, ?) RETURNING id');
    this.chunkStmt = db.prepare('INSERT INTO body_chunks (body_id, seq, bytes) VALUES (?, ?, ?)');
  }

  /** Stores a body with reference count 0 (each message row inserted for it adds one); returns its id. */
  insert(body: Buffer | RangeBody): number {
    const read = Buffer.isBuffer(body) ? (start: number, end: number) => body.subarray(start, end) : (start: number, end: number) => body.read(start, end);
    const chunked = body.length > CHUNK_BYTES;
    const row = this.insertStmt.get(chunked ? EMPTY : read(0, body.length), body.length, chunked ? CHUNK_BYTES : 0);
    if (!row) throw new Error('body insert returned no row');
    if (chunked) {
      // One chunk in memory at a time, whether the body is a buffer or a spool file (issue 17 item 4).
      for (let seq = 0; seq * CHUNK_BYTES < body.length; seq++) {
        const chunk = read(seq * CHUNK_BYTES, Math.min(body.length, (seq + 1) * CHUNK_BYTES));
        if (chunk.length === 0) throw new Error(`body ended at ${seq * CHUNK_BYTES} of ${body.length} octets`);
        this.chunkStmt.run(row.id, seq, chunk);
      }
    }
    return row.id;
  }
}
