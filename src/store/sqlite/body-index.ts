// The parsed structure and full-text index of bodies (SPEC R7.3, R7.4; migrations/0002): computed once per
// body at ingest (or, for bodies older than the index, on first need and then stored), read back for FETCH,
// searched with FTS5 trigram MATCH narrowed by an exact substring check for SEARCH BODY / TEXT.
import type { Statement } from 'better-sqlite3';
import { parseMessage } from '../../mime/parse.js';
import { extractText } from '../../mime/text.js';
import type { MimeMessage } from '../../mime/types.js';
import type { MessageStructure } from '../types.js';
import type { SqliteDb } from './database.js';

/** Bumped when the parser's output changes: stored structures of another version are recomputed. */
export const STRUCTURE_VERSION = 1;

/** What ingest stores beside a body: its structure as JSON and its decoded text, lower-cased. */
export interface BodyAnalysis {
  structure: string;
  mime: MimeMessage;
  header: string;
  body: string;
}

/** Parses a body (pure CPU work: callers do it before taking the write lock). Never throws. */
export function analyzeBody(bytes: Buffer): BodyAnalysis {
  const mime = parseMessage(bytes);
  const text = extractText(bytes, mime);
  return { structure: JSON.stringify(mime), mime, header: text.header.toLowerCase(), body: text.body.toLowerCase() };
}

function readStructure(json: string | null, version: number | null): MimeMessage | null {
  if (json === null || version !== STRUCTURE_VERSION) return null;
  try {
    return JSON.parse(json) as MimeMessage;
  } catch {
    return null;
  }
}

/** Characters (code points) a trigram needs; shorter queries are checked with instr() alone. */
const TRIGRAM = 3;
const LEGACY_KEY = 'unindexed_body_max';

interface StructureRow {
  uid: number;
  prefix_len: number;
  body_id: number;
  structure: string | null;
  version: number | null;
}

export class BodyIndexRepo {
  private readonly setStmt: Statement<[number, number, string]>;
  private readonly deleteTextStmt: Statement<[number]>;
  private readonly insertTextStmt: Statement<[number, string, string]>;
  private readonly structuresStmt: Statement<[number, string], StructureRow>;
  private readonly bytesStmt: Statement<[number], Buffer>;
  private readonly legacyMaxStmt: Statement<[], number>;
  private readonly legacyInStmt: Statement<[number, number], number>;
  private readonly legacyLeftStmt: Statement<[number], number>;
  private readonly legacyDoneStmt: Statement<[]>;
  private readonly matchStmt: Statement<[string, number, string, number, string], number>;
  private readonly instrStmt: Statement<[number, string, number, string], number>;

  constructor(private readonly db: SqliteDb) {
    this.setStmt = db.prepare('INSERT OR REPLACE INTO body_structures (body_id, version, structure) VALUES (?, ?, ?)');
    this.deleteTextStmt = db.prepare('DELETE FROM body_text WHERE rowid = ?');
    this.insertTextStmt = db.prepare('INSERT INTO body_text (rowid, header, body) VALUES (?, ?, ?)');
    this.structuresStmt = db.prepare(
      'SELECT m.uid, length(m.prefix) AS prefix_len, m.body_id, s.structure, s.version FROM messages m ' +
        'LEFT JOIN body_structures s ON s.body_id = m.body_id ' +
        'WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid',
    );
    this.bytesStmt = db.prepare<[number], Buffer>('SELECT bytes FROM bodies WHERE id = ?').pluck();
    this.legacyMaxStmt = db.prepare<[], number>(`SELECT value FROM store_state WHERE key = '${LEGACY_KEY}'`).pluck();
    const missing = 'NOT EXISTS (SELECT 1 FROM body_structures s WHERE s.body_id = ';
    this.legacyInStmt = db
      .prepare<[number, number], number>(
        `SELECT DISTINCT m.body_id FROM messages m WHERE m.mailbox_id = ? AND m.body_id <= ? AND ${missing}m.body_id)`,
      )
      .pluck();
    this.legacyLeftStmt = db.prepare<[number], number>(`SELECT b.id FROM bodies b WHERE b.id <= ? AND ${missing}b.id) LIMIT 1`).pluck();
    this.legacyDoneStmt = db.prepare(`UPDATE store_state SET value = 0 WHERE key = '${LEGACY_KEY}'`);
    const exact = '(instr(t.body, ?) > 0 OR (? AND instr(t.header, ?) > 0))';
    this.matchStmt = db
      .prepare<[string, number, string, number, string], number>(
        // CROSS JOIN keeps the FTS query outermost (evaluated once), not re-run per message of the mailbox.
        `SELECT m.uid FROM body_text t CROSS JOIN messages m ON m.body_id = t.rowid WHERE body_text MATCH ? AND m.mailbox_id = ? AND ${exact} ORDER BY m.uid`,
      )
      .pluck();
    this.instrStmt = db
      .prepare<[number, string, number, string], number>(
        `SELECT m.uid FROM messages m JOIN body_text t ON t.rowid = m.body_id WHERE m.mailbox_id = ? AND ${exact} ORDER BY m.uid`,
      )
      .pluck();
  }

  /** Stores the structure and text of a body (inside the transaction that inserted the body). */
  store(bodyId: number, analysis: BodyAnalysis): void {
    this.setStmt.run(bodyId, STRUCTURE_VERSION, analysis.structure);
    this.deleteTextStmt.run(bodyId);
    this.insertTextStmt.run(bodyId, analysis.header, analysis.body);
  }

  /** Parses and stores a body stored before the index existed (or by another parser version). */
  private backfill(bodyId: number): MimeMessage {
    const analysis = analyzeBody(this.bytesStmt.get(bodyId) ?? Buffer.alloc(0));
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

  /** Indexes the mailbox's bodies stored before version 2; one lookup once every old body is done. */
  private ensureIndexed(mailboxId: number): void {
    const max = this.legacyMaxStmt.get() ?? 0;
    if (max <= 0) return;
    for (const bodyId of this.legacyInStmt.all(mailboxId, max)) this.backfill(bodyId);
    if (this.legacyLeftStmt.get(max) === undefined) {
      try {
        this.db.transaction(() => this.legacyDoneStmt.run()).immediate();
      } catch {
        // Busy: the next search tries again.
      }
    }
  }

  /**
   * UIDs, ascending, of the mailbox's messages whose decoded text contains `text` case-insensitively:
   * FTS5 trigram MATCH narrowed by an exact instr() on the lower-cased text; below three characters,
   * instr() over the mailbox's indexed text.
   */
  search(mailboxId: number, text: string, where: 'body' | 'text'): number[] {
    this.ensureIndexed(mailboxId);
    const needle = text.toLowerCase();
    const header = where === 'text' ? 1 : 0;
    if ([...needle].length < TRIGRAM) return this.instrStmt.all(mailboxId, needle, header, needle);
    const phrase = `"${needle.replace(/"/g, '""')}"`;
    const query = where === 'body' ? `body : ${phrase}` : phrase;
    return this.matchStmt.all(query, mailboxId, needle, header, needle);
  }
}
