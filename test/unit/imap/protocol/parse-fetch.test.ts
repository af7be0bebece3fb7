// FETCH / UID FETCH (RFC 9051 §6.4.5, RFC 3501 §6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE / MODSEQ).
import { describe, expect, it } from 'vitest';
import type { FetchAttribute, Section } from '../../../../src/imap/protocol/types.js';
import { cmd, error, set } from './support.js';

const whole: Section = { part: [], text: null, fields: [] };
const sec = (part: number[], text: Section['text'] = null, fields: string[] = []): Section => ({ part, text, fields });
const body = (section: Section, peek = false, partial: { offset: number; length: number } | null = null): FetchAttribute => ({
  kind: 'BODY[]',
  section,
  peek,
  partial,
});

function attributes(items: string): FetchAttribute[] {
  const c = cmd(`a FETCH 1 ${items}`);
  if (c.name !== 'FETCH') throw new Error('not FETCH');
  return c.attributes;
}

describe('FETCH attributes', () => {
  it.each<[string, FetchAttribute[]]>([
    ['FLAGS', [{ kind: 'FLAGS' }]],
    ['(UID RFC822.SIZE INTERNALDATE ENVELOPE)', [{ kind: 'UID' }, { kind: 'RFC822.SIZE' }, { kind: 'INTERNALDATE' }, { kind: 'ENVELOPE' }]],
    ['(BODY BODYSTRUCTURE MODSEQ)', [{ kind: 'BODY' }, { kind: 'BODYSTRUCTURE' }, { kind: 'MODSEQ' }]],
    ['(RFC822 RFC822.HEADER RFC822.TEXT)', [{ kind: 'RFC822' }, { kind: 'RFC822.HEADER' }, { kind: 'RFC822.TEXT' }]],
    ['BODY[]', [body(whole)]],
    ['body.peek[]', [body(whole, true)]],
    ['BODY[TEXT]', [body(sec([], 'TEXT'))]],
    ['BODY[HEADER]', [body(sec([], 'HEADER'))]],
    ['BODY[1]', [body(sec([1]))]],
    ['BODY[3.2.1]', [body(sec([3, 2, 1]))]],
    ['BODY[4.2.HEADER]', [body(sec([4, 2], 'HEADER'))]],
    ['BODY[1.MIME]', [body(sec([1], 'MIME'))]],
    ['BODY[2.TEXT]', [body(sec([2], 'TEXT'))]],
    ['BODY[HEADER.FIELDS (DATE FROM)]', [body(sec([], 'HEADER.FIELDS', ['DATE', 'FROM']))]],
    ['BODY.PEEK[header.fields.not (Received "X-Spam" {4}\r\nDKIM)]', [body(sec([], 'HEADER.FIELDS.NOT', ['Received', 'X-Spam', 'DKIM']), true)]],
    ['BODY[1.2.HEADER.FIELDS (Subject)]', [body(sec([1, 2], 'HEADER.FIELDS', ['Subject']))]],
    ['BODY[]<0.2048>', [body(whole, false, { offset: 0, length: 2048 })]],
    ['BODY.PEEK[1]<100.1>', [body(sec([1]), true, { offset: 100, length: 1 })]],
    ['BINARY[]', [{ kind: 'BINARY[]', section: whole, peek: false, partial: null }]],
    ['(BINARY.PEEK[1]<0.100> BINARY.SIZE[2.1])', [
      { kind: 'BINARY[]', section: sec([1]), peek: true, partial: { offset: 0, length: 100 } },
      { kind: 'BINARY.SIZE', section: sec([2, 1]) },
    ]],
  ])('%s', (items, expected) => {
    expect(attributes(items)).toEqual(expected);
  });

  it('expands the macros ALL, FAST and FULL (RFC 9051 §6.4.5)', () => {
    const fast: FetchAttribute[] = [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }];
    expect(attributes('FAST')).toEqual(fast);
    expect(attributes('all')).toEqual([...fast, { kind: 'ENVELOPE' }]);
    expect(attributes('FULL')).toEqual([...fast, { kind: 'ENVELOPE' }, { kind: 'BODY' }]);
    // A macro is not an attribute: it may not appear inside the list.
    expect(error('a FETCH 1 (ALL)').message).toMatch(/Unknown fetch attribute ALL/);
  });

  it('reads the RFC 3501 example with its sequence set', () => {
    expect(cmd('A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])')).toEqual({
      name: 'FETCH',
      uid: false,
      set: set([2, 4]),
      attributes: [{ kind: 'FLAGS' }, body(sec([], 'HEADER.FIELDS', ['DATE', 'FROM']))],
      changedSince: null,
    });
  });

  it('takes the CHANGEDSINCE modifier (RFC 7162 §3.1.4.1)', () => {
    expect(cmd('s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)')).toEqual({
      name: 'FETCH',
      uid: true,
      set: set([1, Infinity]),
      attributes: [{ kind: 'FLAGS' }],
      changedSince: 12345,
    });
    expect(cmd('a102 FETCH 1:* (FLAGS MODSEQ) (changedsince 12345)')).toMatchObject({ changedSince: 12345 });
    expect(cmd('a FETCH $ (UID INTERNALDATE FLAGS RFC822.SIZE)')).toMatchObject({ set: { kind: 'saved' } });
  });

  it.each([
    ['a FETCH 1 ()', /Empty list/],
    ['a FETCH 1 BODY.PEEK', /Unknown fetch attribute BODY.PEEK/],
    ['a FETCH 1 X-GM-MSGID', /Unknown fetch attribute X-GM-MSGID/],
    ['a FETCH 1 BODY[MIME]', /MIME needs a part number/],
    ['a FETCH 1 BODY[0]', /part number/],
    ['a FETCH 1 BODY[1.]', /section text/],
    ['a FETCH 1 BODY[1.FOO]', /Unknown section text FOO/],
    ['a FETCH 1 BODY[HEADER.FIELDS ()]', /Empty list/],
    ['a FETCH 1 BODY[HEADER.FIELDS]', /Expected SP/],
    ['a FETCH 1 BODY[HEADER.FIELDS ("Bad:Name")]', /header field name/],
    ['a FETCH 1 BODY[TEXT', /Expected "]"/],
    ['a FETCH 1 BODY[]<0.0>', /partial length/],
    ['a FETCH 1 BODY[]<5>', /Expected "\."/],
    ['a FETCH 1 BINARY[TEXT]', /Expected "]"/],
    ['a FETCH 1 BINARY[1.MIME]', /Expected "]"/],
    ['a FETCH 1 BINARY.SIZE[1]<0.5>', /Expected SP/],
    ['a FETCH 1 (BINARY.SIZE[1]<0.5>)', /Expected "\)"/],
    ['a FETCH 1 FOO[1]', /Unknown fetch attribute FOO\[/],
    ['a FETCH 1 ALL FLAGS', /Expected "\("/],
    ['a FETCH 1 FLAGS (VANISHED)', /VANISHED is a UID FETCH modifier/],
    ['a FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)', /given twice/],
    ['a FETCH 1 FLAGS (CHANGEDSINCE 99999999999999999999)', /out of range/],
    ['a FETCH 0 FLAGS', /sequence number/],
    ['a FETCH 4294967296 FLAGS', /out of range/],
    ['a FETCH 1:2, FLAGS', /sequence number/],
    ['a FETCH 1 (FLAGS  UID)', /fetch attribute/],
    ['a FETCH 1 (FLAGS UID', /Expected "\)"/],
  ])('%j is BAD: %s', (line, message) => {
    const err = error(line);
    expect(err.message).toMatch(message);
    expect(err.tag).toBe('a');
  });
});
