// BODY and BODYSTRUCTURE as IMAP wire text (RFC 9051 §7.5.2 and §9 body, body-type-1part, body-type-mpart,
// body-ext-1part, body-ext-mpart; RFC 3501 §7.4.2): basic, text and message/rfc822 bodies (envelope, encapsulated
// body, lines), extension data (md5, disposition, language, location). Pure and protocol-neutral: rendered at
// ingest by the store (issue 17 item 2) and at FETCH by imap/ (imap/protocol/bodystructure.ts).
import type { MimeParam, MimePart } from '../types.js';
import { nstringText, numberText, stringText, utf8Octets, type WireText } from './wire-text.js';
import { envelopeText } from './envelope-text.js';

/** A multipart must hold at least one body (RFC 9051 §9 body-type-mpart): an empty text/plain stands in. */
const EMPTY_BODY = '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 0 0)';

export interface BodyOptions {
  /** BODYSTRUCTURE (true) or BODY (false, no extension data). */
  extended: boolean;
  /** UTF8=ACCEPT enabled (RFC 6855 §3): strings may carry UTF-8 and parameters are sent decoded. */
  utf8?: boolean;
}

/** RFC 2231 attribute-char: what may stay unescaped in an extended parameter value. */
const ATTRIBUTE_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;
const ASCII = /^[\x00-\x7f]*$/;

/** RFC 2231 extended value `utf-8''…` of a non-ASCII parameter value. */
function extendedValue(value: string): string {
  let encoded = "utf-8''";
  const octets = utf8Octets(value);
  for (let i = 0; i < octets.length; i++) {
    const byte = octets.charCodeAt(i);
    const ch = octets[i] as string;
    encoded += byte < 0x80 && ATTRIBUTE_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** One `name value` pair of body-fld-param. */
function param([name, value, extended]: MimeParam, utf8: boolean): WireText {
  // The model holds decoded values. Without UTF8=ACCEPT a non-ASCII value written in the RFC 2231 extended form
  // goes back to that form (name*=utf-8''…); one written as raw 8-bit (`name="été.pdf"`, as Outlook does) keeps
  // its name, the value sent as a literal of its UTF-8 octets (issue 13 item 12, as Dovecot 2.3 does).
  if (utf8 || !extended || ASCII.test(value)) return `${stringText(name, utf8)} ${stringText(value, utf8)}`;
  return `${stringText(`${name}*`)} ${stringText(extendedValue(value))}`;
}

/** body-fld-param; `charset` adds the RFC 2045 §5.2 default (text/* without a charset) at the end. */
function params(p: readonly MimeParam[], utf8: boolean, charset = false): WireText {
  if (p.length === 0 && !charset) return 'NIL';
  let out = '(';
  for (let i = 0; i < p.length; i++) {
    if (i > 0) out += ' ';
    out += param(p[i] as MimeParam, utf8);
  }
  if (charset) out += p.length > 0 ? ' "charset" "us-ascii"' : '"charset" "us-ascii"';
  return `${out})`;
}

/** body-fld-param for the part: text/* without a charset gets the RFC 2045 §5.2 default made explicit. */
function partParams(part: MimePart, utf8: boolean): WireText {
  return params(part.params, utf8, part.type === 'text' && !part.params.some(([n]) => n === 'charset'));
}

/** SP body-fld-dsp SP body-fld-lang SP body-fld-loc. */
function tailExtensions(part: MimePart, utf8: boolean): WireText {
  const d = part.disposition;
  const dsp = d === null ? 'NIL' : `(${stringText(d.type, utf8)} ${params(d.params, utf8)})`;
  let lang = 'NIL';
  if (part.language !== null && part.language.length > 0) {
    lang = '(';
    for (let i = 0; i < part.language.length; i++) lang += (i > 0 ? ' ' : '') + stringText(part.language[i] as string, utf8);
    lang += ')';
  }
  return ` ${dsp} ${lang} ${nstringText(part.location, utf8)}`;
}

function isMessage(part: MimePart): boolean {
  return part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global') && part.message !== null;
}

function multipart(part: MimePart, opts: BodyOptions, utf8: boolean): WireText {
  let out = '(';
  if (part.children.length === 0) out += EMPTY_BODY;
  for (const child of part.children) out += bodyText(child, opts);
  out += ` ${stringText(part.subtype, utf8)}`;
  if (opts.extended) out += ` ${partParams(part, utf8)}${tailExtensions(part, utf8)}`;
  return `${out})`;
}

function singlePart(part: MimePart, opts: BodyOptions, utf8: boolean): WireText {
  let out =
    `(${stringText(part.type, utf8)} ${stringText(part.subtype, utf8)} ${partParams(part, utf8)} ` +
    `${nstringText(part.id, utf8)} ${nstringText(part.description, utf8)} ${stringText(part.encoding, utf8)} ${numberText(part.size)}`;
  if (isMessage(part) && part.message) {
    out += ` ${envelopeText(part.message.envelope, utf8)} ${bodyText(part.message.root, opts)} ${numberText(part.lines)}`;
  } else if (part.type === 'text') {
    out += ` ${numberText(part.lines)}`;
  }
  if (opts.extended) out += ` ${nstringText(part.md5, utf8)}${tailExtensions(part, utf8)}`;
  return `${out})`;
}

/** The BODY or BODYSTRUCTURE value of a part (the message's root part for the whole message), as text. */
export function bodyText(part: MimePart, opts: BodyOptions): WireText {
  const utf8 = opts.utf8 ?? false;
  return part.type === 'multipart' ? multipart(part, opts, utf8) : singlePart(part, opts, utf8);
}
