// Structured header values (RFC 2045 §5.1, RFC 2231, RFC 5322 §3.2.2 comments) and address lists (RFC 5322
// §3.4, §4.4) as ENVELOPE wants them (RFC 9051 §7.5.2).
import { describe, expect, it } from 'vitest';
import { parseAddressList } from '../../../src/mime/address.js';
import { findBodyStart, parseContentType, parseDisposition, parseFields, parseLanguage } from '../../../src/mime/header.js';

describe('parseContentType', () => {
  it.each([
    ['text/plain', { type: 'text', subtype: 'plain', params: [] }],
    ['Text/PLAIN (comment) ; Charset = "utf\\"8" ; format=flowed', { type: 'text', subtype: 'plain', params: [['charset', 'utf"8'], ['format', 'flowed']] }],
    ['multipart/mixed; boundary=----=_NextPart_000_0012', { type: 'multipart', subtype: 'mixed', params: [['boundary', '----=_NextPart_000_0012']] }],
    ['text/plain;;; ; =x; bad; charset=us-ascii', { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] }],
    ['text/plain; name="unterminated', { type: 'text', subtype: 'plain', params: [['name', 'unterminated']] }],
  ])('%s', (value, expected) => {
    expect(parseContentType(value)).toEqual(expected);
  });

  it.each(['', 'text', 'text/', '/plain', '"text"/plain'])('rejects %j', (value) => {
    expect(parseContentType(value)).toBeNull();
  });

  it('joins RFC 2231 continuations in index order and decodes the charset', () => {
    const ct = parseContentType(`application/x; title*2="c"; title*0*=utf-8'en'%C3%A9; title*1=b; x=1`);
    expect(ct?.params).toEqual([['title', 'ébc', true], ['x', '1']]);
  });

  it('prefers the RFC 2231 form to a plain duplicate', () => {
    expect(parseDisposition(`attachment; filename="a.txt"; filename*=utf-8''b%20c.txt`)).toEqual({
      type: 'attachment',
      params: [['filename', 'b c.txt', true]],
    });
  });

  it('keeps raw 8-bit values under their own name, not marked as extended (issue 13 item 12)', () => {
    const ct = parseContentType('application/pdf; name="été.pdf"; x*0="a"; x*1="b"');
    expect(ct?.params).toEqual([['name', 'été.pdf'], ['x', 'ab']]);
  });
});

describe('fields', () => {
  it('unfolds continuation lines and keeps 8-bit UTF-8 values', () => {
    const raw = Buffer.from('Subject: a\r\n  b\r\nX: Grüße\r\nno colon\r\n\r\nbody');
    const end = findBodyStart(raw, 0, raw.length);
    expect(raw.subarray(end).toString()).toBe('body');
    expect(parseFields(raw, 0, end, 1 << 20)).toEqual([
      { name: 'subject', value: 'a  b' },
      { name: 'x', value: 'Grüße' },
      { name: '', value: 'no colon' },
    ]);
  });

  it('reads invalid UTF-8 as Latin-1', () => {
    const raw = Buffer.from([0x53, 0x3a, 0x20, 0xe9, 0x0a]);
    expect(parseFields(raw, 0, raw.length, 100)).toEqual([{ name: 's', value: 'é' }]);
  });

  it('parses Content-Language lists', () => {
    expect(parseLanguage(' en-US (English), fr ')).toEqual(['en-US', 'fr']);
    expect(parseLanguage(' , ')).toBeNull();
  });
});

describe('parseAddressList', () => {
  const a = (name: string | null, mailbox: string | null, host: string | null, adl: string | null = null) => ({ name, adl, mailbox, host });

  it.each([
    ['"Smith, J." <j@x.test>', [a('Smith, J.', 'j', 'x.test')]],
    // Issue 13 item 10: the RFC 822 form's trailing comment is the personal name (Dovecot, Cyrus).
    ['j@x.test (Comment Name)', [a('Comment Name', 'j', 'x.test')]],
    ['j (one) @ (two) x.test', [a('two', 'j', 'x.test')]],
    ['j@x.test (a \\) (b)) (), k@y.test (K)', [a(null, 'j', 'x.test'), a('K', 'k', 'y.test')]],
    ['(lead) j@x.test', [a(null, 'j', 'x.test')]],
    ['G: j@x.test (J);', [a(null, 'G', null), a('J', 'j', 'x.test'), a(null, null, null)]],
    ['Name <j@x.test> (not the name)', [a('Name', 'j', 'x.test')]],
    ['<j (c) @ (d) x.test>', [a(null, 'j', 'x.test')]],
    ['j@x.test (a \\) (b))', [a('a ) (b)', 'j', 'x.test')]],
    ['"john doe"@x.test', [a(null, '"john doe"', 'x.test')]],
    ['a@[192.0.2.1]', [a(null, 'a', '[192.0.2.1]')]],
    ['<@r1.test,@r2.test:u@x.test>', [a(null, 'u', 'x.test', '@r1.test,@r2.test')]],
    ['G: ;', [a(null, 'G', null), a(null, null, null)]],
    ['G: a@x.test, <b@y.test> ; c@z.test', [a(null, 'G', null), a(null, 'a', 'x.test'), a(null, 'b', 'y.test'), a(null, null, null), a(null, 'c', 'z.test')]],
    ['Unclosed G: a@x.test', [a(null, 'Unclosed G', null), a(null, 'a', 'x.test'), a(null, null, null)]],
    ['Name <a@x.test', [a('Name', 'a', 'x.test')]],
  ])('%s', (value, expected) => {
    expect(parseAddressList(value)).toEqual(expected);
  });

  it('never turns garbage into a group marker (a NIL host)', () => {
    for (const value of ['@@@,,,<<>>', ':::;;;', 'a b c', '<<@>>', '"unterminated', '(open comment', 'x@', '@y']) {
      const list = parseAddressList(value) ?? [];
      const starts = list.filter((x) => x.host === null && x.mailbox !== null).length;
      const ends = list.filter((x) => x.host === null && x.mailbox === null).length;
      expect(starts).toBe(ends);
    }
  });

  it('gives null for an absent or empty list', () => {
    expect(parseAddressList(null)).toBeNull();
    expect(parseAddressList('  ')).toBeNull();
    expect(parseAddressList('(only a comment)')).toBeNull();
  });
});
