// Decoded text of a message for SEARCH TEXT / BODY (RFC 9051 §6.4.4; SPEC R7.4): header values with RFC 2047
// encoded-words decoded, and the text/* parts with their transfer encoding (RFC 2045 §6.7, §6.8) and charset
// undone, HTML reduced to its text; encapsulated messages (RFC 2046 §5.2.1) contribute their header and text
// to the body. Bounded in size. Pure; never throws.
import { isAscii } from 'node:buffer';
import libmime from 'libmime';
import { bytesToText, decodeText, readHeader } from './header.js';
import type { MimeMessage, MimePart } from './types.js';

/** At most this many characters of text per message, header and body each. */
export const MAX_TEXT_CHARS = 1024 * 1024;
const MAX_HEADER_READ = 256 * 1024;

export interface MessageText {
  header: string;
  body: string;
}

/** RFC 2047 decoding of a header value; malformed encoded-words are left as they are. */
export function decodeHeaderValue(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/**
 * Octets [start, end) of a message: a subarray of it in memory, or a ranged read of a stored one (issue 12
 * item 13: text extraction reads only the headers and the text parts it decodes).
 */
export type ReadRange = (start: number, end: number) => Buffer;

const rangeOf = (raw: Buffer | ReadRange): ReadRange => (typeof raw === 'function' ? raw : (start, end) => raw.subarray(start, end));

/** "Name: decoded value" lines of the header of the entity starting at `start`. */
export function headerText(raw: Buffer | ReadRange, start: number, end: number): string {
  // Reading at most MAX_HEADER_READ octets gives the same fields: readHeader parses no further.
  const head = rangeOf(raw)(start, Math.min(end, start + MAX_HEADER_READ));
  const lines: string[] = [];
  for (const f of readHeader(head, 0, head.length, MAX_HEADER_READ).fields) {
    if (f.name) lines.push(`${f.name}: ${decodeHeaderValue(f.value)}`);
  }
  return lines.join('\n');
}

/** Undoes base64 or quoted-printable; other encodings are already the octets. */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'BASE64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (encoding === 'QUOTED-PRINTABLE') return decodeQuotedPrintable(body);
  return body;
}

/** RFC 2045 §6.7: "=XX" octets and soft line breaks ("=" at the end of a line); bad escapes kept literally. */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length);
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? 0;
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    const a = body[i + 1];
    const b = body[i + 2];
    if (a === 0x0a) {
      i += 1;
    } else if (a === 0x0d && b === 0x0a) {
      i += 2;
    } else if (a !== undefined && b !== undefined && isHex(a) && isHex(b)) {
      out[n++] = parseInt(String.fromCharCode(a, b), 16);
      i += 2;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Tags that do not separate words (<b>J</b>erry is one word). */
const INLINE_TAG = /^<\/?(a|abbr|b|bdi|bdo|cite|code|em|font|i|kbd|mark|q|s|small|span|strong|sub|sup|u|wbr)\b/i;

/**
 * Crude HTML to text: scripts, styles and comments dropped, inline tags removed, other tags become spaces,
 * white space collapsed as HTML renders it, common entities decoded.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, (tag) => (INLINE_TAG.test(tag) ? '' : ' '))
    .replace(/[ \t\r\n\f]+/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[name.toLowerCase()] ?? m;
    });
}

/**
 * Encoded octets that can hold one character of text at most: 4 (UTF-8) times 3 (quoted-printable "=XX"). A part
 * is decoded only up to the octets that can still yield text under MAX_TEXT_CHARS (issue 12 item 13: a large
 * part is never decoded whole).
 */
const MAX_OCTETS_PER_CHAR = 12;

/** Charsets (as decodeText lower-cases them; '' for none) that decode an ASCII octet as that one character. */
const ASCII_CHARSETS = new Set(['', 'us-ascii', 'ascii', 'utf-8', 'utf8']);

/**
 * A text/plain part without transfer encoding, in an ASCII-compatible charset, whose first `maxChars` octets
 * (or all of them, when fewer) are ASCII decodes to those characters first, whatever follows; the caller keeps
 * `maxChars` characters, so the result is theirs and nothing more is read (issue 12 item 13: a large text part
 * costs its first MAX_TEXT_CHARS octets, not twelve times that). Null when the shortcut does not apply.
 */
function asciiPrefix(read: ReadRange, part: MimePart, charset: string | undefined, maxChars: number): string | null {
  if (part.subtype !== 'plain' || part.encoding === 'BASE64' || part.encoding === 'QUOTED-PRINTABLE') return null;
  if (!ASCII_CHARSETS.has((charset ?? '').trim().toLowerCase())) return null;
  const end = Math.min(part.bodyEnd, part.bodyStart + maxChars);
  const head = read(part.bodyStart, end);
  return head.length === Math.max(0, end - part.bodyStart) && isAscii(head) ? head.toString('latin1') : null;
}

/** The decoded text of one text/* part, from at most `maxChars` characters' worth of its octets. */
function partText(read: ReadRange, part: MimePart, maxChars: number): string {
  const charset = part.params.find(([n]) => n === 'charset')?.[1];
  const ascii = asciiPrefix(read, part, charset, maxChars);
  if (ascii !== null) return ascii;
  const end = Math.min(part.bodyEnd, part.bodyStart + maxChars * MAX_OCTETS_PER_CHAR);
  const body = decodeTransfer(read(part.bodyStart, end), part.encoding);
  const text = charset === undefined ? bytesToText(body) : decodeText(body, charset);
  return part.subtype === 'html' ? htmlToText(text) : text;
}

/** Header and body text of the message (in memory or read by range), CRLF as LF, each cut at MAX_TEXT_CHARS. */
export function extractText(raw: Buffer | ReadRange, message: MimeMessage): MessageText {
  const read = rangeOf(raw);
  const pieces: string[] = [];
  let size = 0;
  const add = (text: string): void => {
    if (size >= MAX_TEXT_CHARS || text === '') return;
    const piece = text.slice(0, MAX_TEXT_CHARS - size);
    pieces.push(piece);
    size += piece.length + 1;
  };
  const walk = (part: MimePart): void => {
    if (size >= MAX_TEXT_CHARS) return;
    if (part.type === 'multipart') part.children.forEach(walk);
    else if (part.message) {
      add(headerText(read, part.message.root.headerStart, part.message.root.bodyEnd));
      walk(part.message.root);
    } else if (part.type === 'text') add(partText(read, part, MAX_TEXT_CHARS - size));
  };
  try {
    walk(message.root);
    const header = headerText(read, message.root.headerStart, message.root.bodyEnd).slice(0, MAX_TEXT_CHARS);
    return { header: normalize(header), body: normalize(pieces.join('\n')) };
  } catch {
    return { header: '', body: '' };
  }
}

function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
