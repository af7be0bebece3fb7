// SEARCH keys answered over a whole mailbox in SQL (RFC 9051 §6.4.4; SPEC R7.4; issue 14 items 5-6): the PostgreSQL
// form of sqlite/search-keys.ts. FROM, TO, CC, BCC, SUBJECT from the per-body search-field columns (the rows that
// may hold the needle found through their pg_trgm indexes with LIKE), SENT* from sent_day, BEFORE/ON/SINCE from
// INTERNALDATE, flags, and the listing SEARCH starts from (UIDs and the REQUIRETLS ones, R3.4). Messages whose
// stored row cannot answer (another version, or a trace prefix that may change the field: its shape) are unsure.
import { daySample, dayStart, jsonNeedle as valuesNeedle } from '../search-field-extract.js';
import { MAX_SEARCH_HEADER_BYTES, type SearchFieldName } from '../../mime/header-search.js';
import { SYSTEM_FLAGS, type HeldMessages, type KeyMatches, type MailboxSearchKey, type SearchListing, type UidRange } from '../types.js';
import { FLAG_BITS } from '../sqlite/flags.js';
import { letterBit, PREFIX_UNSAFE } from '../sqlite/prefix-shape.js';
import type { PgClient } from './database.js';
import { column, SEARCH_FIELDS_VERSION } from '../search-field-extract.js';

/** The highest UID a span may name in SQL (`to` may be Infinity). */
export const clampUid = (uid: number): number => (Number.isFinite(uid) ? Math.min(Math.max(Math.floor(uid), 0), Number.MAX_SAFE_INTEGER) : uid > 0 ? Number.MAX_SAFE_INTEGER : 0);

/**
 * The SQL test that a message is served with exactly its body's stored values of a field starting with `initial`
 * (sqlite/field-trigrams.ts shapeTest, from the prefix's shape). A message with a prefix but no shape is unsure.
 */
const sureTest = (initial: string): string => {
  const mask = PREFIX_UNSAFE | letterBit(initial.charCodeAt(0));
  return (
    `(f.version = ${SEARCH_FIELDS_VERSION} AND (length(m.prefix) = 0 OR ((m.prefix_shape & ${mask}) = 0 ` +
    `AND NOT f.folds AND length(m.prefix) + f.header_len <= ${MAX_SEARCH_HEADER_BYTES})))`
  );
};

/** INTERNALDATE as the wall-clock instant of its own zone (issue 13 item 6), in milliseconds. */
const LOCAL_MS = '(m.internal_date + m.internal_tz * 60000)';
const OPS = { before: '<', on: '=', since: '>=' } as const;
const DAY_MS = 86_400_000;

/** The needle within the stored JSON values, or null when that cannot be said (PostgreSQL text holds no NUL). */
function jsonNeedle(needle: string): string | null {
  return needle.includes('\u0000') ? null : valuesNeedle(needle);
}

/** A LIKE pattern matching texts that contain `text` (%, _ and \ escaped). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const uids = (rows: ReadonlyArray<{ uid: number }>): number[] => rows.map((r) => r.uid);

/** Runs `sql` with `@name` parameters, numbering only those it uses (PostgreSQL types every numbered one). */
async function named<R extends Record<string, unknown>>(client: PgClient, sql: string, values: Record<string, unknown>): Promise<R[]> {
  const order: string[] = [];
  const text = sql.replace(/@([a-z]+)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for @${name}`);
    let at = order.indexOf(name);
    if (at < 0) at = order.push(name) - 1;
    return `$${at + 1}`;
  });
  return (await client.query<R>(text, order.map((n) => values[n]))).rows;
}

export class SearchKeysPg {
  /** The mailbox's UIDs within the ranges (all when none) and the REQUIRETLS ones; `held` as Store.searchListing. */
  async listing(client: PgClient, mailboxId: number, ranges?: readonly UidRange[], held?: HeldMessages): Promise<SearchListing> {
    const requireTls = async (from: number, to: number): Promise<number[]> =>
      uids(
        (await client.query<{ uid: number }>('SELECT uid FROM messages WHERE mailbox_id = $1 AND uid BETWEEN $2 AND $3 AND require_tls ORDER BY uid', [mailboxId, from, to]))
          .rows,
      );
    if (held && !(ranges && ranges.length > 0)) {
      const through = clampUid(held.through);
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::bigint AS n FROM messages WHERE mailbox_id = $1 AND uid <= $2', [mailboxId, through]);
      if (rows[0]?.n === held.count) return { uids: null, requireTls: await requireTls(1, through) };
    }
    const spans = ranges && ranges.length > 0 ? ranges : [{ from: 1, to: Number.MAX_SAFE_INTEGER }];
    const all: number[] = [];
    const tls: number[] = [];
    for (const r of spans) {
      const from = clampUid(r.from);
      const to = clampUid(r.to);
      const { rows } = await client.query<{ uid: number }>('SELECT uid FROM messages WHERE mailbox_id = $1 AND uid BETWEEN $2 AND $3 ORDER BY uid', [mailboxId, from, to]);
      for (const row of rows) all.push(row.uid);
      for (const uid of await requireTls(from, to)) tls.push(uid);
    }
    if (spans.length > 1) all.sort((a, b) => a - b);
    return { uids: all, requireTls: tls };
  }

  /** The messages with UIDs in `span` that match `key`, and those whose stored data cannot say. */
  async matches(client: PgClient, mailboxId: number, key: MailboxSearchKey, span: UidRange): Promise<KeyMatches> {
    const from = clampUid(span.from);
    const to = clampUid(span.to);
    if (key.kind === 'field') return this.fieldMatches(client, mailboxId, key.field, key.needle, from, to);
    if (key.kind === 'flag') return { hits: await this.flagHits(client, mailboxId, key.flag, from, to), unsure: [] };
    return this.dayMatches(client, mailboxId, key.kind, key.op, key.day, from, to);
  }

  /**
   * A field's values hold the folded `needle` (empty: the field is present): PostgreSQL keeps the rows whose stored
   * JSON text contains the needle's JSON text (through the trigram index), and those it cannot answer for; the
   * kept rows' values are then compared as SEARCH compares them (sqlite/search-keys.ts fieldMatches).
   */
  private async fieldMatches(client: PgClient, mailboxId: number, field: SearchFieldName, needle: string, from: number, to: number): Promise<KeyMatches> {
    const inJson = needle === '' ? null : jsonNeedle(needle);
    const col = `f.${column(field)}`;
    const sure = `coalesce(${sureTest(field)}, false)`;
    const { rows } = await client.query<{ uid: number; sure: boolean; json: string | null }>(
      `SELECT m.uid, ${sure} AS sure, ${col} AS json FROM messages m LEFT JOIN body_search_fields f ON f.body_id = m.body_id ` +
        `WHERE m.mailbox_id = $1 AND m.uid BETWEEN $2 AND $3 AND (${col} LIKE $4 OR NOT ${sure}) ORDER BY m.uid`,
      [mailboxId, from, to, containsPattern(inJson ?? '')],
    );
    const hits: number[] = [];
    const unsure: number[] = [];
    for (const { uid, sure: isSure, json } of rows) {
      if (!isSure) {
        unsure.push(uid);
        continue;
      }
      let values: unknown;
      try {
        values = JSON.parse(json ?? '[]');
      } catch {
        unsure.push(uid);
        continue;
      }
      if (!Array.isArray(values)) unsure.push(uid);
      else if (needle === '' ? values.length > 0 : values.some((v) => typeof v === 'string' && v.includes(needle))) hits.push(uid);
    }
    return { hits, unsure };
  }

  /** A system flag by its bit; a keyword as a word of the space-separated list, case-insensitively. */
  private async flagHits(client: PgClient, mailboxId: number, flag: string, from: number, to: number): Promise<number[]> {
    const system = SYSTEM_FLAGS.find((f) => f.toLowerCase() === flag.toLowerCase());
    if (!system && flag.includes('\u0000')) return []; // no stored keyword holds NUL (an atom cannot)
    const sql = 'SELECT uid FROM messages WHERE mailbox_id = $1 AND uid BETWEEN $2 AND $3 AND ';
    const { rows } = system
      ? await client.query<{ uid: number }>(`${sql}(system_flags & $4) <> 0 ORDER BY uid`, [mailboxId, from, to, FLAG_BITS[system]])
      : await client.query<{ uid: number }>(`${sql}position(' ' || lower($4) || ' ' IN ' ' || lower(keywords) || ' ') > 0 ORDER BY uid`, [
          mailboxId,
          from,
          to,
          flag,
        ]);
    return uids(rows);
  }

  /**
   * A day key answers with the shorter list (issue 14 item 6): a sample spread over the span guesses which side is
   * smaller; that side is asked for with a LIMIT of half the span's width, and when it reaches it, the other side.
   */
  private async dayMatches(
    client: PgClient,
    mailboxId: number,
    kind: 'sent-day' | 'internal-day',
    op: 'before' | 'on' | 'since',
    day: number,
    from: number,
    to: number,
  ): Promise<KeyMatches> {
    const ms = dayStart(day);
    const local = op === 'on' ? `${LOCAL_MS} >= @ms AND ${LOCAL_MS} < @next` : `${LOCAL_MS} ${OPS[op]} @ms`;
    const test = kind === 'internal-day' ? `(${local})` : `(CASE WHEN f.sent_day IS NOT NULL THEN f.sent_day ${OPS[op]} @day ELSE ${local} END)`;
    const sure = kind === 'internal-day' ? 'true' : `coalesce(f.version = ${SEARCH_FIELDS_VERSION}, false)`;
    const source = `FROM messages m${kind === 'sent-day' ? ' LEFT JOIN body_search_fields f ON f.body_id = m.body_id' : ''}`;
    const uid = kind === 'internal-day' ? 'm.uid' : `CASE WHEN ${sure} THEN m.uid ELSE -m.uid END`;
    const values = { mailbox: mailboxId, from, to, ms, next: ms + DAY_MS, day, sample: daySample({ from, to }), limit: null as number | null };
    const sample = await named<{ n: number }>(
      client,
      `SELECT coalesce(sum(CASE WHEN NOT ${sure} THEN 0 WHEN ${test} THEN 1 ELSE -1 END), 0)::bigint AS n ${source} ` +
        'WHERE m.mailbox_id = @mailbox AND m.uid = ANY(@sample::bigint[])',
      values,
    );
    const side = async (misses: boolean, limit: number | null): Promise<number[]> =>
      (
        await named<{ uid: number }>(
          client,
          `SELECT ${uid} AS uid ${source} WHERE m.mailbox_id = @mailbox AND m.uid BETWEEN @from AND @to ` +
            `AND (NOT ${sure} OR ${misses ? 'NOT ' : ''}${test}) ORDER BY m.uid LIMIT @limit`,
          { ...values, limit },
        )
      ).map((r) => r.uid);
    const limit = Math.floor((to - from + 1) / 2) + 1;
    const exceptFirst = (sample[0]?.n ?? 0) > 0;
    let except = exceptFirst;
    let rows = await side(exceptFirst, limit);
    if (rows.length >= limit) {
      except = !exceptFirst;
      rows = await side(except, null);
    }
    let hits = rows;
    const unsure: number[] = [];
    if (kind === 'sent-day') {
      hits = [];
      for (const row of rows) {
        if (row > 0) hits.push(row);
        else unsure.push(-row);
      }
    }
    return except ? { hits, unsure, except } : { hits, unsure };
  }
}
