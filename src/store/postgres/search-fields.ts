// What SEARCH FROM/TO/CC/BCC/SUBJECT, HEADER Message-ID … and SENT* compare, read from the rows kept per body at
// ingest (RFC 9051 §6.4.4; SPEC R7.4): the PostgreSQL form of sqlite/search-fields.ts. A message whose trace
// prefix could change a field is read as served (prefix and body header parsed together); a body without a
// current row is computed from its header and the row stored.
import { MAX_SEARCH_HEADER_BYTES, SEARCH_FIELD_NAMES, type IdFieldName, type SearchFieldName, type SearchFieldValues } from '../../mime/header-search.js';
import type { IdMatches, SearchFields } from '../types.js';
import type { PgContext } from './context.js';
import type { PgClient } from './database.js';
import { searchFieldsStorable, storedHead, writeSearchFields } from './derived.js';
import {
  bodySearchFields,
  column,
  NO_SEARCH_VALUES,
  pickSearchValues,
  prefixIsInert,
  SEARCH_FIELDS_VERSION,
  servedSearchValues,
  storedDay,
  type BodySearchFields,
  type ComputedFields,
} from '../search-field-extract.js';

interface FieldsRow {
  uid: number;
  body_id: number;
  version: number | null;
  header_len: number | null;
  folds: boolean | null;
  sent_day: number | null;
  prefix: Buffer | null;
  [value: `v${number}`]: string | null;
}

const EMPTY = Buffer.alloc(0);

const list = (json: string | null): string[] => (json === null ? [] : (JSON.parse(json) as string[]));

/** A stored row of the current version with the asked values, or null (sqlite/search-fields.ts readRow). */
function readRow(row: FieldsRow, names: readonly SearchFieldName[]): BodySearchFields | null {
  if (row.version !== SEARCH_FIELDS_VERSION || row.header_len === null) return null;
  try {
    let values = NO_SEARCH_VALUES;
    if (names.length > 0) {
      values = {};
      names.forEach((name, i) => (values[name] = list(row[`v${i}`] ?? null)));
    }
    const day = row.sent_day;
    const sentDay = storedDay(day);
    return { headerLen: row.header_len, folds: row.folds === true, values, sentDay };
  } catch {
    return null;
  }
}


/**
 * The SQL form of prefixIsInert for the msg-id index, conservative (the name anywhere in the prefix, any CR or LF
 * starting it): a message outside this list is served with exactly its body's values for the field
 * (sqlite/search-fields.ts idUnsureStmt).
 */
const ID_UNSURE =
  'SELECT m.uid FROM messages m LEFT JOIN body_search_fields f ON f.body_id = m.body_id ' +
  'WHERE m.mailbox_id = $1 AND (f.version IS DISTINCT FROM $2 OR (length(m.prefix) > 0 AND (' +
  "f.folds OR length(m.prefix) + f.header_len > $3 OR substring(m.prefix FROM length(m.prefix)) <> '\\x0a'::bytea " +
  "OR substring(m.prefix FROM 1 FOR 1) IN ('\\x0d'::bytea, '\\x0a'::bytea) OR position('\\x0a0a'::bytea IN m.prefix) > 0 " +
  "OR position('\\x0a0d0a'::bytea IN m.prefix) > 0 OR position($4 IN lower(encode(m.prefix, 'escape'))) > 0))) ORDER BY m.uid";

export class SearchFieldsPg {
  constructor(private readonly ctx: PgContext) {}

  /** The messages whose `field` holds the msg-id `token` from the index, and those it cannot answer for. */
  async idMatches(client: PgClient, mailboxId: number, field: IdFieldName, token: string): Promise<IdMatches> {
    // No stored token holds NUL (a body with one has a stale row: unsure below), nor can a query parameter.
    const hits = token.includes('\u0000')
      ? []
      : (
          await client.query<{ uid: number }>(
            'SELECT m.uid FROM body_msg_ids t JOIN messages m ON m.body_id = t.body_id WHERE t.field = $1 AND t.token = $2 AND m.mailbox_id = $3 ORDER BY m.uid',
            [field, token, mailboxId],
          )
        ).rows;
    const unsure = await client.query<{ uid: number }>(ID_UNSURE, [mailboxId, SEARCH_FIELDS_VERSION, MAX_SEARCH_HEADER_BYTES, field]);
    return { hits: hits.map((r) => r.uid), unsure: unsure.rows.map((r) => r.uid) };
  }

  /**
   * The sent day and the named fields' values of the listed messages that exist, computing missing rows into
   * `missing` (for backfill, after the read).
   */
  async fields(
    client: PgClient,
    mailboxId: number,
    uids: readonly number[],
    names: readonly SearchFieldName[],
    missing: Map<number, ComputedFields>,
  ): Promise<Map<number, SearchFields>> {
    const out = new Map<number, SearchFields>();
    if (uids.length === 0) return out;
    const wanted = SEARCH_FIELD_NAMES.filter((n) => names.includes(n));
    const values = wanted.map((n, i) => `f.${column(n)} AS v${i}`);
    const { rows } = await client.query<FieldsRow>(
      `SELECT m.uid, m.body_id, f.version, f.header_len, f.folds, f.sent_day, ${wanted.length > 0 ? 'm.prefix' : 'NULL::bytea AS prefix'}` +
        `${values.map((v) => `, ${v}`).join('')} FROM messages m LEFT JOIN body_search_fields f ON f.body_id = m.body_id ` +
        'WHERE m.mailbox_id = $1 AND m.uid = ANY($2::bigint[]) ORDER BY m.uid',
      [mailboxId, uids.filter(Number.isSafeInteger)],
    );
    for (const row of rows) {
      const stored = readRow(row, wanted);
      let body: BodySearchFields | undefined = stored ?? missing.get(row.body_id);
      if (!body) {
        const computed = bodySearchFields(await storedHead(client, row.body_id));
        missing.set(row.body_id, computed);
        body = computed;
      }
      let vals = stored ? stored.values : pickSearchValues(body.values, wanted);
      const prefix = row.prefix ?? EMPTY;
      // The prefix's octets read as UTF-8 text, as the SQLite store's CAST(prefix AS TEXT).
      if (wanted.length > 0 && !prefixIsInert(prefix.toString('utf8'), prefix.length, body)) {
        vals = pickSearchValues(servedSearchValues(prefix, await storedHead(client, row.body_id, body.headerLen)), wanted);
      }
      out.set(row.uid, { values: vals, sentDay: body.sentDay });
    }
    return out;
  }

  /** Stores rows computed for bodies that had none or a stale one; a failure leaves it to a later search. */
  async backfill(bodies: ReadonlyMap<number, ComputedFields>): Promise<void> {
    if (bodies.size === 0) return;
    try {
      await this.ctx.write(async (client) => {
        for (const [bodyId, f] of bodies) {
          if (!searchFieldsStorable(f)) continue; // would be stale again: computed on every use
          // A body freed meanwhile has no row to fill (its messages are gone).
          const { rowCount } = await client.query('SELECT 1 FROM bodies WHERE id = $1 FOR KEY SHARE', [bodyId]);
          if (rowCount) await writeSearchFields(client, bodyId, f);
        }
        return { value: undefined, changes: [] };
      });
    } catch {
      // The values were served anyway.
    }
  }
}
