// FETCH PREVIEW's data (RFC 8970 §3, §4.2; issue 15 item 6): each message's preview as the indexer thread
// stored it with the body's text (body_preview in the index file, text-db.ts), so FETCH reads a short string and
// decodes nothing. A body the indexer has not reached yet: with LAZY, null (answered NIL, RFC 8970 §4.2); without,
// computed here from the first octets of its first readable text part only (src/mime/preview.ts), never the
// whole message and never its attachments.
import type { Statement } from 'better-sqlite3';
import { parseMessage } from '../../../mime/parse.js';
import { messagePreview } from '../../../mime/preview.js';
import { BodyReader, CHUNK_BYTES } from '../body-bytes.js';
import { readStructure } from '../body-index.js';
import type { SqliteDb } from '../database.js';

const EMPTY = Buffer.alloc(0);

export class StoredPreviews {
  private readonly bodies: BodyReader;
  private readonly rowStmt: Statement<[number, number], { body_id: number; preview: string | null }>;
  private readonly structureStmt: Statement<[number], { structure: string; version: number }>;

  /** `db`: a connection to the store with the index file attached as `ti` (text-index.ts). */
  constructor(db: SqliteDb) {
    this.bodies = new BodyReader(db);
    this.rowStmt = db.prepare(
      'SELECT m.body_id, p.preview FROM messages m LEFT JOIN ti.body_preview p ON p.body_id = m.body_id WHERE m.mailbox_id = ? AND m.uid = ?',
    );
    this.structureStmt = db.prepare('SELECT structure, version FROM body_structures WHERE body_id = ?');
  }

  /**
   * The preview of each listed message that exists: the stored one, else (not indexed yet) null when `lazy`, or
   * one computed now.
   */
  async get(mailboxId: number, uids: readonly number[], lazy: boolean): Promise<Map<number, string | null>> {
    const rows = uids.map((uid) => ({ uid, row: this.rowStmt.get(mailboxId, uid) }));
    const out = new Map<number, string | null>();
    for (const { uid, row } of rows) {
      if (!row) continue; // expunged
      if (row.preview !== null || lazy) out.set(uid, row.preview);
      else {
        const computed = await this.compute(row.body_id);
        if (computed !== undefined) out.set(uid, computed);
      }
    }
    return out;
  }

  /** The preview of a stored body computed from its first text part's first octets; undefined when it is gone. */
  private async compute(bodyId: number): Promise<string | undefined> {
    const size = this.bodies.size(bodyId);
    if (size === undefined) return undefined;
    const row = size > CHUNK_BYTES ? this.structureStmt.get(bodyId) : undefined;
    const mime = row ? readStructure(row.structure, row.version) : null;
    if (mime) return messagePreview((start, end) => this.bodies.read(bodyId, start, end) ?? EMPTY, mime);
    const bytes = this.bodies.read(bodyId);
    return bytes === undefined ? undefined : messagePreview((start, end) => bytes.subarray(start, end), parseMessage(bytes));
  }
}
