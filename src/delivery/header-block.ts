// Splits a raw message into its header fields and body without decoding anything (RFC 5322 §2.1, §2.2,
// §3.6.8, obs-syntax §4.5 "name WSP :"); tolerates bare LF, 8-bit bytes and a missing blank line (R1.6, R11).

/** Limits on the header block; exceeding one stops parsing and sets `overflow`. */
export interface HeaderLimits {
  /** Bytes of header (all fields, before the blank line). */
  maxHeaderBytes: number;
  /** Number of header lines grouped into fields (including malformed ones). */
  maxFields: number;
}

export const DEFAULT_HEADER_LIMITS: HeaderLimits = { maxHeaderBytes: 1024 * 1024, maxFields: 10_000 };

/** One header field, or one line that is not a field (`name === null`), exactly as received. */
export interface HeaderField {
  /** The field name as written (without WSP before the colon); null for a malformed line. */
  name: string | null;
  /** Lower-cased name for comparisons; empty for a malformed line. */
  lowerName: string;
  /** Byte offset of the field in the original message. */
  start: number;
  /** Byte offset just past the field's last line ending. */
  end: number;
  /** Byte offset just past the colon (equal to `start` for a malformed line). */
  valueStart: number;
  /** The field's bytes: first line, folded continuation lines and line endings. */
  raw: Buffer;
}

export type HeaderOverflow = 'header-bytes' | 'field-count';

export interface HeaderBlock {
  fields: HeaderField[];
  /** The blank line ending the header (`\r\n`, `\n`, or empty when the message is all header). */
  separator: Buffer;
  /** Offset of the first body byte in the original message. */
  bodyStart: number;
  /** The body bytes, untouched (a view of the original buffer). */
  body: Buffer;
  /** Set when a limit was reached: parsing stopped and the unparsed rest is in `body`, separator empty. */
  overflow: HeaderOverflow | null;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

function isWsp(byte: number | undefined): boolean {
  return byte === SP || byte === HTAB;
}

/** Field name bytes: printable US-ASCII except colon (RFC 5322 §2.2 ftext). */
function parseName(raw: Buffer, start: number, lineEnd: number): { name: string; colon: number } | null {
  let i = start;
  while (i < lineEnd) {
    const b = raw[i]!;
    if (b === COLON) break;
    if (b < 33 || b > 126) {
      if (!isWsp(b)) return null;
      // obs-syntax: WSP between the name and the colon, nothing else.
      let j = i;
      while (j < lineEnd && isWsp(raw[j])) j += 1;
      if (raw[j] !== COLON || i === start) return null;
      return { name: raw.toString('latin1', start, i), colon: j };
    }
    i += 1;
  }
  if (i >= lineEnd || i === start) return null;
  return { name: raw.toString('latin1', start, i), colon: i };
}

/** Offset just past the next LF at or after `from`, or the buffer length when there is none. */
function nextLine(raw: Buffer, from: number): number {
  const lf = raw.indexOf(LF, from);
  return lf < 0 ? raw.length : lf + 1;
}

/** True when the line [start, end) holds only its line ending (the blank line). */
function isBlankLine(raw: Buffer, start: number, end: number): boolean {
  const len = end - start;
  if (len === 1) return raw[start] === LF;
  if (len === 2) return raw[start] === CR && raw[start + 1] === LF;
  return false;
}

interface PendingField {
  name: string | null;
  start: number;
  valueStart: number;
  end: number;
}

function toField(raw: Buffer, p: PendingField): HeaderField {
  return {
    name: p.name,
    lowerName: p.name === null ? '' : p.name.toLowerCase(),
    start: p.start,
    end: p.end,
    valueStart: p.valueStart,
    raw: raw.subarray(p.start, p.end),
  };
}

/** Parses the header block; never throws, runs in time linear in the header size. */
export function parseHeaderBlock(raw: Buffer, limits: HeaderLimits = DEFAULT_HEADER_LIMITS): HeaderBlock {
  const fields: HeaderField[] = [];
  let pending: PendingField | null = null;
  let sepStart = raw.length;
  let bodyStart = raw.length;
  let overflow: HeaderOverflow | null = null;
  let pos = 0;
  while (pos < raw.length) {
    const end = nextLine(raw, pos);
    const continuation = isWsp(raw[pos]) && pending !== null; // RFC 5322 §2.2.3 folding
    if (!continuation && isBlankLine(raw, pos, end)) {
      if (pending !== null) fields.push(toField(raw, pending));
      pending = null;
      sepStart = pos;
      bodyStart = end;
      break;
    }
    if (end > limits.maxHeaderBytes) {
      // Whole fields only: a field still being folded goes back to the unparsed rest.
      if (pending !== null && !continuation) fields.push(toField(raw, pending));
      sepStart = bodyStart = continuation && pending !== null ? pending.start : pos;
      pending = null;
      overflow = 'header-bytes';
      break;
    }
    if (continuation && pending !== null) {
      pending.end = end;
      pos = end;
      continue;
    }
    if (pending !== null) fields.push(toField(raw, pending));
    pending = null;
    if (fields.length >= limits.maxFields) {
      sepStart = bodyStart = pos;
      overflow = 'field-count';
      break;
    }
    const lineEnd = raw[end - 1] === LF ? end - 1 : end;
    const parsed = isWsp(raw[pos]) ? null : parseName(raw, pos, lineEnd);
    pending = parsed
      ? { name: parsed.name, start: pos, valueStart: parsed.colon + 1, end }
      : { name: null, start: pos, valueStart: pos, end };
    pos = end;
  }
  if (pending !== null) fields.push(toField(raw, pending));
  return { fields, separator: raw.subarray(sepStart, bodyStart), bodyStart, body: raw.subarray(bodyStart), overflow };
}

/**
 * R1.7: the message must begin with a header field or with the blank line, because our trace fields are
 * prepended directly above it. A first line that is not a field (RFC 5322 §2.2: a name, then a colon) would
 * otherwise be read as part of OUR header: a leading SP/HTAB folds into our Received field (§2.2.3), and
 * readers that drop NUL or stray bytes could make it do so. As Postfix does with "garbage" in the primary
 * header (cleanup's mime_state: it emits one blank line and goes to the body), a blank line is inserted before
 * such a line: the header ends there, the message's bytes all become its body, and our fields stay whole.
 * Returns the same buffer when the message already starts with a field or the blank line, or is empty.
 */
export function separateNonFieldStart(raw: Buffer): Buffer {
  if (raw.length === 0) return raw;
  const end = nextLine(raw, 0);
  if (isBlankLine(raw, 0, end)) return raw;
  const lineEnd = raw[end - 1] === LF ? end - 1 : end;
  if (!isWsp(raw[0]) && parseName(raw, 0, lineEnd) !== null) return raw;
  return Buffer.concat([Buffer.from([CR, LF]), raw]);
}

/**
 * The field's value as text: bytes after the colon, unfolded (CR and LF removed), decoded as UTF-8 (RFC 8616)
 * or, for readers that fall back to it on 8-bit bytes that are not UTF-8, as latin-1. The whole value, however long.
 */
export function fieldValue(field: HeaderField, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  const offset = field.valueStart - field.start;
  return field.raw.toString(encoding, offset).replace(/[\r\n]/g, '');
}

/** Reassembles a message from fields, the separator and the body; byte-exact when nothing was removed. */
export function rebuildMessage(fields: readonly HeaderField[], separator: Buffer, body: Buffer): Buffer {
  return Buffer.concat([...fields.map((f) => f.raw), separator, body]);
}

/**
 * Converts bare LF line endings to CRLF (R1.6); CRLF and lone CR are left alone. Returns the same buffer
 * when there is nothing to change.
 */
export function normalizeLineEndings(raw: Buffer): Buffer {
  let bare = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) {
    if (i === 0 || raw[i - 1] !== CR) bare += 1;
  }
  if (bare === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + bare);
  let o = 0;
  let from = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) {
    if (i === 0 || raw[i - 1] !== CR) {
      o += raw.copy(out, o, from, i);
      out[o] = CR;
      o += 1;
      from = i;
    }
  }
  o += raw.copy(out, o, from);
  return out.subarray(0, o);
}

/**
 * Turns a lone CR inside the header (before the blank line) into CRLF. RFC 5322 §2.2 forbids it, and readers
 * that split lines on CR would otherwise see a field the stripper did not (R2.2). The body is untouched.
 */
export function splitLoneCrInHeader(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  let lineStart = true;
  for (let i = 0; i < raw.length; i += 1) {
    const b = raw[i]!;
    if (b === LF) {
      if (lineStart) break; // a bare-LF blank line
      lineStart = true;
      continue;
    }
    if (b === CR) {
      if (raw[i + 1] === LF) {
        if (lineStart) break; // the blank line: the body follows
        i += 1;
        lineStart = true;
        continue;
      }
      parts.push(raw.subarray(from, i + 1), Buffer.from([LF]));
      from = i + 1;
      lineStart = true;
      continue;
    }
    lineStart = false;
  }
  if (parts.length === 0) return raw;
  parts.push(raw.subarray(from));
  return Buffer.concat(parts);
}
