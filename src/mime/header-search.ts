// Header values as SEARCH compares them (RFC 9051 §6.4.4): RFC 2047 encoded-words decoded, canonically composed
// and case-folded (fold.ts); and the calendar day written in a Date: field (RFC 5322 §3.3, §4.3). Shared by the store,
// which keeps them per body for FROM/TO/CC/BCC/SUBJECT and SENT*, and IMAP SEARCH. Pure.
import { MISSING_DOMAIN, MISSING_MAILBOX, parseAddressList } from './address.js';
import { fold } from './fold.js';
import { fieldValue, type HeaderField } from './header.js';
import { DEFAULT_MIME_LIMITS } from './parse.js';
import { decodeHeaderValue } from './decode-words.js';

export { fold } from './fold.js';

/**
 * Octets of a header that SEARCH reads for fields at most (a header beyond this is not searched further): the
 * parser's own bound, so that the Date: field SENT* reads is the one the ENVELOPE shows.
 */
export const MAX_SEARCH_HEADER_BYTES = DEFAULT_MIME_LIMITS.maxHeaderBytes;

/**
 * The fields kept per body for SEARCH, lower-case: those FROM, TO, CC, BCC and SUBJECT compare (RFC 9051 §6.4.4),
 * and the message identifiers clients look messages up by with HEADER (Thunderbird's `UID SEARCH HEADER
 * Message-ID <…>` after each save to Sent or Drafts; threading by In-Reply-To and References).
 */
export const SEARCH_FIELD_NAMES = ['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'in-reply-to', 'references'] as const;
export type SearchFieldName = (typeof SEARCH_FIELD_NAMES)[number];

/** The kept fields whose msg-ids (RFC 5322 §3.6.4) are also indexed, so that HEADER <field> <msg-id> is a lookup. */
export const ID_FIELD_NAMES = ['message-id', 'in-reply-to', 'references'] as const;
export type IdFieldName = (typeof ID_FIELD_NAMES)[number];

/** Each searched field's values, in header order; an absent field has none. */
export type SearchFieldValues = Record<SearchFieldName, string[]>;

/** A day of the calendar (the shape of imap/protocol/date.ts's CalendarDay). */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** A raw (unfolded) header value as SEARCH compares it: RFC 2047 words decoded, then folded. */
export function searchValue(raw: string): string {
  return fold(decodeHeaderValue(raw));
}

export function isSearchFieldName(name: string): name is SearchFieldName {
  return (SEARCH_FIELD_NAMES as readonly string[]).includes(name);
}

const ADDRESS_FIELDS: ReadonlySet<string> = new Set(['from', 'to', 'cc', 'bcc']);

/**
 * An address list written back without comments or folding whitespace (`Name <local@domain>`, `local@domain`,
 * `group: …;`), as Dovecot normalises an address field before SEARCH compares it; null when nothing parses.
 */
export function normalizedAddresses(raw: string): string | null {
  const list = parseAddressList(raw);
  if (list === null) return null;
  let out = '';
  let sep = '';
  for (const a of list) {
    if (a.host === null && a.mailbox === null) {
      out += ';'; // group end
      sep = ', ';
    } else if (a.host === null) {
      out += `${sep}${a.mailbox ?? ''}: `; // group start
      sep = '';
    } else {
      const local = a.mailbox === MISSING_MAILBOX ? '' : (a.mailbox ?? '');
      const spec = a.host === MISSING_DOMAIN ? local : `${local}@${a.host}`;
      const route = a.adl === null ? '' : `${a.adl}:`;
      const name = a.name?.trim() ?? '';
      out += sep + (name === '' && route === '' ? spec : name === '' ? `<${route}${spec}>` : `${name} <${route}${spec}>`);
      sep = ', ';
    }
  }
  return out;
}

/**
 * What SEARCH compares for one field: the decoded value and, for an address field whose comments or spacing
 * change it, also the normalised address list (RFC 9051 §6.4.4 leaves the comparison to the server; Dovecot
 * matches the normalised form, so `user-from@domain.org` finds `<user-from (comment)@ (comment) domain.org>`).
 */
export function fieldSearchValues(name: string, raw: string): string[] {
  const value = searchValue(raw);
  if (!ADDRESS_FIELDS.has(name)) return [value];
  const normalized = normalizedAddresses(raw);
  const folded = normalized === null ? value : searchValue(normalized);
  return folded === value ? [value] : [value, folded];
}

/**
 * The values of FROM, TO, CC, BCC and SUBJECT among `fields` (lower-case names, as parseFields gives them): one
 * per field, two for an address field whose normalised form differs (fieldSearchValues).
 */
export function searchFieldValues(fields: readonly HeaderField[]): SearchFieldValues {
  const out = Object.fromEntries(SEARCH_FIELD_NAMES.map((n) => [n, []])) as unknown as SearchFieldValues;
  for (const f of fields) if (isSearchFieldName(f.name)) out[f.name].push(...fieldSearchValues(f.name, f.value));
  return out;
}

export function isIdFieldName(name: string): name is IdFieldName {
  return (ID_FIELD_NAMES as readonly string[]).includes(name);
}

/** A `<…>` without angle brackets inside: what the msg-id index holds and can look up. */
const ID_TOKEN = /<[^<>]*>/g;

/**
 * The `<…>` tokens of folded values, each once. Every substring of a value of the form `<…>` (no `<` or `>`
 * inside) is one of them: such a substring ends at the first `>` after its `<`, holds no other `<`, and so is
 * the token the left-to-right scan finds at that `<` (an earlier token ends before it).
 */
export function idTokens(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) for (const m of v.matchAll(ID_TOKEN)) out.add(m[0]);
  return [...out];
}

/**
 * When `HEADER <field> <value>` can be answered from the msg-id index: the field is one of ID_FIELD_NAMES and
 * the folded value is one whole token, so that (idTokens) a folded field value contains it exactly when one of
 * the value's tokens equals it. The folded token, or null (then the key is a substring match over the values).
 */
export function idNeedle(field: string, value: string): { field: IdFieldName; token: string } | null {
  const name = field.toLowerCase();
  if (!isIdFieldName(name)) return null;
  const token = fold(value);
  return /^<[^<>]*>$/.test(token) ? { field: name, token } : null;
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
