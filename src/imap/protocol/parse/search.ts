// search = "SEARCH" [search-return-opts] [SP "CHARSET" SP charset] 1*(SP search-key); also after "UID" SP
// search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"
// (RFC 9051 §6.4.4, RFC 4731 §3 ESEARCH, RFC 5182 §2 SAVE, RFC 6855 §3 UTF-8 strings, RFC 9394 §3.1 PARTIAL)
import type { Reader } from '../reader.js';
import { charsetDecoder } from '../search-charset.js';
import type { Command, PartialRange, SearchKey } from '../types.js';
import { returnOptions as returnOptionList } from './partial-range.js';
import { conjunction, searchKey, type DecodeString } from './search-key.js';

const RETURN_OPTIONS = new Set(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'CONTEXT', 'UPDATE']); // RFC 5267 §4.1: CONTEXT, UPDATE

/**
 * Search strings (quoted or literal) as text. UTF-8 (strict) under UTF8=ACCEPT, for CHARSET UTF-8, and without
 * CHARSET (RFC 9051 §6.4.4 assumes UTF-8; it is a superset of US-ASCII); CHARSET US-ASCII refuses 8-bit octets;
 * any other charset TextDecoder knows is converted to Unicode (issue 13 item 11). Octets the charset does not
 * define are BAD, as Dovecot's "Invalid search key"; an unknown charset keeps the octets (as Latin-1) and the
 * handler answers NO [BADCHARSET].
 */
export function decoder(r: Reader, charset: string | null): DecodeString {
  const upper = charset?.toUpperCase() ?? 'UTF-8';
  if (upper === 'US-ASCII' && !r.utf8Accept) {
    return (data, what) => (data.some((b) => b >= 0x80) ? r.fail(`8-bit octet in ${what} under CHARSET US-ASCII`) : data.toString('latin1'));
  }
  const converter = upper === 'US-ASCII' ? null : charsetDecoder(upper);
  if (upper === 'US-ASCII' || converter?.encoding === 'utf-8') return (data, what) => r.text(data, what);
  if (converter === null) return (data) => data.toString('latin1');
  return (data, what) => {
    try {
      return converter.decode(data);
    } catch {
      return r.fail(`Invalid ${what} for CHARSET ${converter.encoding}`);
    }
  };
}

/** `SP "RETURN" SP "(" … ")" SP` when present (SEARCH, and SORT's ESORT form, RFC 5267 §3): the options and PARTIAL. */
export function returnClause(r: Reader, allowed: ReadonlySet<string>, what: string): { options: string[] | null; partial: PartialRange | null } {
  if (!r.lookingAt('RETURN ')) return { options: null, partial: null };
  r.pos += 7;
  const clause = returnOptionList(r, allowed, what);
  r.sp();
  return clause;
}

/** 1*(SP search-key) with strings decoded per `charset`, as one key (an AND of several). */
export function searchProgram(r: Reader, charset: string | null): SearchKey {
  const decode = decoder(r, charset);
  const keys = [searchKey(r, decode)];
  while (r.more()) keys.push(searchKey(r, decode));
  return conjunction(keys);
}

/** search-charset 1*(SP search-key): SORT and THREAD, whose charset is not optional (RFC 5256 §5). */
export function charsetProgram(r: Reader): { charset: string; key: SearchKey } {
  const charset = r.astring('charset').toString('latin1');
  r.sp();
  return { charset, key: searchProgram(r, charset) };
}

export function parseSearch(r: Reader, uid: boolean): Command {
  r.sp();
  const { options: returnOptions, partial } = returnClause(r, RETURN_OPTIONS, 'SEARCH return option');
  let charset: string | null = null;
  if (r.lookingAt('CHARSET ')) {
    r.pos += 8;
    charset = r.astring('charset').toString('latin1');
    r.sp();
  }
  const command: Command = { name: 'SEARCH', uid, charset, key: searchProgram(r, charset), returnOptions };
  return partial === null ? command : { ...command, partial };
}
