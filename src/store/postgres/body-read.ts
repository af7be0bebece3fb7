// Served message octets from the PostgreSQL store (SPEC R1.8, R11.2, R12; issue 12 item 13, issue 17 item 4): the
// per-recipient trace prefix, then the shared body — kept in bodies.bytes up to CHUNK_BYTES, in body_chunks above
// it. A range read touches only the chunks the range needs; whole reads come in batches bounded by bytes.
import { StoreError } from '../errors.js';
import type { MailboxId, UserId } from '../types.js';
import type { PgContext } from './context.js';
import type { PgClient } from './database.js';
import { ownedRows, uidArray, type Queryable } from './owned.js';

const EMPTY: Buffer = Buffer.alloc(0);

/** Octets [from, to) of a chunked body (chunk_bytes per chunk), from only the chunks that hold them. */
export async function readChunks(client: PgClient, bodyId: number, chunkBytes: number, from: number, to: number): Promise<Buffer> {
  if (to <= from) return EMPTY;
  const first = Math.floor(from / chunkBytes);
  const last = Math.floor((to - 1) / chunkBytes);
  const rows = (
    await client.query<{ seq: number; bytes: Buffer }>(
      'SELECT seq, bytes FROM body_chunks WHERE body_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
      [bodyId, first, last],
    )
  ).rows;
  if (first === last) {
    const view = rows[0] === undefined ? EMPTY : rows[0].bytes.subarray(from - first * chunkBytes, to - first * chunkBytes);
    if (view.length !== to - from) throw new Error(`body ${bodyId}: chunks cover ${view.length} of ${to - from} octets asked for`);
    return view;
  }
  const out = Buffer.allocUnsafe(to - from);
  let filled = 0;
  for (const row of rows) {
    const at = row.seq * chunkBytes;
    const a = Math.max(from, at) - at;
    const b = Math.min(to, at + row.bytes.length) - at;
    if (b > a) filled += row.bytes.copy(out, Math.max(at, from) - from, a, b);
  }
  if (filled !== out.length) throw new Error(`body ${bodyId}: chunks cover ${filled} of ${out.length} octets asked for`);
  return out;
}

/** Octets [start, end) of a stored body, clamped to its size; undefined when the body does not exist. */
export async function readBody(client: PgClient, bodyId: number, start = 0, end = Number.MAX_SAFE_INTEGER): Promise<Buffer | undefined> {
  const info = (await client.query<{ size: number; chunk_bytes: number }>('SELECT size, chunk_bytes FROM bodies WHERE id = $1', [bodyId])).rows[0];
  if (info === undefined) return undefined;
  const from = Math.min(Math.max(0, Math.floor(start)), info.size);
  const to = Math.min(info.size, Math.max(from, Math.floor(end)));
  if (to <= from) return EMPTY;
  if (info.chunk_bytes > 0) return readChunks(client, bodyId, info.chunk_bytes, from, to);
  const row = (await client.query<{ bytes: Buffer | null }>('SELECT substring(bytes FROM $2 FOR $3) AS bytes FROM bodies WHERE id = $1', [bodyId, from + 1, to - from])).rows[0];
  return row?.bytes ?? EMPTY;
}

/** The served range of one message and its sizes, computed in SQL (one statement: readServed's common case). */
interface ServedRow {
  uid: number;
  body_id: number;
  chunk_bytes: number;
  /** The range's octets in the body: [body_start, body_start + body_len). */
  body_start: number;
  body_len: number;
  prefix: Buffer;
  /** The range's body octets when the body is small (inline); null when chunked. */
  body: Buffer | null;
}

/**
 * One statement: where the range [o, o + l) falls in prefix || body (clamped, as sqlite/messages.ts MessageRepo.read
 * computes it), the prefix's part, and a small body's part (SQL substring() counts from 1).
 */
const SERVED_SQL =
  'SELECT m.uid, m.body_id, b.chunk_bytes, r.body_start, r.body_len, ' +
  'substring(m.prefix FROM (r.start + 1)::int FOR greatest(0, least(r.stop, r.plen) - r.start)::int) AS prefix, ' +
  'CASE WHEN b.chunk_bytes = 0 THEN substring(b.bytes FROM (r.body_start + 1)::int FOR r.body_len::int) END AS body ' +
  'FROM messages m JOIN bodies b ON b.id = m.body_id ' +
  'CROSS JOIN LATERAL (SELECT s.*, greatest(0, s.start - s.plen) AS body_start, greatest(0, s.stop - greatest(s.start, s.plen)) AS body_len ' +
  'FROM (SELECT t.*, least(t.total, t.start + $4::bigint) AS stop ' +
  'FROM (SELECT p.plen, p.total, least($3::bigint, p.total) AS start ' +
  'FROM (SELECT length(m.prefix)::bigint AS plen, length(m.prefix) + b.size AS total) p) t) s) r ' +
  'WHERE m.mailbox_id = $1 AND m.uid = $5';

/**
 * The message as served (prefix || body), or the octets [offset, offset+length) of it, clamped (as sqlite/messages.ts
 * MessageRepo.read). A small body's range comes in one statement; a chunked body's from only the chunks it touches,
 * in one snapshot with the row.
 */
export async function readServed(
  ctx: PgContext,
  userId: UserId,
  mailboxId: MailboxId,
  uid: number,
  range: { offset: number; length: number } = { offset: 0, length: Number.MAX_SAFE_INTEGER },
): Promise<Buffer> {
  const clamp = (n: number): number => (Number.isNaN(n) ? 0 : Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(n))));
  const params = [clamp(range.offset), clamp(range.length), Number.isSafeInteger(uid) ? uid : -1];
  const served = async (db: Queryable): Promise<ServedRow> => {
    const [row] = await ownedRows<ServedRow>(db, userId, mailboxId, SERVED_SQL, params);
    if (row === undefined) throw new StoreError('not-found', `no message with UID ${uid}`);
    return row;
  };
  const join = (prefix: Buffer, body: Buffer): Buffer => (prefix.length === 0 ? body : body.length === 0 ? prefix : Buffer.concat([prefix, body]));
  const row = await served(ctx.pool);
  if (row.body !== null || row.body_len === 0) return join(row.prefix, row.body ?? EMPTY);
  // A chunked body: the row and its chunks from one snapshot (the body cannot be freed in between).
  return ctx.read(async (client) => {
    const again = await served(client);
    return join(again.prefix, await readChunks(client, again.body_id, again.chunk_bytes, again.body_start, again.body_start + again.body_len));
  });
}

/**
 * The whole served messages among `uids` (prefix and body apart), ascending; stops after the message that brings
 * the total to `maxBytes` or more, so at least one when any exists (Store.readMessages). The bound is applied in
 * SQL before any body is read; chunked bodies are then read from their chunks. Runs in the caller's snapshot.
 */
export async function readWhole(
  client: PgClient,
  userId: UserId,
  mailboxId: MailboxId,
  uids: readonly number[],
  maxBytes: number,
): Promise<Array<{ uid: number; prefix: Buffer; body: Buffer }>> {
  const rows = await ownedRows<{ uid: number; prefix: Buffer; body_id: number; size: number; chunk_bytes: number; bytes: Buffer | null }>(
    client,
    userId,
    mailboxId,
    'SELECT w.uid, w.prefix, w.body_id, b.size, w.chunk_bytes, CASE WHEN w.chunk_bytes = 0 THEN b.bytes END AS bytes ' +
      'FROM (SELECT m.uid, m.prefix, m.body_id, b.chunk_bytes, ' +
      'row_number() OVER (ORDER BY m.uid) AS n, ' +
      'COALESCE(sum(length(m.prefix) + b.size) OVER (ORDER BY m.uid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before ' +
      'FROM messages m JOIN bodies b ON b.id = m.body_id WHERE m.mailbox_id = $1 AND m.uid = ANY($3::bigint[])) w ' +
      'JOIN bodies b ON b.id = w.body_id WHERE w.n = 1 OR w.before < $4::numeric',
    [uidArray(uids), String(maxBytes)],
  );
  const out: Array<{ uid: number; prefix: Buffer; body: Buffer }> = [];
  // One snapshot: a body joined above cannot be freed before its chunks are read.
  for (const row of rows) {
    const body = row.bytes ?? (await readChunks(client, row.body_id, row.chunk_bytes, 0, row.size));
    out.push({ uid: row.uid, prefix: row.prefix, body });
  }
  return out;
}
