// Served message octets from the PostgreSQL store (SPEC R1.8, R11.2, R12; issue 12 item 13, issue 17 item 4): the
// per-recipient trace prefix, then the shared body — kept in bodies.bytes up to CHUNK_BYTES, in body_chunks above
// it. A range read touches only the chunks the range needs; whole reads come in batches bounded by bytes.
import { StoreError } from '../errors.js';
import type { MailboxId, UserId } from '../types.js';
import type { PgClient } from './database.js';
import { ownedRows, uidArray } from './owned.js';

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

/**
 * The message as served (prefix || body), or the octets [offset, offset+length) of it, clamped (as sqlite/messages.ts
 * MessageRepo.read). Runs in the caller's snapshot.
 */
export async function readServed(
  client: PgClient,
  userId: UserId,
  mailboxId: MailboxId,
  uid: number,
  range: { offset: number; length: number } = { offset: 0, length: Number.MAX_SAFE_INTEGER },
): Promise<Buffer> {
  const [sizes] = await ownedRows<{ uid: number; prefix_len: number; body_size: number; chunk_bytes: number; body_id: number }>(
    client,
    userId,
    mailboxId,
    'SELECT m.uid, length(m.prefix) AS prefix_len, b.size AS body_size, b.chunk_bytes, m.body_id ' +
      'FROM messages m JOIN bodies b ON b.id = m.body_id WHERE m.mailbox_id = $1 AND m.uid = $3',
    [Number.isSafeInteger(uid) ? uid : -1],
  );
  if (sizes === undefined) throw new StoreError('not-found', `no message with UID ${uid}`);
  const total = sizes.prefix_len + sizes.body_size;
  const start = Math.min(Math.max(0, Math.floor(range.offset)), total);
  const end = Math.min(total, start + Math.max(0, Math.floor(range.length)));
  if (end <= start) return EMPTY;
  const prefixLen = Math.max(0, Math.min(end, sizes.prefix_len) - start);
  const bodyStart = Math.max(0, start - sizes.prefix_len);
  const bodyLen = Math.max(0, end - Math.max(start, sizes.prefix_len));
  const inline = sizes.chunk_bytes === 0;
  let prefix = EMPTY;
  let body = EMPTY;
  if (prefixLen > 0 || (bodyLen > 0 && inline)) {
    // SQL substring() counts from 1; one statement reads the prefix part and a small body's part.
    const row = (
      await client.query<{ prefix: Buffer | null; body: Buffer | null }>(
        'SELECT substring(m.prefix FROM $3 FOR $4) AS prefix, CASE WHEN $6::int > 0 THEN substring(b.bytes FROM $5 FOR $6) END AS body ' +
          'FROM messages m JOIN bodies b ON b.id = m.body_id WHERE m.mailbox_id = $1 AND m.uid = $2',
        [mailboxId, uid, start + 1, prefixLen, bodyStart + 1, inline ? bodyLen : 0],
      )
    ).rows[0];
    if (row === undefined) throw new StoreError('not-found', `no message with UID ${uid}`);
    prefix = prefixLen > 0 ? (row.prefix ?? EMPTY) : EMPTY;
    body = row.body ?? EMPTY;
  }
  if (bodyLen > 0 && !inline) body = await readChunks(client, sizes.body_id, sizes.chunk_bytes, bodyStart, bodyStart + bodyLen);
  return prefix.length === 0 ? body : body.length === 0 ? prefix : Buffer.concat([prefix, body]);
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
