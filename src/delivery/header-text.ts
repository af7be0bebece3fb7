// Safe construction of header field text for trace fields (RFC 5322 §2.2.3 folding, §3.2.2 comments,
// §3.3 date-time; RFC 2045 §5.1 token / quoted-string as used by RFC 8601 §2.2): no CR/LF injection (R2.3).
import { Cursor } from './cfws-cursor.js';

/** Longest text taken from an untrusted source into one header token. */
export const MAX_UNTRUSTED_LENGTH = 256;

/** Folding target (RFC 5322 §2.1.1: lines SHOULD be at most 78 characters). */
export const FOLD_AT = 78;

/** Removes CTLs (CR and LF included) and DEL, collapses whitespace, trims and bounds the length. */
export function sanitize(text: string, max = MAX_UNTRUSTED_LENGTH): string {
  let out = '';
  let space = false;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || ch === ' ') {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
    if (out.length >= max) break;
  }
  return out.slice(0, max);
}

/** Text for inside a comment: sanitised, with `(`, `)` and `\` escaped as quoted-pairs. */
export function commentText(text: string, max = 120): string {
  return sanitize(text, max).replace(/[()\\]/g, (c) => `\\${c}`);
}

/** RFC 2045 value: the text itself when it is a token, otherwise a quoted-string. */
export function quoteValue(text: string): string {
  const clean = sanitize(text);
  if (clean.length > 0 && [...clean].every((ch) => Cursor.isTokenChar(ch))) return clean;
  return `"${clean.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uffff]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uffff]+)*$/;

/** RFC 8601 §2.2 pvalue: a value, or `local-part@domain` written as is when both halves allow it. */
export function pvalue(text: string): string {
  const clean = sanitize(text);
  const at = clean.lastIndexOf('@');
  if (at >= 0) {
    const local = clean.slice(0, at);
    const domain = clean.slice(at + 1);
    const domainOk = domain.length > 0 && [...domain].every((ch) => Cursor.isTokenChar(ch));
    if (domainOk && (local === '' || DOT_ATOM.test(local))) return clean;
    if (domainOk && at > 0) return `${quoteValue(local)}@${domain}`;
  }
  return quoteValue(clean);
}

/** A header field from its name and the words of its value, folded before a word that would pass FOLD_AT. */
export function foldField(name: string, words: readonly string[], opts: { breakBefore?: ReadonlySet<number> } = {}): string {
  let out = `${name}:`;
  let lineLength = out.length;
  let wordsOnLine = 0;
  words.forEach((word, i) => {
    const forced = opts.breakBefore?.has(i) === true;
    if (forced || (lineLength + 1 + word.length > FOLD_AT && wordsOnLine > 0)) {
      out += `\r\n\t${word}`;
      lineLength = 8 + word.length;
    } else {
      out += ` ${word}`;
      lineLength += 1 + word.length;
    }
    wordsOnLine += 1;
  });
  return `${out}\r\n`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** RFC 5322 §3.3 date-time in the server's local time zone, e.g. `Tue, 05 Mar 2024 14:03:09 +0100`. */
export function formatDateTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${DAYS[date.getDay()]!}, ${pad(date.getDate())} ${MONTHS[date.getMonth()]!} ${date.getFullYear()} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}
