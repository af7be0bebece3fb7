// RFC 5256 §2.1 base subject extraction, step by step, and the sort keys of §2.2-§2.3 / RFC 5957 (src/mime).
import { describe, expect, it } from 'vitest';
import { baseSubject } from '../../../src/mime/base-subject.js';
import { addressKey, msgIds, sentTime, sortKeysOf } from '../../../src/mime/sort-keys.js';

const base = (s: string | null) => baseSubject(s);

describe('baseSubject (RFC 5256 §2.1)', () => {
  it.each([
    ['Hello world', 'HELLO WORLD', false],
    ['Re: Hello', 'HELLO', true],
    ['RE: re: Re:Hello', 'HELLO', true],
    ['Fwd: Hello', 'HELLO', true],
    ['Fw: Hello', 'HELLO', true],
    ['Re[2]: Hello', 'HELLO', true], // subj-refwd with a blob before the colon
    ['[list] Re: Hello', 'HELLO', true], // blobs before a subj-refwd are part of the leader
    ['[list] Hello', 'HELLO', false], // step 4: a blob removed when a base remains
    ['[list]', '[LIST]', false], // ... but not when nothing would remain
    ['[a][b] [c] Hello', 'HELLO', false],
    ['Hello (fwd)', 'HELLO', true], // step 2 trailer
    ['Hello (FWD) (fwd)  ', 'HELLO', true],
    ['[fwd: Hello]', 'HELLO', true], // step 6
    ['[Fwd: Re: [list] Hello (fwd)]', 'HELLO', true], // step 6 then again from step 2
    ['[fwd: ]', '[FWD: ]', false], // no subj-base inside: not a subj-fwd
    ['  Re:   Hello\t\tthere ', 'HELLO THERE', true], // step 1 white space
    ['Re:', '', true],
    ['', '', false],
    ['=?utf-8?q?Re=3A_caf=C3=A9?=', 'CAFé', true], // step 1 decodes encoded-words; ASCII-only case mapping
    ['Reply to this', 'REPLY TO THIS', false], // "re" not followed by ":" is no subj-refwd
  ])('%j → %j', (input, key, marked) => {
    expect(base(input)).toEqual({ key, isReplyOrForward: marked });
  });

  it('a missing Subject is the empty base subject', () => {
    expect(base(null)).toEqual({ key: '', isReplyOrForward: false });
  });
});

describe('sort keys (RFC 5256 §2.2-§2.3, RFC 5957)', () => {
  it('subjects collate case-insensitively beyond ASCII (RFC 5256 §1: I18NLEVEL=1)', () => {
    const subject = (v: string) => sortKeysOf([{ name: 'subject', value: v }]).subject;
    expect(subject('Re: Grüße')).toBe(subject('GRÜSSE'));
    expect(subject('Café')).toBe(subject('cafe\u0301'));
  });

  it('first address: mailbox upper-cased, display name else addr-spec folded; groups skipped', () => {
    expect(addressKey('"Zoë Ä" <zoe@x.org>, b@y')).toEqual({ mailbox: 'ZOE', display: 'ZOë ä' });
    expect(addressKey('b@Y.org')).toEqual({ mailbox: 'B', display: 'B@Y.ORG' });
    expect(addressKey('team: =?utf-8?q?J=C3=B6rg?= <j@x>;')).toEqual({ mailbox: 'J', display: 'JöRG' });
    expect(addressKey('"Straße" <s@x>').display).toBe(addressKey('STRASSE <s@x>').display); // i;unicode-casemap-like
    expect(addressKey(null)).toEqual({ mailbox: '', display: '' });
    expect(addressKey('undisclosed-recipients:;')).toEqual({ mailbox: '', display: '' });
  });

  it('the sent date with its zone; unreadable is null', () => {
    expect(sentTime('Tue, 1 Jul 2003 10:52:37 +0200')).toBe(Date.UTC(2003, 6, 1, 8, 52, 37));
    expect(sentTime('1 Jul 03 10:52 EST')).toBe(Date.UTC(2003, 6, 1, 15, 52));
    expect(sentTime('2 Jan 2024')).toBe(Date.UTC(2024, 0, 2));
    expect(sentTime('yesterday')).toBeNull();
    expect(sentTime(null)).toBeNull();
  });

  it('references: References, else the first msg-id of In-Reply-To', () => {
    expect(msgIds('<a@x> junk <b@y>')).toEqual(['<a@x>', '<b@y>']);
    const keys = (fields: Array<[string, string]>) => sortKeysOf(fields.map(([name, value]) => ({ name, value })));
    expect(keys([['in-reply-to', '<p@x> <q@x>']]).references).toEqual(['<p@x>']);
    expect(keys([['in-reply-to', '<p@x>'], ['references', '<r@x> <s@x>']]).references).toEqual(['<r@x>', '<s@x>']);
    expect(keys([['message-id', ' <m@x> ']]).messageId).toBe('<m@x>');
  });
});
