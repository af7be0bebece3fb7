// IMAP responses (RFC 9051 §7): status responses with typed response codes exactly as on the wire
// (RFC 9051 §7.1, RFC 5530, RFC 4315, RFC 6154 ...), and untagged data built from encoded pieces.
import { raw, type Wire } from './protocol/encode.js';

export type ResponseCode =
  | 'ALERT'
  | 'AUTHENTICATIONFAILED'
  | 'AUTHORIZATIONFAILED'
  | 'BADCHARSET'
  | 'CANNOT'
  | 'CLIENTBUG'
  | 'CLOSED'
  | 'COMPRESSIONACTIVE' // RFC 4978 §3
  | 'CONTACTADMIN'
  | 'EXPUNGEISSUED'
  | 'HASCHILDREN'
  | 'INUSE'
  | 'LIMIT'
  | 'NONEXISTENT'
  | 'NOPERM'
  | 'OVERQUOTA'
  | 'PARSE'
  | 'PRIVACYREQUIRED'
  | 'READ-ONLY'
  | 'READ-WRITE'
  | 'SERVERBUG'
  | 'TOOBIG'
  | 'TRYCREATE'
  | 'UNAVAILABLE'
  | 'ALREADYEXISTS'
  | 'UNKNOWN-CTE'
  | 'USEATTR';

/** A response code with its data, e.g. `UIDVALIDITY 3857529045` or `COPYUID 38505 304,319 3956:3957`. */
export type Code = ResponseCode | `${'CAPABILITY' | 'UIDVALIDITY' | 'UIDNEXT' | 'UNSEEN' | 'PERMANENTFLAGS' | 'APPENDUID' | 'COPYUID' | 'HIGHESTMODSEQ' | 'BADCHARSET' | 'MODIFIED' | 'BADURL' | 'MAILBOXID'} ${string}`;

export type Status = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

export interface TaggedResult {
  status: 'OK' | 'NO' | 'BAD';
  code: Code | null;
  text: string;
}

export const ok = (text: string, code: Code | null = null): TaggedResult => ({ status: 'OK', code, text });
export const no = (text: string, code: Code | null = null): TaggedResult => ({ status: 'NO', code, text });
export const bad = (text: string, code: Code | null = null): TaggedResult => ({ status: 'BAD', code, text });

/** Text cannot carry CR or LF (a reply must never inject another line, R11.1). */
function clean(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

export function statusLine(tag: string, status: Status, code: Code | null, text: string): Wire {
  const c = code === null ? '' : `[${code}] `;
  return raw(`${tag} ${status} ${c}${clean(text)}\r\n`);
}

/** `* <pieces>\r\n` from already-encoded data. */
export function untagged(...pieces: Wire[]): Wire {
  return Buffer.concat([raw('* '), ...pieces, raw('\r\n')]);
}

export function untaggedText(text: string): Wire {
  return raw(`* ${clean(text)}\r\n`);
}
