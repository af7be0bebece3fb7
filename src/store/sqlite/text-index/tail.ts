// The not-yet-indexed tail of a mailbox (SPEC R7.4; RFC 9051 §6.4.4 BODY / TEXT): the messages whose bodies are
// stored above the index's high-water mark, checked for a needle by their decoded text (StoredBodyText, the
// indexer's own extraction), so that a search right after a burst of mail is complete without waiting for the
// indexer (issue 14 item 4). The indexer thread runs these scans between its steps, extracts the texts of new
// bodies ahead of indexing them (extracting is a fraction of the cost of the FTS insert), and keeps those texts,
// bounded, for the steps that index the bodies next: a scan of the tail mostly compares texts already at hand.
// When the bound is reached extracting ahead stops (TailTexts.extract says so) until a step takes texts.
import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from '../database.js';
import type { MessageText } from '../../../mime/text.js';
import { StoredBodyText } from './indexer.js';

/** A body's text as the indexer extracts it (compared form), with its RFC 8970 preview. */
export type BodyText = MessageText;

/** Characters of extracted text the tail cache keeps (about that many bytes for mostly ASCII text). */
export const TAIL_CACHE_CHARS = 64 * 1024 * 1024;

/**
 * Decoded texts of stored bodies, read through StoredBodyText and kept (up to `limitChars` characters) until the
 * indexer takes them or the index passes them. When full it keeps what it has: the lowest ids, which the indexer
 * takes next, rather than letting each scan of a longer tail push out the texts the previous scan extracted.
 */
export class TailTexts {
  private readonly stored: StoredBodyText;
  private readonly cache = new Map<number, BodyText | null>();
  private chars = 0;
  /** A text was turned away for want of room since the cache last let one go. */
  private refused = false;

  constructor(
    store: SqliteDb,
    private readonly limitChars = TAIL_CACHE_CHARS,
  ) {
    this.stored = new StoredBodyText(store);
  }

  /** The text of a body (cached), or undefined when the body no longer exists. */
  async get(bodyId: number): Promise<BodyText | undefined> {
    const cached = this.cache.get(bodyId);
    if (cached !== undefined) return cached ?? undefined;
    const text = await this.stored.get(bodyId);
    this.keep(bodyId, text ?? null);
    return text;
  }

  /**
   * Extracts and keeps the text of a body ahead of its indexing; false when it could not be kept (the cache is
   * full): the caller stops extracting until the indexer takes texts.
   */
  async extract(bodyId: number): Promise<boolean> {
    if (this.cache.has(bodyId)) return true;
    const text = await this.stored.get(bodyId);
    return this.keep(bodyId, text ?? null);
  }

  /** The text of a body for indexing it: from the cache when a scan extracted it, which then forgets it. */
  async take(bodyId: number): Promise<BodyText | undefined> {
    const cached = this.cache.get(bodyId);
    if (cached === undefined) return this.stored.get(bodyId);
    this.forget(bodyId, cached);
    return cached ?? undefined;
  }

  /** Forgets the texts of bodies up to `indexedMax` (indexed, or freed before they were). */
  passed(indexedMax: number): void {
    for (const [id, text] of this.cache) if (id <= indexedMax) this.forget(id, text);
  }

  /** Whether another text may be kept. */
  get hasRoom(): boolean {
    return this.chars < this.limitChars && !this.refused;
  }

  /** Characters of the texts kept (never above the limit). */
  get keptChars(): number {
    return this.chars;
  }

  /** Keeps a text unless that would pass the limit; whether the body's text is now kept. */
  private keep(bodyId: number, text: BodyText | null): boolean {
    if (this.cache.has(bodyId)) return true; // kept by a get that ran while this one awaited its extraction
    const size = text ? text.header.length + text.body.length : 0;
    if (this.chars + size > this.limitChars) {
      this.refused = true;
      return false;
    }
    this.cache.set(bodyId, text);
    this.chars += size;
    return true;
  }

  private forget(bodyId: number, text: BodyText | null): void {
    this.cache.delete(bodyId);
    this.chars -= text ? text.header.length + text.body.length : 0;
    this.refused = false;
  }
}

/** Whether a text holds the needle (both in the compared form, src/mime/fold.ts textForm) in its body, or (`header`) in its header. */
export function textHolds(text: BodyText, needle: string, header: boolean): boolean {
  return text.body.includes(needle) || (header && text.header.includes(needle));
}

/** Scans a mailbox's messages whose bodies lie above a high-water mark. */
export class TailScanner {
  private readonly tailStmt: Statement<[number, number], { uid: number; body_id: number }>;

  constructor(
    store: SqliteDb,
    private readonly texts: { get(bodyId: number): BodyText | undefined | Promise<BodyText | undefined> },
  ) {
    // `+mailbox_id`: walk the body-id index from the mark (a short range), not the whole mailbox.
    this.tailStmt = store.prepare('SELECT uid, body_id FROM messages WHERE body_id > ? AND +mailbox_id = ? ORDER BY uid');
  }

  /** UIDs, ascending, of the mailbox's messages above `indexedMax` whose text holds the needle (compared form). */
  async scan(mailboxId: number, indexedMax: number, needle: string, header: boolean): Promise<number[]> {
    const hits: number[] = [];
    for (const row of this.tailStmt.all(indexedMax, mailboxId)) {
      const text = await this.texts.get(row.body_id);
      if (text && textHolds(text, needle, header)) hits.push(row.uid);
    }
    return hits;
  }
}
