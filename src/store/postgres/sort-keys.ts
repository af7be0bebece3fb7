// What SORT and THREAD compare (RFC 5256, RFC 5957; issue 15 item 4), read from the rows kept per body at ingest:
// the PostgreSQL form of sqlite/sort-keys.ts. Only the columns the criteria compare are read; whether a message's
// stored row serves is decided in SQL (sureSql); a message whose trace prefix could change a keyed field, or whose
// body lacks a current row, is computed from its served header (the row then stored). A single DATE, ARRIVAL or
// SIZE key is ordered by PostgreSQL, returning UIDs only.
import { MAX_SEARCH_HEADER_BYTES } from '../../mime/header-search.js';
import type { SortKeys } from '../../mime/sort-keys.js';
import { letterBit, PREFIX_UNSAFE } from '../sqlite/prefix-shape.js';
import type { MessageSortKeys, SimpleSortKey, SortKeyNeed } from '../types.js';
import type { PgContext } from './context.js';
import type { PgClient } from './database.js';
import { sortKeysStorable, storedHead, writeSortKeys } from './derived.js';
import {
  ALL_SORT_KEY_NEEDS as ALL_NEEDS,
  computeSortKeys,
  prefixKeepsKeys,
  SORT_KEY_NEEDS as NEEDS,
  SORT_KEYS_VERSION,
  type ComputedSortKeys,
} from '../sort-key-extract.js';

const ALL_COLUMNS = ['subject', 'is_reply', 'from_mailbox', 'from_display', 'to_mailbox', 'to_display', 'cc_mailbox', 'cc_display', 'sent_ms', 'message_id', 'refs'];

/**
 * SQL that is true when the message is served with exactly its body's stored values of `fields` (a conservative
 * form of prefixKeepsKeys, as sqlite/sort-keys.ts sureSql): the row is current, and the prefix is empty, or its
 * shape is safe, the body's first line is no continuation, both fit in the octets read, and no line starts with
 * one of the names in any case. Null or false when not sure (a prefix without a shape included).
 */
function sureSql(fields: readonly string[]): string {
  const text = "lower(encode(m.prefix, 'escape'))";
  const absent = fields
    .map((f) => `(CASE WHEN (m.prefix_shape & ${letterBit(f.charCodeAt(0))}) = 0 THEN true ELSE NOT (${text} LIKE '${f}%' OR ${text} LIKE '%' || chr(10) || '${f}%') END)`)
    .join(' AND ');
  return (
    `(k.version = ${SORT_KEYS_VERSION} AND (length(m.prefix) = 0 OR (NOT k.folds ` +
    `AND length(m.prefix) + k.header_len <= ${MAX_SEARCH_HEADER_BYTES} AND (m.prefix_shape & ${PREFIX_UNSAFE}) = 0 ` +
    `AND ${absent})))`
  );
}

/** A body's stored row is of this code's version. */
const CURRENT = `coalesce(k.version = ${SORT_KEYS_VERSION}, false)`;

/** Up to this many messages whose row may not serve are read one by one; more, in one pass over the span. */
const UNSURE_ONE_BY_ONE = 64;

const NO_ADDRESS = Object.freeze({ mailbox: '', display: '' });
const NO_REFERENCES: string[] = [];
const EMPTY = Buffer.alloc(0);

type Row = Record<string, unknown> & { uid: number; internal_date: number; size: number };

/** The keys of a row from the needed columns, the others empty (sqlite/sort-keys.ts keysOf). */
function keysOf(row: Row, needs: readonly SortKeyNeed[]): SortKeys {
  const keys: SortKeys = { subject: '', isReply: false, from: NO_ADDRESS, to: NO_ADDRESS, cc: NO_ADDRESS, sent: null, messageId: null, references: NO_REFERENCES };
  for (const need of needs) {
    switch (need) {
      case 'sent':
        keys.sent = row.sent_ms as number | null;
        break;
      case 'subject':
        keys.subject = row.subject as string;
        break;
      case 'from':
      case 'to':
      case 'cc':
        keys[need] = { mailbox: row[`${need}_mailbox`] as string, display: row[`${need}_display`] as string };
        break;
      case 'thread': {
        keys.subject = row.subject as string;
        keys.isReply = row.is_reply === true;
        keys.sent = row.sent_ms as number | null;
        keys.messageId = row.message_id as string | null;
        const refs = row.refs as string;
        keys.references = refs === '' ? NO_REFERENCES : refs.split(' ');
        break;
      }
    }
  }
  return keys;
}

/** Every key of a current row (sqlite/sort-keys.ts fromRow); null when it is not current. */
function fromRow(row: Row): SortKeys | null {
  if (row.version !== SORT_KEYS_VERSION) return null;
  const refs = row.refs;
  return {
    subject: String(row.subject),
    isReply: row.is_reply === true,
    from: { mailbox: String(row.from_mailbox), display: String(row.from_display) },
    to: { mailbox: String(row.to_mailbox), display: String(row.to_display) },
    cc: { mailbox: String(row.cc_mailbox), display: String(row.cc_display) },
    sent: typeof row.sent_ms === 'number' ? row.sent_ms : null,
    messageId: typeof row.message_id === 'string' ? row.message_id : null,
    references: typeof refs === 'string' && refs !== '' ? refs.split(' ') : [],
  };
}

export class SortKeysPg {
  constructor(private readonly ctx: PgContext) {}

  /**
   * The keys of the mailbox's messages with a UID in [from, to], in UID order, as served; with `need`, only those
   * keys (the others empty) for messages whose stored row serves, every key for the others. Rows missing or stale
   * are computed into `missing` (stored by backfill after the read).
   */
  async keys(
    client: PgClient,
    mailboxId: number,
    from: number,
    to: number,
    need: readonly SortKeyNeed[] | undefined,
    missing: Map<number, ComputedSortKeys>,
  ): Promise<MessageSortKeys[]> {
    const needs = ALL_NEEDS.filter((n) => (need ?? ALL_NEEDS).includes(n));
    const fields = [...new Set(needs.flatMap((n) => NEEDS[n].fields))];
    const columns = [...new Set(needs.flatMap((n) => NEEDS[n].columns))];
    const sure = fields.length === 0 ? 'true' : `coalesce(${sureSql(fields)}, false)`;
    const { rows } = await client.query<Row & { sure: boolean }>(
      `SELECT m.uid, m.internal_date, m.size, ${sure} AS sure${columns.map((c) => `, k.${c}`).join('')} ` +
        'FROM messages m LEFT JOIN body_sort_keys k ON k.body_id = m.body_id WHERE m.mailbox_id = $1 AND m.uid BETWEEN $2 AND $3 ORDER BY m.uid',
      [mailboxId, from, to],
    );
    const out: Array<MessageSortKeys | undefined> = [];
    const unsure: number[] = [];
    rows.forEach((row, n) => {
      if (row.sure) out.push({ uid: row.uid, keys: keysOf(row, needs), internalDate: row.internal_date, size: row.size });
      else {
        out.push(undefined);
        unsure.push(n);
      }
    });
    if (unsure.length === 0) return out as MessageSortKeys[];
    if (unsure.length > UNSURE_ONE_BY_ONE) return this.fullKeys(client, mailboxId, from, to, missing);
    for (const n of unsure) {
      const uid = rows[n]!.uid;
      out[n] = (await this.fullKeys(client, mailboxId, uid, uid, missing))[0];
    }
    return out.filter((m): m is MessageSortKeys => m !== undefined);
  }

  /** The UIDs in [from, to] by one key, ties by UID; null when a message's sent date may not be its stored row's. */
  async sortedUids(client: PgClient, mailboxId: number, from: number, to: number, key: SimpleSortKey, reverse: boolean): Promise<number[] | null> {
    if (key === 'DATE') {
      const { rowCount } = await client.query(
        'SELECT 1 FROM messages m LEFT JOIN body_sort_keys k ON k.body_id = m.body_id ' +
          `WHERE m.mailbox_id = $1 AND m.uid BETWEEN $2 AND $3 AND NOT coalesce(${sureSql(NEEDS.sent.fields)}, false) LIMIT 1`,
        [mailboxId, from, to],
      );
      if (rowCount) return null;
    }
    const value = key === 'ARRIVAL' ? 'm.internal_date' : key === 'SIZE' ? 'm.size' : 'coalesce(k.sent_ms, m.internal_date)';
    const join = key === 'DATE' ? ' LEFT JOIN body_sort_keys k ON k.body_id = m.body_id' : '';
    const uid = key === 'DATE' ? `CASE WHEN ${CURRENT} THEN m.uid ELSE -m.uid END` : 'm.uid';
    const { rows } = await client.query<{ uid: number }>(
      `SELECT ${uid} AS uid FROM messages m${join} WHERE m.mailbox_id = $1 AND m.uid BETWEEN $2 AND $3 ORDER BY ${value}${reverse ? ' DESC' : ''}, m.uid`,
      [mailboxId, from, to],
    );
    const uids = rows.map((r) => r.uid);
    if (key === 'DATE' && uids.some((u) => u < 0)) return null;
    return uids;
  }

  /** Every key of the messages in [from, to], deciding per message (prefixKeepsKeys) and parsing if need be. */
  private async fullKeys(client: PgClient, mailboxId: number, from: number, to: number, missing: Map<number, ComputedSortKeys>): Promise<MessageSortKeys[]> {
    const { rows } = await client.query<Row & { body_id: number; prefix: Buffer; version: number | null; header_len: number | null; folds: boolean | null }>(
      `SELECT m.uid, m.internal_date, m.size, m.body_id, m.prefix, k.version, k.header_len, k.folds${ALL_COLUMNS.map((c) => `, k.${c}`).join('')} ` +
        'FROM messages m LEFT JOIN body_sort_keys k ON k.body_id = m.body_id WHERE m.mailbox_id = $1 AND m.uid BETWEEN $2 AND $3 ORDER BY m.uid',
      [mailboxId, from, to],
    );
    const out: MessageSortKeys[] = [];
    for (const row of rows) {
      let keys = fromRow(row);
      let computed: ComputedSortKeys | null = null;
      if (keys === null) {
        computed = missing.get(row.body_id) ?? computeSortKeys(await storedHead(client, row.body_id));
        missing.set(row.body_id, computed);
        keys = computed.keys;
      }
      const len = computed ? computed.headerLen : (row.header_len ?? 0);
      const fold = computed ? computed.folds : row.folds === true;
      const prefix = row.prefix ?? EMPTY;
      if (!prefixKeepsKeys(prefix.toString('utf8'), prefix.length, len, fold)) {
        const served = Buffer.concat([prefix, await storedHead(client, row.body_id, len)]);
        keys = computeSortKeys(served.subarray(0, MAX_SEARCH_HEADER_BYTES)).keys;
      }
      out.push({ uid: row.uid, keys, internalDate: row.internal_date, size: row.size });
    }
    return out;
  }

  /** Stores rows computed for bodies that had none or a stale one; a failure leaves it to a later SORT. */
  async backfill(bodies: ReadonlyMap<number, ComputedSortKeys>): Promise<void> {
    if (bodies.size === 0) return;
    try {
      await this.ctx.write(async (client) => {
        for (const [bodyId, c] of bodies) {
          if (!sortKeysStorable(c)) continue; // would be stale again: computed on every use
          const { rowCount } = await client.query('SELECT 1 FROM bodies WHERE id = $1 FOR KEY SHARE', [bodyId]);
          if (rowCount) await writeSortKeys(client, bodyId, c);
        }
        return { value: undefined, changes: [] };
      });
    } catch {
      // The keys were served anyway.
    }
  }
}
