// The MIME parser: raw message bytes → MimeMessage with byte offsets (RFC 2045 §5–6, RFC 2046 §5.1 multipart
// delimiters with the line break before a delimiter belonging to it, §5.2 message/rfc822, RFC 6532 §3.5
// message/global, RFC 2183, RFC 3282, RFC 2557 Content-Location). Never throws: malformed input still
// yields a valid model (see the comments on each tolerance). Pure. Reads through a ByteScan, so that a large
// message is parsed a window at a time (issue 17 item 4) with the same result as the message held whole.
import { BufferScan, type ByteScan } from './byte-scan.js';
import { buildEnvelope } from './envelope.js';
import {
  fieldValue,
  parseContentType,
  parseDisposition,
  parseEncoding,
  parseFields,
  parseLanguage,
  type HeaderBlock,
  type HeaderField,
} from './header.js';
import type { MimeMessage, MimePart } from './types.js';

export interface MimeLimits {
  /** Multipart / message nesting levels; a part deeper than this is an opaque leaf (SPEC R11.2). */
  maxDepth: number;
  /** Parts in the whole tree; past it a multipart's remaining body is not split further. */
  maxParts: number;
  /** Octets of each header that are read for fields (the header still ends at its blank line). */
  maxHeaderBytes: number;
}

export const DEFAULT_MIME_LIMITS: MimeLimits = { maxDepth: 32, maxParts: 2000, maxHeaderBytes: 256 * 1024 };

const LF = 0x0a;
const CR = 0x0d;

interface Context {
  src: ByteScan;
  limits: MimeLimits;
  parts: number;
}

/** Octets 0x0A in [start, end): body-fld-lines counts LF-terminated lines, as Dovecot does. */
export function countLines(buf: Buffer, start: number, end: number): number {
  let n = 0;
  let pos = buf.indexOf(LF, start);
  while (pos >= 0 && pos < end) {
    n++;
    pos = buf.indexOf(LF, pos + 1);
  }
  return n;
}

/** Parses a whole message. Never throws; an empty input is an empty text/plain message. */
export function parseMessage(raw: Buffer, limits: Partial<MimeLimits> = {}): MimeMessage {
  return parseMessageScan(new BufferScan(raw), limits);
}

/** parseMessage over any ByteScan (a large message read a window at a time gives the same model). */
export function parseMessageScan(src: ByteScan, limits: Partial<MimeLimits> = {}): MimeMessage {
  const ctx: Context = { src, limits: { ...DEFAULT_MIME_LIMITS, ...limits }, parts: 0 };
  return parseEntity(ctx, 0, src.length, 0);
}

/** header.ts readHeader over a ByteScan: only the header's first `maxBytes` octets are read into memory. */
function readHeaderScan(src: ByteScan, start: number, end: number, maxBytes: number): HeaderBlock {
  const bodyStart = findBodyStartScan(src, start, end);
  const head = src.slice(start, Math.min(bodyStart, start + Math.max(0, maxBytes)));
  return { fields: parseFields(head, 0, head.length, maxBytes), bodyStart };
}

/** header.ts findBodyStart over a ByteScan. */
function findBodyStartScan(src: ByteScan, start: number, end: number): number {
  let pos = start;
  while (pos < end) {
    const lf = src.indexOf(LF, pos, end);
    if (lf < 0) return end;
    const contentEnd = lf > pos && src.at(lf - 1) === CR ? lf - 1 : lf;
    if (contentEnd === pos) return lf + 1;
    pos = lf + 1;
  }
  return end;
}

function parseEntity(ctx: Context, start: number, end: number, depth: number): MimeMessage {
  const header = readHeaderScan(ctx.src, start, end, ctx.limits.maxHeaderBytes);
  const root = buildPart(ctx, start, end, header.fields, header.bodyStart, depth, false);
  return { envelope: buildEnvelope(header.fields), root };
}

function parsePart(ctx: Context, start: number, end: number, depth: number, digest: boolean): MimePart {
  const header = readHeaderScan(ctx.src, start, end, ctx.limits.maxHeaderBytes);
  return buildPart(ctx, start, end, header.fields, header.bodyStart, depth, digest);
}

/** The part's own fields, then its children (multipart) or encapsulated message (message/rfc822). */
function buildPart(
  ctx: Context,
  start: number,
  end: number,
  fields: readonly HeaderField[],
  bodyStart: number,
  depth: number,
  inDigest: boolean,
): MimePart {
  ctx.parts++;
  const ctValue = fieldValue(fields, 'content-type');
  let ct = ctValue === null ? null : parseContentType(ctValue);
  // RFC 2046 §5.1.1: the boundary parameter is required; without it the Content-Type is invalid.
  if (ct?.type === 'multipart' && !ct.params.some(([n, v]) => n === 'boundary' && v !== '')) ct = null;
  // RFC 2045 §5.2 default, and RFC 2046 §5.1.5 inside multipart/digest.
  const { type, subtype, params } = ct ?? (inDigest && ctValue === null
    ? { type: 'message', subtype: 'rfc822', params: [] }
    : { type: 'text', subtype: 'plain', params: [] });
  const disposition = fieldValue(fields, 'content-disposition');
  const language = fieldValue(fields, 'content-language');
  const part: MimePart = {
    headerStart: start,
    bodyStart,
    bodyEnd: end,
    type,
    subtype,
    params,
    id: fieldValue(fields, 'content-id'),
    description: fieldValue(fields, 'content-description'),
    encoding: parseEncoding(fieldValue(fields, 'content-transfer-encoding')),
    md5: fieldValue(fields, 'content-md5'),
    disposition: disposition === null ? null : parseDisposition(disposition),
    language: language === null ? null : parseLanguage(language),
    location: fieldValue(fields, 'content-location'),
    size: end - bodyStart,
    lines: ctx.src.count(LF, bodyStart, end),
    children: [],
    message: null,
  };
  const container = type === 'multipart' || (type === 'message' && (subtype === 'rfc822' || subtype === 'global'));
  if (container && depth >= ctx.limits.maxDepth) {
    // SPEC R11.2: too deep to descend; an opaque leaf that BODYSTRUCTURE can still describe.
    part.type = 'application';
    part.subtype = 'octet-stream';
    part.params = [];
    return part;
  }
  if (type === 'multipart') {
    const boundary = params.find(([n]) => n === 'boundary')?.[1] ?? '';
    for (const [s, e] of splitMultipartScan(ctx.src, bodyStart, end, boundary, ctx.limits.maxParts - ctx.parts)) {
      if (ctx.parts >= ctx.limits.maxParts) break;
      part.children.push(parsePart(ctx, s, e, depth + 1, subtype === 'digest'));
    }
  } else if (container) {
    part.message = parseEntity(ctx, bodyStart, end, depth + 1);
  }
  return part;
}

/**
 * The body parts of a multipart body in [start, end) (RFC 2046 §5.1.1): a delimiter is a line starting with
 * "--" boundary followed by only whitespace, or by "--" for the close delimiter; the line break before it
 * belongs to the delimiter. The preamble and epilogue are not parts. Without a close delimiter the last part
 * runs to the end; a body without any delimiter has no parts. At most `maxParts` ranges are returned.
 */
export function splitMultipart(
  buf: Buffer,
  start: number,
  end: number,
  boundary: string,
  maxParts = Number.MAX_SAFE_INTEGER,
): Array<[number, number]> {
  return splitMultipartScan(new BufferScan(buf), start, end, boundary, maxParts);
}

function splitMultipartScan(src: ByteScan, start: number, end: number, boundary: string, maxParts: number): Array<[number, number]> {
  const delimiter = Buffer.from(`--${boundary}`, 'utf8');
  const ranges: Array<[number, number]> = [];
  let partStart: number | null = null;
  let pos = start;
  while (pos < end && ranges.length < maxParts) {
    const hit = src.indexOf(delimiter, pos, end);
    if (hit < 0) break;
    if (hit !== start && src.at(hit - 1) !== LF) {
      pos = hit + 1; // not at the start of a line
      continue;
    }
    let lf = src.indexOf(LF, hit, end);
    if (lf < 0) lf = end;
    const next = Math.min(end, lf + 1);
    const kind = delimiterKind(src, hit, lf, delimiter);
    if (kind !== null) {
      if (partStart !== null) {
        let partEnd = Math.max(partStart, hit);
        if (partEnd > partStart && src.at(partEnd - 1) === LF) partEnd--;
        if (partEnd > partStart && src.at(partEnd - 1) === CR) partEnd--;
        ranges.push([partStart, partEnd]);
      }
      if (kind === 'close') return ranges;
      partStart = next;
    }
    pos = next;
  }
  if (partStart !== null && ranges.length < maxParts) ranges.push([partStart, end]);
  return ranges;
}

function delimiterKind(src: ByteScan, pos: number, lineEnd: number, delimiter: Buffer): 'open' | 'close' | null {
  if (lineEnd - pos < delimiter.length || src.at(pos) !== 0x2d || src.at(pos + 1) !== 0x2d) return null;
  if (!src.slice(pos, pos + delimiter.length).equals(delimiter)) return null;
  let i = pos + delimiter.length;
  if (src.at(i) === 0x2d && src.at(i + 1) === 0x2d && i + 1 < lineEnd) return 'close';
  for (; i < lineEnd; i++) {
    const c = src.at(i);
    if (c !== 0x20 && c !== 0x09 && c !== CR) return null; // transport padding only (RFC 2046 §5.1.1)
  }
  return 'open';
}
