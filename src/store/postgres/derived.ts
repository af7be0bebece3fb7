// What ingest derives from a body for SEARCH, SORT, THREAD and text search (SPEC R7.4; RFC 5256, RFC 8970):
// search fields, msg-id tokens, sort keys, the decoded text and preview — stored in the transaction that inserts
// the body. Branch `pg` skeleton: written by the search part of issue 18.
import type { BodyAnalysis } from '../sqlite/body-index.js';
import type { RangeBody } from '../sqlite/body-bytes.js';
import type { PgClient } from './database.js';

/** Stores the derived rows of a body just inserted (writes.ts calls it once per new body). */
export async function storeDerived(client: PgClient, bodyId: number, body: Buffer | RangeBody, analysis: BodyAnalysis): Promise<void> {
  void [client, bodyId, body, analysis];
}
