// The POP3 command parser (RFC 1939 §3, §5–§7, RFC 2449 §5 CAPA, RFC 2595 §4 STLS, RFC 5034 §4 AUTH,
// RFC 6856 §2 UTF8); pure: one command line in, a typed command or a reply-ready error out (SPEC R11.1).

export type Pop3Command =
  | { verb: 'USER'; name: string }
  | { verb: 'PASS'; password: string }
  | { verb: 'AUTH'; mechanism: string | null; initialResponse: string | null }
  | { verb: 'STAT' }
  | { verb: 'LIST'; msg: number | null }
  | { verb: 'RETR'; msg: number }
  | { verb: 'DELE'; msg: number }
  | { verb: 'NOOP' }
  | { verb: 'RSET' }
  | { verb: 'TOP'; msg: number; lines: number }
  | { verb: 'UIDL'; msg: number | null }
  | { verb: 'QUIT' }
  | { verb: 'CAPA' }
  | { verb: 'STLS' }
  | { verb: 'UTF8' };

export type Pop3Verb = Pop3Command['verb'];

export interface ParseError {
  /** 'unknown': no such command; 'syntax': a known command with bad arguments. */
  kind: 'unknown' | 'syntax';
  text: string;
}

export type ParseResult = { ok: true; command: Pop3Command } | { ok: false; error: ParseError };

/** RFC 1939 §3: a message number is a positive decimal; more than 9 digits names no message we could hold. */
const MSG_NUMBER = /^[1-9][0-9]{0,8}$/;
/** TOP's line count: non-negative; huge values mean "the whole body" and are clamped. */
const LINE_COUNT = /^[0-9]{1,12}$/;
/** RFC 5034 §4: a SASL mechanism name (RFC 4422 §3.1: 1–20 of A-Z 0-9 - _). */
const MECHANISM = /^[A-Za-z0-9_-]{1,20}$/;
/** RFC 1939 §3: arguments are printable; no control characters in a name (PASS keeps its bytes as sent). */
const CONTROL = /[\u0000-\u001f\u007f]/;

const syntax = (text: string): ParseResult => ({ ok: false, error: { kind: 'syntax', text } });
const ok = (command: Pop3Command): ParseResult => ({ ok: true, command });

function noArgs(verb: 'STAT' | 'NOOP' | 'RSET' | 'QUIT' | 'CAPA' | 'STLS' | 'UTF8', args: string[]): ParseResult {
  return args.length === 0 ? ok({ verb }) : syntax(`${verb} takes no argument`);
}

function msgNumber(text: string | undefined): number | null {
  return text !== undefined && MSG_NUMBER.test(text) ? Number(text) : null;
}

function optionalMsg(verb: 'LIST' | 'UIDL', args: string[]): ParseResult {
  if (args.length === 0) return ok({ verb, msg: null });
  const msg = msgNumber(args[0]);
  if (args.length > 1 || msg === null) return syntax(`${verb} [message number]`);
  return ok({ verb, msg });
}

function oneMsg(verb: 'RETR' | 'DELE', args: string[]): ParseResult {
  const msg = msgNumber(args[0]);
  if (args.length !== 1 || msg === null) return syntax(`${verb} message-number`);
  return ok({ verb, msg });
}

function top(args: string[]): ParseResult {
  const msg = msgNumber(args[0]);
  const n = args[1];
  if (args.length !== 2 || msg === null || n === undefined || !LINE_COUNT.test(n)) return syntax('TOP message-number lines');
  return ok({ verb: 'TOP', msg, lines: Math.min(Number(n), Number.MAX_SAFE_INTEGER) });
}

function auth(args: string[]): ParseResult {
  if (args.length === 0) return ok({ verb: 'AUTH', mechanism: null, initialResponse: null });
  const [mechanism, initial] = args;
  if (args.length > 2 || mechanism === undefined || !MECHANISM.test(mechanism)) return syntax('AUTH mechanism [initial-response]');
  return ok({ verb: 'AUTH', mechanism: mechanism.toUpperCase(), initialResponse: initial ?? null });
}

/** Parses one command line (without CRLF). Keywords are case-insensitive (RFC 1939 §3). */
export function parseCommand(line: string): ParseResult {
  const space = line.indexOf(' ');
  const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  const rest = space < 0 ? '' : line.slice(space + 1);
  // RFC 1939 §7: PASS has one argument which may contain spaces; it is taken as sent.
  if (keyword === 'PASS') {
    if (rest === '' || /[\r\n\0]/.test(rest)) return syntax('PASS password');
    return ok({ verb: 'PASS', password: rest });
  }
  const args = rest.split(' ').filter((a) => a !== '');
  switch (keyword) {
    case 'USER': {
      const name = rest.trim();
      if (name === '' || CONTROL.test(name)) return syntax('USER name');
      return ok({ verb: 'USER', name });
    }
    case 'AUTH':
      return auth(args);
    case 'STAT':
    case 'NOOP':
    case 'RSET':
    case 'QUIT':
    case 'CAPA':
    case 'STLS':
    case 'UTF8':
      return noArgs(keyword, args);
    case 'LIST':
    case 'UIDL':
      return optionalMsg(keyword, args);
    case 'RETR':
    case 'DELE':
      return oneMsg(keyword, args);
    case 'TOP':
      return top(args);
    default:
      return { ok: false, error: { kind: 'unknown', text: 'Unknown command' } };
  }
}
