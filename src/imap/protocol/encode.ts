// Encoding IMAP response data (RFC 9051 §4, §9): strings as atoms, quoted strings or literals, NIL,
// parenthesised lists, flags and dates. Pure; produces Buffers so that 8-bit data stays byte-exact.
import { dateTimeText } from './encode-text.js';

/** A value ready to be written: a raw piece of the response (already encoded). */
export type Wire = Buffer;

const QUOTABLE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/; // no NUL, CR, LF, no 8-bit (RFC 9051 §9 QUOTED-CHAR)
/** RFC 9051 §9 ASTRING-CHAR: ATOM-CHAR or "]" (no other atom-specials, no 8-bit). */
const ASTRING_ATOM = /^[^\x00-\x20\x7f(){%*"\\\x80-\uffff]+$/;
const MAX_QUOTED = 1024;

/** A quoted string when possible, else a literal (RFC 9051 §4.3). Never fails. */
export function string(value: string | Buffer, utf8 = false): Wire {
  // ASCII text: its UTF-8 octets are its characters, so the checks below can run on the string itself.
  if (typeof value === 'string' && value.length <= MAX_QUOTED && QUOTABLE.test(value)) {
    return Buffer.from(`"${value.replace(/[\\"]/g, '\\$&')}"`, 'latin1');
  }
  const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const text = buf.toString('latin1');
  const quotable = buf.length <= MAX_QUOTED && (QUOTABLE.test(text) || (utf8 && isUtf8Quotable(buf)));
  if (quotable) return Buffer.from(`"${text.replace(/[\\"]/g, '\\$&')}"`, 'latin1');
  return literal(buf);
}

/** RFC 6855: with UTF8=ACCEPT, quoted strings may carry UTF-8 (but still no CR, LF, NUL). */
function isUtf8Quotable(buf: Buffer): boolean {
  if (buf.includes(0) || buf.includes(10) || buf.includes(13)) return false;
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

/** `{n}\r\n` followed by the octets. */
export function literal(buf: Buffer): Wire {
  return Buffer.concat([Buffer.from(`{${buf.length}}\r\n`, 'latin1'), buf]);
}

/** NIL for null, else a string. */
export function nstring(value: string | Buffer | null, utf8 = false): Wire {
  return value === null ? Buffer.from('NIL') : string(value, utf8);
}

/** An atom when the value is one, else a string (RFC 9051 §9 astring). */
export function astring(value: string, utf8 = false): Wire {
  return ASTRING_ATOM.test(value) ? Buffer.from(value, 'latin1') : string(value, utf8);
}

/** A number (RFC 9051 §9 number / number64). */
export function number(n: number): Wire {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not an IMAP number: ${n}`);
  return Buffer.from(String(n));
}

export function raw(text: string): Wire {
  return Buffer.from(text, 'latin1');
}

/** `(a b c)` from already-encoded items. */
export function list(items: readonly Wire[]): Wire {
  let length = items.length === 0 ? 2 : items.length + 1;
  for (const item of items) length += item.length;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  out[at++] = 0x28; // (
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out[at++] = 0x20;
    const item = items[i] as Buffer;
    out.set(item, at);
    at += item.length;
  }
  out[at] = 0x29; // )
  return out;
}

/** Items separated by spaces, without parentheses. */
export function spaced(items: readonly Wire[]): Wire {
  return Buffer.concat(items.flatMap((item, i) => (i === 0 ? [item] : [Buffer.from(' '), item])));
}

/** A flag list `(\Seen $Label)`; flags are atoms or \atoms already validated by the store. */
export function flagList(flags: readonly string[]): Wire {
  return Buffer.from(`(${flags.join(' ')})`, 'latin1');
}

/** RFC 9051 §9 date-time: "DD-Mon-YYYY HH:MM:SS +ZZZZ", quoted, in `zone` (minutes east of UTC). */
export function dateTime(d: Date, zone = 0): Wire {
  return Buffer.from(dateTimeText(d, zone), 'latin1');
}
