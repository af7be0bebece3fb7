// The LMTP command parser (RFC 2033, RFC 5321 §4.1, RFC 3030 BDAT, RFC 4954 AUTH, RFC 8689 REQUIRETLS,
// Postfix XFORWARD); pure: one command line in, a typed command or a reply-ready error out.
import { parsePath, type Address } from './address.js';
import { decodeXtext } from './xtext.js';

export type BodyType = '7BIT' | '8BITMIME' | 'BINARYMIME';

export interface MailParams {
  size: number | null;
  body: BodyType;
  smtputf8: boolean;
  requireTls: boolean;
  /** RFC 4954 §5: the decoded AUTH= identity; '' for AUTH=<>; null when absent. */
  auth: string | null;
}

export type LmtpCommand =
  | { verb: 'LHLO'; domain: string }
  | { verb: 'HELO' | 'EHLO'; domain: string }
  | { verb: 'MAIL'; from: Address | null; params: MailParams }
  | { verb: 'RCPT'; to: Address }
  | { verb: 'DATA' }
  | { verb: 'BDAT'; size: number; last: boolean }
  | { verb: 'RSET' }
  | { verb: 'NOOP' }
  | { verb: 'QUIT' }
  | { verb: 'VRFY'; argument: string }
  | { verb: 'HELP'; topic: string }
  | { verb: 'STARTTLS' }
  | { verb: 'AUTH'; mechanism: string; initialResponse: string | null }
  | { verb: 'XFORWARD'; attributes: Record<string, string | null> };

export interface ParseError {
  code: 500 | 501 | 502 | 555;
  enhanced: string;
  text: string;
}

export type ParseResult = { ok: true; command: LmtpCommand } | { ok: false; error: ParseError };

/** XFORWARD attributes Postfix sends (XFORWARD_README). */
export const XFORWARD_ATTRIBUTES = ['NAME', 'ADDR', 'PORT', 'PROTO', 'HELO', 'IDENT', 'SOURCE'] as const;

const MAX_BDAT = Number.MAX_SAFE_INTEGER;

const syntax = (text: string): ParseResult => ({ ok: false, error: { code: 501, enhanced: '5.5.4', text } });
const unknownParam = (text: string): ParseResult => ({ ok: false, error: { code: 555, enhanced: '5.5.4', text } });

function parseParams(text: string): Array<{ key: string; value: string | null }> | string {
  const out: Array<{ key: string; value: string | null }> = [];
  for (const part of text.split(' ').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]*$/.test(key)) return `malformed parameter "${part}"`;
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (value !== null && !/^[\x21-\x3c\x3e-\x7e\u0080-\uffff]*$/.test(value)) return `malformed value in "${part}"`;
    out.push({ key, value });
  }
  return out;
}

function parseMail(args: string): ParseResult {
  const m = /^FROM:\s?/i.exec(args);
  if (!m) return syntax('Syntax: MAIL FROM:<address> [parameters]');
  const path = parsePath(args.slice(m[0].length), { allowNull: true });
  if (!path.ok) return syntax(path.reason);
  if (path.rest !== '' && !path.rest.startsWith(' ')) return syntax('a space must separate the address from parameters');
  const params = parseParams(path.rest);
  if (typeof params === 'string') return syntax(params);
  const out: MailParams = { size: null, body: '7BIT', smtputf8: false, requireTls: false, auth: null };
  const seen = new Set<string>();
  for (const { key, value } of params) {
    if (seen.has(key)) return syntax(`parameter ${key} given twice`);
    seen.add(key);
    switch (key) {
      case 'SIZE':
        if (value === null || !/^\d{1,15}$/.test(value)) return syntax('SIZE needs a number of octets');
        out.size = Number(value);
        break;
      case 'BODY': {
        const body = value?.toUpperCase();
        if (body !== '7BIT' && body !== '8BITMIME' && body !== 'BINARYMIME') return syntax('BODY must be 7BIT, 8BITMIME or BINARYMIME');
        out.body = body;
        break;
      }
      case 'SMTPUTF8':
        if (value !== null) return syntax('SMTPUTF8 takes no value');
        out.smtputf8 = true;
        break;
      case 'REQUIRETLS':
        // R3.2: a value on the parameter is a syntax error (RFC 8689 §4.1 defines none).
        if (value !== null) return syntax('REQUIRETLS takes no value');
        out.requireTls = true;
        break;
      case 'AUTH': {
        if (value === null) return syntax('AUTH needs a value: AUTH=<> or AUTH=xtext');
        if (value === '<>') {
          out.auth = '';
          break;
        }
        const decoded = decodeXtext(value);
        if (decoded === null || decoded === '') return syntax('AUTH= value is not valid xtext');
        out.auth = decoded;
        break;
      }
      default:
        return unknownParam(`unsupported parameter ${key}`);
    }
  }
  return { ok: true, command: { verb: 'MAIL', from: path.address, params: out } };
}

function parseRcpt(args: string): ParseResult {
  const m = /^TO:\s?/i.exec(args);
  if (!m) return syntax('Syntax: RCPT TO:<address>');
  const path = parsePath(args.slice(m[0].length), { allowNull: false });
  if (!path.ok) return syntax(path.reason);
  if (!path.ok || path.address === null) return syntax('an empty address is not allowed here');
  const params = parseParams(path.rest);
  if (typeof params === 'string') return syntax(params);
  if (params.length > 0) return unknownParam(`unsupported parameter ${params[0]!.key}`);
  return { ok: true, command: { verb: 'RCPT', to: path.address } };
}

function parseXforward(args: string): ParseResult {
  const params = parseParams(args);
  if (typeof params === 'string') return syntax(params);
  if (params.length === 0) return syntax('Syntax: XFORWARD attribute=value ...');
  const attributes: Record<string, string | null> = {};
  for (const { key, value } of params) {
    if (!(XFORWARD_ATTRIBUTES as readonly string[]).includes(key)) return syntax(`unknown XFORWARD attribute ${key}`);
    if (value === null) return syntax(`XFORWARD ${key} needs a value`);
    if (value === '[UNAVAILABLE]' || value === '[TEMPUNAVAIL]') {
      attributes[key] = null;
      continue;
    }
    const decoded = decodeXtext(value);
    if (decoded === null) return syntax(`XFORWARD ${key} is not valid xtext`);
    attributes[key] = decoded;
  }
  return { ok: true, command: { verb: 'XFORWARD', attributes } };
}

function noArgs(verb: 'DATA' | 'RSET' | 'QUIT' | 'STARTTLS', args: string): ParseResult {
  return args === '' ? { ok: true, command: { verb } } : syntax(`${verb} takes no arguments`);
}

/** Parses one command line (without CRLF). Never throws. */
export function parseCommand(line: string): ParseResult {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) return { ok: false, error: { code: 500, enhanced: '5.5.2', text: 'control characters in command' } };
  const sp = line.indexOf(' ');
  const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
  const args = sp < 0 ? '' : line.slice(sp + 1).replace(/\s+$/, '');
  switch (verb) {
    case 'LHLO':
    case 'HELO':
    case 'EHLO': {
      const domain = args.trim();
      if (!/^[\x21-\x7e\u0080-\uffff]{1,255}$/.test(domain)) return syntax(`Syntax: ${verb} hostname`);
      return { ok: true, command: { verb, domain } };
    }
    case 'MAIL':
      return parseMail(args);
    case 'RCPT':
      return parseRcpt(args);
    case 'DATA':
    case 'RSET':
    case 'QUIT':
    case 'STARTTLS':
      return noArgs(verb, args);
    case 'NOOP':
      return { ok: true, command: { verb: 'NOOP' } };
    case 'BDAT': {
      const m = /^(\d{1,15})(?: +(LAST))?$/i.exec(args);
      if (!m || Number(m[1]) > MAX_BDAT) return syntax('Syntax: BDAT size [LAST]');
      return { ok: true, command: { verb: 'BDAT', size: Number(m[1]), last: m[2] !== undefined } };
    }
    case 'VRFY':
      if (args === '') return syntax('Syntax: VRFY address');
      return { ok: true, command: { verb: 'VRFY', argument: args } };
    case 'HELP':
      return { ok: true, command: { verb: 'HELP', topic: args } };
    case 'AUTH': {
      const m = /^([A-Za-z0-9_-]{1,20})(?: +(\S+))?$/.exec(args);
      if (!m) return syntax('Syntax: AUTH mechanism [initial-response]');
      return { ok: true, command: { verb: 'AUTH', mechanism: m[1]!.toUpperCase(), initialResponse: m[2] ?? null } };
    }
    case 'XFORWARD':
      return parseXforward(args);
    default:
      return { ok: false, error: { code: 500, enhanced: '5.5.2', text: 'command not recognized' } };
  }
}
