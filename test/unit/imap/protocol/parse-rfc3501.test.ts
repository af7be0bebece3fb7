// RFC 3501 §6 / RFC 9051 §6 example command lines → the typed commands handlers receive.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/imap/protocol/parse.js';
import type { Command } from '../../../../src/imap/protocol/types.js';
import { cmd, set } from './support.js';

const rows: Array<[string, Command]> = [
  ['a001 CAPABILITY', { name: 'CAPABILITY' }],
  ['a002 NOOP', { name: 'NOOP' }],
  ['A023 LOGOUT', { name: 'LOGOUT' }],
  ['a002 STARTTLS', { name: 'STARTTLS' }],
  ['A001 AUTHENTICATE GSSAPI', { name: 'AUTHENTICATE', mechanism: 'GSSAPI', initialResponse: null }],
  ['a001 LOGIN SMITH SESAME', { name: 'LOGIN', user: 'SMITH', password: 'SESAME' }],
  ['A142 SELECT INBOX', { name: 'SELECT', mailbox: 'INBOX', condstore: false }],
  ['A932 EXAMINE blurdybloop', { name: 'EXAMINE', mailbox: 'blurdybloop', condstore: false }],
  ['A003 CREATE owatagusiam/', { name: 'CREATE', mailbox: 'owatagusiam/', specialUse: [] }],
  ['A004 CREATE owatagusiam/blurdybloop', { name: 'CREATE', mailbox: 'owatagusiam/blurdybloop', specialUse: [] }],
  ['A683 DELETE blurdybloop', { name: 'DELETE', mailbox: 'blurdybloop' }],
  ['A683 RENAME blurdybloop sarasoop', { name: 'RENAME', from: 'blurdybloop', to: 'sarasoop' }],
  ['A002 SUBSCRIBE #news.comp.mail.mime', { name: 'SUBSCRIBE', mailbox: '#news.comp.mail.mime' }],
  ['A002 UNSUBSCRIBE #news.comp.mail.mime', { name: 'UNSUBSCRIBE', mailbox: '#news.comp.mail.mime' }],
  ['A101 LIST "" ""', { name: 'LIST', reference: '', patterns: [''], selection: [], returnOptions: [], returnStatus: null }],
  ['A102 LIST #news.comp.mail.misc ""', { name: 'LIST', reference: '#news.comp.mail.misc', patterns: [''], selection: [], returnOptions: [], returnStatus: null }],
  ['A103 LIST /usr/staff/jones ""', { name: 'LIST', reference: '/usr/staff/jones', patterns: [''], selection: [], returnOptions: [], returnStatus: null }],
  ['A202 LIST ~/Mail/ %', { name: 'LIST', reference: '~/Mail/', patterns: ['%'], selection: [], returnOptions: [], returnStatus: null }],
  ['A682 LIST "" *', { name: 'LIST', reference: '', patterns: ['*'], selection: [], returnOptions: [], returnStatus: null }],
  ['A002 LSUB "#news." "comp.mail.*"', { name: 'LSUB', reference: '#news.', pattern: 'comp.mail.*' }],
  ['A042 STATUS blurdybloop (UIDNEXT MESSAGES)', { name: 'STATUS', mailbox: 'blurdybloop', items: ['UIDNEXT', 'MESSAGES'] }],
  ['FXXZ CHECK', { name: 'CHECK' }],
  ['A341 CLOSE', { name: 'CLOSE' }],
  ['A202 EXPUNGE', { name: 'EXPUNGE', uids: null }],
  ['A003 STORE 2:4 +FLAGS (\\Deleted)', { name: 'STORE', uid: false, set: set([2, 4]), mode: 'add', silent: false, flags: ['\\Deleted'], unchangedSince: null }],
  ['A003 COPY 2:4 MEETING', { name: 'COPY', uid: false, set: set([2, 4]), mailbox: 'MEETING' }],
  ['A999 UID FETCH 4827313:4828442 FLAGS', { name: 'FETCH', uid: true, set: set([4827313, 4828442]), attributes: [{ kind: 'FLAGS' }], changedSince: null }],
  ['A003 UID STORE 4827313 -FLAGS.SILENT (\\Seen)', { name: 'STORE', uid: true, set: set(4827313), mode: 'remove', silent: true, flags: ['\\Seen'], unchangedSince: null }],
  ['A004 UID COPY 1,3:* Archive', { name: 'COPY', uid: true, set: set(1, [3, Infinity]), mailbox: 'Archive' }],
  // RFC 9051 additions
  ['A001 ENABLE IMAP4rev2', { name: 'ENABLE', capabilities: ['IMAP4REV2'] }],
  ['A342 UNSELECT', { name: 'UNSELECT' }],
  ['A044 STATUS blurdybloop (UIDNEXT MESSAGES SIZE DELETED)', { name: 'STATUS', mailbox: 'blurdybloop', items: ['UIDNEXT', 'MESSAGES', 'SIZE', 'DELETED'] }],
  ['A005 MOVE 2:4 MEETING', { name: 'MOVE', uid: false, set: set([2, 4]), mailbox: 'MEETING' }],
  ['a IDLE', { name: 'IDLE' }],
  ['A NAMESPACE', { name: 'NAMESPACE' }],
];

describe('RFC 3501 / RFC 9051 examples', () => {
  it.each(rows)('%s', (line, expected) => {
    expect(cmd(line)).toEqual(expected);
  });

  it('keeps the tag and matches command names case-insensitively', () => {
    expect(parseCommand(Buffer.from('x]7 uid fetch 1 flags'), { utf8Accept: false })).toEqual({
      tag: 'x]7',
      command: { name: 'FETCH', uid: true, set: set(1), attributes: [{ kind: 'FLAGS' }], changedSince: null },
    });
    expect(cmd('a select inbox')).toEqual({ name: 'SELECT', mailbox: 'INBOX', condstore: false });
  });
});

describe('mailbox names', () => {
  it.each([
    ['a SELECT inbox', 'INBOX'],
    ['a SELECT "InBoX"', 'INBOX'],
    ['a SELECT {5}\r\niNbOx', 'INBOX'],
    ['a SELECT INBOX/Sub', 'INBOX/Sub'],
    ['a SELECT inbox.old', 'inbox.old'],
    // RFC 3501 §5.1.3 example
    ['a SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-', '~peter/mail/台北/日本語'],
    ['a SELECT "A&-B"', 'A&B'],
    ['a SELECT Entw&APw-rfe', 'Entwürfe'],
  ])('%s → %j', (line, name) => {
    expect(cmd(line)).toMatchObject({ mailbox: name });
  });

  it('decodes modified UTF-7 in every mailbox argument', () => {
    expect(cmd('a RENAME &AMQ- &ANY-')).toEqual({ name: 'RENAME', from: 'Ä', to: 'Ö' });
    expect(cmd('a LIST &AMQ-/ &ANY-*')).toMatchObject({ reference: 'Ä/', patterns: ['Ö*'] });
    expect(cmd('a LSUB "" &AMQ-%')).toMatchObject({ pattern: 'Ä%' });
    expect(cmd('a COPY 1 &AMQ-')).toMatchObject({ mailbox: 'Ä' });
    expect(cmd('a APPEND &AMQ- {1}\r\nx')).toMatchObject({ mailbox: 'Ä' });
  });

  it('takes names as UTF-8 under UTF8=ACCEPT (RFC 6855 §3), "&" included', () => {
    expect(cmd('a SELECT "Entwürfe"', true)).toMatchObject({ mailbox: 'Entwürfe' });
    expect(cmd('a SELECT A&B', true)).toMatchObject({ mailbox: 'A&B' });
    expect(cmd('a CREATE "台北"', true)).toMatchObject({ mailbox: '台北' });
    expect(cmd('a LIST "" "日本*"', true)).toMatchObject({ patterns: ['日本*'] });
    expect(() => cmd('a SELECT "a\tb"', true)).toThrow(/Control character in the mailbox name/);
  });
});

describe('flags', () => {
  it('canonicalises system flags and keeps keywords as given', () => {
    expect(cmd('a STORE 1 FLAGS (\\SEEN \\answered $Label1 NonJunk)')).toMatchObject({
      mode: 'replace',
      flags: ['\\Seen', '\\Answered', '$Label1', 'NonJunk'],
    });
    // Issue 13 item 17: \Recent and unknown system flags are BAD in STORE and APPEND, as Dovecot.
    for (const line of ['a STORE 1 FLAGS (\\Foo)', 'a STORE 1 +FLAGS \\recent', 'a APPEND INBOX (\\Recent) {1+}\r\nx']) {
      expect(() => cmd(line), line).toThrow(/Invalid system flag/);
    }
  });

  it('takes flags without parentheses, and the empty list', () => {
    expect(cmd('a STORE 1 +FLAGS.SILENT \\Flagged \\Draft')).toMatchObject({ mode: 'add', silent: true, flags: ['\\Flagged', '\\Draft'] });
    expect(cmd('a STORE 1 FLAGS ()')).toMatchObject({ mode: 'replace', flags: [] });
  });
});
