// The tokenizer (RFC 9051 §4, §9): atoms, numbers, quoted strings, literals, astring/nstring, lists, sequence
// sets, flags and dates, each with the error it gives.
import { describe, expect, it } from 'vitest';
import { searchDate } from '../../../../src/imap/protocol/date.js';
import { flag, messageFlag, messageFlagList } from '../../../../src/imap/protocol/flag.js';
import { MAX_DEPTH, Reader } from '../../../../src/imap/protocol/reader.js';
import { sequenceSet } from '../../../../src/imap/protocol/sequence-set.js';
import { ProtocolError } from '../../../../src/imap/protocol/types.js';

const reader = (text: string | Buffer, utf8Accept = false): Reader =>
  new Reader(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, 't1', utf8Accept);

/** Reads with `read` and checks that the whole input was consumed. */
function whole<T>(text: string, read: (r: Reader) => T, utf8Accept = false): T {
  const r = reader(text, utf8Accept);
  const value = read(r);
  r.end();
  return value;
}

function fails(text: string, read: (r: Reader) => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    whole(text, read);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).tag).toBe('t1');
  expect((caught as ProtocolError).message).toMatch(message);
}

describe('atoms and numbers', () => {
  it('reads atoms up to an atom-special', () => {
    const r = reader('abc]def(');
    expect(r.atom()).toBe('abc');
    expect(r.peek()).toBe(0x5d);
    expect(whole('a.b-c~!#', (x) => x.atom())).toBe('a.b-c~!#');
    fails('', (x) => x.atom(), /Expected atom/);
    fails('%x', (x) => x.atom(), /Expected atom/);
  });

  it('bounds numbers: 32-bit by default, number64 when asked', () => {
    expect(whole('4294967295', (x) => x.number())).toBe(4294967295);
    expect(whole('007', (x) => x.number())).toBe(7);
    fails('4294967296', (x) => x.number(), /out of range/);
    expect(whole('9007199254740991', (x) => x.number(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    fails('9007199254740992', (x) => x.number(Number.MAX_SAFE_INTEGER), /out of range/);
    fails('0', (x) => x.nzNumber(), /non-zero number/);
    fails('-1', (x) => x.number(), /Expected number/);
  });
});

describe('strings', () => {
  it('reads quoted strings with \\" and \\\\ escapes', () => {
    expect(whole('"a\\"b\\\\c"', (x) => x.quoted().toString('latin1'))).toBe('a"b\\c');
    expect(whole('""', (x) => x.quoted().length)).toBe(0);
    fails('"a\\nb"', (x) => x.quoted(), /may be escaped/);
    fails('"abc', (x) => x.quoted(), /Unterminated/);
    fails('"a\nb"', (x) => x.quoted(), /NUL, CR or LF/);
  });

  it('reads 8-bit octets in quoted strings as they are, with or without UTF8=ACCEPT (issue 13 item 11)', () => {
    for (const utf8Accept of [false, true]) {
      const r = reader(Buffer.from('"Grüße"', 'utf8'), utf8Accept);
      expect(r.text(r.quoted())).toBe('Grüße');
      const latin1 = reader(Buffer.from([0x22, 0x6d, 0xfc, 0x5c, 0x22, 0x22]), utf8Accept); // "mü\""
      expect([...latin1.quoted()]).toEqual([0x6d, 0xfc, 0x22]);
    }
    fails('"a\xffb', (x) => x.quoted(), /Unterminated/);
  });

  it('reads {n}, {n+} and (where allowed) ~{n} literals', () => {
    expect(whole('{3}\r\na\r\n', (x) => x.literal().data.toString())).toBe('a\r\n');
    expect(whole('{3+}\r\nabc', (x) => x.literal())).toEqual({ data: Buffer.from('abc'), binary: false });
    expect(whole('~{2}\r\n\0\xff', (x) => x.literal(true))).toEqual({ data: Buffer.from([0, 0xff]), binary: true });
    fails('~{2}\r\nab', (x) => x.literal(), /literal8 not allowed/);
    fails('{2}\r\na', (x) => x.literal(), /shorter than announced/);
    fails('{2} \r\nab', (x) => x.literal(), /Expected CRLF/);
    fails('{+2}\r\nab', (x) => x.literal(), /literal size/);
  });

  it('reads astrings as atoms (with "]"), quoted strings or literals', () => {
    expect(whole('a]b', (x) => x.astring().toString())).toBe('a]b');
    expect(whole('"a b"', (x) => x.astring().toString())).toBe('a b');
    expect(whole('{1}\r\n(', (x) => x.astring().toString())).toBe('(');
    fails('(', (x) => x.astring(), /Expected astring/);
    fails('~{1}\r\nx', (x) => x.astring(), /literal8 not allowed/);
  });

  it('reads NIL as null in an nstring, but not NILS', () => {
    expect(whole('nil', (x) => x.nstring())).toBeNull();
    expect(whole('"NIL"', (x) => x.nstring()?.toString())).toBe('NIL');
    fails('NILS', (x) => x.nstring(), /Expected string or NIL/);
  });
});

describe('lists and nesting', () => {
  it('reads lists, empty only when allowed', () => {
    expect(whole('(a b c)', (x) => x.list(() => x.atom(), false))).toEqual(['a', 'b', 'c']);
    expect(whole('()', (x) => x.list(() => x.atom(), true))).toEqual([]);
    fails('()', (x) => x.list(() => x.atom(), false), /Empty list/);
    fails('(a  b)', (x) => x.list(() => x.atom(), false), /Expected atom/);
    fails('(a b', (x) => x.list(() => x.atom(), false), /Expected "\)"/);
  });

  it(`refuses nesting deeper than ${MAX_DEPTH}`, () => {
    const nested = (r: Reader): unknown => (r.peek() === 0x28 ? r.list(() => nested(r), true) : r.atom());
    expect(() => whole(`${'('.repeat(MAX_DEPTH)}x${')'.repeat(MAX_DEPTH)}`, nested)).not.toThrow();
    fails(`${'('.repeat(MAX_DEPTH + 1)}x${')'.repeat(MAX_DEPTH + 1)}`, nested, /Too deeply nested/);
  });
});

describe('sequence sets, flags, dates', () => {
  it('keeps ranges in the client order, reversed ones included', () => {
    expect(whole('1,3:5,7:*,9:2', sequenceSet)).toEqual({
      kind: 'set',
      ranges: [{ from: 1, to: 1 }, { from: 3, to: 5 }, { from: 7, to: Infinity }, { from: 9, to: 2 }],
    });
    expect(whole('*:4', sequenceSet)).toEqual({ kind: 'set', ranges: [{ from: Infinity, to: 4 }] });
    expect(whole('$', sequenceSet)).toEqual({ kind: 'saved' });
    fails('1:', sequenceSet, /sequence number/);
    fails('1,', sequenceSet, /sequence number/);
    fails('$,1', sequenceSet, /Unexpected characters/);
    fails('4294967296', sequenceSet, /out of range/);
  });

  it('reads flags and flag lists', () => {
    expect(whole('\\sEEn', flag)).toBe('\\Seen');
    expect(whole('$MDNSent', flag)).toBe('$MDNSent');
    expect(whole('(\\Deleted \\X-Custom Junk)', (r) => r.list(() => flag(r), true))).toEqual(['\\Deleted', '\\X-Custom', 'Junk']);
    expect(whole('(\\Deleted $Work Junk)', messageFlagList)).toEqual(['\\Deleted', '$Work', 'Junk']);
    fails('(\\Deleted \\X-Custom)', messageFlagList, /Invalid system flag \\X-Custom/);
    fails('\\Recent', messageFlag, /Invalid system flag/);
    fails('\\', flag, /flag name/);
    fails('\\*', flag, /flag name/);
    fails('(\\Seen', messageFlagList, /Expected "\)"/);
  });

  it('reads dates, quoted or not, and checks the calendar', () => {
    expect(whole('1-Feb-1994', searchDate)).toEqual({ year: 1994, month: 2, day: 1 });
    expect(whole('"29-Feb-2000"', searchDate)).toEqual({ year: 2000, month: 2, day: 29 });
    fails('29-Feb-1900', searchDate, /No such day/);
    fails('0-Jan-2000', searchDate, /No such day/);
    fails('123-Jan-2000', searchDate, /Expected "-"/);
    fails('1-January-2000', searchDate, /Expected "-"/);
  });
});
