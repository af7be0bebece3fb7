// BODY[section] resolution (RFC 9051 §6.4.5, RFC 3501 §6.4.5): part numbers to any depth (part 1 of a
// non-multipart is its body; numbers below a message/rfc822 address the encapsulated message), HEADER,
// HEADER.FIELDS [.NOT], TEXT and MIME, as a byte range of the served message; and the HEADER.FIELDS filter.
import type { MimeMessage, MimePart } from '../../mime/types.js';
import type { Section } from './types.js';

export interface ByteRange {
  start: number;
  end: number;
}

const EMPTY: ByteRange = { start: 0, end: 0 };

/** Sub-part `n` of a message: a child of a multipart body, or (n = 1) the single-part body itself. */
function partOfMessage(message: MimeMessage, n: number): MimePart | null {
  const root = message.root;
  if (root.type === 'multipart') return root.children[n - 1] ?? null;
  return n === 1 ? root : null;
}

/**
 * Sub-part `n` of a part: a multipart child or a part of an encapsulated message. A leaf has none: BODY[1.1] of
 * a single-part message is empty (issue 13 item 17, as Dovecot); only at the top does 1 name the body itself.
 */
function partOf(part: MimePart, n: number): MimePart | null {
  if (part.type === 'multipart') return part.children[n - 1] ?? null;
  if (part.message) return partOfMessage(part.message, n);
  return null;
}

/** The part that `numbers` (1-based, outermost first) names, or null when there is none. */
export function findPart(message: MimeMessage, numbers: readonly number[]): MimePart | null {
  const [first, ...rest] = numbers;
  if (first === undefined) return null;
  let part = partOfMessage(message, first);
  for (const n of rest) {
    if (!part) return null;
    part = partOf(part, n);
  }
  return part;
}

/**
 * The octets of the served message (`prefixLength` octets of trace prefix, then the parsed body) that the
 * section names; an empty range when the section does not exist. HEADER.FIELDS [.NOT] give the whole header:
 * pass it through filterHeader. The top-level header and the whole message include the prefix.
 */
export function sectionRange(message: MimeMessage, section: Section, prefixLength = 0, totalLength?: number): ByteRange {
  const total = totalLength ?? prefixLength + message.root.bodyEnd;
  const range = resolve(message, section, prefixLength);
  const start = Math.max(0, Math.min(range.start, total));
  return { start, end: Math.max(start, Math.min(range.end, total)) };
}

function resolve(message: MimeMessage, section: Section, prefix: number): ByteRange {
  const shift = (start: number, end: number): ByteRange => ({ start: start + prefix, end: end + prefix });
  if (section.part.length === 0) {
    const root = message.root;
    switch (section.text) {
      case null:
        return { start: 0, end: prefix + root.bodyEnd };
      case 'HEADER':
      case 'HEADER.FIELDS':
      case 'HEADER.FIELDS.NOT':
        return { start: 0, end: prefix + root.bodyStart };
      case 'TEXT':
        return shift(root.bodyStart, root.bodyEnd);
      case 'MIME':
        return EMPTY; // RFC 9051 §6.4.5: MIME must be prefixed by a part number
    }
  }
  const part = findPart(message, section.part);
  if (!part) return EMPTY;
  switch (section.text) {
    case null:
      return shift(part.bodyStart, part.bodyEnd);
    case 'MIME':
      return shift(part.headerStart, part.bodyStart);
    case 'HEADER':
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return part.message ? shift(part.message.root.headerStart, part.message.root.bodyStart) : EMPTY;
    case 'TEXT':
      return part.message ? shift(part.message.root.bodyStart, part.message.root.bodyEnd) : EMPTY;
  }
}

const CRLF = Buffer.from('\r\n');

/**
 * HEADER.FIELDS (`not` false) or HEADER.FIELDS.NOT (`not` true) of a header block: the fields whose names
 * match (case-insensitively), each with its folded continuation lines, in their order, then the blank line
 * (RFC 9051 §6.4.5: the subset includes the delimiting blank line). Lines without a colon are not fields.
 */
export function filterHeader(header: Buffer, fields: readonly string[], not: boolean): Buffer {
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  const out: Buffer[] = [];
  let keep = false;
  let pos = 0;
  while (pos < header.length) {
    let lf = header.indexOf(0x0a, pos);
    if (lf < 0) lf = header.length - 1;
    const line = header.subarray(pos, lf + 1);
    pos = lf + 1;
    const content = line.toString('latin1').replace(/\r?\n$/, '');
    if (content === '') break; // the blank line ends the header
    if (content[0] === ' ' || content[0] === '\t') {
      if (keep) out.push(line);
      continue;
    }
    const colon = content.indexOf(':');
    const name = colon < 0 ? null : content.slice(0, colon).trim().toLowerCase();
    keep = name !== null && wanted.has(name) !== not;
    if (keep) out.push(line);
  }
  const last = out[out.length - 1];
  if (last && last[last.length - 1] !== 0x0a) out.push(CRLF); // a last field without a line break
  out.push(CRLF);
  return Buffer.concat(out);
}
