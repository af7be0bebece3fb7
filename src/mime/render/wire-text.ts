// IMAP string, nstring and number encodings as text (RFC 9051 §4.2 number, §4.3 quoted strings and literals, §9
// nstring; RFC 6855 §3 UTF-8 in quoted strings): octets as a binary string (one character per octet, all below
// U+0100, written with Node's 'latin1'), so that a whole ENVELOPE or BODYSTRUCTURE is built by concatenation. Pure
// and protocol-neutral: the store renders with it at ingest (issue 17 item 2), imap/protocol/ re-exports it.

/** Octets as text: each character is below U+0100 and stands for one octet. */
export type WireText = string;

const MAX_QUOTED = 1024;

/** The UTF-8 octets of a string, as a binary string (lone surrogates become EF BF BD, as Buffer.from does). */
export function utf8Octets(value: string): WireText {
  return Buffer.from(value, 'utf8').toString('latin1');
}

function quoted(octets: WireText, escape: boolean): WireText {
  return escape ? `"${octets.replace(/[\\"]/g, '\\$&')}"` : `"${octets}"`;
}

/** `{n}\r\n` followed by the octets. */
export function literalText(octets: WireText): WireText {
  return `{${octets.length}}\r\n${octets}`;
}

/**
 * A quoted string when possible, else a literal (RFC 9051 §4.3): the same octets as encode.ts string(value,
 * utf8). Quoted: at most 1024 octets, no NUL, CR or LF, and 7-bit unless `utf8` (RFC 6855 §3).
 */
export function stringText(value: string, utf8 = false): WireText {
  let escape = false;
  let forbidden = false;
  let ascii = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) ascii = false;
    else if (c === 0x22 || c === 0x5c) escape = true;
    else if (c === 0 || c === 0x0a || c === 0x0d) forbidden = true;
  }
  if (ascii) return !forbidden && value.length <= MAX_QUOTED ? quoted(value, escape) : literalText(value);
  const octets = utf8Octets(value);
  return utf8 && !forbidden && octets.length <= MAX_QUOTED ? quoted(octets, escape) : literalText(octets);
}

/** NIL for null, else a string. */
export function nstringText(value: string | null, utf8 = false): WireText {
  return value === null ? 'NIL' : stringText(value, utf8);
}

/** A number (RFC 9051 §9 number / number64); throws as encode.ts number() does. */
export function numberText(n: number): WireText {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not an IMAP number: ${n}`);
  return String(n);
}
