// Filling the text index (SPEC R7.4): takes the bodies stored since the index's high-water mark, extracts
// their decoded header and text (RFC 2047, MIME part headers and file names, text parts decoded by mailparser:
// src/mime/text.ts), brings them to the compared form (src/mime/fold.ts) and inserts them; then removes the rows
// of freed bodies. Extraction is asynchronous (mailparser) and runs first; then one transaction on the index file
// re-reads the marks and writes only when they are still those the step started from, so several indexers
// (threads or processes) never index a body twice.
import type { Statement } from 'better-sqlite3';
import { parseMessage } from '../../../mime/parse.js';
import { textForm } from '../../../mime/fold.js';
import { extractText, type MessageText } from '../../../mime/text.js';
import { BodyReader, CHUNK_BYTES } from '../body-bytes.js';
import { readStructure } from '../body-index.js';
import type { SqliteDb } from '../database.js';
import { readMarks, type TextIndexMarks } from './text-db.js';

/** Decoded text in the form the index stores and searches compare (textForm). */
const compared = (text: MessageText): MessageText => ({ header: textForm(text.header), body: textForm(text.body), preview: text.preview });

/** The decoded text of a body, as the index stores it and as searches compare it. */
export async function bodyText(bytes: Buffer): Promise<MessageText> {
  return compared(await extractText(bytes, parseMessage(bytes)));
}

const EMPTY = Buffer.alloc(0);

/**
 * The text of stored bodies, as bodyText gives it. A chunked body with its structure stored is read by range:
 * its headers and the leading octets of its text parts only, never its attachments (issue 12 item 13).
 */
export class StoredBodyText {
  private readonly bodies: BodyReader;
  private readonly structureStmt: Statement<[number], { structure: string; version: number }>;

  constructor(db: SqliteDb) {
    this.bodies = new BodyReader(db);
    this.structureStmt = db.prepare('SELECT structure, version FROM body_structures WHERE body_id = ?');
  }

  /** The text, or undefined when the body no longer exists. */
  async get(bodyId: number): Promise<MessageText | undefined> {
    const size = this.bodies.size(bodyId);
    if (size === undefined) return undefined;
    const row = size > CHUNK_BYTES ? this.structureStmt.get(bodyId) : undefined;
    const mime = row ? readStructure(row.structure, row.version) : null;
    if (!mime) {
      const bytes = this.bodies.read(bodyId);
      return bytes === undefined ? undefined : bodyText(bytes);
    }
    return compared(await extractText((start, end) => this.bodies.read(bodyId, start, end) ?? EMPTY, mime));
  }
}

export interface IndexLimits {
  /** Bodies per step. */
  bodies: number;
  /** Octets of bodies per step (at least one body is always taken). */
  bytes: number;
  /**
   * Characters of text per step (at least one body is always taken): inserting into the trigram index costs
   * about 0.12 µs per character, so a step holding texts at hand stays near `ms` and a search waiting for the
   * thread is not held behind a long transaction (issue 14 item 4).
   */
  chars: number;
  /** Purge-log entries per step. */
  purges: number;
  /**
   * Milliseconds of extracting and inserting per step (at least one body is always taken): a search waiting for
   * the indexer thread's scan of the unindexed tail is served between steps (issue 14 item 4).
   */
  ms: number;
}

export const DEFAULT_LIMITS: IndexLimits = { bodies: 256, bytes: 16 * 1024 * 1024, chars: 256 * 1024, purges: 2048, ms: 25 };

/** Where a step takes each body's text from: the store (StoredBodyText), or texts a tail scan already extracted. */
export interface BodyTextSource {
  get(bodyId: number): MessageText | undefined | Promise<MessageText | undefined>;
}

export interface IndexStep {
  indexed: number;
  purged: number;
  marks: TextIndexMarks;
  /** Whether more work was left behind by the limits. */
  more: boolean;
}

interface Candidate {
  id: number;
  size: number;
}

export class TextIndexer {
  private readonly candidatesStmt: Statement<[number, number], Candidate>;
  private readonly texts: BodyTextSource;
  private readonly purgesStmt: Statement<[number, number], { seq: number; body_id: number }>;
  private readonly deleteStmt: Statement<[number]>;
  private readonly insertStmt: Statement<[number, string, string]>;
  private readonly deletePreviewStmt: Statement<[number]>;
  private readonly insertPreviewStmt: Statement<[number, string]>;
  private readonly markStmt: Statement<[number, string]>;

  /** `store` may be a read-only connection; `text` is the index file, opened for writing. */
  constructor(
    store: SqliteDb,
    private readonly text: SqliteDb,
    private readonly limits: IndexLimits = DEFAULT_LIMITS,
    texts?: BodyTextSource,
  ) {
    this.candidatesStmt = store.prepare('SELECT id, size FROM bodies WHERE id > ? ORDER BY id LIMIT ?');
    this.texts = texts ?? new StoredBodyText(store);
    this.purgesStmt = store.prepare('SELECT seq, body_id FROM text_index_purge WHERE seq > ? ORDER BY seq LIMIT ?');
    this.deleteStmt = text.prepare('DELETE FROM body_text WHERE rowid = ?');
    this.insertStmt = text.prepare('INSERT INTO body_text (rowid, header, body) VALUES (?, ?, ?)');
    this.deletePreviewStmt = text.prepare('DELETE FROM body_preview WHERE body_id = ?');
    this.insertPreviewStmt = text.prepare('INSERT OR REPLACE INTO body_preview (body_id, preview) VALUES (?, ?)');
    this.markStmt = text.prepare('UPDATE state SET value = ? WHERE key = ?');
  }

  /**
   * One bounded step of indexing and purging, committed on the index file: the texts are extracted first
   * (awaiting mailparser), then written in one transaction, unless another indexer moved the marks meanwhile
   * (then nothing is written and `more` asks for another step from the new marks).
   */
  async step(): Promise<IndexStep> {
    const start = readMarks(this.text);
    const candidates = this.candidatesStmt.all(start.indexedMax, this.limits.bodies + 1);
    const texts: Array<{ id: number; text: MessageText | undefined }> = [];
    // The texts wait for the write: their octets stay within limits.bytes and the characters they decoded to
    // within limits.chars (after the first body, whose text MAX_TEXT_CHARS bounds).
    let octets = 0;
    let chars = 0;
    const started = performance.now();
    for (const c of candidates.slice(0, this.limits.bodies)) {
      const over = octets + c.size > this.limits.bytes || chars >= this.limits.chars || performance.now() - started > this.limits.ms;
      if (texts.length > 0 && over) break;
      const text = await this.texts.get(c.id);
      texts.push({ id: c.id, text });
      octets += c.size;
      chars += text === undefined ? 0 : text.header.length + text.body.length;
    }
    return this.text.transaction((): IndexStep => {
      const marks = readMarks(this.text);
      if (marks.indexedMax !== start.indexedMax || marks.purgedSeq !== start.purgedSeq) {
        return { indexed: 0, purged: 0, marks, more: true };
      }
      for (const { id, text } of texts) {
        marks.indexedMax = id;
        if (text === undefined) continue; // freed meanwhile
        this.deleteStmt.run(id);
        this.insertStmt.run(id, text.header, text.body);
        this.insertPreviewStmt.run(id, text.preview); // RFC 8970: read by FETCH PREVIEW (text-index.ts previews)
      }
      if (texts.length > 0) this.markStmt.run(marks.indexedMax, 'indexed_max');
      // A body freed while its text was extracted has its purge entry after start.purgedSeq: it is applied
      // after the insert, here or in a later step.
      const purges = this.purgesStmt.all(marks.purgedSeq, this.limits.purges);
      for (const p of purges) {
        this.deleteStmt.run(p.body_id);
        this.deletePreviewStmt.run(p.body_id);
      }
      const last = purges[purges.length - 1];
      if (last) {
        marks.purgedSeq = last.seq;
        this.markStmt.run(marks.purgedSeq, 'purged_seq');
      }
      const more = texts.length < candidates.length || purges.length === this.limits.purges;
      return { indexed: texts.length, purged: purges.length, marks, more };
    }).immediate();
  }

  /** Steps until nothing is left (bounded by `maxSteps`); returns the final marks. */
  async catchUp(maxSteps = Number.MAX_SAFE_INTEGER): Promise<TextIndexMarks> {
    let step = await this.step();
    for (let i = 1; step.more && i < maxSteps; i++) step = await this.step();
    return step.marks;
  }
}
