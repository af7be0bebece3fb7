// SEARCH / UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 4731 ESEARCH, RFC 5182 SAVE, RFC 7162 MODSEQ,
// RFC 6855 UTF-8): keys as a tree, charsets, return options, nesting limits.
import { describe, expect, it } from 'vitest';
import { ProtocolError, type Command, type SearchKey } from '../../../../src/imap/protocol/types.js';
import { cmd, error, set } from './support.js';

function key(line: string, utf8Accept = false): SearchKey {
  const c = cmd(line, utf8Accept);
  if (c.name !== 'SEARCH') throw new Error('not SEARCH');
  return c.key;
}

const day = (year: number, month: number, d: number): { year: number; month: number; day: number } => ({ year, month, day: d });

describe('search keys', () => {
  it.each<[string, SearchKey]>([
    ['ALL', { kind: 'ALL' }],
    ['ANSWERED', { kind: 'flag', flag: '\\Answered', set: true }],
    ['UNANSWERED', { kind: 'flag', flag: '\\Answered', set: false }],
    ['deleted', { kind: 'flag', flag: '\\Deleted', set: true }],
    ['UNDELETED', { kind: 'flag', flag: '\\Deleted', set: false }],
    ['DRAFT', { kind: 'flag', flag: '\\Draft', set: true }],
    ['UNDRAFT', { kind: 'flag', flag: '\\Draft', set: false }],
    ['FLAGGED', { kind: 'flag', flag: '\\Flagged', set: true }],
    ['UNFLAGGED', { kind: 'flag', flag: '\\Flagged', set: false }],
    ['SEEN', { kind: 'flag', flag: '\\Seen', set: true }],
    ['UNSEEN', { kind: 'flag', flag: '\\Seen', set: false }],
    ['KEYWORD $Forwarded', { kind: 'flag', flag: '$Forwarded', set: true }],
    ['UNKEYWORD NonJunk', { kind: 'flag', flag: 'NonJunk', set: false }],
    ['NEW', { kind: 'NEW' }],
    ['OLD', { kind: 'OLD' }],
    ['RECENT', { kind: 'RECENT' }],
    ['OLDER 3600', { kind: 'within', op: 'older', seconds: 3600 }], // RFC 5032
    ['younger 1', { kind: 'within', op: 'younger', seconds: 1 }],
    ['BCC a@b', { kind: 'header', field: 'Bcc', value: 'a@b' }],
    ['CC "Jane Doe"', { kind: 'header', field: 'Cc', value: 'Jane Doe' }],
    ['FROM Smith', { kind: 'header', field: 'From', value: 'Smith' }],
    ['SUBJECT {5}\r\nhello', { kind: 'header', field: 'Subject', value: 'hello' }],
    ['TO ""', { kind: 'header', field: 'To', value: '' }],
    ['HEADER Message-ID "<x@y>"', { kind: 'header', field: 'Message-ID', value: '<x@y>' }],
    ['BODY "string not in mailbox"', { kind: 'BODY', value: 'string not in mailbox' }],
    ['TEXT "a \\"quoted\\" \\\\ word"', { kind: 'TEXT', value: 'a "quoted" \\ word' }],
    ['BEFORE 1-Feb-1994', { kind: 'date', which: 'internal', op: 'before', date: day(1994, 2, 1) }],
    ['ON "29-feb-2024"', { kind: 'date', which: 'internal', op: 'on', date: day(2024, 2, 29) }],
    ['SINCE 01-Dec-2000', { kind: 'date', which: 'internal', op: 'since', date: day(2000, 12, 1) }],
    ['SENTBEFORE 31-Jan-2020', { kind: 'date', which: 'sent', op: 'before', date: day(2020, 1, 31) }],
    ['SENTON 1-Jan-1970', { kind: 'date', which: 'sent', op: 'on', date: day(1970, 1, 1) }],
    ['SENTSINCE 30-Nov-1999', { kind: 'date', which: 'sent', op: 'since', date: day(1999, 11, 30) }],
    ['LARGER 50000', { kind: 'size', op: 'larger', n: 50000 }],
    ['SMALLER 5000000000', { kind: 'size', op: 'smaller', n: 5000000000 }],
    ['UID 1:100,200', { kind: 'uid', set: set([1, 100], 200) }],
    ['UID $', { kind: 'uid', set: { kind: 'saved' } }],
    ['2,4:*', { kind: 'seq', set: set(2, [4, Infinity]) }],
    ['*', { kind: 'seq', set: set(Infinity) }],
    ['$', { kind: 'seq', set: { kind: 'saved' } }],
    ['NOT SEEN', { kind: 'not', key: { kind: 'flag', flag: '\\Seen', set: true } }],
    ['OR SEEN 1:5', { kind: 'or', a: { kind: 'flag', flag: '\\Seen', set: true }, b: { kind: 'seq', set: set([1, 5]) } }],
    ['(SEEN)', { kind: 'flag', flag: '\\Seen', set: true }],
    ['MODSEQ 620162338', { kind: 'MODSEQ', modseq: 620162338 }],
    ['MODSEQ "/flags/\\\\draft" all 620162338', { kind: 'MODSEQ', modseq: 620162338 }],
    ['MODSEQ "/flags/$Label1" priv 0', { kind: 'MODSEQ', modseq: 0 }],
  ])('SEARCH %s', (text, expected) => {
    expect(key(`a SEARCH ${text}`)).toEqual(expected);
  });

  it('reads the RFC 3501 example as a conjunction', () => {
    expect(cmd('A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toEqual<Command>({
      name: 'SEARCH',
      uid: false,
      charset: null,
      returnOptions: null,
      key: {
        kind: 'and',
        keys: [
          { kind: 'flag', flag: '\\Flagged', set: true },
          { kind: 'date', which: 'internal', op: 'since', date: day(1994, 2, 1) },
          { kind: 'not', key: { kind: 'header', field: 'From', value: 'Smith' } },
        ],
      },
    });
  });

  it('nests OR, NOT and parentheses', () => {
    expect(key('a SEARCH OR (FROM a TO b) NOT (OR 1 UID 2:3)')).toEqual<SearchKey>({
      kind: 'or',
      a: { kind: 'and', keys: [{ kind: 'header', field: 'From', value: 'a' }, { kind: 'header', field: 'To', value: 'b' }] },
      b: { kind: 'not', key: { kind: 'or', a: { kind: 'seq', set: set(1) }, b: { kind: 'uid', set: set([2, 3]) } } },
    });
    expect(key('a SEARCH ((((ALL))))')).toEqual({ kind: 'ALL' });
  });

  it('refuses an OLDER / YOUNGER interval that is not a non-zero number (RFC 5032 §4)', () => {
    for (const bad of ['OLDER 0', 'YOUNGER', 'YOUNGER -5', 'OLDER 1.5', 'OLDER 99999999999']) expect(error(`a SEARCH ${bad}`)).toBeInstanceOf(ProtocolError);
  });

  it('accepts OR chains and nesting up to the depth limit and refuses deeper ones', () => {
    expect(key(`a SEARCH ${'OR SEEN '.repeat(200)}ALL`).kind).toBe('or');
    expect(error(`a SEARCH ${'NOT '.repeat(300)}ALL`).message).toMatch(/Too deeply nested/);
    expect(error(`a SEARCH ${'('.repeat(100_000)}`).message).toMatch(/Too deeply nested/);
  });
});

describe('SEARCH charsets and return options', () => {
  it('decodes a UTF-8 literal under CHARSET UTF-8 (RFC 9051 §6.4.4 example)', () => {
    const word = Buffer.from('отпуск', 'utf8');
    const line = Buffer.concat([Buffer.from(`A284 SEARCH CHARSET UTF-8 TEXT {${word.length}}\r\n`), word]);
    expect(cmd(line)).toMatchObject({ charset: 'UTF-8', key: { kind: 'TEXT', value: 'отпуск' } });
  });

  it('treats a search without CHARSET as UTF-8, quoted or literal, with or without UTF8=ACCEPT (issue 13 item 11)', () => {
    expect(key('a SEARCH SUBJECT {6}\r\ncafé!')).toEqual({ kind: 'header', field: 'Subject', value: 'café!' });
    expect(key('a SEARCH SUBJECT "café"', true)).toEqual({ kind: 'header', field: 'Subject', value: 'café' });
    expect(key('a SEARCH SUBJECT "café"')).toEqual({ kind: 'header', field: 'Subject', value: 'café' });
    expect(key('a SEARCH CHARSET UTF-8 BODY "münchen"')).toEqual({ kind: 'BODY', value: 'münchen' });
    expect(error(Buffer.from([...Buffer.from('a SEARCH BODY "m'), 0xfc, ...Buffer.from('nchen"')])).message).toMatch(/Malformed UTF-8 in BODY/);
  });

  it('refuses 8-bit under CHARSET US-ASCII and malformed UTF-8 under UTF-8', () => {
    expect(error('a SEARCH CHARSET US-ASCII TEXT {2}\r\né').message).toMatch(/8-bit octet in TEXT under CHARSET US-ASCII/);
    expect(key('a SEARCH CHARSET us-ascii TEXT plain')).toEqual({ kind: 'TEXT', value: 'plain' });
    const bad = Buffer.concat([Buffer.from('a SEARCH CHARSET UTF-8 TEXT {2}\r\n'), Buffer.from([0xc3, 0x28])]);
    expect(error(bad).message).toMatch(/Malformed UTF-8 in TEXT/);
  });

  it('converts the strings of another charset to Unicode, quoted and literal (issue 13 item 11)', () => {
    const koi8 = Buffer.concat([Buffer.from('a SEARCH CHARSET KOI8-R TEXT {2}\r\n'), Buffer.from([0xf0, 0xd2])]);
    expect(cmd(koi8)).toMatchObject({ charset: 'KOI8-R', key: { kind: 'TEXT', value: 'Пр' } });
    const latin1 = Buffer.from([...Buffer.from('a SEARCH CHARSET iso-8859-1 FROM "J'), 0xf6, ...Buffer.from('rg"')]);
    expect(cmd(latin1)).toMatchObject({ charset: 'iso-8859-1', key: { kind: 'header', field: 'From', value: 'Jörg' } });
    const cp1250 = Buffer.from([...Buffer.from('a SEARCH CHARSET windows-1250 HEADER X-City "'), 0xa3, 0xf3, 0x64, 0x9f, 0x22]);
    expect(cmd(cp1250)).toMatchObject({ key: { kind: 'header', field: 'X-City', value: 'Łódź' } });
    // A leading 0xFF is a character, not a byte-order mark (Node 20's TextDecoder with ignoreBOM dropped it).
    expect(cmd(Buffer.from([...Buffer.from('a SEARCH CHARSET ISO-8859-1 TEXT "'), 0xff, 0xfe, 0x22]))).toMatchObject({ key: { kind: 'TEXT', value: 'ÿþ' } });
  });

  it('refuses octets the named charset does not define (BAD, as Dovecot), keeps an unknown charset for NO [BADCHARSET]', () => {
    expect(error(Buffer.from([...Buffer.from('a SEARCH CHARSET ISO-8859-3 TEXT "'), 0xa5, 0x22])).message).toMatch(/Invalid TEXT for CHARSET iso-8859-3/);
    const unknown = Buffer.concat([Buffer.from('a SEARCH CHARSET X-MARTIAN TEXT {2}\r\n'), Buffer.from([0xf0, 0xd2])]);
    expect(cmd(unknown)).toMatchObject({ charset: 'X-MARTIAN', key: { kind: 'TEXT', value: '\u00f0\u00d2' } });
  });

  it.each<[string, string[]]>([
    ['A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"', ['MIN', 'COUNT']],
    ['A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"', []],
    ['A284 SEARCH RETURN (min max all count save) UNSEEN', ['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']],
    ['A285 UID SEARCH RETURN (context Update COUNT) UNSEEN', ['CONTEXT', 'UPDATE', 'COUNT']],
  ])('%s (RFC 4731 §3, RFC 5182 §2, RFC 5267 §4.1)', (line, options) => {
    expect(cmd(line)).toMatchObject({ name: 'SEARCH', returnOptions: options });
  });

  it('takes RETURN, then CHARSET, then the keys; UID SEARCH too', () => {
    expect(cmd('A285 UID SEARCH RETURN (MIN MAX) CHARSET UTF-8 1:5000')).toEqual<Command>({
      name: 'SEARCH',
      uid: true,
      charset: 'UTF-8',
      returnOptions: ['MIN', 'MAX'],
      key: { kind: 'seq', set: set([1, 5000]) },
    });
  });

  it.each([
    ['a SEARCH', /Expected SP/],
    ['a SEARCH ', /search key/],
    ['a SEARCH FOO', /Unknown search key FOO/],
    ['a SEARCH SINCE 30-Feb-2020', /No such day/],
    ['a SEARCH SINCE 29-Feb-2023', /No such day/],
    ['a SEARCH SINCE 1-Fbr-2020', /month name/],
    ['a SEARCH SINCE 1-Feb-94', /four-digit year/],
    ['a SEARCH SINCE "1-Feb-1994', /Expected """/],
    ['a SEARCH OR SEEN', /Expected SP/],
    ['a SEARCH NOT', /Expected SP/],
    ['a SEARCH ()', /search key/],
    ['a SEARCH (SEEN', /Expected "\)"/],
    ['a SEARCH SEEN)', /Expected SP/],
    ['a SEARCH LARGER x', /Expected size/],
    ['a SEARCH KEYWORD \\Seen', /Expected keyword/],
    ['a SEARCH RETURN (PARTIAL 1:10 RELEVANCY) ALL', /Unknown SEARCH return option RELEVANCY/], // RFC 6203: not offered
    ['a SEARCH MODSEQ "/foo" all 5', /MODSEQ entry name/],
    ['a SEARCH MODSEQ "/flags/\\\\Seen" everyone 5', /priv, shared or all/],
    ['a SEARCH UID 0', /sequence number/],
    ['a SEARCH 1,$', /sequence number/],
  ])('%j is BAD: %s', (line, message) => {
    const err = error(line);
    expect(err.message).toMatch(message);
    expect(err.tag).toBe('a');
  });
});
