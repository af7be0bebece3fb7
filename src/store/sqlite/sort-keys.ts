// What SORT and THREAD compare (RFC 5256, RFC 5957; issue 15 item 4; migrations/0014), kept per body: computed
// at ingest from the body's top header (bodies stored before, or of another version, on first need, then
// stored) and read for a mailbox's messages in one query. A message whose trace prefix could change one of the
// fields read (a line starting with such a name, or a prefix that could alter the header) is computed from its
// served header instead, as FETCH would show it.
import type { Statement } from 'better-sqlite3';
import { findBodyStart, parseFields } from '../../mime/header.js';
import { MAX_SEARCH_HEADER_BYTES } from '../../mime/header-search.js';
import { sortKeysOf, type SortKeys } from '../../mime/sort-keys.js';
import { BodyReader } from './body-bytes.js';
import type { SqliteDb } from './database.js';
import type { MessageSortKeys } from '../types.js';

/** Bumped when the extraction's output changes: rows of another version are recomputed on first use. */
export const SORT_KEYS_VERSION = 1;

const SP = 0x20;
const HTAB = 0x09;
const COLUMNS = [
  'version', 'header_len', 'folds', 'subject', 'is_reply', 'from_mailbox', 'from_display', 'to_mailbox', 'to_display',
  'cc_mailbox', 'cc_display', 'sent_ms', 'message_id', 'refs',
] as const;

/** The fields the keys are read from: a prefix line starting with one of these could change them. */
const KEY_FIELDS = new Set(['subject', 'from', 'to', 'cc', 'date', 'message-id', 'references', 'in-reply-to']);

interface Computed {
  headerLen: number;
  folds: boolean;
  keys: SortKeys;
}

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

/** The sort keys of a body from its first octets. Pure. */
export function computeSortKeys(head: Buffer, headerEnd = findBodyStart(head, 0, head.length)): Computed {
  return {
    headerLen: Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES),
    folds: head[0] === SP || head[0] === HTAB,
    keys: sortKeysOf(parseFields(head, 0, headerEnd, MAX_SEARCH_HEADER_BYTES)),
  };
}

/**
 * Whether a prefix followed by a body's header leaves the keyed fields exactly the body's own (as
 * search-fields.ts' prefixIsInert): it ends its last line, every line is a field whose name is not keyed or a
 * continuation, the body's first line is no continuation, and both fit in the octets read. Pure.
 */
export function prefixKeepsKeys(prefix: string, octets: number, headerLen: number, folds: boolean): boolean {
  if (octets === 0) return true;
  if (folds || !prefix.endsWith('\n') || octets + headerLen > MAX_SEARCH_HEADER_BYTES) return false;
  for (let pos = 0; pos < prefix.length; pos = prefix.indexOf('\n', pos) + 1) {
    const c = prefix.charCodeAt(pos);
    if (pos > 0 && (c === SP || c === HTAB)) continue;
    const lower = c | 0x20;
    if (lower < 0x61 || lower > 0x7a) return false;
    const eol = prefix.indexOf('\n', pos);
    const colon = prefix.indexOf(':', pos);
    if (colon < 0 || colon > eol || KEY_FIELDS.has(prefix.slice(pos, colon).trim().toLowerCase())) return false;
  }
  return true;
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

export class SortKeysRepo {
  private readonly setStmt: Statement<Array<string | number | null>>;
  private readonly readStmt: Statement<[number, number, number], Row>;
  private readonly prefixStmt: Statement<[number, number], Buffer>;
  private readonly bodies: BodyReader;

  constructor(private readonly db: SqliteDb) {
    this.setStmt = db.prepare<Array<string | number | null>>(
      `INSERT INTO body_sort_keys (body_id, ${COLUMNS.join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')}) ` +
        `ON CONFLICT (body_id) DO UPDATE SET ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    this.readStmt = db
      .prepare<[number, number, number], Row>(
        'SELECT m.uid, m.internal_date, m.size, m.body_id, length(m.prefix), CASE WHEN length(m.prefix) > 0 THEN CAST(m.prefix AS TEXT) END, ' +
          `${COLUMNS.map((c) => `k.${c}`).join(', ')} FROM messages m LEFT JOIN body_sort_keys k ON k.body_id = m.body_id ` +
          'WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ?',
      )
      .raw();
    this.prefixStmt = db.prepare<[number, number], Buffer>('SELECT prefix FROM messages WHERE mailbox_id = ? AND uid = ?').pluck();
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

  /** The keys of the mailbox's messages with a UID in [from, to], as served; rows missing or stale are stored. */
  keys(mailboxId: number, from: number, to: number): Map<number, MessageSortKeys> {
    const out = new Map<number, MessageSortKeys>();
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
      out.set(uid, { keys, internalDate, size });
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
