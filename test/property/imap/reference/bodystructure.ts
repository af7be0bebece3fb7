// Reference implementation kept for the property test render-text.property.test.ts: the renderer as it was
// before src/imap/protocol/bodystructure.ts rendered to one string. Do not change; the new renderer must match it byte for byte.
// BODY and BODYSTRUCTURE rendering from the MIME model (RFC 9051 §7.5.2 and §9 body, body-type-1part,
// body-type-mpart, body-ext-1part, body-ext-mpart; RFC 3501 §7.4.2): basic, text and message/rfc822 bodies
// (envelope, encapsulated body, lines), extension data (md5, disposition, language, location). Pure.
import type { MimePart } from '../../../../src/mime/types.js';
import { list, nstring, number, raw, string, type Wire } from './encode.js';
import { renderEnvelope } from './envelope.js';

const NIL = raw('NIL');

/** A multipart must hold at least one body (RFC 9051 §9 body-type-mpart): an empty text/plain stands in. */
const EMPTY_BODY = raw('("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 0 0)');

export interface BodyOptions {
  /** BODYSTRUCTURE (true) or BODY (false, no extension data). */
  extended: boolean;
  /** UTF8=ACCEPT enabled (RFC 6855 §3): strings may carry UTF-8 and parameters are sent decoded. */
  utf8?: boolean;
}

/** RFC 2231 attribute-char: what may stay unescaped in an extended parameter value. */
const ATTRIBUTE_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/**
 * body-fld-param. The model holds decoded values; without UTF8=ACCEPT a non-ASCII value goes back to the
 * RFC 2231 extended form (name*=utf-8''…) so that it stays 7-bit, as a client reading the header would expect.
 */
function params(p: ReadonlyArray<readonly [string, string]>, utf8: boolean): Wire {
  if (p.length === 0) return NIL;
  return list(
    p.flatMap(([name, value]) => {
      if (utf8 || /^[\x00-\x7f]*$/.test(value)) return [string(name, utf8), string(value, utf8)];
      let encoded = "utf-8''";
      for (const byte of Buffer.from(value, 'utf8')) {
        const ch = String.fromCharCode(byte);
        encoded += byte < 0x80 && ATTRIBUTE_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      return [string(`${name}*`), string(encoded)];
    }),
  );
}

/** body-fld-param for the part: text/* without a charset gets the RFC 2045 §5.2 default made explicit. */
function partParams(part: MimePart, utf8: boolean): Wire {
  const p: Array<readonly [string, string]> = part.params.map(([n, v]) => [n, v] as const);
  if (part.type === 'text' && !p.some(([n]) => n === 'charset')) p.push(['charset', 'us-ascii']);
  return params(p, utf8);
}

/** body-fld-dsp SP body-fld-lang SP body-fld-loc. */
function tailExtensions(part: MimePart, utf8: boolean): Wire[] {
  const dsp = part.disposition === null ? NIL : list([string(part.disposition.type, utf8), params(part.disposition.params.map(([n, v]) => [n, v] as const), utf8)]);
  const lang = part.language === null || part.language.length === 0 ? NIL : list(part.language.map((l) => string(l, utf8)));
  return [dsp, lang, nstring(part.location, utf8)];
}

function isMessage(part: MimePart): boolean {
  return part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global') && part.message !== null;
}

function multipart(part: MimePart, opts: BodyOptions, utf8: boolean): Wire {
  const children = part.children.length === 0 ? [EMPTY_BODY] : part.children.map((c) => renderBody(c, opts));
  const items: Wire[] = [Buffer.concat(children), string(part.subtype, utf8)];
  if (opts.extended) items.push(partParams(part, utf8), ...tailExtensions(part, utf8));
  return list(items);
}

function singlePart(part: MimePart, opts: BodyOptions, utf8: boolean): Wire {
  const items: Wire[] = [
    string(part.type, utf8),
    string(part.subtype, utf8),
    partParams(part, utf8),
    nstring(part.id, utf8),
    nstring(part.description, utf8),
    string(part.encoding, utf8),
    number(part.size),
  ];
  if (isMessage(part) && part.message) {
    items.push(renderEnvelope(part.message.envelope, utf8), renderBody(part.message.root, opts), number(part.lines));
  } else if (part.type === 'text') {
    items.push(number(part.lines));
  }
  if (opts.extended) items.push(nstring(part.md5, utf8), ...tailExtensions(part, utf8));
  return list(items);
}

/** The BODY or BODYSTRUCTURE value of a part (the message's root part for the whole message). */
export function renderBody(part: MimePart, opts: BodyOptions): Wire {
  const utf8 = opts.utf8 ?? false;
  return part.type === 'multipart' ? multipart(part, opts, utf8) : singlePart(part, opts, utf8);
}

/** BODYSTRUCTURE of a message. */
export function renderBodyStructure(root: MimePart, utf8 = false): Wire {
  return renderBody(root, { extended: true, utf8 });
}

/** BODY (non-extensible BODYSTRUCTURE) of a message. */
export function renderBodyBasic(root: MimePart, utf8 = false): Wire {
  return renderBody(root, { extended: false, utf8 });
}
