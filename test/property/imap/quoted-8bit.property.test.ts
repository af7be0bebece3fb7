// Issue 13 item 11 (R11.3): 8-bit octets inside quoted strings. The parser returns a command or a ProtocolError /
// ProtocolRefusal for any octets in a quoted string, whatever the SEARCH CHARSET; raw UTF-8 quoted search strings
// come back as the text sent (with and without CHARSET UTF-8, quoted or literal); Latin-1 octets under CHARSET
// ISO-8859-1 come back as their characters; a quoted search string is accepted under CHARSET UTF-8 exactly when
// it is well-formed UTF-8; an 8-bit quoted mailbox name without UTF8=ACCEPT is a NO (ProtocolRefusal), never BAD
// and never a name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/imap/protocol/parse.js';
import { ProtocolError, ProtocolRefusal, type Command, type SearchKey } from '../../../src/imap/protocol/types.js';

function attempt(bytes: Buffer, utf8Accept = false): Command | ProtocolError | ProtocolRefusal {
  try {
    return parseCommand(bytes, { utf8Accept }).command;
  } catch (err) {
    if (err instanceof ProtocolError || err instanceof ProtocolRefusal) return err;
    throw err;
  }
}

/** `"..."` with `"` and `\` escaped (RFC 9051 §9 quoted-specials). */
function quote(octets: Buffer): Buffer {
  const out: number[] = [0x22];
  for (const b of octets) {
    if (b === 0x22 || b === 0x5c) out.push(0x5c);
    out.push(b);
  }
  out.push(0x22);
  return Buffer.from(out);
}

const line = (...parts: Array<string | Buffer>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));

function searchValue(c: Command | ProtocolError | ProtocolRefusal): string | Error {
  if (c instanceof Error) return c;
  if (c.name !== 'SEARCH') throw new Error(`not a SEARCH: ${c.name}`);
  const key: SearchKey = c.key;
  if (key.kind !== 'BODY') throw new Error(`not BODY: ${key.kind}`);
  return key.value;
}

/** Text a quoted string can carry: no NUL, CR or LF; well-formed (no lone surrogates). */
const text = fc
  .string({ unit: fc.oneof(fc.constantFrom('ü', 'ß', 'é', 'Ł', 'м', '中', '😀', '"', '\\', ' ', 'a'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 24 })
  .filter((s) => !/[\0\r\n]/.test(s) && !/\p{Cs}/u.test(s));
/** Any octets a quoted string may hold (all but NUL, CR, LF). */
const octets = fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a.filter((b) => b !== 0 && b !== 0x0d && b !== 0x0a)));
const CHARSETS = ['UTF-8', 'US-ASCII', 'ISO-8859-1', 'ISO-8859-3', 'windows-1251', 'KOI8-R', 'koi8-u', 'X-UNKNOWN', 'UTF-16', 'replacement'];

describe('8-bit octets in quoted strings (issue 13 item 11)', () => {
  it('raw UTF-8 in a quoted or literal search string is the text sent, with or without CHARSET UTF-8 and UTF8=ACCEPT', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('', 'CHARSET UTF-8 ', 'CHARSET utf-8 '), fc.boolean(), fc.boolean(), (s, charset, literal, utf8Accept) => {
        const data = Buffer.from(s, 'utf8');
        const arg = literal ? line(`{${data.length}+}\r\n`, data) : quote(data);
        expect(searchValue(attempt(line(`a SEARCH ${charset}BODY `, arg), utf8Accept))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('Latin-1 octets under CHARSET ISO-8859-1 are their characters (U+00A0..U+00FF)', () => {
    const latin1 = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: 24 });
    fc.assert(
      fc.property(latin1, fc.boolean(), (s, literal) => {
        const data = Buffer.from(s, 'latin1');
        const arg = literal ? line(`{${data.length}+}\r\n`, data) : quote(data);
        expect(searchValue(attempt(line('a SEARCH CHARSET ISO-8859-1 BODY ', arg)))).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('any octets under any charset: a value or a BAD, never anything else; under UTF-8 a value exactly when well-formed', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(octets, fc.constantFrom(...CHARSETS), fc.boolean(), (data, charset, utf8Accept) => {
        const got = searchValue(attempt(line(`a SEARCH CHARSET ${charset} BODY `, quote(data)), utf8Accept));
        if (got instanceof Error) expect(got).toBeInstanceOf(ProtocolError);
        else expect(typeof got).toBe('string');
        if (charset === 'UTF-8') {
          let valid = true;
          try {
            strict.decode(data);
          } catch {
            valid = false;
          }
          expect(typeof got === 'string').toBe(valid);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('an 8-bit quoted mailbox name is NO (not modified UTF-7) without UTF8=ACCEPT; under it, a name exactly when UTF-8', () => {
    fc.assert(
      fc.property(octets.filter((d) => d.some((b) => b >= 0x80)), fc.constantFrom('SELECT', 'CREATE', 'STATUS'), fc.boolean(), (data, verb, utf8Accept) => {
        const tail = verb === 'STATUS' ? ' (MESSAGES)' : '';
        const got = attempt(line(`a ${verb} `, quote(data), tail), utf8Accept);
        if (!utf8Accept) expect(got).toBeInstanceOf(ProtocolRefusal);
        else if (!(got instanceof Error)) expect(Buffer.from((got as { mailbox: string }).mailbox, 'utf8').equals(data)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
