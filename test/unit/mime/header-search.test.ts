// Header values as SEARCH compares them (RFC 9051 §6.4.4): RFC 2047 decoding, Unicode folding, the searched
// fields of a header in order, and the day of a Date: field (RFC 5322 §3.3, §4.3).
import { describe, expect, it } from 'vitest';
import { parseFields } from '../../../src/mime/header.js';
import {
  fieldSearchValues,
  fold,
  isSearchFieldName,
  normalizedAddresses,
  MAX_SEARCH_HEADER_BYTES,
  searchFieldValues,
  searchValue,
  sentDay,
  sentDayOf,
} from '../../../src/mime/header-search.js';
import { DEFAULT_MIME_LIMITS } from '../../../src/mime/parse.js';

const fieldsOf = (header: string) => parseFields(Buffer.from(header, 'latin1'), 0, header.length, 1 << 20);

describe('searchValue', () => {
  it('decodes RFC 2047 words (Q and B, UTF-8 and Latin-1) and folds case', () => {
    expect(searchValue('=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and a Report')).toBe('grüsse and a report'); // ß folded to ss (mime/fold.ts)
    expect(searchValue('=?iso-8859-1?q?caf=E9_au_lait?=')).toBe('café au lait');
    expect(searchValue('=?utf-8?b?SsO8cmdlbg==?= <J@Example.COM>')).toBe('jürgen <j@example.com>');
  });

  it('leaves malformed encoded-words as they are', () => {
    expect(searchValue('=?utf-8?x?abc?= Plain')).toBe('=?utf-8?x?abc?= plain');
  });

  it('composes canonically, so that decomposed and composed text compare equal', () => {
    expect(fold('Cafe\u0301')).toBe('café');
  });
});

/** The msg-id fields of a header that has none. */
const NO_IDS = { 'message-id': [], 'in-reply-to': [], references: [] };

describe('searchFieldValues', () => {
  it('keeps every field of a searched name, in order, and only those names', () => {
    const values = searchFieldValues(
      fieldsOf('From: a@x\r\nTO: one@x\r\nX-To: no@x\r\nto: =?utf-8?q?Zw=C3=B6lf?= <two@x>\r\nSubject: Hi\r\n\r\n'),
    );
    expect(values).toEqual({ from: ['a@x'], to: ['one@x', 'zwölf <two@x>'], cc: [], bcc: [], subject: ['hi'], ...NO_IDS });
  });

  it('gives absent fields no values and an empty field one empty value', () => {
    expect(searchFieldValues(fieldsOf('Cc:\r\nDate: x\r\n\r\n'))).toEqual({ from: [], to: [], cc: [''], bcc: [], subject: [], ...NO_IDS });
  });

  it('unfolds folded lines', () => {
    expect(searchFieldValues(fieldsOf('Subject: a long\r\n\tsubject line\r\n\r\n')).subject).toEqual(['a long\tsubject line']);
  });

  it('adds the address list without comments for address fields (issue 13 item 10, as Dovecot)', () => {
    const values = searchFieldValues(fieldsOf('From: <user-from (comment)@ (comment) domain.org>\r\nSubject: a (b) c\r\n\r\n'));
    expect(values.from).toEqual(['<user-from (comment)@ (comment) domain.org>', 'user-from@domain.org']);
    expect(values.subject).toEqual(['a (b) c']);
  });

  it('keeps the msg-id fields, the first one decoded and folded', () => {
    const values = searchFieldValues(fieldsOf('Message-ID:\r\n  <AbC@Example.ORG> \r\nReferences: <a@x>\r\n <b@x>\r\nIn-Reply-To: <b@x>\r\n\r\n'));
    expect(values['message-id']).toEqual(['<abc@example.org>']);
    expect(values.references).toEqual(['<a@x> <b@x>']);
    expect(values['in-reply-to']).toEqual(['<b@x>']);
  });

  it('names the searched fields', () => {
    expect(['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'in-reply-to', 'references'].every(isSearchFieldName)).toBe(true);
    expect(isSearchFieldName('From')).toBe(false);
    expect(isSearchFieldName('reply-to')).toBe(false);
  });
});

describe('sentDay', () => {
  const day = (year: number, month: number, d: number) => ({ year, month, day: d });

  it('takes the day as written, disregarding time and zone', () => {
    expect(sentDay('Tue, 1 Jul 2003 23:52:37 -0700 (PDT)')).toEqual(day(2003, 7, 1));
    expect(sentDay('Wed, 31 Dec 2025 23:59:59 +1400')).toEqual(day(2025, 12, 31));
  });

  it('reads a date without a zone, a month written out, and obsolete two- and three-digit years', () => {
    expect(sentDay('5 March 2024 08:00')).toEqual(day(2024, 3, 5));
    expect(sentDay('15 Mar 24 08:00 +0000')).toEqual(day(2024, 3, 15));
    expect(sentDay('1 Jan 99 00:00 GMT')).toEqual(day(1999, 1, 1));
    expect(sentDay('1 Jan 103 00:00 GMT')).toEqual(day(2003, 1, 1));
  });

  it('is null for what cannot be read', () => {
    expect(sentDay('not a date')).toBeNull();
    expect(sentDay('2024-03-05T08:00:00Z')).toBeNull();
    expect(sentDay('32 Jan 2024')).toBeNull();
    expect(sentDay('1 Foo 2024')).toBeNull();
    expect(sentDay(null)).toBeNull();
  });

  it('uses the first Date: field, as the ENVELOPE does', () => {
    expect(sentDayOf(fieldsOf('Date: 2 Feb 2020 00:00 +0000\r\nDate: 3 Mar 2021 00:00 +0000\r\n\r\n'))).toEqual(day(2020, 2, 2));
    expect(sentDayOf(fieldsOf('Date: garbage\r\nDate: 3 Mar 2021 00:00 +0000\r\n\r\n'))).toBeNull();
    expect(sentDayOf(fieldsOf('Subject: none\r\n\r\n'))).toBeNull();
  });

  it('reads headers as far as the MIME parser does', () => {
    expect(MAX_SEARCH_HEADER_BYTES).toBe(DEFAULT_MIME_LIMITS.maxHeaderBytes);
  });
});

describe('normalizedAddresses', () => {
  it.each([
    ['<user-from (comment)@ (comment) domain.org>', 'user-from@domain.org'],
    ['user@domain (Real Name)', 'Real Name <user@domain>'],
    ['Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>', 'Pete <pete@silly.test>'],
    ['A Group(x):Chris <c@(h)x.org>, joe@e.org;, z@q', 'A Group: Chris <c@x.org>, joe@e.org;, z@q'],
    ['undisclosed-recipients:;', 'undisclosed-recipients: ;'],
    ['"J D" <@r1,@r2:j@d>', 'J D <@r1,@r2:j@d>'],
    ['x@', 'x'],
  ])('%s', (raw, expected) => {
    expect(normalizedAddresses(raw)).toBe(expected);
  });

  it('is null when nothing parses, and a value that is already normal is kept once', () => {
    expect(normalizedAddresses('')).toBeNull();
    expect(fieldSearchValues('to', 'a@x.test, b@y.test')).toEqual(['a@x.test, b@y.test']);
    expect(fieldSearchValues('subject', 'x (y) z')).toEqual(['x (y) z']);
  });
});
