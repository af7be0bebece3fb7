// Literals inside commands (RFC 9051 §4.3, RFC 7888 LITERAL+, RFC 3516 literal8, RFC 6855 §4 UTF8 APPEND),
// APPEND and MULTIAPPEND (RFC 9051 §6.3.12, RFC 3502), and RFC 9051 §9 date-time.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/imap/protocol/parse.js';
import { cmd, error } from './support.js';

const MESSAGE = [
  'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)',
  'From: Fred Foobar <foobar@Blurdybloop.example>',
  'Subject: afternoon meeting',
  'To: mooch@owatagu.siam.edu.example',
  'Message-Id: <B27397-0100000@Blurdybloop.example>',
  'MIME-Version: 1.0',
  'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
  '',
  'Hello Joe, do you think we can meet at 3:30 tomorrow?',
  '',
].join('\r\n');

describe('LOGIN with literals', () => {
  it('reads synchronising and non-synchronising literals (RFC 7888 §3 example)', () => {
    expect(cmd('A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man')).toEqual({ name: 'LOGIN', user: 'FRED FOOBAR', password: 'fat man' });
    expect(cmd('A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man')).toEqual({ name: 'LOGIN', user: 'FRED FOOBAR', password: 'fat man' });
  });

  it('keeps any octet but NUL in a literal, and CRLF inside it', () => {
    expect(cmd('a LOGIN "" {6}\r\n"\\\r\n()')).toEqual({ name: 'LOGIN', user: '', password: '"\\\r\n()' });
    expect(cmd('a LOGIN {0}\r\n {0}\r\n')).toEqual({ name: 'LOGIN', user: '', password: '' });
    expect(cmd('a LOGIN jörg {6}\r\npässe'.replace('jörg', '"j\\"rg"'))).toEqual({ name: 'LOGIN', user: 'j"rg', password: 'pässe' });
    expect(error('a LOGIN {3}\r\na\0b c').message).toMatch(/NUL in a literal/);
    expect(error('a LOGIN ~{1}\r\na c').message).toMatch(/literal8 not allowed here/);
  });

  it('refuses literals that do not match their announced size', () => {
    expect(error('a LOGIN {5}\r\nab').message).toMatch(/Literal shorter than announced/);
    expect(error('a LOGIN {2}\r\nabc def').message).toMatch(/Expected SP/);
    expect(error('a LOGIN {2}ab x').message).toMatch(/Expected CRLF/);
    expect(error('a LOGIN {2}\nab x').message).toMatch(/Expected CRLF/);
    expect(error('a LOGIN {x}\r\nab x').message).toMatch(/literal size/);
    expect(error('a LOGIN {99999999999999999999}\r\nab x').message).toMatch(/literal size out of range/);
  });

  it('takes quoted UTF-8 (issue 13 item 11: with or without UTF8=ACCEPT), and refuses malformed UTF-8', () => {
    expect(cmd('a LOGIN "jörg" x')).toEqual({ name: 'LOGIN', user: 'jörg', password: 'x' });
    expect(cmd('a LOGIN "jörg" x', true)).toEqual({ name: 'LOGIN', user: 'jörg', password: 'x' });
    expect(error(Buffer.from([...Buffer.from('a LOGIN "j'), 0xf6, ...Buffer.from('rg" x')])).message).toMatch(/Malformed UTF-8 in user name/);
    const bad = Buffer.concat([Buffer.from('a LOGIN x {1}\r\n'), Buffer.from([0xff])]);
    expect(error(bad).message).toMatch(/Malformed UTF-8 in password/);
  });
});

describe('APPEND', () => {
  it('reads the RFC 3501 §6.3.11 example', () => {
    const line = `A003 APPEND saved-messages (\\Seen) {${MESSAGE.length}}\r\n${MESSAGE}`;
    expect(cmd(line)).toEqual({
      name: 'APPEND',
      mailbox: 'saved-messages',
      messages: [{ flags: ['\\Seen'], date: null, message: Buffer.from(MESSAGE) }],
    });
  });

  it('reads flags, date-time and LITERAL+; the message is byte-exact', () => {
    const octets = Buffer.from([0x48, 0x69, 0x0d, 0x0a, 0xe9, 0xff]);
    const line = Buffer.concat([Buffer.from('a APPEND INBOX (\\Draft $Label1) "07-Feb-1994 21:52:25 -0800" {6+}\r\n'), octets]);
    expect(cmd(line)).toEqual({
      name: 'APPEND',
      mailbox: 'INBOX',
      messages: [{ flags: ['\\Draft', '$Label1'], date: { instant: new Date('1994-02-08T05:52:25Z'), zone: -480 }, message: octets }],
    });
  });

  it('keeps every message of a MULTIAPPEND (RFC 3502 §6 example form)', () => {
    const line = `A003 APPEND saved-messages (\\Seen) {5}\r\nfirst (\\Seen) " 1-Jul-2002 22:31:02 -0700" {6}\r\nsecond {5}\r\nthird`;
    expect(cmd(line)).toEqual({
      name: 'APPEND',
      mailbox: 'saved-messages',
      messages: [
        { flags: ['\\Seen'], date: null, message: Buffer.from('first') },
        { flags: ['\\Seen'], date: { instant: new Date('2002-07-02T05:31:02Z'), zone: -420 }, message: Buffer.from('second') },
        { flags: [], date: null, message: Buffer.from('third') },
      ],
    });
  });

  it('accepts literal8 (RFC 3516 §4.4) with NUL octets, and UTF8 (~{n}) (RFC 6855 §4)', () => {
    expect(cmd('a APPEND Drafts ~{3}\r\na\0b')).toMatchObject({ messages: [{ message: Buffer.from('a\0b') }] });
    expect(cmd('a APPEND Drafts () UTF8 (~{2+}\r\nhi)', true)).toMatchObject({ messages: [{ flags: [], message: Buffer.from('hi') }] });
    expect(error('a APPEND Drafts UTF8 ({2}\r\nhi)').message).toMatch(/UTF8 append data is a literal8/);
    expect(error('a APPEND Drafts {3}\r\na\0b').message).toMatch(/NUL in a literal/);
  });

  it.each([
    ['a APPEND INBOX', /Expected SP and a message/],
    ['a APPEND INBOX "hello"', /Expected day/],
    ['a APPEND INBOX hello', /Expected the message as a literal/],
    ['a APPEND INBOX (\\Seen)', /Expected SP/],
    ['a APPEND INBOX (\\Seen) {1}\r\nx ', /Expected the message as a literal/],
    ['a APPEND INBOX "31-Apr-2020 00:00:00 +0000" {1}\r\nx', /No such day/],
    ['a APPEND INBOX "01-Apr-2020 24:00:00 +0000" {1}\r\nx', /Invalid time/],
    ['a APPEND INBOX "01-Apr-2020 10:00:00 0000" {1}\r\nx', /Expected a zone/],
    ['a APPEND INBOX "01-Apr-2020 10:00 +0000" {1}\r\nx', /Expected ":"/],
    ['a APPEND INBOX "01-Apr-2020 10:00:00 +00000" {1}\r\nx', /Expected """/],
  ])('%j is BAD: %s', (line, message) => {
    expect(error(line).message).toMatch(message);
  });
});

describe('date-time (RFC 9051 §9)', () => {
  const date = (text: string): Date | null => {
    const c = parseCommand(Buffer.from(`a APPEND x "${text}" {1}\r\nx`), { utf8Accept: false }).command;
    return c.name === 'APPEND' ? (c.messages[0]?.date?.instant ?? null) : null;
  };

  it.each([
    ['17-Jul-1996 02:44:25 -0700', '1996-07-17T09:44:25.000Z'],
    [' 1-Jan-2000 00:00:00 +0000', '2000-01-01T00:00:00.000Z'],
    ['1-Jan-2000 00:30:00 +0100', '1999-12-31T23:30:00.000Z'],
    ['29-feb-2024 23:59:60 +0000', '2024-02-29T23:59:59.000Z'],
    ['01-Jan-0050 00:00:00 +0000', '0050-01-01T00:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(date(text)?.toISOString()).toBe(iso);
  });
});
