// Encoding IMAP response data as text (RFC 9051 §9 date-time, zone): the octets encode.ts produces, as a binary
// string (one character per octet, all below U+0100, written with Node's 'latin1'). Strings, nstrings and numbers
// (RFC 9051 §4.2, §4.3; RFC 6855 §3) live in mime/render/wire-text.ts, shared with the store's ingest-time
// rendering (issue 17 item 2), and are re-exported here. Pure.

import type { WireText } from '../../mime/render/wire-text.js';

export { literalText, nstringText, numberText, stringText, utf8Octets, type WireText } from '../../mime/render/wire-text.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** At least two digits, as String(n).padStart(2, '0'). */
function pad2(n: number): string {
  return n >= 0 && n < 10 ? `0${n}` : String(n);
}

/** A zone in minutes east of UTC as RFC 9051 §9 zone, "+hhmm" / "-hhmm". */
export function zoneText(zone: number): string {
  const abs = Math.abs(zone);
  return `${zone < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

/**
 * RFC 9051 §9 date-time: "DD-Mon-YYYY HH:MM:SS +ZZZZ", quoted, the wall-clock time in `zone` (minutes east of
 * UTC; issue 13 item 6: INTERNALDATE in the zone the client gave at APPEND).
 */
export function dateTimeText(d: Date, zone = 0): WireText {
  const w = zone === 0 ? d : new Date(d.getTime() + zone * 60_000);
  return `"${pad2(w.getUTCDate())}-${MONTHS[w.getUTCMonth()]}-${w.getUTCFullYear()} ${pad2(w.getUTCHours())}:${pad2(w.getUTCMinutes())}:${pad2(w.getUTCSeconds())} ${zoneText(zone)}"`;
}
