// What ingest derives from a body for SEARCH, SORT, THREAD and text search (SPEC R7.4; RFC 5256, RFC 8970):
// search fields, msg-id tokens, sort keys, the decoded text and preview — stored in the transaction that inserts
// the body. Unlike the SQLite store (whose text index is filled by a background thread), the text is stored at
// ingest: every front end then finds new mail at once, with no indexer to coordinate between processes.
// Also the ranged reads of stored bodies that recompute these rows for a body that lacks them.
import { MAX_SEARCH_HEADER_BYTES, ID_FIELD_NAMES, idTokens, SEARCH_FIELD_NAMES } from '../../mime/header-search.js';
import { parseMessage } from '../../mime/parse.js';
import { messagePreview } from '../../mime/preview.js';
import { extractText, MAX_TEXT_CHARS, type MessageText, type ReadRange } from '../../mime/text.js';
import { readStructure, type BodyAnalysis, type RangeBody } from '../body-analysis.js';
import { CHUNK_BYTES } from '../sqlite/body-bytes.js';
import type { PgClient } from './database.js';
import { BODY_TEXT_VERSION, compared, holdsNul, UNSTORABLE_VERSION } from './search-extract.js';
import { bodySearchFields, column, SEARCH_FIELDS_VERSION, type ComputedFields } from '../search-field-extract.js';
import { computeSortKeys, SORT_KEYS_VERSION, type ComputedSortKeys } from '../sort-key-extract.js';

const EMPTY = Buffer.alloc(0);
/** Octets of an entity's header that mime/text.ts headerText reads at most (its MAX_HEADER_READ). */
const HEADER_READ = 256 * 1024;
/** Octets of a text part that mime/text.ts reads at most (MAX_TEXT_CHARS × its MAX_OCTETS_PER_CHAR, 12). */
const TEXT_READ = 12 * MAX_TEXT_CHARS;

/** Everything derived from one body, computed before the write (pure CPU and mailparser; no database). */
export interface DerivedRows {
  fields: ComputedFields;
  sortKeys: ComputedSortKeys;
  text: MessageText;
}

/**
 * Derives a body's rows: fields and keys from the header's first MAX_SEARCH_HEADER_BYTES only, the text from its
 * headers and text parts read by range (a RangeBody is never read whole). May run before the write transaction.
 */
export async function deriveBody(body: Buffer | RangeBody, analysis: BodyAnalysis): Promise<DerivedRows> {
  const headerEnd = analysis.mime.root.bodyStart;
  const headLength = Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES, body.length);
  const head = Buffer.isBuffer(body) ? body.subarray(0, headLength) : Buffer.from(body.read(0, headLength));
  // A RangeBody's buffer may be overwritten by its next read: each range is copied.
  const read: Buffer | ReadRange = Buffer.isBuffer(body) ? body : (start, end) => Buffer.from(body.read(start, end));
  return {
    fields: bodySearchFields(head, headerEnd),
    sortKeys: computeSortKeys(head, headerEnd),
    text: compared(await extractText(read, analysis.mime)),
  };
}

/** Stores the derived rows of a body just inserted (writes.ts calls it once per new body). */
export async function storeDerived(client: PgClient, bodyId: number, body: Buffer | RangeBody, analysis: BodyAnalysis): Promise<void> {
  await insertDerived(client, bodyId, await deriveBody(body, analysis));
}

/** Inserts rows computed by deriveBody, in the caller's transaction. */
export async function insertDerived(client: PgClient, bodyId: number, rows: DerivedRows): Promise<void> {
  await writeSearchFields(client, bodyId, rows.fields);
  await writeSortKeys(client, bodyId, rows.sortKeys);
  await writeText(client, bodyId, rows.text);
}

const json = (values: readonly string[] | undefined): string | null => (!values || values.length === 0 ? null : JSON.stringify(values));
const FIELD_COLUMNS = ['version', 'header_len', 'folds', ...SEARCH_FIELD_NAMES.map(column), 'sent_day'];

/** Whether a body's search fields can be stored current: no msg-id token holds NUL. */
export const searchFieldsStorable = (f: ComputedFields): boolean => !ID_FIELD_NAMES.some((field) => holdsNul(...idTokens(f.values[field])));

/** Whether a body's sort keys can be stored current: no key holds NUL. */
export function sortKeysStorable(c: ComputedSortKeys): boolean {
  const k = c.keys;
  return !holdsNul(k.subject, k.from.mailbox, k.from.display, k.to.mailbox, k.to.display, k.cc.mailbox, k.cc.display, k.messageId, ...k.references);
}

/** body_search_fields and body_msg_ids of a body (an upsert: also the backfill of a missing or stale row). */
export async function writeSearchFields(client: PgClient, bodyId: number, f: ComputedFields): Promise<void> {
  const v = f.values;
  const day = f.sentDay === null ? null : f.sentDay.year * 10000 + f.sentDay.month * 100 + f.sentDay.day;
  // A msg-id token holding NUL cannot be indexed: the row is then stale, so that every search computes the body's
  // values (its messages are unsure to searchKey and searchIds).
  const version = searchFieldsStorable(f) ? SEARCH_FIELDS_VERSION : UNSTORABLE_VERSION;
  const params = [bodyId, version, f.headerLen, f.folds, ...SEARCH_FIELD_NAMES.map((n) => json(v[n])), day];
  await client.query(
    `INSERT INTO body_search_fields (body_id, ${FIELD_COLUMNS.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')}) ` +
      `ON CONFLICT (body_id) DO UPDATE SET ${FIELD_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    params,
  );
  await client.query('DELETE FROM body_msg_ids WHERE body_id = $1', [bodyId]);
  const fields: string[] = [];
  const tokens: string[] = [];
  for (const field of ID_FIELD_NAMES) {
    for (const token of idTokens(v[field])) {
      if (holdsNul(token)) continue; // the row is stale (above): never looked up here
      fields.push(field);
      tokens.push(token);
    }
  }
  if (tokens.length > 0) {
    await client.query(
      'INSERT INTO body_msg_ids (field, token, body_id) SELECT f, t, $3 FROM unnest($1::text[], $2::text[]) AS u(f, t) ON CONFLICT DO NOTHING',
      [fields, tokens, bodyId],
    );
  }
}

const SORT_COLUMNS = [
  'version', 'header_len', 'folds', 'subject', 'is_reply', 'from_mailbox', 'from_display', 'to_mailbox', 'to_display',
  'cc_mailbox', 'cc_display', 'sent_ms', 'message_id', 'refs',
];

/** body_sort_keys of a body; one PostgreSQL cannot hold (a NUL) as a stale row, recomputed when read. */
export async function writeSortKeys(client: PgClient, bodyId: number, c: ComputedSortKeys): Promise<void> {
  const k = c.keys;
  const refs = k.references.join(' ');
  const bad = !sortKeysStorable(c);
  const s = (value: string | null): string | null => (bad && value !== null ? '' : value);
  const params = [
    bodyId, bad ? UNSTORABLE_VERSION : SORT_KEYS_VERSION, c.headerLen, c.folds, s(k.subject), k.isReply, s(k.from.mailbox), s(k.from.display),
    s(k.to.mailbox), s(k.to.display), s(k.cc.mailbox), s(k.cc.display), k.sent, s(k.messageId), s(refs),
  ];
  await client.query(
    `INSERT INTO body_sort_keys (body_id, ${SORT_COLUMNS.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')}) ` +
      `ON CONFLICT (body_id) DO UPDATE SET ${SORT_COLUMNS.map((col) => `${col} = excluded.${col}`).join(', ')}`,
    params,
  );
}

/** body_text of a body; a text PostgreSQL cannot hold (a NUL) as a row of UNSTORABLE_VERSION. */
export async function writeText(client: PgClient, bodyId: number, text: MessageText): Promise<void> {
  const bad = holdsNul(text.header, text.body, text.preview);
  await client.query(
    'INSERT INTO body_text (body_id, version, header, text, preview) VALUES ($1, $2, $3, $4, $5) ' +
      'ON CONFLICT (body_id) DO UPDATE SET version = excluded.version, header = excluded.header, text = excluded.text, preview = excluded.preview',
    bad ? [bodyId, UNSTORABLE_VERSION, '', '', ''] : [bodyId, BODY_TEXT_VERSION, text.header, text.body, text.preview],
  );
}

/** Ranged reads of stored bodies (as sqlite/body-bytes.ts BodyReader): only the chunks a range needs. */
export class StoredBody {
  private constructor(
    private readonly client: PgClient,
    readonly id: number,
    readonly size: number,
    private readonly chunkBytes: number,
  ) {}

  /** The body, or null when it does not exist (freed). */
  static async open(client: PgClient, bodyId: number): Promise<StoredBody | null> {
    const { rows } = await client.query<{ size: number; chunk_bytes: number }>('SELECT size, chunk_bytes FROM bodies WHERE id = $1', [bodyId]);
    const row = rows[0];
    return row ? new StoredBody(client, bodyId, row.size, row.chunk_bytes) : null;
  }

  /** Octets [start, end), clamped to the body. */
  async read(start = 0, end = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
    const from = Math.min(Math.max(0, Math.floor(start)), this.size);
    const to = Math.min(this.size, Math.max(from, Math.floor(end)));
    if (to <= from) return EMPTY;
    if (this.chunkBytes === 0) {
      const { rows } = await this.client.query<{ b: Buffer }>('SELECT substring(bytes FROM $1 FOR $2) AS b FROM bodies WHERE id = $3', [from + 1, to - from, this.id]);
      return rows[0]?.b ?? EMPTY;
    }
    const n = this.chunkBytes;
    const { rows } = await this.client.query<{ seq: number; bytes: Buffer }>(
      'SELECT seq, bytes FROM body_chunks WHERE body_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
      [this.id, Math.floor(from / n), Math.floor((to - 1) / n)],
    );
    const out = Buffer.alloc(to - from);
    let filled = 0;
    for (const row of rows) {
      const at = row.seq * n;
      const a = Math.max(from, at) - at;
      const b = Math.min(to, at + row.bytes.length) - at;
      if (b > a) filled += row.bytes.copy(out, Math.max(at, from) - from, a, b);
    }
    if (filled !== out.length) throw new Error(`body ${this.id}: chunks cover ${filled} of ${out.length} octets asked for`);
    return out;
  }

  /**
   * A reader for the MIME code (which reads synchronously): the whole body when small, else the structure stored
   * at ingest with the ranges it will read fetched first (headers and the leading octets of text parts).
   */
  async mime(): Promise<{ read: Buffer | ReadRange; mime: ReturnType<typeof parseMessage> }> {
    if (this.size <= CHUNK_BYTES) {
      const bytes = await this.read();
      return { read: bytes, mime: parseMessage(bytes) };
    }
    const { rows } = await this.client.query<{ structure: string; version: number }>('SELECT structure, version FROM body_structures WHERE body_id = $1', [this.id]);
    const mime = readStructure(rows[0]?.structure ?? null, rows[0]?.version ?? null);
    if (mime === null) {
      const bytes = await this.read();
      return { read: bytes, mime: parseMessage(bytes) };
    }
    return { read: await this.prefetched(mime), mime };
  }

  /**
   * The ranges text extraction and previews read (each entity's header, each text part's leading octets, bounded
   * as mime/text.ts and mime/preview.ts bound them), fetched ahead; each later read falls within one of them.
   */
  private async prefetched(mime: ReturnType<typeof parseMessage>): Promise<ReadRange> {
    const ranges: Array<[number, number]> = [];
    const walk = (part: (typeof mime)['root']): void => {
      ranges.push([part.headerStart, Math.min(part.bodyEnd, part.headerStart + HEADER_READ)]);
      if (part.type === 'multipart') for (const child of part.children) walk(child);
      else if (part.message) walk(part.message.root);
      else if (part.type === 'text') ranges.push([part.bodyStart, Math.min(part.bodyEnd, part.bodyStart + TEXT_READ)]);
    };
    walk(mime.root);
    const got: Array<{ start: number; bytes: Buffer }> = [];
    for (const [start, end] of ranges) if (end > start) got.push({ start, bytes: await this.read(start, end) });
    return (start, end) => {
      const hit = got.find((g) => g.start <= start && g.start + g.bytes.length >= end);
      if (hit) return hit.bytes.subarray(start - hit.start, end - hit.start);
      throw new Error(`body ${this.id}: octets ${start}-${end} were not read ahead`);
    };
  }
}

/** The first octets of a stored body (its header, as far as SEARCH reads it); empty when freed. */
export async function storedHead(client: PgClient, bodyId: number, length = MAX_SEARCH_HEADER_BYTES): Promise<Buffer> {
  const body = await StoredBody.open(client, bodyId);
  return body ? body.read(0, length) : EMPTY;
}

/** The compared text of a stored body, as ingest derives it; undefined when it was freed. */
export async function storedText(client: PgClient, bodyId: number): Promise<MessageText | undefined> {
  const body = await StoredBody.open(client, bodyId);
  if (!body) return undefined;
  const { read, mime } = await body.mime();
  return compared(await extractText(read, mime));
}

/** The RFC 8970 preview of a stored body computed from its first text part; undefined when it was freed. */
export async function storedPreview(client: PgClient, bodyId: number): Promise<string | undefined> {
  const body = await StoredBody.open(client, bodyId);
  if (!body) return undefined;
  const { read, mime } = await body.mime();
  return messagePreview(typeof read === 'function' ? read : (start, end) => read.subarray(start, end), mime);
}
