// Message preview text (RFC 8970 §3; issue 15 item 6 PREVIEW): the first text part a reader would see (a
// text/plain or text/html part that is not an attachment, outside encapsulated messages; in a
// multipart/alternative its text/plain, else its HTML), decoded as the full-text index decodes it (part-text.ts:
// transfer encoding, charset, format=flowed, HTML reduced to text by html-to-text, entities undone), with every
// run of white space and control characters one space, cut at PREVIEW_CHARS characters (code points: a
// surrogate pair is never split). The indexer thread stores it with each body's text (text.ts, text-db.ts); a
// body not indexed yet has it computed here from the first octets of that one part. Pure but for the reads.
import { decodedPartText } from './part-text.js';
import type { MimeMessage, MimePart } from './types.js';

/** Octets [start, end) of the message (text.ts ReadRange, which imports this file). */
type ReadRange = (start: number, end: number) => Buffer;

/** RFC 8970 §3.1: at most 256 characters. */
export const PREVIEW_CHARS = 256;
/**
 * Octets of the chosen part decoded when the preview is computed on the spot: enough for 256 characters of
 * text behind a long run of white space (plain), or behind a head of styles and markup (HTML).
 */
export const PREVIEW_PLAIN_OCTETS = 16 * 1024;
export const PREVIEW_HTML_OCTETS = 256 * 1024;

const readable = (part: MimePart): boolean =>
  part.type === 'text' && (part.subtype === 'plain' || part.subtype === 'html') && part.disposition?.type !== 'attachment';

/** The part whose text is the preview, or null when the message has none (the preview is then ""). */
export function previewPart(part: MimePart): MimePart | null {
  if (part.type !== 'multipart') return readable(part) ? part : null;
  if (part.subtype === 'alternative') {
    const plain = part.children.find((c) => readable(c) && c.subtype === 'plain');
    if (plain) return plain;
  }
  for (const child of part.children) {
    const found = previewPart(child);
    if (found) return found;
  }
  return null;
}

/** A run of white space or control characters (made one space). */
const BLANK_RUN = /[\s\p{Cc}]+/gu;
/** A surrogate that is not half of a pair (made U+FFFD, so the preview is valid UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Characters of decoded text looked at per round, until the preview is full or the text ends. */
const CHUNK = 1024;

const points = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** The preview of a decoded text: blanks collapsed and trimmed, at most PREVIEW_CHARS code points. */
export function previewOf(text: string): string {
  // Only the head is looked at: chunk by chunk until more than PREVIEW_CHARS characters are left after collapsing
  // (a chunk may end inside a run of blanks or a surrogate pair: both are joined up by the next round).
  let flat = '';
  for (let at = 0; at < text.length && points(flat) <= PREVIEW_CHARS; at += CHUNK) {
    flat = (flat + text.slice(at, at + CHUNK)).replace(BLANK_RUN, ' ').trimStart();
  }
  flat = flat.replace(LONE_SURROGATE, '\uFFFD');
  let out = '';
  let count = 0;
  for (const ch of flat) {
    if (count === PREVIEW_CHARS) break;
    out += ch;
    count++;
  }
  return out.trimEnd();
}

/**
 * The preview of a message computed on the spot (RFC 8970 §3; for a body the indexer has not reached): only the
 * chosen part is read, and only its first PREVIEW_PLAIN_OCTETS or PREVIEW_HTML_OCTETS octets.
 */
export async function messagePreview(read: ReadRange, message: MimeMessage): Promise<string> {
  const part = previewPart(message.root);
  if (!part) return '';
  try {
    const most = part.subtype === 'html' ? PREVIEW_HTML_OCTETS : PREVIEW_PLAIN_OCTETS;
    return previewOf(await decodedPartText(part, read(part.bodyStart, Math.min(part.bodyEnd, part.bodyStart + most))));
  } catch {
    return '';
  }
}
