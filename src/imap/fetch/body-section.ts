// FETCH body data items (RFC 9051 §6.4.5, §7.5.2; RFC 3501 §6.4.5 RFC822*; RFC 3516 BINARY): BODY[section]
// <partial> and BODY.PEEK, RFC822, RFC822.HEADER, RFC822.TEXT, BINARY[part]<partial> and BINARY.SIZE, each
// read from the store by byte range (section.ts maps a section to octets of the served message), or served
// without a copy from the whole message when the command read it in a batch.
import type { Piece } from '../../net/write-coalescer.js';
import type { MessageMeta, MessageStructure } from '../../store/types.js';
import { astring, literal, number, raw, string, type Wire } from '../protocol/encode.js';
import { filterHeader, findPart, sectionRange, type ByteRange } from '../protocol/section.js';
import type { FetchAttribute, Section } from '../protocol/types.js';
import { decodeTransfer } from '../../mime/transfer.js';

/** One message as FETCH sees it: metadata, its MIME structure when an item needs it, and ranged reads. */
export interface FetchedMessage {
  meta: MessageMeta;
  structure: MessageStructure | null;
  /** Octets [offset, offset+length) of the served message (trace prefix + body), clamped. */
  read(range: { offset: number; length: number }): Promise<Buffer>;
  /** The served message as pieces (trace prefix, body) when the command read it already, else null. */
  whole: readonly Buffer[] | null;
  /** RFC 8970 preview when PREVIEW was asked for (null: not at hand under LAZY). */
  preview?: string | null;
}

export type BodyAttribute = Extract<
  FetchAttribute,
  { kind: 'BODY[]' | 'BINARY[]' | 'BINARY.SIZE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
>;

/** RFC 3516 §4.3: a part whose Content-Transfer-Encoding the server cannot undo → NO [UNKNOWN-CTE]. */
export class UnknownCteError extends Error {
  constructor(encoding: string) {
    super(`Cannot decode the content-transfer-encoding ${encoding}`);
    this.name = 'UnknownCteError';
  }
}

/**
 * Octets [offset, offset+length) of the served message, to be read and written a window at a time by the FETCH
 * command rather than held whole (issue 12 item 13, R11.2): a literal's data above STREAM_BYTES.
 */
export class RangeStream {
  constructor(
    readonly offset: number,
    readonly length: number,
  ) {}
}

/** A piece of a FETCH response: octets, latin1 text, or a range of the message streamed by the command. */
export type FetchPiece = Piece | RangeStream;

/** Literal data above this many octets is streamed (RangeStream), never read into one buffer. */
export const STREAM_BYTES = 1024 * 1024;

const WHOLE: Section = { part: [], text: null, fields: [] };
const HEADER: Section = { part: [], text: 'HEADER', fields: [] };
const TEXT: Section = { part: [], text: 'TEXT', fields: [] };

export function isBodyAttribute(att: FetchAttribute): att is BodyAttribute {
  return ['BODY[]', 'BINARY[]', 'BINARY.SIZE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'].includes(att.kind);
}

/** Whether the item is the whole message, unfiltered and not partial (worth reading whole messages in a batch). */
export function readsWhole(att: BodyAttribute): boolean {
  switch (att.kind) {
    case 'RFC822':
      return true;
    case 'BODY[]':
      return isWhole(att.section) && att.partial === null;
    case 'BINARY[]':
      return att.section.part.length === 0 && att.partial === null;
    default:
      return false;
  }
}

function isWhole(section: Section): boolean {
  return section.part.length === 0 && section.text === null;
}

/** Octets [offset, offset+length) of a message held as pieces, clamped as the store clamps a ranged read. */
export function slicePieces(pieces: readonly Buffer[], range: { offset: number; length: number }): Buffer[] {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const start = Math.min(Math.max(0, Math.floor(range.offset)), total);
  const end = Math.min(total, start + Math.max(0, Math.floor(range.length)));
  const out: Buffer[] = [];
  let at = 0;
  for (const p of pieces) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + p.length);
    if (to > from) out.push(p.subarray(from - at, to - at));
    at += p.length;
  }
  return out;
}

/** RFC 9051 §6.4.5: BODY[...] (not .PEEK), RFC822 and RFC822.TEXT set \Seen; RFC 3516 §4.2: so does BINARY[...]. */
export function setsSeen(att: FetchAttribute): boolean {
  switch (att.kind) {
    case 'BODY[]':
    case 'BINARY[]':
      return !att.peek;
    case 'RFC822':
    case 'RFC822.TEXT':
      return true;
    default:
      return false;
  }
}

/** Whether the item needs the stored MIME structure (everything but the whole message does). */
export function needsStructure(att: BodyAttribute): boolean {
  if (att.kind === 'RFC822') return false;
  if (att.kind === 'BODY[]') return att.section.part.length > 0 || att.section.text !== null;
  return att.kind !== 'BINARY[]' || att.section.part.length > 0;
}

/** The section as echoed in the response: `1.2.HEADER.FIELDS (From To)` (RFC 9051 §9 section-spec). */
export function sectionText(section: Section): string {
  const parts = section.part.join('.');
  const text = section.text === null ? '' : `${parts ? '.' : ''}${section.text}`;
  const fields = section.fields.length > 0 ? ` (${section.fields.map((f) => astring(f).toString('latin1')).join(' ')})` : '';
  return `${parts}${text}${fields}`;
}

/** The stored MIME structure, which the store keeps for every message (SPEC R7.3). */
export function structureOf(msg: FetchedMessage): MessageStructure {
  if (!msg.structure) throw new Error(`no MIME structure stored for UID ${msg.meta.uid}`);
  return msg.structure;
}

/** Where the section lies in the served message; the whole message needs no structure. */
function rangeOf(msg: FetchedMessage, section: Section): ByteRange {
  if (isWhole(section)) return { start: 0, end: msg.meta.size };
  const s = structureOf(msg);
  return sectionRange(s.mime, section, s.prefixLength, msg.meta.size);
}

/** Octets of a section, with the HEADER.FIELDS filter applied. */
export async function sectionBytes(msg: FetchedMessage, section: Section): Promise<Buffer> {
  const range = rangeOf(msg, section);
  const bytes = range.end > range.start ? await msg.read({ offset: range.start, length: range.end - range.start }) : Buffer.alloc(0);
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
    return filterHeader(bytes, section.fields, section.text === 'HEADER.FIELDS.NOT');
  }
  return bytes;
}

/** Octets of a section from `offset`, at most `length` of them, reading only that range when unfiltered. */
export async function partialSectionBytes(msg: FetchedMessage, section: Section, partial: { offset: number; length: number }): Promise<Buffer> {
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
    return (await sectionBytes(msg, section)).subarray(partial.offset, partial.offset + partial.length);
  }
  const range = rangeOf(msg, section);
  const start = Math.min(range.end, range.start + partial.offset);
  const end = Math.min(range.end, start + partial.length);
  return end > start ? msg.read({ offset: start, length: end - start }) : Buffer.alloc(0);
}

/** Data as a literal (8-bit and CRLF safe), `""` when empty (RFC 9051 §6.4.5: past the end → empty string). */
function data(bytes: Buffer, binary = false): Wire {
  if (bytes.length === 0) return string('');
  // RFC 3516 §4.2: literal8 only where the data holds NUL octets, which a plain literal cannot carry.
  if (binary && bytes.includes(0)) return Buffer.concat([raw('~'), literal(bytes)]);
  return literal(bytes);
}

/** `{n}\r\n` and the pieces (`~{n}` for BINARY data with NUL), `""` when empty: data() without the copy. */
function dataPieces(pieces: readonly Buffer[], binary = false): Piece[] {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  if (total === 0) return ['""'];
  const tilde = binary && pieces.some((p) => p.includes(0)) ? '~' : '';
  return [`${tilde}{${total}}\r\n`, ...pieces];
}

/** The decoded octets of a part for BINARY (RFC 3516 §4.2): base64 and quoted-printable undone. */
async function binaryBytes(msg: FetchedMessage, part: readonly number[]): Promise<Buffer> {
  if (part.length === 0) return sectionBytes(msg, WHOLE);
  const s = structureOf(msg);
  const target = findPart(s.mime, part);
  if (!target) return Buffer.alloc(0);
  const raw_ = await sectionBytes(msg, { part: [...part], text: null, fields: [] });
  switch (target.encoding) {
    case '7BIT':
    case '8BIT':
    case 'BINARY':
      return raw_;
    case 'BASE64':
    case 'QUOTED-PRINTABLE':
      return decodeTransfer(raw_, target.encoding);
    default:
      throw new UnknownCteError(target.encoding);
  }
}

/**
 * `NAME value` for one body item of one message, as pieces. The whole message, when the command read it
 * already, is passed on as its prefix and body, never concatenated (copied at most once more, into a write).
 */
export async function bodyItem(att: BodyAttribute, msg: FetchedMessage): Promise<FetchPiece[]> {
  if (msg.whole !== null && readsWhole(att)) {
    const bytes = slicePieces(msg.whole, { offset: 0, length: msg.meta.size });
    if (att.kind === 'RFC822') return ['RFC822 ', ...dataPieces(bytes)];
    if (att.kind === 'BINARY[]') return ['BINARY[] ', ...dataPieces(bytes, true)];
    return ['BODY[] ', ...dataPieces(bytes)];
  }
  const streamed = streamedItem(att, msg);
  if (streamed !== null) return streamed;
  return [await bodyItemWire(att, msg)];
}

/**
 * A large unfiltered, undecoded item as `NAME {n}\r\n` and a RangeStream of its octets; null for anything else
 * (small, HEADER.FIELDS, BINARY), which is read into one buffer.
 */
function streamedItem(att: BodyAttribute, msg: FetchedMessage): FetchPiece[] | null {
  let name: string;
  let range: ByteRange;
  switch (att.kind) {
    case 'RFC822':
      [name, range] = ['RFC822', rangeOf(msg, WHOLE)];
      break;
    case 'RFC822.TEXT':
      [name, range] = ['RFC822.TEXT', rangeOf(msg, TEXT)];
      break;
    case 'BODY[]': {
      if (att.section.text === 'HEADER.FIELDS' || att.section.text === 'HEADER.FIELDS.NOT') return null;
      name = `BODY[${sectionText(att.section)}]`;
      range = rangeOf(msg, att.section);
      if (att.partial !== null) {
        name += `<${att.partial.offset}>`;
        const start = Math.min(range.end, range.start + att.partial.offset);
        range = { start, end: Math.min(range.end, start + att.partial.length) };
      }
      break;
    }
    default:
      return null;
  }
  const length = range.end - range.start;
  if (length <= STREAM_BYTES) return null;
  return [`${name} {${length}}\r\n`, new RangeStream(range.start, length)];
}

async function bodyItemWire(att: BodyAttribute, msg: FetchedMessage): Promise<Wire> {
  switch (att.kind) {
    case 'RFC822':
      return Buffer.concat([raw('RFC822 '), data(await sectionBytes(msg, WHOLE))]);
    case 'RFC822.HEADER':
      return Buffer.concat([raw('RFC822.HEADER '), data(await sectionBytes(msg, HEADER))]);
    case 'RFC822.TEXT':
      return Buffer.concat([raw('RFC822.TEXT '), data(await sectionBytes(msg, TEXT))]);
    case 'BODY[]': {
      const name = `BODY[${sectionText(att.section)}]`;
      if (att.partial === null) return Buffer.concat([raw(`${name} `), data(await sectionBytes(msg, att.section))]);
      const bytes = await partialSectionBytes(msg, att.section, att.partial);
      return Buffer.concat([raw(`${name}<${att.partial.offset}> `), data(bytes)]);
    }
    case 'BINARY[]': {
      const name = `BINARY[${att.section.part.join('.')}]`;
      const bytes = await binaryBytes(msg, att.section.part);
      if (att.partial === null) return Buffer.concat([raw(`${name} `), data(bytes, true)]);
      const slice = bytes.subarray(att.partial.offset, att.partial.offset + att.partial.length);
      return Buffer.concat([raw(`${name}<${att.partial.offset}> `), data(slice, true)]);
    }
    case 'BINARY.SIZE': {
      const bytes = await binaryBytes(msg, att.section.part);
      return Buffer.concat([raw(`BINARY.SIZE[${att.section.part.join('.')}] `), number(bytes.length)]);
    }
  }
}
