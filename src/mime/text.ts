// Decoded text of a message for SEARCH TEXT / BODY (RFC 9051 §6.4.4; SPEC R7.4): header values with RFC 2047
// encoded-words decoded; the headers of the MIME parts, with their file names (RFC 2183 filename, Content-Type
// name) decoded from RFC 2231 and RFC 2047, as part of the header text that TEXT searches (issue 14 item 2, as
// Dovecot); and the text/* parts decoded by mailparser (part-text.ts: transfer encoding, charset, format=flowed,
// HTML). Encapsulated messages (RFC 2046 §5.2.1) contribute their header and text to the body. Each text part
// is read by byte range on its own, attachments never (issue 12 item 13). Bounded in size; never throws.
import { isAscii } from 'node:buffer';
import { decodeHeaderValue } from './decode-words.js';
import { readHeader } from './header.js';
import { decodedPartText } from './part-text.js';
import { messagePreview, previewOf, previewPart } from './preview.js';
import type { MimeMessage, MimePart } from './types.js';

/** At most this many characters of text per message, header and body each. */
export const MAX_TEXT_CHARS = 1024 * 1024;
const MAX_HEADER_READ = 256 * 1024;

export interface MessageText {
  header: string;
  body: string;
  /** RFC 8970 preview (preview.ts): from the text of the first part a reader would see; "" when none. */
  preview: string;
}

export { decodeHeaderValue } from './decode-words.js';

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

/**
 * The names a part's header gives its file (Content-Disposition filename, Content-Type name), RFC 2231
 * continuations and charsets already undone by the MIME parser, RFC 2047 encoded-words (which mail programs
 * write inside quoted parameters although RFC 2047 §5 forbids it) decoded here: "filename: résumé.pdf" lines.
 */
function fileNames(part: MimePart): string {
  const lines: string[] = [];
  for (const [name, value] of [...part.params, ...(part.disposition?.params ?? [])]) {
    if (name === 'name' || name === 'filename') lines.push(`${name}: ${decodeHeaderValue(value)}`);
  }
  return lines.join('\n');
}

/**
 * Encoded octets that can hold one character of text at most: 4 (UTF-8) times 3 (quoted-printable "=XX"). A part
 * is decoded only up to the octets that can still yield text under MAX_TEXT_CHARS (issue 12 item 13: a large
 * part is never decoded whole).
 */
const MAX_OCTETS_PER_CHAR = 12;
/**
 * Octets of an HTML part read at most: html-to-text builds a document tree of its input (about 35 bytes of memory
 * and 0.6 µs per octet), so 12 MB of HTML would cost ~400 MB and seconds; 2 MB of markup still holds more text
 * than most messages have (a 20 MB HTML part indexes its first ~2 MB).
 */
const MAX_HTML_OCTETS = 2 * MAX_TEXT_CHARS;

/** Charsets (lower-cased; '' for none) that decode an ASCII octet as that one character. */
const ASCII_CHARSETS = new Set(['', 'us-ascii', 'ascii', 'utf-8', 'utf8']);

/**
 * A text/plain part without transfer encoding or format=flowed, in an ASCII-compatible charset, whose first
 * `maxChars` octets (or all of them, when fewer) are ASCII decodes to those characters first, whatever follows;
 * the caller keeps `maxChars` characters, so the result is theirs and nothing more is read (issue 12 item 13: a
 * large text part costs its first MAX_TEXT_CHARS octets, not twelve times that), and mailparser is not needed.
 * Null when the shortcut does not apply.
 */
function asciiPrefix(read: ReadRange, part: MimePart, maxChars: number): string | null {
  if (part.subtype !== 'plain' || part.encoding === 'BASE64' || part.encoding === 'QUOTED-PRINTABLE') return null;
  const param = (name: string) => part.params.find(([n]) => n === name)?.[1];
  if (!ASCII_CHARSETS.has((param('charset') ?? '').trim().toLowerCase())) return null;
  if ((param('format') ?? '').trim().toLowerCase() === 'flowed') return null;
  const end = Math.min(part.bodyEnd, part.bodyStart + maxChars);
  const head = read(part.bodyStart, end);
  return head.length === Math.max(0, end - part.bodyStart) && isAscii(head) ? head.toString('latin1') : null;
}

/** The decoded text of one text/* part, from at most `maxChars` characters' worth of its octets. */
async function partText(read: ReadRange, part: MimePart, maxChars: number): Promise<string> {
  const ascii = asciiPrefix(read, part, maxChars);
  if (ascii !== null) return ascii;
  const most = part.subtype === 'html' ? MAX_HTML_OCTETS : maxChars * MAX_OCTETS_PER_CHAR;
  const end = Math.min(part.bodyEnd, part.bodyStart + most);
  return decodedPartText(part, read(part.bodyStart, end));
}

/** Collects pieces of text up to MAX_TEXT_CHARS characters in all. */
class Bounded {
  private readonly pieces: string[] = [];
  size = 0;

  get full(): boolean {
    return this.size >= MAX_TEXT_CHARS;
  }

  add(text: string): void {
    if (this.full || text === '') return;
    const piece = text.slice(0, MAX_TEXT_CHARS - this.size);
    this.pieces.push(piece);
    this.size += piece.length + 1;
  }

  text(): string {
    return this.pieces.join('\n').replace(/\r\n?/g, '\n');
  }
}

/**
 * Header and body text of the message (in memory or read by range), CRLF as LF, each cut at MAX_TEXT_CHARS:
 * the header is the message's header followed by the headers of its MIME parts and their file names; the body
 * the text parts and encapsulated messages in order.
 */
export async function extractText(raw: Buffer | ReadRange, message: MimeMessage): Promise<MessageText> {
  const read = rangeOf(raw);
  const header = new Bounded();
  const body = new Bounded();
  const chosen = previewPart(message.root);
  let preview: string | null = chosen === null ? '' : null;
  /** `headed`: the part's header is already text (the message's own, or an encapsulated message's in the body). */
  const walk = async (part: MimePart, headed = false): Promise<void> => {
    if (!headed && !header.full) {
      header.add(headerText(read, part.headerStart, part.bodyStart));
      header.add(fileNames(part));
    }
    if (part.type === 'multipart') {
      for (const child of part.children) await walk(child);
    } else if (part.message) {
      if (!body.full) body.add(headerText(read, part.message.root.headerStart, part.message.root.bodyEnd));
      await walk(part.message.root, true);
    } else if (part.type === 'text' && !body.full) {
      const text = await partText(read, part, MAX_TEXT_CHARS - body.size);
      body.add(text);
      if (part === chosen) preview = previewOf(text); // RFC 8970: from the text just decoded, not decoded again
    }
  };
  try {
    header.add(headerText(read, message.root.headerStart, message.root.bodyEnd));
    await walk(message.root, true);
  } catch {
    // What was read so far is kept: a malformed part does not hide the rest of the message.
  }
  // The chosen part lay beyond MAX_TEXT_CHARS, or decoding stopped before it: its first octets are read now.
  if (preview === null) preview = await messagePreview(read, message);
  return { header: header.text(), body: body.text(), preview };
}
