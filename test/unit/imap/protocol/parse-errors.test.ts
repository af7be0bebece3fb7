// Malformed command lines → ProtocolError (the session's BAD), with the tag when one could be read.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/imap/protocol/parse.js';
import { ProtocolError } from '../../../../src/imap/protocol/types.js';
import { cmd, error, refusal } from './support.js';

describe('tags and command names', () => {
  it.each(['', ' NOOP', '+ NOOP', '(a) NOOP', 'a*b NOOP', '"a" NOOP', 'é NOOP', '\r\n'])('%j has no tag', (line) => {
    const err = error(line);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.tag).toBeNull();
    expect(err.message).toMatch(/Missing or invalid tag/);
  });

  it.each([
    ['a', /Expected SP/],
    ['a ', /Expected command name/],
    ['a  NOOP', /Expected command name/],
    ['a NOOP ', /Unexpected characters after the command/],
    ['a NOOP extra', /Unexpected characters after the command/],
    ['a FOO', /Unknown command FOO/],
    ['a XLIST "" *', /Unknown command XLIST/],
    [`a ${'X'.repeat(500)}`, /^Unknown command X{40} /],
    ['a UID', /Expected SP/],
    ['a UID NOOP', /UID NOOP is not a UID command/],
    ['a UID LIST "" *', /UID LIST is not a UID command/],
    ['a LOGIN', /Expected SP/],
    ['a LOGIN x', /Expected SP/],
    ['a LOGIN x y z', /Unexpected characters/],
    ['a LOGIN (x) y', /Expected user name/],
    ['a LOGIN "x y', /Unterminated quoted string/],
    ['a LOGIN "x\\y" z', /Only \\" and \\\\ may be escaped/],
    ['a LOGIN "x\0y" z', /NUL, CR or LF/],
    ['a LOGIN "x\ry" z', /NUL, CR or LF/],
    ['a SELECT', /Expected SP/],
    ['a SELECT &AAk-', /Control character in the mailbox name/],
    ['a RENAME x', /Expected SP/],
    ['a STATUS INBOX ()', /Empty list/],
    ['a STATUS INBOX (MESSAGES BOGUS)', /Unknown status item BOGUS/],
    ['a STATUS INBOX MESSAGES', /Expected "\("/],
    ['a ENABLE', /Expected SP/],
    ['a ENABLE ', /Expected capability/],
    ['a AUTHENTICATE', /Expected SP/],
    ['a AUTHENTICATE PLAIN ', /not base64/],
    ['a AUTHENTICATE PLAIN ab$c', /not base64/],
    ['a AUTHENTICATE PLAIN abc', /not base64/],
    ['a AUTHENTICATE PLAIN dGVzdA== x', /not base64/],
    ['a UID EXPUNGE', /Expected SP/],
    ['a UID EXPUNGE x', /sequence number/],
    ['a EXPUNGE 1', /Unexpected characters/],
    ['a COPY 1', /Expected SP/],
    ['a COPY 1:2:3 x', /Expected SP/],
    ['a MOVE * ', /mailbox name/],
    ['a ID', /Expected SP/],
    ['a ID (', /ID field name/],
    ['a LSUB ""', /Expected SP/],
    ['a CAPABILITY (', /Unexpected characters/],
  ])('%j is BAD: %s', (line, message) => {
    const err = error(Buffer.from(line, 'latin1'));
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/\(at octet \d+\)$/);
    expect(err.tag).toBe('a');
  });

  it('reports where reading stopped', () => {
    expect(error('a LOGIN x  y').message).toBe('Expected password (at octet 10)');
  });

  it('never echoes CR, LF or 8-bit input in the message', () => {
    for (const line of ['a F\r\nOO', 'a LOGIN "\xff', 'a SEARCH \xffOO', 'a FETCH 1 B\r\nODY']) {
      expect(error(Buffer.from(line, 'latin1')).message).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it('throws only ProtocolError for a malformed command', () => {
    expect(() => parseCommand(Buffer.from('a SEARCH ((((('), { utf8Accept: false })).toThrow(ProtocolError);
  });
});

// Issue 13 item 9: a name that is a valid astring but not valid modified UTF-7 is NO, not BAD (Dovecot 2.3).
describe('mailbox names that are not valid modified UTF-7', () => {
  it.each([
    ['a SELECT &Jjo', 'NONEXISTENT'],
    ['a SELECT &AGE-', 'NONEXISTENT'], // "a" must not be base64-encoded
    ['a EXAMINE "a\tb"', 'NONEXISTENT'],
    ['a STATUS {3}\r\nb\xe9d (MESSAGES)', 'NONEXISTENT'],
    ["a SELECT !#$&'+,-.0123456789:;<=>?@^_`|}", 'NONEXISTENT'],
    ['a DELETE &2D0-', 'NONEXISTENT'], // a lone high surrogate
    ['a CREATE "Tom & Jerry"', 'CANNOT'],
    ['a CREATE &2D0-', 'CANNOT'],
    ['a CREATE &3AA-', 'CANNOT'], // a lone low surrogate
    ['a CREATE &2D3eAA-&2D3eAA-&3AA-', 'CANNOT'],
    ['a RENAME x &2D0-', 'CANNOT'],
    ['a RENAME &2D0- x', 'NONEXISTENT'],
    ['a COPY 1 &2D0-', 'NONEXISTENT'],
  ])('%j is NO [%s]', (line, code) => {
    const err = refusal(Buffer.from(line, 'latin1'));
    expect(err.code).toBe(code);
    expect(err.tag).toBe('a');
    expect(err.message).toMatch(/^The mailbox name is not valid modified UTF-7$/);
  });

  it('under UTF8=ACCEPT, malformed UTF-8 (an encoded surrogate too) is NO', () => {
    expect(refusal(Buffer.from('a SELECT "\xed\xa0\xbd"', 'latin1'), true).message).toMatch(/not valid UTF-8/);
    expect(refusal(Buffer.from('a CREATE "\xff"', 'latin1'), true).code).toBe('CANNOT');
  });

  it('a LIST or LSUB pattern or reference that is not valid matches nothing', () => {
    expect(cmd("a LIST \"\" !#$&'+,-.0123456789:;<=>?@^_`|}%*")).toMatchObject({ name: 'LIST', patterns: [] });
    expect(cmd('a LIST "" (&Jjo %)')).toMatchObject({ name: 'LIST', patterns: ['%'] });
    expect(cmd('a LIST &2D0- (%)')).toMatchObject({ name: 'LIST', patterns: [] });
    expect(cmd('a LSUB "" &Jjo')).toMatchObject({ name: 'LSUB', pattern: null });
    expect(cmd('a LSUB &Jjo %')).toMatchObject({ name: 'LSUB', pattern: null });
  });
});
