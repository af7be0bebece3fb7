// Header values as SEARCH compares them (RFC 9051 §6.4.4): RFC 2047 encoded-words decoded, canonically composed
// and lower-cased; and the calendar day written in a Date: field (RFC 5322 §3.3, §4.3). Shared by the store,
// which keeps them per body for FROM/TO/CC/BCC/SUBJECT and SENT*, and IMAP SEARCH. Pure.
import { fieldValue, type HeaderField } from './header.js';
import { DEFAULT_MIME_LIMITS } from './parse.js';
import { decodeHeaderValue } from './text.js';

/**
 * Octets of a header that SEARCH reads for fields at most (a header beyond this is not searched further): the
 * parser's own bound, so that the Date: field SENT* reads is the one the ENVELOPE shows.
 */
export const MAX_SEARCH_HEADER_BYTES = DEFAULT_MIME_LIMITS.maxHeaderBytes;

/** The fields that SEARCH FROM, TO, CC, BCC and SUBJECT compare (RFC 9051 §6.4.4), lower-case. */
export const SEARCH_FIELD_NAMES = ['from', 'to', 'cc', 'bcc', 'subject'] as const;
export type SearchFieldName = (typeof SEARCH_FIELD_NAMES)[number];

/** Each searched field's values, in header order; an absent field has none. */
export type SearchFieldValues = Record<SearchFieldName, string[]>;

/** A day of the calendar (the shape of imap/protocol/date.ts's CalendarDay). */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** Case-insensitive comparison form (Unicode lower case, canonically composed). */
export function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** A raw (unfolded) header value as SEARCH compares it: RFC 2047 words decoded, then folded. */
export function searchValue(raw: string): string {
  return fold(decodeHeaderValue(raw));
}

export function isSearchFieldName(name: string): name is SearchFieldName {
  return (SEARCH_FIELD_NAMES as readonly string[]).includes(name);
}

/** The values of FROM, TO, CC, BCC and SUBJECT among `fields` (lower-case names, as parseFields gives them). */
export function searchFieldValues(fields: readonly HeaderField[]): SearchFieldValues {
  const out: SearchFieldValues = { from: [], to: [], cc: [], bcc: [], subject: [] };
  for (const f of fields) if (isSearchFieldName(f.name)) out[f.name].push(searchValue(f.value));
  return out;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The day written in a Date: header ("Tue, 1 Jul 2003 10:52:37 +0200" → 2003-07-01), "disregarding time and
 * timezone" as SENTON asks (RFC 9051 §6.4.4). Two- and three-digit years as RFC 5322 §4.3 says. Null when
 * there is no recognisable date.
 */
export function sentDay(value: string | null): CalendarDay | null {
  if (value === null) return null;
  const m = /(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})\b/i.exec(value);
  if (!m) return null;
  const month = MONTHS.indexOf((m[2] ?? '').toLowerCase()) + 1;
  const day = Number(m[1]);
  let year = Number(m[3]);
  if ((m[3] ?? '').length === 2) year += year < 50 ? 2000 : 1900;
  else if ((m[3] ?? '').length === 3) year += 1900;
  if (month === 0 || day < 1 || day > 31) return null;
  return { year, month, day };
}

/** The day of the first Date: field among `fields`, as the ENVELOPE's date gives it (buildEnvelope). */
export function sentDayOf(fields: readonly HeaderField[]): CalendarDay | null {
  return sentDay(fieldValue(fields, 'date'));
}
