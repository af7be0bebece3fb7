// R11.3: the IMAP command parser returns a TaggedCommand or throws a ProtocolError (BAD) or a ProtocolRefusal
// (NO, issue 13 item 9) for any input — nothing else, and quickly (deep nesting included); encoded values parse back to themselves.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { astring, literal, nstring, string } from '../../../src/imap/protocol/encode.js';
import { decodeMutf7, encodeMutf7 } from '../../../src/imap/protocol/mutf7.js';
import { parseCommand } from '../../../src/imap/protocol/parse.js';
import { ProtocolError, ProtocolRefusal, type TaggedCommand } from '../../../src/imap/protocol/types.js';

/** No lone surrogate (String.prototype.isWellFormed, which TypeScript's ES2022 library does not declare). */
const isWellFormed = (s: string): boolean => !/\p{Cs}/u.test(s);

/** Parses; a ProtocolError is an answer, any other exception fails the property. */
function attempt(bytes: Buffer, utf8Accept: boolean): TaggedCommand | ProtocolError | ProtocolRefusal {
  try {
    return parseCommand(bytes, { utf8Accept });
  } catch (err) {
    if (err instanceof ProtocolError || err instanceof ProtocolRefusal) return err;
    throw err;
  }
}

const EXAMPLES = [
  'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])',
  'a UID FETCH 1:* (BODY.PEEK[1.2.MIME]<0.100> BINARY.SIZE[1] MODSEQ) (CHANGEDSINCE 5)',
  'A282 SEARCH RETURN (MIN) CHARSET UTF-8 OR (FLAGGED SINCE 1-Feb-1994) NOT FROM "Smith" UID 1,3:*',
  'A001 LOGIN {11+}\r\nFRED FOOBAR {7}\r\nfat man',
  'a APPEND INBOX (\\Seen) "01-Feb-1994 12:00:00 +0100" {3}\r\nabc ~{1}\r\nx',
  'a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("%" &AMQ-*) RETURN (CHILDREN STATUS (MESSAGES))',
  'a STORE 1:* (UNCHANGEDSINCE 5) -FLAGS.SILENT (\\Seen $x)',
  'a ID ("name" "x" "os" NIL)',
  'a CREATE x (USE (\\Drafts))',
  'a SELECT INBOX (CONDSTORE)',
  'a AUTHENTICATE PLAIN dGVzdA==',
  'a UID SEARCH EMAILID M0a_b-C THREADID T1 SAVEDON 1-Feb-1994 NOT SAVEDATESUPPORTED', // RFC 8474, RFC 8514
  'a UID FETCH 1:* (EMAILID THREADID SAVEDATE)',
  'a STATUS INBOX (MAILBOXID MESSAGES)',
];

const TOKENS = [
  'a', ' ', '(', ')', '[', ']', '<', '>', '{', '}', '"', '\\', '*', '%', '$', ':', ',', '.', '+', '-', '~', '0', '1', '42',
  '\r\n', '{3}\r\n', '{0}\r\n', '~{2+}\r\n', 'NIL', 'UID', 'FETCH', 'SEARCH', 'STORE', 'LIST', 'APPEND', 'LOGIN', 'ID',
  'BODY', 'BODY.PEEK[', 'HEADER.FIELDS', 'OR', 'NOT', 'CHARSET', 'RETURN', 'MODSEQ', 'FLAGS', 'SINCE', '1-Feb-1994',
  '&', '&-', '&AMQ-', 'INBOX', '\xff', '\x00', 'é', 'EMAILID', 'THREADID', 'SAVEDATE', 'SAVEDBEFORE', 'MAILBOXID', '_',
];

const tokenLine = fc
  .tuple(fc.constantFrom('a ', 'a UID ', '* ', ''), fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }))
  .map(([head, tokens]) => Buffer.from(head + tokens.join(''), 'utf8'));

/** An RFC example with bytes flipped, cut or inserted. */
const mutated = fc
  .tuple(fc.constantFrom(...EXAMPLES), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), { maxLength: 4 }))
  .map(([line, edits]) => {
    let bytes = Buffer.from(line, 'latin1');
    for (const [at, value, how] of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (how === 'set' && bytes.length > 0) bytes[i] = value;
      else if (how === 'cut') bytes = bytes.subarray(0, i);
      else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
    }
    return bytes;
  });

const hostile = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(`a ${s}`, 'utf8')),
  tokenLine,
  mutated,
);

describe('parseCommand is total', () => {
  it('returns a TaggedCommand or throws a ProtocolError for any bytes', () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), (bytes, utf8Accept) => {
        const result = attempt(bytes, utf8Accept);
        if (result instanceof ProtocolError || result instanceof ProtocolRefusal) {
          expect(result.message).toMatch(/^[\x20-\x7e]+$/);
          if (result.tag !== null) expect(bytes.toString('latin1').startsWith(`${result.tag} `) || bytes.toString('latin1') === result.tag).toBe(true);
        } else {
          expect(typeof result.tag).toBe('string');
          expect(typeof result.command.name).toBe('string');
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('parses every unmutated example', () => {
    for (const line of EXAMPLES) expect(attempt(Buffer.from(line, 'latin1'), false)).not.toBeInstanceOf(ProtocolError);
  });

  it('answers deep nesting quickly instead of exhausting the stack', () => {
    const deep = fc.tuple(
      fc.constantFrom('a SEARCH ', 'a SEARCH NOT ', 'a LIST ', 'a FETCH 1 ', 'a STORE 1 FLAGS ', 'a ID ', 'a APPEND x '),
      fc.constantFrom('(', 'NOT ', 'OR ALL ', '(NOT ', 'OR (', '((', '( '),
      fc.integer({ min: 1, max: 50_000 }),
    );
    fc.assert(
      fc.property(deep, ([head, unit, n]) => {
        const started = performance.now();
        attempt(Buffer.from(head + unit.repeat(n) + 'ALL' + ')'.repeat(n)), false);
        expect(performance.now() - started).toBeLessThan(1000);
      }),
      { numRuns: 200 },
    );
  });
});

describe('round trips through the encoder', () => {
  const name = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !/[\x00-\x1f\x7f-\x9f]/.test(s));

  it('modified UTF-7 decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        expect(decodeMutf7(encodeMutf7(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  // Issue 13 item 9: the decoder accepts exactly the canonical encodings of well-formed UTF-16.
  it('modified UTF-7 decoding yields only well-formed text that encodes back to itself', () => {
    const chars = fc.constantFrom('&', '-', 'A', 'a', '2', 'D', '0', 'd', '+', ',', '/', '3', 'e', 'Z', '&2D0-', '&3AA-', '&2D3eAA-', '&-', '&AOk-', ' ');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        const decoded = decodeMutf7(text);
        if (decoded === null) return;
        expect(isWellFormed(decoded)).toBe(true);
        expect(decodeMutf7(encodeMutf7(decoded))).toBe(decoded);
        // Runs of printable ASCII are never base64-encoded: the ASCII text of the input survives as is.
        expect(decoded.replace(/[^\x20-\x7e]/g, '')).toBe(text.replace(/&-/g, '\0').replace(/&[^-]*-/g, '').replace(/\0/g, '&'));
      }),
      { numRuns: 3000 },
    );
  });

  it('a lone surrogate anywhere makes an encoded name undecodable', () => {
    const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u));
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), lone, fc.string({ maxLength: 10 }), (a, s, b) => {
        const text = a + s + b;
        fc.pre(!isWellFormed(text));
        expect(decodeMutf7(encodeMutf7(text))).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('a mailbox name sent as astring(mUTF-7) or as UTF-8 parses back to itself', () => {
    fc.assert(
      fc.property(name, (n) => {
        const expected = n.toUpperCase() === 'INBOX' ? 'INBOX' : n;
        const ascii = parseCommand(Buffer.concat([Buffer.from('a SELECT '), astring(encodeMutf7(n))]), { utf8Accept: false });
        expect(ascii.command).toEqual({ name: 'SELECT', mailbox: expected, condstore: false });
        const utf8 = parseCommand(Buffer.concat([Buffer.from('a DELETE '), string(n, true)]), { utf8Accept: true });
        expect(utf8.command).toEqual({ name: 'DELETE', mailbox: expected });
      }),
      { numRuns: 1000 },
    );
  });

  it('LOGIN astring/string/literal arguments parse back to the text encoded', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 80 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(text, text, fc.boolean(), (user, password, utf8) => {
        const line = Buffer.concat([Buffer.from('a LOGIN '), astring(user, utf8), Buffer.from(' '), string(password, utf8)]);
        expect(parseCommand(line, { utf8Accept: utf8 }).command).toEqual({ name: 'LOGIN', user, password });
        const literals = Buffer.concat([Buffer.from('a LOGIN '), literal(Buffer.from(user)), Buffer.from(' '), literal(Buffer.from(password))]);
        expect(parseCommand(literals, { utf8Accept: false }).command).toEqual({ name: 'LOGIN', user, password });
      }),
      { numRuns: 1000 },
    );
  });

  it('ID nstring values parse back, NIL included', () => {
    const value = fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 100 }).filter((s) => !s.includes('\0')), { nil: null });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\0')), value, (field, v) => {
        const line = Buffer.concat([Buffer.from('a ID ('), string(field), Buffer.from(' '), nstring(v), Buffer.from(')')]);
        const c = parseCommand(line, { utf8Accept: false }).command;
        expect(c.name === 'ID' && c.params?.[field]).toBe(v);
      }),
      { numRuns: 1000 },
    );
  });
});
