// The decoded text of one text/* part through mailparser (issue 14 item 1; SPEC R7.4): quoted-printable and
// base64 (RFC 2045 §6.7, §6.8, soft line breaks with trailing white space included), the charset, format=flowed
// with DelSp (RFC 3676 §4.2, §4.4) and HTML reduced to text by html-to-text (every named and numeric entity).
// Each part is parsed on its own, from a header made of its Content-Type parameters and transfer encoding and
// the octets of its body the caller read by range, so that attachments are never read and a part marked as an
// attachment still has its text searched. HTML is reduced by the html-to-text mailparser itself uses, with the
// options mailparser gives it, but compiled once: mailparser compiles them again for every part, which was two
// thirds of the cost of indexing a message with an HTML alternative (issue 14 item 4). A part mailparser would
// only decode as UTF-8 (no transfer encoding, no format=flowed, an ASCII or UTF-8 charset) is decoded here the
// way mailparser decodes it, without its stream machinery, which cost half of a message's extraction; a property
// test holds the two equal (test/property/mime/part-text-direct.property.test.ts). Never throws.
import { isUtf8 } from 'node:buffer';
import { compile } from 'html-to-text';
import { simpleParser } from 'mailparser';
import { bytesToText, decodeText } from './header.js';
import { decodeTransfer } from './transfer.js';
import type { MimePart } from './types.js';

const PARSER_OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, keepDeliveryStatus: true };

/** mailparser's own html-to-text options (the nesting bound it applies), compiled once. */
const htmlToText = compile({ limits: { maxDepth: 1000 } });

/** Charsets read as UTF-8 when the octets are UTF-8 and as Latin-1 otherwise, as decodeText reads them. */
const GUESSED_CHARSETS = new Set(['', 'us-ascii', 'ascii']);

const quoted = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;

/**
 * The charset to decode `octets` (still transfer-encoded) with: the part's own, or for none (or US-ASCII) UTF-8
 * when the decoded octets are UTF-8 and ISO-8859-1 when they are not, as decodeText reads header values.
 */
function charsetOf(part: MimePart, octets: Buffer): string {
  const given = part.params.find(([n]) => n === 'charset')?.[1]?.trim() ?? '';
  if (!GUESSED_CHARSETS.has(given.toLowerCase())) return given;
  return isUtf8(decodeTransfer(octets, part.encoding)) ? 'utf-8' : 'iso-8859-1';
}

/**
 * The header mailparser reads the part by: text/html stays HTML, any other text/* is read as text/plain with its
 * parameters (format, delsp, …); the charset decided here.
 */
function partHeader(part: MimePart, charset: string): string {
  const type = part.subtype === 'html' ? 'text/html' : 'text/plain';
  const params = part.params.filter(([n]) => n !== 'charset' && /^[a-z0-9._-]+$/.test(n)).map(([n, v]) => `; ${n}=${quoted(v)}`);
  const encoding = /^[A-Z0-9-]+$/.test(part.encoding) ? part.encoding : '8BIT';
  return `Content-Type: ${type}; charset=${quoted(charset)}${params.join('')}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;
}

/** What can be read of the part when mailparser fails on it: the transfer encoding and charset undone by hand. */
function fallback(part: MimePart, octets: Buffer, charset: string): string {
  const body = decodeTransfer(octets, part.encoding);
  return charset === '' ? bytesToText(body) : decodeText(body, charset);
}

/** Charsets (lower-cased, only letters and digits) that mailparser does not convert: it reads them as UTF-8. */
const UTF8_AS_IS = new Set(['ascii', 'usascii', 'utf8']);

/**
 * mailparser's text of a part it passes through as it is (any transfer encoding but base64 and quoted-printable,
 * a charset it reads as UTF-8, text/plain not format=flowed): the octets as UTF-8 with each CRLF as LF, HTML
 * then reduced to text. Null for any other part.
 */
function directText(part: MimePart, octets: Buffer, charset: string): string | null {
  if (part.encoding === 'BASE64' || part.encoding === 'QUOTED-PRINTABLE') return null;
  if (!UTF8_AS_IS.has(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''))) return null;
  const html = part.subtype === 'html';
  const format = part.params.find(([n]) => n === 'format')?.[1];
  if (!html && format !== undefined && format.toLowerCase().trim() === 'flowed') return null;
  const text = octets.toString('utf8').replace(/\r?\n/g, '\n');
  return html ? htmlToText(text) : text;
}

/** The text of a text/* part whose body octets (or their first octets) are `octets`. */
export async function decodedPartText(part: MimePart, octets: Buffer): Promise<string> {
  return partTextBy(part, octets, true);
}

/** The same, always through mailparser (the reference the direct decoding is held to by the tests). */
export async function mailparserPartText(part: MimePart, octets: Buffer): Promise<string> {
  return partTextBy(part, octets, false);
}

async function partTextBy(part: MimePart, octets: Buffer, direct: boolean): Promise<string> {
  let charset = '';
  try {
    charset = charsetOf(part, octets);
    const text = direct ? directText(part, octets, charset) : null;
    if (text !== null) return text;
    const parsed = await simpleParser(Buffer.concat([Buffer.from(partHeader(part, charset), 'latin1'), octets]), PARSER_OPTIONS);
    if (part.subtype === 'html') return typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
    return typeof parsed.text === 'string' ? parsed.text : fallback(part, octets, charset);
  } catch {
    try {
      return fallback(part, octets, charset);
    } catch {
      return '';
    }
  }
}
