// SEARCH keys answered over a whole mailbox in SQL (RFC 9051 §6.4.4; SPEC R7.4; issue 14 items 5-6): FROM, TO, CC,
// BCC, SUBJECT from the small per-body search-field columns (migrations/0003) — the bodies that may hold the needle
// named by their trigram index (field-trigrams.ts, migrations/0018) when that is cheaper than a pass over the
// mailbox — SENTBEFORE/SENTON/SENTSINCE from their sent_day, BEFORE/ON/SINCE from the messages' INTERNALDATE, and
// the listing SEARCH starts from (UIDs and the REQUIRETLS ones, R3.4) — without reading any message's row into JS
// but those that may match. Messages whose stored row cannot answer (of another extraction version, or with a
// trace prefix that may change the field: its shape, migrations/0013) are returned as unsure: the caller reads
// their values (search-fields.ts).
import { daySample, dayStart, jsonNeedle } from '../search-field-extract.js';
import type { Statement } from 'better-sqlite3';
import { MAX_SEARCH_HEADER_BYTES, type SearchFieldName } from '../../mime/header-search.js';
import type { HeldMessages, KeyMatches, MailboxSearchKey, SearchListing, UidRange } from '../types.js';
import type { SqliteDb } from './database.js';
import { SYSTEM_FLAGS } from '../types.js';
import { FLAG_BITS } from './flags.js';
import { column, SEARCH_FIELDS_VERSION } from '../search-field-extract.js';
import { FieldTrigrams, shapeTest, type FieldRow } from './field-trigrams.js';


/**
 * The SQL form of search-fields.ts' prefixIsInert for one field, conservative: a message passes only when its
 * body's stored row is current and its trace prefix is empty or ends its last line, holds no blank line, no
 * line starting with CR, no octet JavaScript's trim() would take as space besides SP and HTAB (VT, FF, NBSP),
 * does not start with SP or HTAB, does not make the body's first line a continuation, fits with the body's
 * header in the octets read, and has no line starting with the field name's first letter (either case; a
 * field line of that name would). Such a message is served with exactly its body's values for that field, so
 * the stored values answer for it. Octet tests on the BLOB only: no copy of the prefix per row.
 */
const octetTest = (initial: string): string => {
  const lower = initial.toLowerCase().charCodeAt(0).toString(16);
  const upper = initial.toUpperCase().charCodeAt(0).toString(16);
  return (
    "f.version = @version AND f.header_len IS NOT NULL AND (length(m.prefix) = 0 OR (f.folds = 0 " +
    "AND length(m.prefix) + f.header_len <= @max AND substr(m.prefix, -1) = x'0a' " +
    `AND substr(m.prefix, 1, 1) NOT IN (x'0d', x'0a', x'20', x'09', x'${lower}', x'${upper}') ` +
    "AND instr(m.prefix, x'0a0a') = 0 AND instr(m.prefix, x'0a0d') = 0 " +
    "AND instr(m.prefix, x'0b') = 0 AND instr(m.prefix, x'0c') = 0 AND instr(m.prefix, x'a0') = 0 " +
    `AND instr(m.prefix, x'0a${lower}') = 0 AND instr(m.prefix, x'0a${upper}') = 0))`
  );
};

/** Only the stored row's currency matters for the sent day (it is the body's own, whatever the prefix). */
const CURRENT = 'f.version = @version AND f.header_len IS NOT NULL';

/** INTERNALDATE as the wall-clock instant of its own zone (issue 13 item 6), in milliseconds. */
const LOCAL_MS = '(m.internal_date + m.internal_tz * 60000)';

const OPS = { before: '<', on: '=', since: '>=' } as const;
const DAY_MS = 86_400_000;

interface FieldStatements {
  scan: Statement<Record<string, unknown>, FieldRow>;
  unshaped: Statement<Record<string, unknown>, FieldRow>;
}

/**
 * When the trigram index is asked rather than a pass made (tests set them to force either way): `passPerLookup`,
 * messages of the span a pass reads in the time one body the index names costs (measured: ~0.45 µs, ~2 µs);
 * `minLookups`, bodies always worth asking for.
 */
export const fieldLookups = { passPerLookup: 5, minLookups: 256 };
/** A span wider than this (sparse UIDs) counts as this wide. */
const MAX_LOOKUP_SPAN = 1_000_000;

export { daySample } from '../search-field-extract.js';

export class SearchKeysRepo {
  private readonly fieldStmts = new Map<string, FieldStatements>();
  private readonly trigrams: FieldTrigrams;
  private readonly unshapedAfterStmt: Statement<[number, number], number>;
  private readonly dayStmts = new Map<string, Statement<Record<string, unknown>, number>>();
  private readonly uidsStmt: Statement<[number, number, number], number>;
  private readonly countStmt: Statement<[number, number], number>;
  private readonly requireTlsStmt: Statement<[number, number, number], number>;
  private readonly systemFlagStmts: Array<Statement<[number, number, number], number>>;
  private readonly keywordStmt: Statement<[number, number, number, string], number>;

  constructor(private readonly db: SqliteDb) {
    this.trigrams = new FieldTrigrams(db);
    this.unshapedAfterStmt = db
      .prepare<[number, number], number>('SELECT 1 FROM messages INDEXED BY messages_unshaped WHERE mailbox_id = ? AND uid > ? AND prefix_shape IS NULL LIMIT 1')
      .pluck();
    this.uidsStmt = db.prepare<[number, number, number], number>('SELECT uid FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid').pluck();
    this.countStmt = db.prepare<[number, number], number>('SELECT count(*) FROM messages WHERE mailbox_id = ? AND uid <= ?').pluck();
    this.requireTlsStmt = db
      .prepare<[number, number, number], number>('SELECT uid FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? AND require_tls != 0')
      .pluck();
    const flagged = (test: string): string => `SELECT uid FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? AND ${test} ORDER BY uid`;
    this.systemFlagStmts = SYSTEM_FLAGS.map((f) => db.prepare<[number, number, number], number>(flagged(`(system_flags & ${FLAG_BITS[f]}) != 0`)).pluck());
    this.keywordStmt = db
      .prepare<[number, number, number, string], number>(flagged("instr(' ' || lower(keywords) || ' ', ' ' || lower(?) || ' ') > 0"))
      .pluck();
  }

  /**
   * The mailbox's UIDs within the ranges (all when none), and those of them delivered with REQUIRETLS. Without
   * ranges and with `held`: when the mailbox holds `held.count` messages with a UID up to `held.through` (counted
   * on the (mailbox_id, uid) index, ~0.04 µs a message against ~0.3 µs for each UID returned to JS), no UIDs,
   * only the REQUIRETLS ones up to there (the partial index messages_require_tls). Call in one snapshot.
   */
  listing(mailboxId: number, ranges?: readonly UidRange[], held?: HeldMessages): SearchListing {
    if (held && !(ranges && ranges.length > 0) && this.countStmt.get(mailboxId, held.through) === held.count) {
      return { uids: null, requireTls: this.requireTlsStmt.all(mailboxId, 1, held.through) };
    }
    const spans = ranges && ranges.length > 0 ? ranges : [{ from: 1, to: Number.MAX_SAFE_INTEGER }];
    const uids: number[] = [];
    const requireTls: number[] = [];
    for (const r of spans) {
      for (const uid of this.uidsStmt.all(mailboxId, r.from, r.to)) uids.push(uid);
      for (const uid of this.requireTlsStmt.all(mailboxId, r.from, r.to)) requireTls.push(uid);
    }
    if (spans.length > 1) uids.sort((a, b) => a - b);
    return { uids, requireTls };
  }

  /** The messages with UIDs in `span` that match `key`, and those whose stored data cannot say. */
  matches(mailboxId: number, key: MailboxSearchKey, span: UidRange): KeyMatches {
    if (key.kind === 'field') return this.fieldMatches(mailboxId, key.field, key.needle, span);
    if (key.kind === 'flag') return { hits: this.flagHits(mailboxId, key.flag, span), unsure: [] };
    // A day key answers with the shorter list (issue 14 item 6): each UID returned costs ~0.3 µs, testing one in
    // SQLite ~0.06 µs. A sample spread over the span guesses which side is smaller; that side is asked for with
    // a LIMIT of half the span's width, and when it reaches it, the other side (then the smaller) is asked for.
    const params = {
      mailbox: mailboxId,
      from: span.from,
      to: span.to,
      version: SEARCH_FIELDS_VERSION,
      day: key.day,
      ms: dayStart(key.day),
      next: dayStart(key.day) + DAY_MS,
      sample: JSON.stringify(daySample(span)),
      limit: Math.floor((span.to - span.from + 1) / 2) + 1,
    };
    const exceptFirst = (this.dayStatement(key.kind, key.op, 'sample').get(params) ?? 0) > 0;
    let except = exceptFirst;
    let rows = this.dayStatement(key.kind, key.op, exceptFirst ? 'misses' : 'hits').all(params);
    if (rows.length >= params.limit) {
      except = !exceptFirst;
      rows = this.dayStatement(key.kind, key.op, except ? 'misses' : 'hits').all({ ...params, limit: -1 });
    }
    let hits: number[] = rows; // INTERNALDATE always answers
    const unsure: number[] = [];
    if (key.kind === 'sent-day') {
      hits = [];
      for (const row of rows) {
        if (row > 0) hits.push(row);
        else unsure.push(-row);
      }
    }
    return except ? { hits, unsure, except } : { hits, unsure };
  }

  /**
   * A field's values hold the folded `needle` (an empty one: the field is present). SQLite keeps the rows whose
   * stored JSON text contains the needle's JSON text (a superset: a value holding the needle holds it so), and
   * those it cannot answer for; the kept rows' values are then compared as SEARCH compares them.
   */
  private fieldMatches(mailboxId: number, field: SearchFieldName, needle: string, span: UidRange): KeyMatches {
    const inJson = needle === '' ? null : jsonNeedle(needle);
    const params = { mailbox: mailboxId, from: span.from, to: span.to, version: SEARCH_FIELDS_VERSION, max: MAX_SEARCH_HEADER_BYTES, needle: inJson ?? '' };
    // Through the trigram index when it names fewer bodies than a pass costs, else one pass over the span.
    const width = Math.min(span.to - span.from + 1, MAX_LOOKUP_SPAN);
    const limit = Math.max(fieldLookups.minLookups, Math.floor(width / fieldLookups.passPerLookup));
    // The index answers for the rest of the mailbox at once (no slice asks it again) when no message after the
    // span lacks a prefix shape: those are tested octet by octet, slice by slice.
    const rest = this.unshapedAfterStmt.get(mailboxId, span.to) === undefined ? { from: span.from, to: Number.MAX_SAFE_INTEGER } : span;
    const indexed = inJson === null ? null : this.trigrams.rows(mailboxId, field, inJson, rest, SEARCH_FIELDS_VERSION, MAX_SEARCH_HEADER_BYTES, limit);
    const rows = indexed ? indexed.concat(this.statements(field).unshaped.all({ ...params, to: rest.to })) : this.statements(field).scan.all(params);
    const hits: number[] = [];
    const unsure: number[] = [];
    for (const [uid, sure, json] of rows) {
      if (sure !== 1) {
        unsure.push(uid);
        continue;
      }
      let values: unknown;
      try {
        values = JSON.parse(json ?? '[]');
      } catch {
        unsure.push(uid); // unreadable: the values are recomputed from the header
        continue;
      }
      if (!Array.isArray(values)) unsure.push(uid);
      else if (needle === '' ? values.length > 0 : values.some((v) => typeof v === 'string' && v.includes(needle))) hits.push(uid);
    }
    const ascending = (a: number, b: number): number => a - b;
    return { hits: hits.sort(ascending), unsure: unsure.sort(ascending), ...(indexed && rest.to > span.to ? { rest: true } : {}) };
  }

  /** A system flag by its bit; a keyword (an ASCII atom, flags.ts) as a word of the space-separated list. */
  private flagHits(mailboxId: number, flag: string, span: UidRange): number[] {
    const at = SYSTEM_FLAGS.findIndex((f) => f.toLowerCase() === flag.toLowerCase());
    const system = this.systemFlagStmts[at];
    return system ? system.all(mailboxId, span.from, span.to) : this.keywordStmt.all(mailboxId, span.from, span.to, flag);
  }

  /**
   * A pass over the span in two parts, each through its own index: the messages with a prefix shape (all stored
   * since migrations/0013) through messages_search, which holds every column they need, and the older ones
   * (`unshaped`, also what the trigram path adds) through messages_unshaped, their prefixes tested octet by octet.
   */
  private statements(field: SearchFieldName): FieldStatements {
    let stmts = this.fieldStmts.get(field);
    if (!stmts) {
      const col = `f.${column(field)}`;
      const pass = (index: string, shape: string, test: string): string =>
        // The cheap test first: the sure-test runs for the rows whose values may match and once per other row.
        `SELECT m.uid, coalesce(${test}, 0), ${col} FROM messages m INDEXED BY ${index} LEFT JOIN body_search_fields f ON f.body_id = m.body_id ` +
        `WHERE m.mailbox_id = @mailbox AND m.uid BETWEEN @from AND @to AND m.prefix_shape ${shape} ` +
        `AND ((${col} IS NOT NULL AND instr(${col}, @needle) > 0) OR NOT coalesce(${test}, 0))`;
      const unshaped = pass('messages_unshaped', 'IS NULL', octetTest(field));
      stmts = {
        scan: this.db.prepare<Record<string, unknown>, FieldRow>(`${pass('messages_search', 'IS NOT NULL', shapeTest(field))} UNION ALL ${unshaped} ORDER BY 1`).raw(),
        unshaped: this.db.prepare<Record<string, unknown>, FieldRow>(`${unshaped} ORDER BY 1`).raw(),
      };
      this.fieldStmts.set(field, stmts);
    }
    return stmts;
  }

  /**
   * The day key's rows, one number each (no row objects: 10,000 of them cost more than the query): the UID of a
   * message that matches ('hits') or surely does not ('misses'), or minus the UID of one whose stored row cannot
   * say (sent-day only), at most @limit (-1: all); or ('sample') how many more of the @sample UIDs surely match
   * than surely do not.
   */
  private dayStatement(kind: 'sent-day' | 'internal-day', op: 'before' | 'on' | 'since', side: 'hits' | 'misses' | 'sample'): Statement<Record<string, unknown>, number> {
    const key = `${kind}:${op}:${side}`;
    let stmt = this.dayStmts.get(key);
    if (!stmt) {
      const local = op === 'on' ? `${LOCAL_MS} >= @ms AND ${LOCAL_MS} < @next` : `${LOCAL_MS} ${OPS[op]} @ms`;
      // The sent day, or the INTERNALDATE's day when the Date: field cannot be read (RFC 9051 §6.4.4).
      const test = kind === 'internal-day' ? `(${local})` : `(CASE WHEN f.sent_day IS NOT NULL THEN f.sent_day ${OPS[op]} @day ELSE ${local} END)`;
      const sure = kind === 'internal-day' ? '1' : `coalesce(${CURRENT}, 0)`; // INTERNALDATE always answers
      const from = `FROM messages m INDEXED BY messages_search${kind === 'sent-day' ? ' LEFT JOIN body_search_fields f ON f.body_id = m.body_id' : ''}`;
      const uid = kind === 'internal-day' ? 'm.uid' : `CASE WHEN ${sure} THEN m.uid ELSE -m.uid END`;
      const inSpan = 'm.mailbox_id = @mailbox AND m.uid BETWEEN @from AND @to';
      const sql =
        side === 'sample'
          ? `SELECT coalesce(sum(CASE WHEN NOT ${sure} THEN 0 WHEN ${test} THEN 1 ELSE -1 END), 0) ${from} ` +
            'WHERE m.mailbox_id = @mailbox AND m.uid IN (SELECT value FROM json_each(@sample))'
          : `SELECT ${uid} ${from} WHERE ${inSpan} AND (NOT ${sure} OR ${side === 'hits' ? '' : 'NOT '}${test}) ORDER BY m.uid LIMIT @limit`;
      stmt = this.db.prepare<Record<string, unknown>, number>(sql).pluck();
      this.dayStmts.set(key, stmt);
    }
    return stmt;
  }
}
