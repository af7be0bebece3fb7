// SEARCH predicates on one message's data (RFC 9051 §6.4.4): calendar-day comparisons for BEFORE/ON/SINCE
// (INTERNALDATE, in the zone it was written in) and SENTBEFORE/SENTON/SENTSINCE (the Date: header's own day, RFC 5322 §3.3), and
// case-insensitive substring matching of decoded (RFC 2047) header values. Pure.
import { fold } from '../../mime/header-search.js';
import type { CalendarDay } from '../protocol/date.js';

export { fold, sentDay } from '../../mime/header-search.js';

export type DateOp = 'before' | 'on' | 'since';

/** A day as one comparable number, yyyymmdd. */
export function dayNumber(d: CalendarDay): number {
  return d.year * 10000 + d.month * 100 + d.day;
}

/**
 * The calendar day of an instant as written in `zone` (minutes east of UTC): INTERNALDATE comparisons
 * "disregarding time and timezone" (RFC 9051 §6.4.4) take the day the date-time shows, as Dovecot does
 * (issue 13 item 6: 00:30 +0530 on 8-Dec is ON 8-Dec though it is 7-Dec in UTC).
 */
export function zonedDay(date: Date, zone: number): CalendarDay {
  const w = zone === 0 ? date : new Date(date.getTime() + zone * 60_000);
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate() };
}

export function compareDay(day: CalendarDay, op: DateOp, key: CalendarDay): boolean {
  const a = dayNumber(day);
  const b = dayNumber(key);
  return op === 'before' ? a < b : op === 'on' ? a === b : a >= b;
}

/**
 * HEADER <field> <string> (and FROM, TO, CC, BCC, SUBJECT), given the decoded, folded values of the message's
 * fields of that name: one of them contains the string; an empty string matches every message that has the
 * field (RFC 9051 §6.4.4).
 */
export function valuesMatcher(value: string): (values: readonly string[]) => boolean {
  const needle = fold(value);
  return (values) => values.some((v) => v.includes(needle));
}
