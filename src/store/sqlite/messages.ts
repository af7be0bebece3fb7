// The messages, bodies and expunge-log tables (SPEC R1.8, R9.3; RFC 7162 §3.2.5): row-level reads and writes.
// Counters and body reference counts follow through the triggers of migrations/0001-initial.sql.
import { mergeRanges } from '../uid-ranges.js';
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors.js';
import type { UidRange } from '../types.js';
import { BodyReader, BodyWriter, type RangeBody } from './body-bytes.js';
import type { SqliteDb } from './database.js';
import { prefixShape } from './prefix-shape.js';
import { MESSAGE_COLUMNS, messageRowOf, type MessageRow, type RawMessageRow } from './rows.js';

export interface NewMessage {
  mailboxId: number;
  uid: number;
  modseq: number;
  systemFlags: number;
  keywords: string;
  internalDate: number;
  /** Minutes east of UTC. */
  internalZone: number;
  size: number;
  requireTls: boolean;
  tlsRequiredNo: boolean;
  forgedFields: number;
  /** JSON of the fields removed at ingest (migrations/0019-removed-fields.sql); null or absent: not recorded. */
  removedFields?: string | null;
  bodyId: number;
  prefix: Buffer;
  /** The POP3 unique-id kept from the server the message was imported from (migrations/0020); null otherwise. */
  pop3Uidl: string | null;
}

/** A whole message as served: the per-recipient trace prefix, then the shared body. */
export interface WholeMessage {
  uid: number;
  prefix: Buffer;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Above this many ranges, listMessages reads the covering span once and filters in memory. */
const MAX_RANGE_QUERIES = 32;
const MAX_UID = Number.MAX_SAFE_INTEGER;

export class MessageRepo {
  private readonly bodies: BodyReader;
  private readonly bodyWriter: BodyWriter;
  private readonly insertStmt: Statement<Record<string, unknown>>;
  private readonly copyStmt: Statement<[number, number, number, number, number]>;
  private readonly byUidsStmt: Statement<[number, string], RawMessageRow>;
  private readonly deletedStmt: Statement<[number], RawMessageRow>;
  private readonly rangeStmt: Statement<[number, number, number], RawMessageRow>;
  private readonly uidsStmt: Statement<[number], number>;
  private readonly firstUnseenStmt: Statement<[number], number>;
  private readonly deleteIdsStmt: Statement<[string]>;
  private readonly logExpungeStmt: Statement<[number, number, string]>;
  private readonly deleteMailboxStmt: Statement<[number]>;
  private readonly updateFlagsStmt: Statement<[number, string, number, number]>;
  private readonly sizesStmt: Statement<[number, number], { prefix_len: number; body_size: number; body_id: number }>;
  private readonly wholeManyStmt: Statement<[number, string], { uid: number; prefix: Buffer | null; body_id: number; size: number; bytes: Buffer | null }>;
  private readonly prefixStmt: Statement<[number, number, number, number], Buffer | null>;
  private readonly expungedStmt: Statement<[number, number], { uid: number; modseq: number }>;
  private readonly deletedBytesStmt: Statement<[number], number>;
  private readonly logAtStmt: Statement<[number, number], number>;
  private readonly pruneLogStmt: Statement<[number, number]>;
  private readonly raiseHorizonStmt: Statement<[number, number]>;
  private readonly horizonStmt: Statement<[number], number>;
  private readonly changedStmt: Statement<[number, number], RawMessageRow>;
  private readonly removedFieldsStmt: Statement<[number, number], { removed_fields: string | null }>;
  private readonly uidlsStmt: Statement<[number], { uid: number; pop3_uidl: string }>;
  /**
   * Expunges the log keeps per mailbox (issue 15 item 2): 10,000 covers any client that reconnects before
   * 10,000 more messages of one mailbox were expunged; one older gets a complete answer computed from the UIDs
   * present. The log is pruned once it holds a quarter more, so that pruning is rare.
   */
  expungeLogKeep = 10_000;

  constructor(db: SqliteDb) {
    const from = `SELECT ${MESSAGE_COLUMNS} FROM messages`;
    this.bodies = new BodyReader(db);
    this.bodyWriter = new BodyWriter(db);
    this.insertStmt = db.prepare(
      'INSERT INTO messages (mailbox_id, uid, modseq, system_flags, keywords, internal_date, internal_tz, size, ' +
        'require_tls, tls_required_no, forged_fields, removed_fields, body_id, prefix, prefix_shape, email_id, save_date, pop3_uidl) VALUES (@mailboxId, @uid, ' +
        '@modseq, @systemFlags, @keywords, @internalDate, @internalZone, @size, @requireTls, @tlsRequiredNo, @forgedFields, @removedFields, ' +
        "@bodyId, @prefix, @prefixShape, 'M' || lower(hex(randomblob(12))), @saveDate, @pop3Uidl)", // RFC 8474 §5.1: a new EMAILID
    );
    this.uidlsStmt = db.prepare('SELECT uid, pop3_uidl FROM messages WHERE mailbox_id = ? AND pop3_uidl IS NOT NULL');
    this.copyStmt = db.prepare(
      'INSERT INTO messages (mailbox_id, uid, modseq, system_flags, keywords, internal_date, internal_tz, size, ' +
        'require_tls, tls_required_no, forged_fields, removed_fields, body_id, prefix, prefix_shape, email_id, save_date) SELECT ?, ?, ?, ' +
        'system_flags, keywords, internal_date, internal_tz, size, require_tls, tls_required_no, forged_fields, removed_fields, body_id, ' +
        'prefix, prefix_shape, email_id, ? ' +
        'FROM messages WHERE id = ?', // COPY/MOVE keep INTERNALDATE and its zone (issue 13 item 6) and EMAILID (RFC 8474 §5.1); SAVEDATE is now (RFC 8514 §3)
    );
    // Raw (array) rows, turned into objects by messageRowOf: see rows.ts.
    this.byUidsStmt = db
      .prepare<[number, string], RawMessageRow>(`${from} WHERE mailbox_id = ? AND uid IN (SELECT value FROM json_each(?)) ORDER BY uid`)
      .raw(true);
    this.deletedStmt = db.prepare<[number], RawMessageRow>(`${from} WHERE mailbox_id = ? AND (system_flags & 8) != 0 ORDER BY uid`).raw(true);
    this.rangeStmt = db
      .prepare<[number, number, number], RawMessageRow>(`${from} WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid`)
      .raw(true);
    this.uidsStmt = db.prepare<[number], number>('SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid').pluck();
    this.firstUnseenStmt = db
      .prepare<[number], number>('SELECT uid FROM messages WHERE mailbox_id = ? AND (system_flags & 1) = 0 ORDER BY uid LIMIT 1')
      .pluck();
    this.removedFieldsStmt = db.prepare('SELECT removed_fields FROM messages WHERE mailbox_id = ? AND uid = ?');
    this.deleteIdsStmt = db.prepare('DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))');
    this.logExpungeStmt = db.prepare(
      'INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) SELECT ?, value, ? FROM json_each(?)',
    );
    this.deleteMailboxStmt = db.prepare('DELETE FROM messages WHERE mailbox_id = ?');
    this.updateFlagsStmt = db.prepare('UPDATE messages SET system_flags = ?, keywords = ?, modseq = ? WHERE id = ?');
    this.deletedBytesStmt = db
      .prepare<[number], number>('SELECT COALESCE(SUM(size), 0) FROM messages WHERE mailbox_id = ? AND (system_flags & 8) != 0')
      .pluck();
    const join = 'FROM messages m JOIN bodies b ON b.id = m.body_id WHERE m.mailbox_id = ? AND m.uid = ?';
    this.sizesStmt = db.prepare(`SELECT length(m.prefix) AS prefix_len, b.size AS body_size, m.body_id ${join}`);
    // The IN list is walked in UID order on the (mailbox_id, uid) index: rows stream without a sort, so
    // readMany can stop part way without reading the remaining bodies.
    // A small body comes with its row; a chunked one (bytes NULL here) is read from its chunks afterwards.
    this.wholeManyStmt = db.prepare(
      'SELECT m.uid, m.prefix, m.body_id, b.size, CASE WHEN b.chunk_bytes = 0 THEN b.bytes END AS bytes ' +
        'FROM messages m JOIN bodies b ON b.id = m.body_id ' +
        'WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid',
    );
    this.prefixStmt = db
      .prepare<[number, number, number, number], Buffer | null>('SELECT substr(prefix, ?, ?) FROM messages WHERE mailbox_id = ? AND uid = ?')
      .pluck();
    this.expungedStmt = db.prepare(
      'SELECT uid, modseq FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid',
    );
    this.logAtStmt = db
      .prepare<[number, number], number>('SELECT modseq FROM expunged WHERE mailbox_id = ? ORDER BY modseq DESC LIMIT 1 OFFSET ?')
      .pluck();
    this.pruneLogStmt = db.prepare('DELETE FROM expunged WHERE mailbox_id = ? AND modseq <= ?');
    this.raiseHorizonStmt = db.prepare('UPDATE mailboxes SET expunge_horizon = max(expunge_horizon, ?) WHERE id = ?');
    this.horizonStmt = db.prepare<[number], number>('SELECT expunge_horizon FROM mailboxes WHERE id = ?').pluck();
    this.changedStmt = db.prepare<[number, number], RawMessageRow>(`${from} WHERE mailbox_id = ? AND modseq > ? ORDER BY uid`).raw();
  }

  /** RFC 9208 §4.2 DELETED-STORAGE: the RFC822.SIZE of the mailbox's \Deleted messages (asked only when the
   * mailbox's \Deleted counter is not zero). */
  deletedBytes(mailboxId: number): number {
    return this.deletedBytesStmt.get(mailboxId) ?? 0;
  }

  /** Stores a body with reference count 0; each message row inserted for it adds one (trigger). */
  insertBody(body: Buffer | RangeBody): number {
    return this.bodyWriter.insert(body);
  }

  /**
   * The JSON of the fields removed at ingest of one message (migrations/0019-removed-fields.sql): undefined when
   * there is no such message, null when not recorded.
   */
  removedFields(mailboxId: number, uid: number): string | null | undefined {
    return this.removedFieldsStmt.get(mailboxId, uid)?.removed_fields;
  }

  insert(m: NewMessage): void {
    this.insertStmt.run({
      ...m,
      requireTls: m.requireTls ? 1 : 0,
      tlsRequiredNo: m.tlsRequiredNo ? 1 : 0,
      removedFields: m.removedFields ?? null,
      prefixShape: prefixShape(m.prefix), // migrations/0013, for SEARCH (issue 14 item 5)
      saveDate: Date.now(), // RFC 8514 §3: saved into the mailbox now
    });
  }

  /** The imported POP3 unique-ids of the mailbox's messages that have one, by UID (migrations/0020). */
  pop3Uidls(mailboxId: number): Map<number, string> {
    return new Map(this.uidlsStmt.all(mailboxId).map((r) => [r.uid, r.pop3_uidl]));
  }

  /**
   * Copies message row `id` (flags, dates, REQUIRETLS, prefix, EMAILID; the body is shared) into another mailbox,
   * saved there now (SAVEDATE).
   */
  copy(id: number, toMailbox: number, uid: number, modseq: number): void {
    this.copyStmt.run(toMailbox, uid, modseq, Date.now(), id);
  }

  /** The messages of the mailbox among `uids`, ascending by UID (absent UIDs are skipped). */
  byUids(mailboxId: number, uids: readonly number[]): MessageRow[] {
    if (uids.length === 0) return [];
    return this.byUidsStmt.all(mailboxId, JSON.stringify(uids.filter(Number.isSafeInteger))).map(messageRowOf);
  }

  /** The messages flagged \Deleted, ascending by UID. */
  deletedMessages(mailboxId: number): MessageRow[] {
    return this.deletedStmt.all(mailboxId).map(messageRowOf);
  }

  /** Messages whose UIDs fall in the ranges, ascending, each at most once, in a bounded number of queries. */
  list(mailboxId: number, ranges?: readonly UidRange[]): MessageRow[] {
    if (!ranges) return this.rangeStmt.all(mailboxId, 1, MAX_UID).map(messageRowOf);
    const merged = mergeRanges(ranges);
    if (merged.length <= MAX_RANGE_QUERIES) return merged.flatMap((r) => this.rangeStmt.all(mailboxId, r.from, r.to).map(messageRowOf));
    const first = merged[0];
    const last = merged[merged.length - 1];
    if (!first || !last) return [];
    return this.rangeStmt
      .all(mailboxId, first.from, last.to)
      .filter((row) => inRanges(merged, row[2]))
      .map(messageRowOf);
  }

  uids(mailboxId: number): number[] {
    return this.uidsStmt.all(mailboxId);
  }

  /** The lowest UID without \Seen, or null. */
  firstUnseen(mailboxId: number): number | null {
    return this.firstUnseenStmt.get(mailboxId) ?? null;
  }

  /** Deletes message rows and records their UIDs in the expunge log with `modseq`. */
  expungeRows(mailboxId: number, rows: readonly MessageRow[], modseq: number): void {
    if (rows.length === 0) return;
    this.deleteIdsStmt.run(JSON.stringify(rows.map((r) => r.id)));
    this.logExpungeStmt.run(mailboxId, modseq, JSON.stringify(rows.map((r) => r.uid)));
    this.pruneLog(mailboxId, modseq);
  }

  /**
   * Issue 15 item 2: once the log holds a quarter more than expungeLogKeep entries for the mailbox, forgets all
   * but about the newest expungeLogKeep (whole expunges: every UID of one mod-sequence goes together; never the
   * expunge being logged, which other processes' feed watchers have yet to read) and raises
   * the mailbox's horizon to the highest mod-sequence forgotten, in the expunge's transaction.
   */
  private pruneLog(mailboxId: number, newest: number): void {
    const keep = this.expungeLogKeep;
    if (this.logAtStmt.get(mailboxId, keep + Math.floor(keep / 4)) === undefined) return;
    // The expunge just logged stays whole however large: other processes' feed watchers read it from the log.
    const cutoff = Math.min(this.logAtStmt.get(mailboxId, keep) ?? 0, newest - 1);
    if (cutoff < 1) return;
    this.pruneLogStmt.run(mailboxId, cutoff);
    this.raiseHorizonStmt.run(cutoff, mailboxId);
  }

  /** The highest mod-sequence of an expunge the log has forgotten (0: none). */
  expungeHorizon(mailboxId: number): number {
    return this.horizonStmt.get(mailboxId) ?? 0;
  }

  /** Messages whose mod-sequence is above `sinceModseq`, ascending by UID (index messages_modseq). */
  changedSince(mailboxId: number, sinceModseq: number): MessageRow[] {
    return this.changedStmt.all(mailboxId, sinceModseq).map(messageRowOf);
  }

  /** Deletes every message of a mailbox (bodies freed by the trigger); no expunge log: the mailbox goes. */
  deleteAllIn(mailboxId: number): void {
    this.deleteMailboxStmt.run(mailboxId);
  }

  updateFlags(id: number, systemFlags: number, keywords: string, modseq: number): void {
    this.updateFlagsStmt.run(systemFlags, keywords, modseq, id);
  }

  /** The message as served (prefix || body), or the octets [offset, offset+length) of it, clamped. */
  read(mailboxId: number, uid: number, range: { offset: number; length: number } = { offset: 0, length: MAX_UID }): Buffer {
    const sizes = this.sizesStmt.get(mailboxId, uid);
    if (!sizes) throw new StoreError('not-found', `no message with UID ${uid}`);
    const total = sizes.prefix_len + sizes.body_size;
    const start = Math.min(Math.max(0, Math.floor(range.offset)), total);
    const end = Math.min(total, start + Math.max(0, Math.floor(range.length)));
    if (end <= start) return Buffer.alloc(0);
    const prefixLen = Math.max(0, Math.min(end, sizes.prefix_len) - start);
    const bodyStart = Math.max(0, start - sizes.prefix_len);
    const bodyLen = Math.max(0, end - Math.max(start, sizes.prefix_len));
    // SQL substr() counts from 1.
    const prefix = prefixLen > 0 ? (this.prefixStmt.get(start + 1, prefixLen, mailboxId, uid) ?? EMPTY) : EMPTY;
    const body = bodyLen > 0 ? this.bodies.read(sizes.body_id, bodyStart, bodyStart + bodyLen) : EMPTY;
    if (body === undefined) throw new StoreError('not-found', `no message with UID ${uid}`);
    return prefix.length === 0 ? body : body.length === 0 ? prefix : Buffer.concat([prefix, body]);
  }

  /**
   * The whole served messages among `uids` (prefix and body apart, not concatenated), ascending, in one query;
   * stops after the message that brings the total to `maxBytes` or more, so at least one when any exists.
   */
  readMany(mailboxId: number, uids: readonly number[], maxBytes: number): WholeMessage[] {
    const out: WholeMessage[] = [];
    if (uids.length === 0) return out;
    let total = 0;
    // Rows stream in UID order without a sort: leaving the loop early stops SQLite reading further bodies. The
    // chunked bodies are read once the statement is done (a connection runs one statement at a time).
    const chunked: Array<{ at: number; bodyId: number }> = [];
    for (const row of this.wholeManyStmt.iterate(mailboxId, JSON.stringify(uids.filter(Number.isSafeInteger)))) {
      if (row.bytes === null) chunked.push({ at: out.length, bodyId: row.body_id });
      out.push({ uid: row.uid, prefix: row.prefix ?? EMPTY, body: row.bytes ?? EMPTY });
      total += (row.prefix?.length ?? 0) + row.size;
      if (total >= maxBytes) break; // leaving the loop resets the statement
    }
    const gone = new Set<number>();
    for (const c of chunked) {
      const body = this.bodies.read(c.bodyId);
      if (body === undefined) gone.add(c.at); // freed meanwhile: absent, as if expunged before the query
      else out[c.at]!.body = body;
    }
    return gone.size === 0 ? out : out.filter((_, i) => !gone.has(i));
  }

  expungedSince(mailboxId: number, sinceModseq: number): Array<{ uid: number; modseq: number }> {
    return this.expungedStmt.all(mailboxId, sinceModseq);
  }
}

export { mergeRanges } from '../uid-ranges.js';

function inRanges(sorted: readonly UidRange[], uid: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = sorted[mid];
    if (!r) return false;
    if (uid < r.from) hi = mid - 1;
    else if (uid > r.to) lo = mid + 1;
    else return true;
  }
  return false;
}
