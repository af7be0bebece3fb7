// What SEARCH FROM/TO/CC/BCC/SUBJECT and SENTBEFORE/SENTON/SENTSINCE compare (RFC 9051 §6.4.4; SPEC R7.4), as every
// store computes it per body at ingest: the searched fields of a body's top header, and whether a trace prefix
// served before it could change them (then the served header is parsed whole). Pure.
import { findBodyStart, parseFields } from '../mime/header.js';
import {
  isSearchFieldName,
  MAX_SEARCH_HEADER_BYTES,
  SEARCH_FIELD_NAMES,
  searchFieldValues,
  sentDayOf,
  type CalendarDay,
  type SearchFieldName,
  type SearchFieldValues,
} from '../mime/header-search.js';
import type { UidRange } from './types.js';

/**
 * Bumped when the extraction's output changes: rows of another version are recomputed on first use. 3: the
 * msg-id fields and their index (migrations/0010-search-ids.sql). 4: values folded by mime/fold.ts (NFC after
 * lower-casing too, ß → ss, ς → σ; issue 14 item 3).
 */
export const SEARCH_FIELDS_VERSION = 4;

const SP = 0x20;
const HTAB = 0x09;
/** First letters of the searched field names (lower case): a line starting otherwise needs no closer look. */
const NAME_INITIALS = new Set(SEARCH_FIELD_NAMES.map((n) => n.charCodeAt(0)));

/** The column of a field's values: `message-id` → message_id_values. */
export const column = (name: SearchFieldName): string => `${name.replace(/-/g, '_')}_values`;

/** The searched fields of a body's own header, and what decides whether a prefix before it matters. */
export interface BodySearchFields {
  /** Octets of the body's header that were read (at most MAX_SEARCH_HEADER_BYTES). */
  headerLen: number;
  /** The body's first line starts with SP or HTAB: served after a prefix, it continues the prefix's last field. */
  folds: boolean;
  values: Partial<SearchFieldValues>;
  sentDay: CalendarDay | null;
}

/** A body's fields as computed: every searched name's values. */
export type ComputedFields = BodySearchFields & { values: SearchFieldValues };

/**
 * The searched fields of a body, from its first octets (the whole header, or at least MAX_SEARCH_HEADER_BYTES
 * of it). `headerEnd` is where the header ends when the caller knows it (the parser's root.bodyStart). Pure.
 */
export function bodySearchFields(head: Buffer, headerEnd = findBodyStart(head, 0, head.length)): ComputedFields {
  // The fields the MIME parser reads for the ENVELOPE (readHeader with the same bound): its Date is SENT*'s.
  const fields = parseFields(head, 0, headerEnd, MAX_SEARCH_HEADER_BYTES);
  return {
    headerLen: Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES),
    folds: head[0] === SP || head[0] === HTAB,
    values: searchFieldValues(fields),
    sentDay: sentDayOf(fields),
  };
}

/**
 * Whether the fields read from a prefix followed by this body's header are, for the searched names, exactly the
 * body's own: the prefix ends its last line, holds no blank line (which would end the header), no line that
 * could start a field of a searched name (checked by its first character), does not turn the body's first line
 * into a continuation, and both fit in the octets read. `prefix` is the prefix's octets read as UTF-8 text
 * (cheaper to fetch than a Buffer): an ASCII octet stays its own character and LF is never part of another, so
 * line starts and their ASCII letters are those of the octets; `octets` is its length. False is always safe:
 * the caller then parses both. Pure.
 */
export function prefixIsInert(prefix: string, octets: number, body: Pick<BodySearchFields, 'headerLen' | 'folds'>): boolean {
  if (octets === 0) return true;
  if (body.folds || !prefix.endsWith('\n') || octets + body.headerLen > MAX_SEARCH_HEADER_BYTES) return false;
  for (let pos = 0; pos < prefix.length; pos = prefix.indexOf('\n', pos) + 1) {
    const c = prefix.charCodeAt(pos);
    if (pos > 0 && (c === SP || c === HTAB)) continue; // a continuation line
    const lower = c | 0x20; // ASCII letters only; anything else (CR or LF of a blank line included) fails here
    if (lower < 0x61 || lower > 0x7a) return false;
    if (NAME_INITIALS.has(lower) && !harmlessName(prefix, pos)) return false;
  }
  return true;
}

/**
 * Whether the line at `pos` is a field whose name (as parseFields reads it: up to the colon, trimmed) is not a
 * searched one, such as Received or Return-Path in a trace prefix. A line without a colon is not harmless.
 */
function harmlessName(prefix: string, pos: number): boolean {
  const eol = prefix.indexOf('\n', pos);
  const colon = prefix.indexOf(':', pos);
  if (colon < 0 || colon > eol) return false;
  return !isSearchFieldName(prefix.slice(pos, colon).trim().toLowerCase());
}

/** The searched fields of the served header: `prefix` followed by the body's header `head`, as SEARCH reads it. */
export function servedSearchValues(prefix: Buffer, head: Buffer): SearchFieldValues {
  const header = Buffer.concat([prefix, head]).subarray(0, MAX_SEARCH_HEADER_BYTES);
  return searchFieldValues(parseFields(header, 0, header.length, MAX_SEARCH_HEADER_BYTES));
}

/** No values: what a read that asks for no field names answers. */
export const NO_SEARCH_VALUES: Partial<SearchFieldValues> = Object.freeze({});

/** Only the asked names' values (an absent field has none). */
export function pickSearchValues(values: Partial<SearchFieldValues>, names: readonly SearchFieldName[]): Partial<SearchFieldValues> {
  if (names.length === 0) return NO_SEARCH_VALUES;
  const out: Partial<SearchFieldValues> = {};
  for (const name of names) out[name] = values[name] ?? [];
  return out;
}

/** A stored sent day (yyyymmdd, as the stores keep it) as a calendar day. */
export function storedDay(day: number | null): CalendarDay | null {
  return day === null ? null : { year: Math.floor(day / 10000), month: Math.floor(day / 100) % 100, day: day % 100 };
}

/** UIDs a day key is tried on first: 64 spread evenly over the span (all of a smaller one). */
export function daySample(span: UidRange): number[] {
  const width = span.to - span.from;
  if (width < 64) return Array.from({ length: width + 1 }, (_, i) => span.from + i);
  return Array.from({ length: 64 }, (_, i) => span.from + Math.round((i * width) / 63));
}

/** The start of a yyyymmdd day, in milliseconds since the epoch (UTC). */
export function dayStart(day: number): number {
  return Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The text `needle` is within JSON.stringify(values) when a value holds it, or null when that cannot be said. */
export function jsonNeedle(needle: string): string | null {
  if (LONE_SURROGATE.test(needle)) return null; // escaped differently alone and in a pair
  return JSON.stringify(needle).slice(1, -1); // JSON escapes each character by itself
}
