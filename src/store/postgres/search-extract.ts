// What the PostgreSQL store derives from a body's header and text for SEARCH, SORT and THREAD (SPEC R7.4;
// RFC 9051 §6.4.4, RFC 5256, RFC 8970), and when a trace prefix leaves it unchanged. Pure. The functions are the
// SQLite store's (named at each one), copied because their files also hold repositories taking a SqliteDb.
import { findBodyStart, parseFields } from '../../mime/header.js';
import {
  isSearchFieldName,
  MAX_SEARCH_HEADER_BYTES,
  SEARCH_FIELD_NAMES,
  searchFieldValues,
  sentDayOf,
  type CalendarDay,
  type SearchFieldName,
  type SearchFieldValues,
} from '../../mime/header-search.js';
import { textForm } from '../../mime/fold.js';
import { sortKeysOf, type SortKeys } from '../../mime/sort-keys.js';
import type { MessageText } from '../../mime/text.js';
import type { MimeMessage } from '../../mime/types.js';

/** Rows of another version are recomputed on first use (sqlite/search-fields.ts SEARCH_FIELDS_VERSION). */
export const SEARCH_FIELDS_VERSION = 4;
/** As sqlite/sort-keys.ts SORT_KEYS_VERSION. */
export const SORT_KEYS_VERSION = 1;
/**
 * body_text rows of this version answer searches and previews; 0 marks a body whose text PostgreSQL cannot hold
 * (a NUL character): its text is extracted again when needed, as for a body without a row.
 */
export const BODY_TEXT_VERSION = 1;
/** A row that cannot be stored as computed (a NUL character): recomputed on every use. */
export const UNSTORABLE_VERSION = 0;
/** As sqlite/body-index.ts STRUCTURE_VERSION. */
export const STRUCTURE_VERSION = 3;

const SP = 0x20;
const HTAB = 0x09;
const NAME_INITIALS = new Set(SEARCH_FIELD_NAMES.map((n) => n.charCodeAt(0)));

/** The column of a field's values: `message-id` → message_id_values (sqlite/search-fields.ts column). */
export const column = (name: SearchFieldName): string => `${name.replace(/-/g, '_')}_values`;

/** The searched fields of a body's own header (sqlite/search-fields.ts BodySearchFields). */
export interface BodySearchFields {
  headerLen: number;
  folds: boolean;
  values: Partial<SearchFieldValues>;
  sentDay: CalendarDay | null;
}

export type ComputedFields = BodySearchFields & { values: SearchFieldValues };

/** Copy of sqlite/search-fields.ts bodySearchFields. */
export function bodySearchFields(head: Buffer, headerEnd = findBodyStart(head, 0, head.length)): ComputedFields {
  const fields = parseFields(head, 0, headerEnd, MAX_SEARCH_HEADER_BYTES);
  return {
    headerLen: Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES),
    folds: head[0] === SP || head[0] === HTAB,
    values: searchFieldValues(fields),
    sentDay: sentDayOf(fields),
  };
}

/** Copy of sqlite/search-fields.ts prefixIsInert: the prefix leaves the searched fields the body's own. */
export function prefixIsInert(prefix: string, octets: number, body: Pick<BodySearchFields, 'headerLen' | 'folds'>): boolean {
  if (octets === 0) return true;
  if (body.folds || !prefix.endsWith('\n') || octets + body.headerLen > MAX_SEARCH_HEADER_BYTES) return false;
  for (let pos = 0; pos < prefix.length; pos = prefix.indexOf('\n', pos) + 1) {
    const c = prefix.charCodeAt(pos);
    if (pos > 0 && (c === SP || c === HTAB)) continue;
    const lower = c | 0x20;
    if (lower < 0x61 || lower > 0x7a) return false;
    if (NAME_INITIALS.has(lower) && !harmlessName(prefix, pos)) return false;
  }
  return true;
}

function harmlessName(prefix: string, pos: number): boolean {
  const eol = prefix.indexOf('\n', pos);
  const colon = prefix.indexOf(':', pos);
  if (colon < 0 || colon > eol) return false;
  return !isSearchFieldName(prefix.slice(pos, colon).trim().toLowerCase());
}

/** Copy of sqlite/search-fields.ts servedSearchValues. */
export function servedSearchValues(prefix: Buffer, head: Buffer): SearchFieldValues {
  const header = Buffer.concat([prefix, head]).subarray(0, MAX_SEARCH_HEADER_BYTES);
  return searchFieldValues(parseFields(header, 0, header.length, MAX_SEARCH_HEADER_BYTES));
}

/** The fields the sort keys are read from (sqlite/sort-keys.ts KEY_FIELDS). */
const KEY_FIELDS = new Set(['subject', 'from', 'to', 'cc', 'date', 'message-id', 'references', 'in-reply-to']);

export interface ComputedSortKeys {
  headerLen: number;
  folds: boolean;
  keys: SortKeys;
}

/** Copy of sqlite/sort-keys.ts computeSortKeys. */
export function computeSortKeys(head: Buffer, headerEnd = findBodyStart(head, 0, head.length)): ComputedSortKeys {
  return {
    headerLen: Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES),
    folds: head[0] === SP || head[0] === HTAB,
    keys: sortKeysOf(parseFields(head, 0, headerEnd, MAX_SEARCH_HEADER_BYTES)),
  };
}

/** Copy of sqlite/sort-keys.ts prefixKeepsKeys. */
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

/** Decoded text in the form the index stores and searches compare (sqlite/text-index/indexer.ts `compared`). */
export const compared = (text: MessageText): MessageText => ({ header: textForm(text.header), body: textForm(text.body), preview: text.preview });

/** Copy of sqlite/body-index.ts readStructure: a stored structure, or null when absent or of another version. */
export function readStructure(json: string | null, version: number | null): MimeMessage | null {
  if (json === null || version !== STRUCTURE_VERSION) return null;
  try {
    return JSON.parse(json) as MimeMessage;
  } catch {
    return null;
  }
}

/** PostgreSQL TEXT cannot hold U+0000: a value holding it is not stored as is. */
export const holdsNul = (...values: ReadonlyArray<string | null>): boolean => values.some((v) => v !== null && v.includes('\u0000'));
