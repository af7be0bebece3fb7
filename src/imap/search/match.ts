// SEARCH predicates on one message's data (RFC 9051 §6.4.4): calendar-day comparisons for BEFORE/ON/SINCE
// (INTERNALDATE, in UTC) and SENTBEFORE/SENTON/SENTSINCE (the Date: header's own day, RFC 5322 §3.3), and
// case-insensitive substring matching of decoded (RFC 2047) header values. Pure.
import type { CalendarDay } from '../protocol/date.js';

export type DateOp = 'before' | 'on' | 'since';

/** A day as one comparable number, yyyymmdd. */
export function dayNumber(d: CalendarDay): number {
  return d.year * 10000 + d.month * 100 + d.day;
}

/** The UTC calendar day of an instant (INTERNALDATE comparisons, disregarding time: RFC 9051 §6.4.4). */
export function utcDay(date: Date): CalendarDay {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function compareDay(day: CalendarDay, op: DateOp, key: CalendarDay): boolean {
  const a = dayNumber(day);
  const b = dayNumber(key);
  return op === 'before' ? a < b : op === 'on' ? a === b : a >= b;
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

/** A header field with its value decoded (RFC 2047) and lower-cased for matching. */
export interface SearchField {
  /** Lower-case field name. */
  name: string;
  /** Decoded value, lower-cased. */
  value: string;
}

/** Case-insensitive comparison form (Unicode lower case, canonically composed). */
export function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/**
 * HEADER <field> <string> (and FROM, TO, CC, BCC, SUBJECT): a field of that name whose decoded value contains
 * the string; an empty string matches every message that has the field (RFC 9051 §6.4.4).
 */
export function headerMatches(fields: readonly SearchField[], field: string, value: string): boolean {
  const name = field.toLowerCase();
  const needle = fold(value);
  return fields.some((f) => f.name === name && f.value.includes(needle));
}
