// Storing a body in the PostgreSQL store (SPEC R1.8, R7.3, R7.4, R11.2; issue 12 item 13, issue 17 items 2 and 4):
// the octets once (in `bodies` up to CHUNK_BYTES, above it in `body_chunks`, a chunk in memory at a time), its
// parsed structure, its FETCH wire forms, then what SEARCH/SORT/THREAD/text search derive (derived.ts), all in the
// caller's transaction. As the SQLite store's BodyWriter, BodyIndexRepo.store, RenderingsRepo.store and storeBody.
import type { RangeBody } from '../body-analysis.js';
import { CHUNK_BYTES } from '../sqlite/body-bytes.js';
import { formsStorableAsText, RENDERING_VERSION, STRUCTURE_VERSION, type BodyAnalysis } from '../body-analysis.js';
import type { PgClient } from './database.js';
import { storeDerived } from './derived.js';

const EMPTY = Buffer.alloc(0);

export { RENDERING_VERSION } from '../body-analysis.js';

/** Inserts the body's octets with reference count 0 (each message row inserted for it adds one); returns its id. */
export async function insertBodyBytes(client: PgClient, body: Buffer | RangeBody): Promise<number> {
  const read = Buffer.isBuffer(body) ? (start: number, end: number) => body.subarray(start, end) : (start: number, end: number) => body.read(start, end);
  const chunked = body.length > CHUNK_BYTES;
  const row = (
    await client.query<{ id: number }>('INSERT INTO bodies (bytes, size, refcount, chunk_bytes) VALUES ($1, $2, 0, $3) RETURNING id', [
      chunked ? EMPTY : read(0, body.length),
      body.length,
      chunked ? CHUNK_BYTES : 0,
    ])
  ).rows[0];
  if (!row) throw new Error('body insert returned no row');
  if (chunked) {
    // One chunk in memory at a time, whether the body is a buffer or a spool file (issue 17 item 4); each insert is
    // awaited before the next read, which may overwrite a spooled body's read buffer.
    for (let seq = 0; seq * CHUNK_BYTES < body.length; seq++) {
      const chunk = read(seq * CHUNK_BYTES, Math.min(body.length, (seq + 1) * CHUNK_BYTES));
      if (chunk.length === 0) throw new Error(`body ended at ${seq * CHUNK_BYTES} of ${body.length} octets`);
      await client.query('INSERT INTO body_chunks (body_id, seq, bytes) VALUES ($1, $2, $3)', [row.id, seq, chunk]);
    }
  }
  return row.id;
}

/** Inserts a body with its structure, FETCH wire forms and derived search rows; returns its id. */
export async function storeBody(client: PgClient, body: Buffer | RangeBody, analysis: BodyAnalysis): Promise<number> {
  const bodyId = await insertBodyBytes(client, body);
  await client.query('INSERT INTO body_structures (body_id, version, structure) VALUES ($1, $2, $3)', [bodyId, STRUCTURE_VERSION, analysis.structure]);
  const { plain, utf8 } = analysis.forms;
  // Forms a text column cannot hold (NUL octets) are not stored: each FETCH renders them from the structure.
  if (formsStorableAsText(analysis.forms)) await client.query(
    'INSERT INTO body_renderings (body_id, version, envelope, body, bodystructure, envelope_utf8, body_utf8, bodystructure_utf8) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [bodyId, RENDERING_VERSION, plain.envelope, plain.body, plain.bodystructure, utf8.envelope, utf8.body, utf8.bodystructure],
  );
  await storeDerived(client, bodyId, body, analysis);
  return bodyId;
}
