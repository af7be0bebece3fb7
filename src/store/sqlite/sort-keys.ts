// What SORT and THREAD compare (RFC 5256, RFC 5957; issue 15 item 4; migrations/0014), kept per body: computed
// at ingest from the body's top header (bodies stored before, or of another version, on first need, then
// stored) and read for a mailbox's messages in one query. A message whose trace prefix could change one of the
// fields read (a line starting with such a name, or a prefix that could alter the header) is computed from its
// served header instead, as FETCH would show it. Only the columns the criteria compare are read, and whether a
// message's stored row serves is decided in SQL (sureSql); a single DATE, ARRIVAL or SIZE key is ordered by
// SQLite over the messages_search index (migrations/0017), returning UIDs only.
import type { Statement } from 'better-sqlite3';
import { MAX_SEARCH_HEADER_BYTES } from '../../mime/header-search.js';
import type { SortKeys } from '../../mime/sort-keys.js';
import { BodyReader } from './body-bytes.js';
import type { SqliteDb } from './database.js';
import type { MessageSortKeys, SimpleSortKey, SortKeyNeed } from '../types.js';
import { letterBit, PREFIX_UNSAFE } from './prefix-shape.js';

export { computeSortKeys, prefixKeepsKeys, SORT_KEYS_VERSION } from '../sort-key-extract.js';
import { ALL_SORT_KEY_NEEDS as ALL_NEEDS, computeSortKeys, prefixKeepsKeys, SORT_KEY_NEEDS as NEEDS, SORT_KEYS_VERSION, type ComputedSortKeys as Computed } from '../sort-key-extract.js';

const COLUMNS = [
  'version', 'header_len', 'folds', 'subject', 'is_reply', 'from_mailbox', 'from_display', 'to_mailbox', 'to_display',
  'cc_mailbox', 'cc_display', 'sent_ms', 'message_id', 'refs',
] as const;

type Row = [
  uid: number,
  internalDate: number,
  size: number,
  bodyId: number,
  prefixOctets: number,
  prefix: string | null,
  version: number | null,
  headerLen: number | null,
  folds: number | null,
  ...keys: Array<string | number | null>,
];


/**
 * SQL that is 1 when the message is served with exactly its body's stored values of `fields` (a conservative
 * form of prefixKeepsKeys: the row is current, and the prefix is empty, or it ends its lines, every line starts
 * with a letter or continues one (prefix-shape.ts), the body's first line is no continuation, both fit in the
 * octets read, and no line starts with one of the names in any case (nor with a longer name that does, which is
 * only more cautious); 0 or NULL (a prefix of unknown shape,
 * migrations/0013) when that is not sure, and the caller decides as before, in JS.
 */
function sureSql(fields: readonly string[]): string {
  const text = 'CAST(m.prefix AS TEXT)';
  // LIKE folds ASCII case (case_sensitive_like is never set); one test per name, only when a line starts with
  // its initial.
  const absent = fields
    .map((f) => `(CASE WHEN (m.prefix_shape & ${letterBit(f.charCodeAt(0))}) = 0 THEN 1 ELSE NOT (${text} LIKE '${f}%' OR ${text} LIKE '%' || char(10) || '${f}%') END)`)
    .join(' AND ');
  return (
    `(k.version = ${SORT_KEYS_VERSION} AND k.header_len IS NOT NULL AND (length(m.prefix) = 0 OR (k.folds = 0 ` +
    `AND length(m.prefix) + k.header_len <= ${MAX_SEARCH_HEADER_BYTES} AND (m.prefix_shape & ${PREFIX_UNSAFE}) = 0 ` +
    `AND ${absent})))`
  );
}

/** A body's stored row is of this code's version: its values may be used. */
const CURRENT = `coalesce(k.version = ${SORT_KEYS_VERSION} AND k.header_len IS NOT NULL, 0)`;

/** Up to this many messages whose row may not serve are read one by one; more, in one pass over the span. */
const UNSURE_ONE_BY_ONE = 64;

const NO_ADDRESS = Object.freeze({ mailbox: '', display: '' });
const NO_REFERENCES: string[] = [];

type Value = string | number | null;
/** One query per column, each in UID order (plucked values cost a fraction of a row array each). */
type ColumnStatement = Statement<[number, number, number], Value>;

interface NeedStatement {
  /** UID, INTERNALDATE, size, then the needed columns in NEEDS order. */
  columns: readonly ColumnStatement[];
  /** Whether each message is served by its stored row (sureSql): this reads the prefixes. */
  sure: ColumnStatement;
  /** Whether each message's row is current (CURRENT), for messages whose prefixes are known not to matter. */
  current: ColumnStatement;
  needs: readonly SortKeyNeed[];
  name: string;
}

function fromRow(row: Row): SortKeys | null {
  const [, , , , , , version, , , subject, isReply, fm, fd, tm, td, cm, cd, sent, messageId, refs] = row;
  if (version !== SORT_KEYS_VERSION) return null;
  return {
    subject: String(subject),
    isReply: isReply === 1,
    from: { mailbox: String(fm), display: String(fd) },
    to: { mailbox: String(tm), display: String(td) },
    cc: { mailbox: String(cm), display: String(cd) },
    sent: typeof sent === 'number' ? sent : null,
    messageId: typeof messageId === 'string' ? messageId : null,
    references: typeof refs === 'string' && refs !== '' ? refs.split(' ') : [],
  };
}

/** The keys of message `n` from the needed columns (NeedStatement.columns' values), the others empty. */
function keysOf(columns: ReadonlyArray<readonly Value[]>, n: number, needs: readonly SortKeyNeed[]): SortKeys {
  const keys: SortKeys = { subject: '', isReply: false, from: NO_ADDRESS, to: NO_ADDRESS, cc: NO_ADDRESS, sent: null, messageId: null, references: NO_REFERENCES };
  const row = (c: number): Value => columns[c]![n] ?? null;
  let i = 3;
  for (const need of needs) {
    switch (need) {
      case 'sent':
        keys.sent = row(i++) as number | null;
        break;
      case 'subject':
        keys.subject = row(i++) as string;
        break;
      case 'from':
      case 'to':
      case 'cc':
        keys[need] = { mailbox: row(i) as string, display: row(i + 1) as string };
        i += 2;
        break;
      case 'thread': {
        keys.subject = row(i) as string;
        keys.isReply = row(i + 1) === 1;
        keys.sent = row(i + 2) as number | null;
        keys.messageId = row(i + 3) as string | null;
        const refs = row(i + 4) as string;
        keys.references = refs === '' ? NO_REFERENCES : refs.split(' ');
        i += 5;
        break;
      }
    }
  }
  return keys;
}

export class SortKeysRepo {
  private readonly setStmt: Statement<Array<string | number | null>>;
  private readonly readStmt: Statement<[number, number, number], Row>;
  private readonly prefixStmt: Statement<[number, number], Buffer>;
  private readonly dateUnsureStmt: Statement<[number, number, number], number>;
  private readonly bodies: BodyReader;
  private readonly needStmts = new Map<string, NeedStatement>();
  private readonly orderStmts = new Map<string, Statement<[number, number, number], number>>();
  /**
   * Per mailbox and set of keyed fields, a UID up to which every message was found served with its body's
   * stored values (sureSql). What depends on the prefix stays so: a message's prefix and body never change,
   * mailbox ids are never reused (AUTOINCREMENT) and UIDs never renumbered; so those messages' prefixes are not
   * read again. Whether their rows are still current (CURRENT: another version's process may rewrite them, a
   * test deletes them) is checked on every read.
   */
  private readonly sureTo = new Map<string, number>();

  constructor(private readonly db: SqliteDb) {
    this.setStmt = db.prepare<Array<string | number | null>>(
      `INSERT INTO body_sort_keys (body_id, ${COLUMNS.join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')}) ` +
        `ON CONFLICT (body_id) DO UPDATE SET ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    this.readStmt = db
      .prepare<[number, number, number], Row>(
        'SELECT m.uid, m.internal_date, m.size, m.body_id, length(m.prefix), CASE WHEN length(m.prefix) > 0 THEN CAST(m.prefix AS TEXT) END, ' +
          `${COLUMNS.map((c) => `k.${c}`).join(', ')} FROM messages m LEFT JOIN body_sort_keys k ON k.body_id = m.body_id ` +
          'WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ? ORDER BY m.uid',
      )
      .raw();
    this.prefixStmt = db.prepare<[number, number], Buffer>('SELECT prefix FROM messages WHERE mailbox_id = ? AND uid = ?').pluck();
    this.dateUnsureStmt = db
      .prepare<[number, number, number], number>(
        'SELECT m.uid FROM messages m LEFT JOIN body_sort_keys k ON k.body_id = m.body_id ' +
          `WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ? AND coalesce(${sureSql(NEEDS.sent.fields)}, 0) = 0 ORDER BY m.uid LIMIT 1`,
      )
      .pluck();
    this.bodies = new BodyReader(db);
  }

  /** Stores a body's row (inside the transaction that inserted the body). */
  store(bodyId: number, bytes: Buffer, headerEnd?: number): void {
    this.write(bodyId, computeSortKeys(bytes, headerEnd));
  }

  private write(bodyId: number, c: Computed): void {
    const k = c.keys;
    this.setStmt.run(
      bodyId, SORT_KEYS_VERSION, c.headerLen, c.folds ? 1 : 0, k.subject, k.isReply ? 1 : 0, k.from.mailbox, k.from.display,
      k.to.mailbox, k.to.display, k.cc.mailbox, k.cc.display, k.sent, k.messageId, k.references.join(' '),
    );
  }

  /**
   * The keys of the mailbox's messages with a UID in [from, to], in UID order, as served; rows missing or stale
   * are stored.
   * With `need`, only those keys are read (the others empty); a message whose stored row may not serve is read
   * in full, as before.
   */
  keys(mailboxId: number, from: number, to: number, need: readonly SortKeyNeed[] = ALL_NEEDS): MessageSortKeys[] {
    const { columns: statements, sure, current, needs, name } = this.needStatement(need);
    const cached = `${mailboxId}:${name}`;
    const known = this.sureTo.get(cached) ?? 0;
    // One read transaction: every column sees the same rows, whatever other connections commit meanwhile.
    const [columns, sureness] = this.db.transaction((): [Value[][], Value[]] => [
      statements.map((stmt) => stmt.all(mailboxId, from, to)),
      (to <= known ? current : sure).all(mailboxId, from, to),
    ])();
    const [uids, dates, sizes] = columns as [number[], number[], number[]];
    const out: Array<MessageSortKeys | undefined> = new Array<MessageSortKeys | undefined>(uids.length);
    const unsure: number[] = [];
    for (let n = 0; n < uids.length; n++) {
      if (sureness[n] !== 1) unsure.push(n);
      else out[n] = { uid: uids[n]!, keys: keysOf(columns, n, needs), internalDate: dates[n]!, size: sizes[n]! };
    }
    const sureTo = unsure.length === 0 ? to : uids[unsure[0]!]! - 1;
    if (from <= known + 1 && sureTo > known) this.sureTo.set(cached, sureTo);
    if (unsure.length === 0) return out as MessageSortKeys[];
    // Many (the first SORT after an upgrade, or trace prefixes naming a keyed field): one pass over the span.
    if (unsure.length > UNSURE_ONE_BY_ONE) return this.fullKeys(mailboxId, from, to);
    for (const n of unsure) out[n] = this.fullKeys(mailboxId, uids[n]!, uids[n]!)[0]; // none: expunged meanwhile
    return out.filter((m): m is MessageSortKeys => m !== undefined);
  }

  /**
   * The UIDs in [from, to] by one key, ties by UID (RFC 5256 §3: then sequence order), the key's order flipped
   * by `reverse`; null when a message's sent date may not be its stored row's.
   */
  sortedUids(mailboxId: number, from: number, to: number, key: SimpleSortKey, reverse: boolean): number[] | null {
    if (key === 'DATE' && !this.prefixesSure(mailboxId, from, to)) return null;
    const uids = this.orderStmt(key, reverse).all(mailboxId, from, to);
    // DATE: a message whose row is not current comes negated (its stored date may not be its own).
    if (key === 'DATE') for (const uid of uids) if (uid < 0) return null;
    return uids;
  }

  /** Whether no message in [from, to] has a prefix that may change its sent date (learnt once per message). */
  private prefixesSure(mailboxId: number, from: number, to: number): boolean {
    const name = `${mailboxId}:sent`;
    const known = this.sureTo.get(name) ?? 0;
    if (to <= known) return true;
    const first = this.dateUnsureStmt.get(mailboxId, known + 1, to);
    this.sureTo.set(name, first === undefined ? to : first - 1);
    if (first === undefined) return true;
    return first < from && this.dateUnsureStmt.get(mailboxId, from, to) === undefined;
  }

  private orderStmt(key: SimpleSortKey, reverse: boolean): Statement<[number, number, number], number> {
    const name = `${key}${reverse ? ' DESC' : ''}`;
    let stmt = this.orderStmts.get(name);
    if (!stmt) {
      const value = key === 'ARRIVAL' ? 'm.internal_date' : key === 'SIZE' ? 'm.size' : 'coalesce(k.sent_ms, m.internal_date)';
      const join = key === 'DATE' ? ' LEFT JOIN body_sort_keys k ON k.body_id = m.body_id' : '';
      const uid = key === 'DATE' ? `CASE WHEN ${CURRENT} THEN m.uid ELSE -m.uid END` : 'm.uid';
      // SIZE is not in messages_search: the rows are read then.
      const index = key === 'SIZE' ? '' : ' INDEXED BY messages_search';
      stmt = this.db
        .prepare<[number, number, number], number>(
          `SELECT ${uid} FROM messages m${index}${join} WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ? ` +
            `ORDER BY ${value}${reverse ? ' DESC' : ''}, m.uid`,
        )
        .pluck();
      this.orderStmts.set(name, stmt);
    }
    return stmt;
  }

  private needStatement(need: readonly SortKeyNeed[]): NeedStatement {
    const needs = ALL_NEEDS.filter((n) => need.includes(n));
    const name = needs.join(',');
    let cached = this.needStmts.get(name);
    if (!cached) {
      const fields = [...new Set(needs.flatMap((n) => NEEDS[n].fields))];
      const needColumns = needs.flatMap((n) => NEEDS[n].columns);
      const sure = fields.length === 0 ? '1' : `coalesce(${sureSql(fields)}, 0)`;
      const column = (expr: string): ColumnStatement =>
        this.db
          .prepare<[number, number, number], Value>(
            `SELECT ${expr} FROM messages m LEFT JOIN body_sort_keys k ON k.body_id = m.body_id ` +
              'WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ? ORDER BY m.uid',
          )
          .pluck();
      const columns = ['m.uid', 'm.internal_date', 'm.size', ...needColumns.map((c) => `k.${c}`)].map(column);
      this.needStmts.set(name, (cached = { columns, sure: column(sure), current: column(CURRENT), needs, name }));
    }
    return cached;
  }

  /** Every key of the messages in [from, to], deciding per message (prefixKeepsKeys) and parsing if need be. */
  private fullKeys(mailboxId: number, from: number, to: number): MessageSortKeys[] {
    const out: MessageSortKeys[] = [];
    const missing = new Map<number, Computed>();
    for (const row of this.readStmt.all(mailboxId, from, to)) {
      const [uid, internalDate, size, bodyId, octets, prefix, , headerLen, folds] = row;
      let keys = fromRow(row);
      let computed: Computed | null = null;
      if (keys === null) {
        computed = missing.get(bodyId) ?? computeSortKeys(this.bodies.read(bodyId, 0, MAX_SEARCH_HEADER_BYTES) ?? Buffer.alloc(0));
        missing.set(bodyId, computed);
        keys = computed.keys;
      }
      const len = computed ? computed.headerLen : (headerLen ?? 0);
      const fold = computed ? computed.folds : folds === 1;
      if (!prefixKeepsKeys(prefix ?? '', octets, len, fold)) {
        const served = Buffer.concat([this.prefixStmt.get(mailboxId, uid) ?? Buffer.alloc(0), this.bodies.read(bodyId, 0, len) ?? Buffer.alloc(0)]);
        keys = computeSortKeys(served.subarray(0, MAX_SEARCH_HEADER_BYTES)).keys;
      }
      out.push({ uid, keys, internalDate, size });
    }
    if (missing.size > 0) this.backfill(missing);
    return out;
  }

  private backfill(bodies: ReadonlyMap<number, Computed>): void {
    try {
      this.db.transaction(() => {
        for (const [bodyId, c] of bodies) this.write(bodyId, c);
      }).immediate();
    } catch {
      // Busy, read-only, or a body freed meanwhile: the keys are served anyway; a later SORT stores them.
    }
  }
}
