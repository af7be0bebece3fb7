// The parsed MIME structure of bodies (SPEC R7.3; migrations/0002): computed once per body at ingest (or, for
// bodies older than it, on first need and then stored) and read back for FETCH and SEARCH. The full-text index
// lives in its own file (text-index/).
import type { Statement } from 'better-sqlite3';
import type { MimeMessage } from '../../mime/types.js';
import { analyzeBody, readStructure, STRUCTURE_VERSION, type BodyAnalysis } from '../body-analysis.js';
import type { MessageStructure } from '../types.js';
import { BodyReader, CHUNK_BYTES, type RangeBody } from './body-bytes.js';
import type { SqliteDb } from './database.js';

export { analyzeBody, readStructure, STRUCTURE_VERSION, type BodyAnalysis } from '../body-analysis.js';

interface StructureRow {
  uid: number;
  prefix_len: number;
  body_id: number;
  structure: string | null;
  version: number | null;
}

export class BodyIndexRepo {
  private readonly setStmt: Statement<[number, number, string]>;
  private readonly structuresStmt: Statement<[number, string], StructureRow>;
  private readonly bodies: BodyReader;

  constructor(private readonly db: SqliteDb) {
    this.setStmt = db.prepare('INSERT OR REPLACE INTO body_structures (body_id, version, structure) VALUES (?, ?, ?)');
    this.structuresStmt = db.prepare(
      'SELECT m.uid, length(m.prefix) AS prefix_len, m.body_id, s.structure, s.version FROM messages m ' +
        'LEFT JOIN body_structures s ON s.body_id = m.body_id ' +
        'WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid',
    );
    this.bodies = new BodyReader(db);
  }

  /** Stores the structure of a body (inside the transaction that inserted the body). */
  store(bodyId: number, analysis: BodyAnalysis): void {
    this.setStmt.run(bodyId, STRUCTURE_VERSION, analysis.structure);
  }

  /** Parses and stores a body stored before structures were kept (or by another parser version). */
  private backfill(bodyId: number): MimeMessage {
    // A large body is parsed a window at a time (issue 17 item 4): a few chunks in memory, never the body.
    const size = this.bodies.size(bodyId) ?? 0;
    const body: Buffer | RangeBody =
      size <= CHUNK_BYTES ? (this.bodies.read(bodyId) ?? Buffer.alloc(0)) : { length: size, read: (start, end) => this.bodies.read(bodyId, start, end) ?? Buffer.alloc(0) };
    const analysis = analyzeBody(body);
    try {
      this.db.transaction(() => this.store(bodyId, analysis)).immediate();
    } catch {
      // Busy or read-only: serve the structure anyway; a later request stores it.
    }
    return analysis.mime;
  }

  /** Structures of the listed messages that exist in the mailbox, computing any that are missing. */
  structures(mailboxId: number, uids: readonly number[]): Map<number, MessageStructure> {
    const out = new Map<number, MessageStructure>();
    if (uids.length === 0) return out;
    const rows = this.structuresStmt.all(mailboxId, JSON.stringify(uids.filter(Number.isSafeInteger)));
    for (const row of rows) {
      const mime = readStructure(row.structure, row.version) ?? this.backfill(row.body_id);
      out.set(row.uid, { prefixLength: row.prefix_len, mime });
    }
    return out;
  }
}
