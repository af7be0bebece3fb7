// fetch-att (RFC 9051 §6.4.5 and §9, RFC 3501 §6.4.5, RFC 3516 §4.2 BINARY, RFC 7162 §3.1.4 MODSEQ,
// RFC 8474 §7 "EMAILID" / "THREADID", RFC 8514 §4 "SAVEDATE"):
//   "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822" [".HEADER" / ".SIZE" / ".TEXT"] / "BODY" ["STRUCTURE"] /
//   "UID" / "MODSEQ" / "BODY" section [partial] / "BODY.PEEK" section [partial] /
//   "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary /
//   "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"], preview-mod = "LAZY" (RFC 8970 §7)
import { isAtomChar, type Reader } from '../reader.js';
import type { FetchAttribute, Section } from '../types.js';

const SIMPLE = new Map<string, FetchAttribute>(
  (['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE'] as const).map(
    (kind) => [kind, { kind }],
  ),
);

/** RFC 9051 §6.4.5 macros, valid only as the whole item list. */
export const MACROS = new Map<string, FetchAttribute[]>([
  ['FAST', [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }]],
  ['ALL', [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }]],
  ['FULL', [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }, { kind: 'BODY' }]],
]);

const TEXTS = new Set(['HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME']);
/** RFC 5322 §3.6.8 field-name: printable US-ASCII except ":". */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** The attribute name: atom characters up to "[" or "<", upper-cased. */
export function attributeName(r: Reader): string {
  return r.run((c) => isAtomChar(c) && c !== 0x5b && c !== 0x3c, 'fetch attribute').toUpperCase();
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** section = "[" [section-spec] "]"; section-binary = "[" [section-part] "]". */
export function section(r: Reader, binary: boolean): Section {
  r.expect('[');
  const result: Section = { part: [], text: null, fields: [] };
  if (isDigit(r.peek())) {
    // section-part = nz-number *("." nz-number)
    result.part.push(r.nzNumber(undefined, 'part number'));
    while (r.peek() === 0x2e && isDigit(r.peek(1))) {
      r.pos += 1;
      result.part.push(r.nzNumber(undefined, 'part number'));
    }
    if (r.peek() === 0x2e && !binary) r.pos += 1;
    else {
      r.expect(']');
      return result;
    }
  } else if (binary || r.peek() === 0x5d) {
    r.expect(']');
    return result;
  }
  const text = r.run((c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e, 'section text').toUpperCase();
  if (!TEXTS.has(text)) r.unknown('section text', text);
  if (text === 'MIME' && result.part.length === 0) r.fail('MIME needs a part number');
  result.text = text as Section['text'];
  if (text.startsWith('HEADER.FIELDS')) {
    r.sp();
    result.fields = r.list(() => {
      const name = r.astring('header field name').toString('latin1');
      if (!FIELD_NAME.test(name)) r.fail('Invalid header field name');
      return name;
    }, false);
  }
  r.expect(']');
  return result;
}

/** partial = "<" number64 "." nz-number64 ">" (RFC 9051 §9). */
function partial(r: Reader): { offset: number; length: number } | null {
  if (r.peek() !== 0x3c) return null;
  r.pos += 1;
  const offset = r.number(Number.MAX_SAFE_INTEGER, 'partial offset');
  r.expect('.');
  const length = r.nzNumber(Number.MAX_SAFE_INTEGER, 'partial length');
  r.expect('>');
  return { offset, length };
}

/**
 * RFC 8970 §7: PREVIEW's modifiers, whether LAZY is among them. ` (` after a lone PREVIEW item may also open the
 * command's fetch-modifiers (`FETCH 1 PREVIEW (CHANGEDSINCE 5)`): it is PREVIEW's only when a preview-mod follows.
 */
function previewLazy(r: Reader): boolean {
  if (!r.lookingAt(' (LAZY') || ![0x20, 0x29].includes(r.peek(' (LAZY'.length))) return false;
  r.sp();
  r.list(() => {
    const mod = r.keyword('preview modifier');
    if (mod !== 'LAZY') r.unknown('PREVIEW modifier', mod);
  }, false);
  return true;
}

export function fetchAttribute(r: Reader): FetchAttribute {
  const name = attributeName(r);
  if (name === 'PREVIEW' && r.peek() !== 0x5b) return { kind: 'PREVIEW', lazy: previewLazy(r) };
  if (r.peek() !== 0x5b) {
    const simple = SIMPLE.get(name);
    return simple ? { ...simple } : r.unknown('fetch attribute', name);
  }
  switch (name) {
    case 'BODY':
    case 'BODY.PEEK': {
      const s = section(r, false);
      return { kind: 'BODY[]', section: s, peek: name === 'BODY.PEEK', partial: partial(r) };
    }
    case 'BINARY':
    case 'BINARY.PEEK': {
      const s = section(r, true);
      return { kind: 'BINARY[]', section: s, peek: name === 'BINARY.PEEK', partial: partial(r) };
    }
    case 'BINARY.SIZE':
      return { kind: 'BINARY.SIZE', section: section(r, true) };
    default:
      return r.unknown('fetch attribute', `${name}[`);
  }
}
