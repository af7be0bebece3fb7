// What SEARCH FROM/TO/CC/BCC/SUBJECT and SENTBEFORE/SENTON/SENTSINCE compare (RFC 9051 §6.4.4; SPEC R7.4;
// migrations/0003), kept per body: computed at ingest from the body's top header (or, for bodies stored before,
// on first need and then stored) and read for a mailbox's messages in one query. A message's served header is
// its trace prefix followed by the body's header; a prefix that could change what those keys see is parsed
// together with the body's header, as the served bytes read.
import type { Statement } from 'better-sqlite3';
import {
  ID_FIELD_NAMES,
  idTokens,
  MAX_SEARCH_HEADER_BYTES,
  SEARCH_FIELD_NAMES,
  type IdFieldName,
  type SearchFieldName,
  type SearchFieldValues,
} from '../../mime/header-search.js';
import type { IdMatches, SearchFields } from '../types.js';
import { BodyReader } from './body-bytes.js';
import type { SqliteDb } from './database.js';

import {
  bodySearchFields,
  NO_SEARCH_VALUES,
  pickSearchValues,
  storedDay,
  column,
  prefixIsInert,
  SEARCH_FIELDS_VERSION,
  servedSearchValues,
  type BodySearchFields,
  type ComputedFields,
} from '../search-field-extract.js';

type InsertParams = Array<number | string | null>;

/** A row as read (raw): these columns, then the prefix's length and text (null when no value is asked for), then one per name. */
type FieldsRow = [
  uid: number,
  bodyId: number,
  version: number | null,
  headerLen: number | null,
  folds: number | null,
  sentDay: number | null,
  prefixOctets: number | null,
  prefix: string | null,
  ...values: Array<string | null>,
];
const VALUES_AT = 8;

/** Below this many UIDs, or when they are sparse, rows are selected by an IN list rather than a UID range. */
const RANGE_MIN = 64;

const list = (json: string | null): string[] => (json === null ? [] : (JSON.parse(json) as string[]));
const json = (values: readonly string[] | undefined): string | null => (!values || values.length === 0 ? null : JSON.stringify(values));

/** A stored row of the current version with the asked values, or null (another version, none, or unreadable). */
function readRow(row: FieldsRow, names: readonly SearchFieldName[]): BodySearchFields | null {
  const [, , version, headerLen, folds, day] = row;
  if (version !== SEARCH_FIELDS_VERSION || headerLen === null) return null;
  try {
    let values = NO_SEARCH_VALUES;
    if (names.length > 0) {
      values = {};
      names.forEach((name, i) => (values[name] = list((row[VALUES_AT + i] as string | null | undefined) ?? null)));
    }
    const sentDay = storedDay(day);
    return { headerLen, folds: folds === 1, values, sentDay };
  } catch {
    return null;
  }
}


interface ReadStatements {
  byList: Statement<[number, string], FieldsRow>;
  byRange: Statement<[number, number, number], FieldsRow>;
}

export class SearchFieldsRepo {
  private readonly setStmt: Statement<InsertParams>;
  private readonly bodies: BodyReader;
  private readonly prefixStmt: Statement<[number, number], Buffer>;
  private readonly clearIdsStmt: Statement<[number]>;
  private readonly addIdStmt: Statement<[string, string, number]>;
  private readonly idHitsStmt: Statement<[string, string, number], number>;
  private readonly idUnsureStmt: Statement<[number, number, number, string], number>;
  /** Read statements by the names asked for. */
  private readonly readStmts = new Map<string, ReadStatements>();

  constructor(private readonly db: SqliteDb) {
    // An upsert, not INSERT OR REPLACE: with foreign keys on, REPLACE costs a statement journal (measured
    // ~250 µs per delivery inside the ingest transaction, against ~20 µs).
    const columns = ['version', 'header_len', 'folds', ...SEARCH_FIELD_NAMES.map(column), 'sent_day'];
    this.setStmt = db.prepare<InsertParams>(
      `INSERT INTO body_search_fields (body_id, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')}) ` +
        `ON CONFLICT (body_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    this.bodies = new BodyReader(db);
    this.prefixStmt = db.prepare<[number, number], Buffer>('SELECT prefix FROM messages WHERE mailbox_id = ? AND uid = ?').pluck();
    this.clearIdsStmt = db.prepare('DELETE FROM body_msg_ids WHERE body_id = ?');
    this.addIdStmt = db.prepare('INSERT OR IGNORE INTO body_msg_ids (field, token, body_id) VALUES (?, ?, ?)');
    this.idHitsStmt = db
      .prepare<[string, string, number], number>(
        'SELECT m.uid FROM body_msg_ids t JOIN messages m ON m.body_id = t.body_id WHERE t.field = ? AND t.token = ? AND m.mailbox_id = ?',
      )
      .pluck();
    // The SQL form of prefixIsInert, conservative (the name anywhere in the prefix, any CR or LF starting it):
    // a message outside this list is served with exactly its body's values for the field.
    this.idUnsureStmt = db
      .prepare<[number, number, number, string], number>(
        'SELECT m.uid FROM messages m LEFT JOIN body_search_fields f ON f.body_id = m.body_id ' +
          'WHERE m.mailbox_id = ? AND (f.version IS NOT ? OR f.header_len IS NULL OR (length(m.prefix) > 0 AND (' +
          "f.folds != 0 OR length(m.prefix) + f.header_len > ? OR substr(m.prefix, -1) != x'0a' " +
          "OR substr(m.prefix, 1, 1) IN (x'0d', x'0a') OR instr(m.prefix, x'0a0a') > 0 OR instr(m.prefix, x'0a0d0a') > 0 " +
          'OR instr(lower(CAST(m.prefix AS TEXT)), ?) > 0)))',
      )
      .pluck();
  }

  /**
   * The messages of the mailbox whose `field` holds the msg-id `token` (folded, `<…>`), from the index; and
   * those it cannot answer for, which the caller compares by their values (fields()). Two indexed queries and
   * one pass over the mailbox's rows in SQLite: no header is read or parsed.
   */
  idMatches(mailboxId: number, field: IdFieldName, token: string): IdMatches {
    return {
      hits: this.idHitsStmt.all(field, token, mailboxId),
      unsure: this.idUnsureStmt.all(mailboxId, SEARCH_FIELDS_VERSION, MAX_SEARCH_HEADER_BYTES, field),
    };
  }

  /** Stores a body's row (inside the transaction that inserted the body); `headerEnd` as bodySearchFields. */
  store(bodyId: number, bytes: Buffer, headerEnd?: number): void {
    this.write(bodyId, bodySearchFields(bytes, headerEnd));
  }

  private write(bodyId: number, f: ComputedFields): void {
    const v = f.values;
    const day = f.sentDay === null ? null : f.sentDay.year * 10000 + f.sentDay.month * 100 + f.sentDay.day;
    this.setStmt.run(bodyId, SEARCH_FIELDS_VERSION, f.headerLen, f.folds ? 1 : 0, ...SEARCH_FIELD_NAMES.map((n) => json(v[n])), day);
    this.clearIdsStmt.run(bodyId);
    for (const field of ID_FIELD_NAMES) for (const token of idTokens(v[field])) this.addIdStmt.run(field, token, bodyId);
  }

  /** The first octets of a body (its header, as far as SEARCH reads it). */
  private head(bodyId: number, length = MAX_SEARCH_HEADER_BYTES): Buffer {
    return this.bodies.read(bodyId, 0, length) ?? Buffer.alloc(0);
  }

  /** Reads only the columns asked for: the prefix and a field's values only when some value is. */
  private statements(names: readonly SearchFieldName[]): ReadStatements {
    const key = names.join(',');
    let stmts = this.readStmts.get(key);
    if (!stmts) {
      const prefix = names.length > 0 ? 'length(m.prefix), CAST(m.prefix AS TEXT)' : 'NULL, NULL';
      const select =
        `SELECT m.uid, m.body_id, f.version, f.header_len, f.folds, f.sent_day, ${[prefix, ...names.map((n) => `f.${column(n)}`)].join(', ')} ` +
        'FROM messages m LEFT JOIN body_search_fields f ON f.body_id = m.body_id WHERE m.mailbox_id = ? AND ';
      stmts = {
        byList: this.db.prepare<[number, string], FieldsRow>(`${select}m.uid IN (SELECT value FROM json_each(?))`).raw(),
        byRange: this.db.prepare<[number, number, number], FieldsRow>(`${select}m.uid BETWEEN ? AND ?`).raw(),
      };
      this.readStmts.set(key, stmts);
    }
    return stmts;
  }

  /** The rows of the listed messages: by their UID range when they are dense in it, else by the list. */
  private rows(mailboxId: number, uids: readonly number[], names: readonly SearchFieldName[]): FieldsRow[] {
    const stmts = this.statements(names);
    const safe = uids.filter(Number.isSafeInteger);
    let min = Infinity;
    let max = -Infinity;
    for (const uid of safe) {
      if (uid < min) min = uid;
      if (uid > max) max = uid;
    }
    if (safe.length < RANGE_MIN || max - min + 1 > 2 * safe.length) return stmts.byList.all(mailboxId, JSON.stringify(safe));
    const wanted = new Set(safe);
    return stmts.byRange.all(mailboxId, min, max).filter((row) => wanted.has(row[0]));
  }

  /**
   * The sent day and the values of the named fields of the listed messages that exist in the mailbox,
   * computing any body's row that is missing.
   */
  fields(mailboxId: number, uids: readonly number[], names: readonly SearchFieldName[]): Map<number, SearchFields> {
    const out = new Map<number, SearchFields>();
    if (uids.length === 0) return out;
    const wanted = SEARCH_FIELD_NAMES.filter((n) => names.includes(n));
    const missing = new Map<number, ComputedFields>();
    for (const row of this.rows(mailboxId, uids, wanted)) {
      const [uid, bodyId, , , , , octets, prefix] = row;
      const stored = readRow(row, wanted);
      let body = stored ?? missing.get(bodyId);
      if (!body) {
        const computed = bodySearchFields(this.head(bodyId));
        missing.set(bodyId, computed);
        body = computed;
      }
      let values = stored ? stored.values : pickSearchValues(body.values, wanted);
      if (wanted.length > 0 && !prefixIsInert(prefix ?? '', octets ?? 0, body)) {
        const bytes = this.prefixStmt.get(mailboxId, uid) ?? Buffer.alloc(0);
        values = pickSearchValues(servedSearchValues(bytes, this.head(bodyId, body.headerLen)), wanted);
      }
      out.set(uid, { values, sentDay: body.sentDay });
    }
    if (missing.size > 0) this.backfill(missing);
    return out;
  }

  /** Stores rows computed for bodies that had none (stored before migration 0003) or of another version. */
  private backfill(bodies: ReadonlyMap<number, ComputedFields>): void {
    try {
      this.db.transaction(() => {
        for (const [bodyId, f] of bodies) this.write(bodyId, f);
      }).immediate();
    } catch {
      // Busy, read-only, or a body freed meanwhile: the fields are served anyway; a later search stores them.
    }
  }
}
