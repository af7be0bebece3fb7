// Header blocks and structured field values: finding the header/body split (RFC 5322 §2.1), unfolding
// (§2.2.3), tokens, quoted strings and comments (RFC 2045 §5.1, RFC 5322 §3.2), parameters with RFC 2231
// continuations and charsets, Content-Type / Content-Disposition / Content-Language. Pure; never throws.
import { isUtf8 } from 'node:buffer';
import { decode as decodeCharset } from 'libmime/lib/charset.js';
import { Cursor } from './cursor.js';
import type { MimeParam } from './types.js';

export interface HeaderField {
  /** Lower-cased field name ('' for a line without a colon). */
  name: string;
  /** Unfolded value (CRLF/LF of folds removed), surrounding whitespace trimmed, bytes as UTF-8 or Latin-1. */
  value: string;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset just after the blank line, or the end of the range when there is none. */
  bodyStart: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** Text of raw bytes: UTF-8 when the bytes are valid UTF-8, otherwise Latin-1 (each byte one character). */
export function bytesToText(buf: Buffer): string {
  return isUtf8(buf) ? buf.toString('utf8') : buf.toString('latin1');
}

/** Where the blank line ending the header in [start, end) is, as the offset after it (end when absent). */
export function findBodyStart(buf: Buffer, start: number, end: number): number {
  let pos = start;
  while (pos < end) {
    const lf = buf.indexOf(LF, pos);
    if (lf < 0 || lf >= end) return end;
    const contentEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    if (contentEnd === pos) return lf + 1;
    pos = lf + 1;
  }
  return end;
}

/** Splits the header in [start, headerEnd) into fields, reading at most `maxBytes` of it. */
export function parseFields(buf: Buffer, start: number, headerEnd: number, maxBytes: number): HeaderField[] {
  const limit = Math.min(headerEnd, start + Math.max(0, maxBytes));
  const fields: Array<{ name: string; parts: Buffer[] }> = [];
  let pos = start;
  while (pos < limit) {
    let lf = buf.indexOf(LF, pos);
    if (lf < 0 || lf >= limit) lf = limit;
    const lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const line = buf.subarray(pos, lineEnd);
    pos = lf + 1;
    if (line.length === 0) break;
    const first = line[0];
    const last = fields[fields.length - 1];
    if ((first === 0x20 || first === 0x09) && last) {
      last.parts.push(line);
      continue;
    }
    const colon = line.indexOf(0x3a);
    if (colon < 0) {
      fields.push({ name: '', parts: [line] });
      continue;
    }
    const name = line.subarray(0, colon).toString('latin1').trim().toLowerCase();
    fields.push({ name, parts: [line.subarray(colon + 1)] });
  }
  return fields.map((f) => ({ name: f.name, value: bytesToText(Buffer.concat(f.parts)).trim() }));
}

/** The header block of the entity starting at `start` (its fields and where its body starts). */
export function readHeader(buf: Buffer, start: number, end: number, maxBytes: number): HeaderBlock {
  const bodyStart = findBodyStart(buf, start, end);
  return { fields: parseFields(buf, start, bodyStart, maxBytes), bodyStart };
}

/** The first field of that (lower-case) name, or null. */
export function fieldValue(fields: readonly HeaderField[], name: string): string | null {
  for (const f of fields) if (f.name === name) return f.value;
  return null;
}

/** `;`-separated `name=value` parameters (RFC 2045 §5.1), RFC 2231 continuations joined and decoded. */
export function parseParams(cur: Cursor): MimeParam[] {
  const raw: Array<{ name: string; value: string }> = [];
  while (!cur.done) {
    if (!cur.eat(';')) cur.skipPast(';'); // garbage up to the next separator
    if (cur.done) break;
    const name = cur.token().toLowerCase();
    if (!name || !cur.eat('=')) continue; // the next round skips the rest of this parameter
    const value = cur.peek() === '"' ? cur.quoted() : cur.bare();
    raw.push({ name, value });
  }
  return joinRfc2231(raw);
}

interface Segment {
  index: number;
  encoded: boolean;
  value: string;
}

/** RFC 2231 §3–4: name*n[*]=value segments joined in order; charset'language' prefix decoded. */
function joinRfc2231(raw: ReadonlyArray<{ name: string; value: string }>): MimeParam[] {
  const out: MimeParam[] = [];
  const groups = new Map<string, Segment[]>();
  for (const { name, value } of raw) {
    const m = /^(.+?)(?:\*(\d+))?(\*)?$/.exec(name);
    const base = m?.[1];
    if (!m || !base || (m[2] === undefined && m[3] === undefined)) {
      if (!out.some(([n]) => n === name) && !groups.has(name)) out.push([name, value]);
      continue;
    }
    let segs = groups.get(base);
    if (!segs) {
      segs = [];
      groups.set(base, segs);
      const plain = out.findIndex(([n]) => n === base);
      if (plain >= 0) out.splice(plain, 1); // the extended form wins over a plain duplicate (RFC 2231 §4)
      out.push([base, '']);
    }
    const index = m[2] === undefined ? 0 : Number(m[2]);
    if (!segs.some((s) => s.index === index)) segs.push({ index, encoded: m[3] !== undefined, value });
  }
  for (const entry of out) {
    const segs = groups.get(entry[0]);
    if (!segs) continue;
    entry[1] = decodeSegments(segs.sort((a, b) => a.index - b.index));
    if (segs.some((s) => s.encoded)) entry[2] = true;
  }
  return out;
}

function decodeSegments(segs: readonly Segment[]): string {
  let charset = 'us-ascii';
  const first = segs[0];
  const bytes: Buffer[] = [];
  for (const seg of segs) {
    let value = seg.value;
    if (seg === first && seg.encoded) {
      const m = /^([^']*)'[^']*'(.*)$/s.exec(value);
      if (m) {
        charset = m[1] || 'us-ascii';
        value = m[2] ?? '';
      }
    }
    bytes.push(seg.encoded ? percentDecode(value) : Buffer.from(value, 'utf8'));
  }
  return decodeText(Buffer.concat(bytes), charset);
}

function percentDecode(s: string): Buffer {
  const out: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] ?? 0;
    const hex = b === 0x25 ? raw.subarray(i + 1, i + 3).toString('latin1') : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(b);
  }
  return Buffer.from(out);
}

/** Bytes in a charset as text (libmime; an unknown charset is read as UTF-8). Never throws. */
export function decodeText(buf: Buffer, charset: string): string {
  const cs = charset.trim().toLowerCase();
  if (cs === '' || cs === 'us-ascii' || cs === 'ascii') return bytesToText(buf);
  try {
    return decodeCharset(buf, cs);
  } catch {
    return bytesToText(buf);
  }
}

export interface ContentType {
  type: string;
  subtype: string;
  params: MimeParam[];
}

/** `type/subtype *(; param)`, lower-cased; null when syntactically invalid (RFC 2045 §5.2 then applies). */
export function parseContentType(value: string): ContentType | null {
  const cur = new Cursor(value);
  const type = cur.token().toLowerCase();
  if (!type || !cur.eat('/')) return null;
  const subtype = cur.token().toLowerCase();
  if (!subtype) return null;
  return { type, subtype, params: parseParams(cur) };
}

/** RFC 2183: `disposition-type *(; param)`; null when there is no type token. */
export function parseDisposition(value: string): { type: string; params: MimeParam[] } | null {
  const cur = new Cursor(value);
  const type = cur.token().toLowerCase();
  return type ? { type, params: parseParams(cur) } : null;
}

/** RFC 3282 Content-Language: a comma-separated list of tags; null when empty. */
export function parseLanguage(value: string): string[] | null {
  const cur = new Cursor(value);
  const tags: string[] = [];
  while (!cur.done) {
    const tag = cur.token();
    if (tag) tags.push(tag);
    else if (!cur.eat(',')) cur.pos++;
  }
  return tags.length > 0 ? tags : null;
}

/** The first token of Content-Transfer-Encoding, upper-cased; 7BIT when absent (RFC 2045 §6.1). */
export function parseEncoding(value: string | null): string {
  const token = value === null ? '' : new Cursor(value).token();
  return token ? token.toUpperCase() : '7BIT';
}
