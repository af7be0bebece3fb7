// SEARCH FROM/TO/CC/BCC/SUBJECT over a mailbox through the trigram index of the search fields (RFC 9051 §6.4.4;
// SPEC R7.4; issue 14 items 5-6; migrations/0018): the bodies whose field may hold the needle come from the index,
// the messages the stored values cannot answer for from small indexes, so that the cost follows the matches, not
// the mailbox's size. Where the index would name more bodies than a pass over the mailbox costs (a needle in most
// messages, or of fewer than three characters), the caller makes that pass instead (search-keys.ts).
import type { Statement } from 'better-sqlite3';
import type { SearchFieldName } from '../../mime/header-search.js';
import type { UidRange } from '../types.js';
import type { SqliteDb } from './database.js';
import { letterBit, PREFIX_UNSAFE } from './prefix-shape.js';
import { column } from '../search-field-extract.js';
import { trigramQuery } from './trigram-query.js';

/**
 * A body whose header is longer than this, or a message whose trace prefix is, may have a field that the prefix
 * changes (the two together beyond MAX_SEARCH_HEADER_BYTES, 256 KiB): such messages are always unsure here.
 * The same bound as migrations/0018's partial indexes.
 */
export const LONG_PART = 131_072;

/** [uid, 1 when the stored values answer for the message else 0, the field's stored JSON values or null]. */
export type FieldRow = [uid: number, sure: number, values: string | null];

/**
 * The SQL test that a message (m, with a prefix shape) is served with exactly its body's stored values (f) of a
 * field starting with `initial` (search-fields.ts' prefixIsInert, from the prefix's shape, migrations/0013): one
 * integer test instead of scanning the prefix, on columns of the messages_search index (migrations/0017).
 */
export const shapeTest = (initial: string): string => {
  const mask = PREFIX_UNSAFE | letterBit(initial.charCodeAt(0));
  return (
    `f.version = @version AND f.header_len IS NOT NULL AND (m.prefix_shape & ${mask}) = 0 ` +
    'AND (length(m.prefix) = 0 OR (f.folds = 0 AND length(m.prefix) + f.header_len <= @max))'
  );
};

/** The fields the index holds (migrations/0018); HEADER Message-ID and the like are matched by a pass. */
const INDEXED: ReadonlySet<SearchFieldName> = new Set(['from', 'to', 'cc', 'bcc', 'subject']);

/** Prefix shapes that may change an indexed field: its letters and PREFIX_UNSAFE (messages_prefix_fields' test). */
export const INDEXED_FIELDS_SHAPE = [...INDEXED].reduce((mask, name) => mask | letterBit(name.charCodeAt(0)), PREFIX_UNSAFE);

/** Bodies indexed per catch-up transaction, and the backlog at which the ingest writer catches up at once. */
export const CATCH_UP_BATCH = 512;

const INSERT_ROW =
  'INSERT INTO body_field_trigrams (rowid, from_values, to_values, cc_values, bcc_values, subject_values) ' +
  'SELECT body_id, from_values, to_values, cc_values, bcc_values, subject_values FROM body_search_fields WHERE body_id = ?';

/**
 * Fills the index with the field values of the bodies stored past its mark, in body order, a batch per write
 * transaction on its connection (the ingest writer thread after its batches, or the store inline), moving the
 * mark. A body already indexed (by the update trigger) is replaced, not doubled.
 */
export class FieldTrigramIndexer {
  private readonly backlogStmt: Statement<[], number>;
  private readonly markStmt: Statement<[], number>;
  private readonly idsStmt: Statement<[number, number], number>;
  private readonly dropStmt: Statement<[number]>;
  private readonly insertStmt: Statement<[number]>;
  private readonly moveStmt: Statement<[number]>;

  constructor(private readonly db: SqliteDb) {
    this.backlogStmt = db
      .prepare<[], number>('SELECT (SELECT coalesce(max(body_id), 0) FROM body_search_fields) - indexed_max FROM body_field_trigrams_mark')
      .pluck();
    this.markStmt = db.prepare<[], number>('SELECT indexed_max FROM body_field_trigrams_mark').pluck();
    this.idsStmt = db.prepare<[number, number], number>('SELECT body_id FROM body_search_fields WHERE body_id > ? ORDER BY body_id LIMIT ?').pluck();
    this.dropStmt = db.prepare<[number]>('DELETE FROM body_field_trigrams WHERE rowid = ?');
    this.insertStmt = db.prepare<[number]>(INSERT_ROW);
    this.moveStmt = db.prepare<[number]>('UPDATE body_field_trigrams_mark SET indexed_max = ?');
  }

  /** Bodies stored past the mark: how far behind the index is (ids are handed out in commit order). */
  backlog(): number {
    return this.backlogStmt.get() ?? 0;
  }

  /** Indexes up to `limit` bodies past the mark; how many it indexed. */
  catchUp(limit = CATCH_UP_BATCH): number {
    return this.db.transaction(() => {
      const ids = this.idsStmt.all(this.markStmt.get() ?? 0, limit);
      for (const id of ids) {
        this.dropStmt.run(id);
        this.insertStmt.run(id);
      }
      if (ids.length > 0) this.moveStmt.run(ids[ids.length - 1]!);
      return ids.length;
    }).immediate();
  }

  /** One batch when at least a batch is waiting (after a delivery); a failure (a busy lock) waits for the next. */
  keepUp(): void {
    try {
      if (this.backlog() >= CATCH_UP_BATCH) this.catchUp();
    } catch {
      // the next delivery tries again
    }
  }
}

interface FieldStatements {
  bodies: Statement<[string, number], number>;
  tail: Statement<Record<string, unknown>, number>;
  hits: Statement<Record<string, unknown>, FieldRow>;
  unsure: Statement<Record<string, unknown>, number>;
}

export class FieldTrigrams {
  private readonly stmts = new Map<SearchFieldName, FieldStatements>();
  private readonly oddStmt: Statement<{ version: number; limit: number }, number>;
  private readonly markStmt: Statement<[], number>;

  constructor(private readonly db: SqliteDb) {
    this.markStmt = db.prepare<[], number>('SELECT indexed_max FROM body_field_trigrams_mark').pluck();
    // Rows of another version (placeholders included) and irregular bodies, each found through its index.
    this.oddStmt = db
      .prepare<{ version: number; limit: number }, number>(
        'SELECT body_id FROM body_search_fields INDEXED BY body_search_fields_version WHERE version < @version ' +
          'UNION SELECT body_id FROM body_search_fields INDEXED BY body_search_fields_version WHERE version > @version ' +
          `UNION SELECT body_id FROM body_search_fields INDEXED BY body_search_fields_irregular WHERE folds != 0 OR header_len > ${LONG_PART} ` +
          'LIMIT @limit',
      )
      .pluck();
  }

  /**
   * The mailbox's messages with UIDs in `span` and a prefix shape whose `field` may hold `jsonNeedle` (the
   * needle as JSON writes it inside a string), each with whether its stored values answer for it, and the
   * messages they cannot answer for (sure 0, no values); ascending by UID. Null when the index cannot help: a
   * needle shorter than a trigram, or more than `limit` bodies to look at. The bodies the index names, and the
   * mailbox's bodies stored past its mark (not indexed yet), are looked at; one read snapshot for all.
   */
  rows(mailboxId: number, field: SearchFieldName, jsonNeedle: string, span: UidRange, version: number, max: number, limit: number): FieldRow[] | null {
    const query = INDEXED.has(field) ? trigramQuery(jsonNeedle) : null;
    if (query === null) return null;
    return this.db.transaction(() => this.read(mailboxId, field, query, span, version, max, limit)).deferred();
  }

  private read(mailboxId: number, field: SearchFieldName, query: string, span: UidRange, version: number, max: number, limit: number): FieldRow[] | null {
    const stmts = this.statements(field);
    const params = { mailbox: mailboxId, from: span.from, to: span.to, version, max };
    // The mark first: it only grows, and every body up to it is in the index.
    const mark = this.markStmt.get() ?? 0;
    const tail = stmts.tail.all({ ...params, mark, limit: limit + 1 });
    if (tail.length > limit) return null;
    const bodies = stmts.bodies.all(`${column(field)} : (${query})`, limit + 1 - tail.length).concat(tail);
    if (bodies.length > limit) return null;
    const odd = this.oddStmt.all({ version, limit: limit + 1 });
    if (odd.length > limit) return null;
    const unsure = new Set(stmts.unsure.all({ ...params, odd: JSON.stringify(odd) }));
    const out: FieldRow[] = [];
    const seen = new Set<number>();
    if (bodies.length > 0) {
      for (const row of stmts.hits.all({ ...params, bodies: JSON.stringify(bodies) })) {
        if (unsure.has(row[0]) || seen.has(row[0])) continue;
        seen.add(row[0]);
        out.push(row);
      }
    }
    for (const uid of unsure) out.push([uid, 0, null]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  private statements(field: SearchFieldName): FieldStatements {
    let stmts = this.stmts.get(field);
    if (!stmts) {
      const col = `f.${column(field)}`;
      const mask = PREFIX_UNSAFE | letterBit(field.charCodeAt(0));
      // Exact: a message not in `unsure` passes it, this is a second check.
      const sure = shapeTest(field);
      const inSpan = 'm.mailbox_id = @mailbox AND m.uid BETWEEN @from AND @to AND m.prefix_shape IS NOT NULL';
      stmts = {
        bodies: this.db.prepare<[string, number], number>('SELECT rowid FROM body_field_trigrams WHERE body_field_trigrams MATCH ? LIMIT ?').pluck(),
        tail: this.db
          .prepare<Record<string, unknown>, number>(`SELECT DISTINCT m.body_id FROM messages m INDEXED BY messages_body WHERE m.body_id > @mark AND ${inSpan} LIMIT @limit`)
          .pluck(),
        hits: this.db
          .prepare<Record<string, unknown>, FieldRow>(
            `SELECT m.uid, coalesce(${sure}, 0), ${col} FROM json_each(@bodies) b CROSS JOIN messages m INDEXED BY messages_body ON m.body_id = b.value ` +
              `JOIN body_search_fields f ON f.body_id = m.body_id WHERE ${inSpan}`,
          )
          .raw(),
        // A prefix that may change the field (its shape), a long prefix, or an odd body: conservative, so that
        // every message outside it passes the exact test above.
        unsure: this.db
          .prepare<Record<string, unknown>, number>(
            `SELECT m.uid FROM messages m INDEXED BY messages_prefix_fields WHERE ${inSpan} AND (m.prefix_shape & ${INDEXED_FIELDS_SHAPE}) != 0 AND (m.prefix_shape & ${mask}) != 0 ` +
              `UNION SELECT m.uid FROM messages m INDEXED BY messages_long_prefix WHERE ${inSpan} AND length(m.prefix) > ${LONG_PART} ` +
              `UNION SELECT m.uid FROM json_each(@odd) b CROSS JOIN messages m INDEXED BY messages_body ON m.body_id = b.value WHERE ${inSpan}`,
          )
          .pluck(),
      };
      this.stmts.set(field, stmts);
    }
    return stmts;
  }
}
