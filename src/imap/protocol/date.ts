// Dates as arguments: RFC 9051 §9 date (SEARCH BEFORE/ON/SINCE, "1-Feb-1994", optionally quoted) and
// date-time (APPEND, "01-Feb-1994 12:00:00 +0100"), checked against the calendar.
import type { Reader } from './reader.js';
import type { ZonedDate } from './types.js';

export type { ZonedDate } from './types.js';

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/**
 * The server's local zone at an instant, minutes east of UTC: RFC 8514 SAVEDATE is written in it (as delivered
 * mail's INTERNALDATE is), and SEARCH SAVEDBEFORE / SAVEDON / SAVEDSINCE take the day in it.
 */
export function serverZone(d: Date): number {
  const zone = -d.getTimezoneOffset();
  return zone === 0 ? 0 : zone; // no -0
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function digits(r: Reader, min: number, max: number, what: string): number {
  const start = r.pos;
  while (r.pos - start < max && r.peek() >= 0x30 && r.peek() <= 0x39) r.pos += 1;
  if (r.pos - start < min) r.fail(`Expected ${what}`);
  return Number(r.buf.toString('latin1', start, r.pos));
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS[month - 1] ?? 0);
}

/** date-day "-" date-month "-" date-year, with a valid day of that month. */
function dateText(r: Reader): CalendarDay {
  const day = digits(r, 1, 2, 'day');
  r.expect('-');
  const month = MONTHS.indexOf(r.buf.toString('latin1', r.pos, r.pos + 3).toUpperCase()) + 1;
  if (month === 0) r.fail('Expected a month name (Jan ... Dec)');
  r.pos += 3;
  r.expect('-');
  const year = digits(r, 4, 4, 'four-digit year');
  if (day < 1 || day > daysIn(year, month)) r.fail('No such day');
  return { year, month, day };
}

/** RFC 9051 §9 date = date-text / DQUOTE date-text DQUOTE. */
export function searchDate(r: Reader): CalendarDay {
  if (r.peek() !== 0x22) return dateText(r);
  r.pos += 1;
  const date = dateText(r);
  r.expect('"');
  return date;
}

/** RFC 9051 §9 date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
export function dateTime(r: Reader): ZonedDate {
  r.expect('"', 'date-time');
  if (r.peek() === 0x20) r.pos += 1; // date-day-fixed = (SP DIGIT) / 2DIGIT
  const { year, month, day } = dateText(r);
  r.sp();
  const hour = digits(r, 2, 2, 'hour');
  r.expect(':');
  const minute = digits(r, 2, 2, 'minutes');
  r.expect(':');
  const second = digits(r, 2, 2, 'seconds');
  r.sp();
  const sign = r.peek() === 0x2b ? 1 : r.peek() === 0x2d ? -1 : r.fail('Expected a zone (+hhmm or -hhmm)');
  r.pos += 1;
  const zh = digits(r, 2, 2, 'zone hours');
  const zm = digits(r, 2, 2, 'zone minutes');
  r.expect('"');
  if (hour > 23 || minute > 59 || second > 60 || zh > 23 || zm > 59) r.fail('Invalid time of day or zone');
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day); // not Date.UTC, which maps years 0-99 to 1900-1999
  local.setUTCHours(hour, minute, Math.min(second, 59)); // a leap second counts as :59
  const zone = sign * (zh * 60 + zm);
  return { instant: new Date(local.getTime() - zone * 60_000), zone: zone === 0 ? 0 : zone }; // no -0

}
