// Example command lines of the extensions the Command union covers: RFC 4315 UIDPLUS, 6851 MOVE, 2971 ID,
// 5161 ENABLE, 4959 SASL-IR, 6154 SPECIAL-USE, 5258 LIST-EXTENDED, 5819 LIST-STATUS, 7162 CONDSTORE and QRESYNC.
import { describe, expect, it } from 'vitest';
import { MAX_ID_PAIRS } from '../../../../src/imap/protocol/parse/id.js';
import type { Command } from '../../../../src/imap/protocol/types.js';
import { cmd, error, set } from './support.js';

type List = Extract<Command, { name: 'LIST' }>;
const list = (patterns: string[], rest: Partial<List> = {}): List => ({
  name: 'LIST',
  reference: '',
  patterns,
  selection: [],
  returnOptions: [],
  returnStatus: null,
  ...rest,
});

describe('UIDPLUS, MOVE, ENABLE, SASL-IR', () => {
  it.each<[string, Command]>([
    ['A003 UID EXPUNGE 3000:3002', { name: 'EXPUNGE', uids: set([3000, 3002]) }],
    ['A004 UID EXPUNGE 1,3:*', { name: 'EXPUNGE', uids: set(1, [3, Infinity]) }],
    ['a UID MOVE 42:69 foo', { name: 'MOVE', uid: true, set: set([42, 69]), mailbox: 'foo' }],
    ['a MOVE $ Trash', { name: 'MOVE', uid: false, set: { kind: 'saved' }, mailbox: 'Trash' }],
    ['t2 ENABLE CONDSTORE X-GOOD-IDEA', { name: 'ENABLE', capabilities: ['CONDSTORE', 'X-GOOD-IDEA'] }],
    ['a ENABLE utf8=accept', { name: 'ENABLE', capabilities: ['UTF8=ACCEPT'] }],
    ['a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=', { name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: 'dGVzdAB0ZXN0AHRlc3Q=' }],
    ['a AUTHENTICATE external =', { name: 'AUTHENTICATE', mechanism: 'EXTERNAL', initialResponse: '=' }],
    ['a AUTHENTICATE SCRAM-SHA-256 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM', {
      name: 'AUTHENTICATE', mechanism: 'SCRAM-SHA-256', initialResponse: 'biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM',
    }],
  ])('%s', (line, expected) => {
    expect(cmd(line)).toEqual(expected);
  });
});

describe('ID (RFC 2971)', () => {
  it('reads the RFC 2971 §3.1 example and NIL', () => {
    expect(cmd('a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")')).toEqual({
      name: 'ID',
      params: { name: 'sodr', version: '19.34', vendor: 'Pink Floyd Music Limited' },
    });
    expect(cmd('a023 ID NIL')).toEqual({ name: 'ID', params: null });
    expect(cmd('a ID ("os" NIL "support-url" {21}\r\nmailto:it@example.org)')).toEqual({
      name: 'ID',
      params: { os: null, 'support-url': 'mailto:it@example.org' },
    });
    expect(cmd('a ID ()')).toEqual({ name: 'ID', params: {} });
  });

  it('keeps "__proto__" as a plain field', () => {
    const c = cmd('a ID ("__proto__" "x")');
    expect(c.name === 'ID' && c.params !== null && Object.keys(c.params)).toEqual(['__proto__']);
  });

  it('enforces the RFC 2971 §3.3 limits', () => {
    const pairs = (n: number): string => Array.from({ length: n }, (_, i) => `"f${i}" "v"`).join(' ');
    expect(cmd(`a ID (${pairs(MAX_ID_PAIRS)})`)).toMatchObject({ name: 'ID' });
    expect(error(`a ID (${pairs(MAX_ID_PAIRS + 1)})`).message).toMatch(/More than 30/);
    expect(error(`a ID ("${'f'.repeat(31)}" "v")`).message).toMatch(/field name longer than 30/);
    expect(cmd(`a ID ("f" "${'v'.repeat(1024)}")`)).toMatchObject({ name: 'ID' });
    expect(error(`a ID ("f" "${'v'.repeat(1025)}")`).message).toMatch(/value longer than 1024/);
    expect(error('a ID (name "x")').message).toMatch(/ID field name/);
    expect(error('a ID ("name")').message).toMatch(/Expected SP/);
  });
});

describe('SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154)', () => {
  it.each<[string, Command]>([
    ['t1 CREATE MySpecial (USE (\\Drafts \\Sent))', { name: 'CREATE', mailbox: 'MySpecial', specialUse: ['\\Drafts', '\\Sent'] }],
    ['t1 CREATE Junk (use (\\junk))', { name: 'CREATE', mailbox: 'Junk', specialUse: ['\\Junk'] }],
    ['t1 CREATE Empty (USE ())', { name: 'CREATE', mailbox: 'Empty', specialUse: [] }],
    ['t1 LIST (SPECIAL-USE) "" *', list(['*'], { selection: ['SPECIAL-USE'] })],
    ['t1 LIST "" % RETURN (SPECIAL-USE)', list(['%'], { returnOptions: ['SPECIAL-USE'] })],
  ])('%s', (line, expected) => {
    expect(cmd(line)).toEqual(expected);
  });

  it.each([
    ['t1 CREATE X (USE (Drafts))', /special-use attribute/],
    ['t1 CREATE X (FOO (\\Drafts))', /Unknown CREATE parameter FOO/],
    ['t1 CREATE X ()', /Empty list/],
  ])('%j is BAD', (line, message) => {
    expect(error(line).message).toMatch(message);
  });
});

describe('LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819)', () => {
  it.each<[string, List]>([
    ['A01 LIST "" %', list(['%'])],
    ['A02 LIST (SUBSCRIBED) "" "*"', list(['*'], { selection: ['SUBSCRIBED'] })],
    ['A03 LIST () "" "%" RETURN (CHILDREN)', list(['%'], { returnOptions: ['CHILDREN'] })],
    ['A04 LIST (REMOTE) "" "%" RETURN (CHILDREN)', list(['%'], { selection: ['REMOTE'], returnOptions: ['CHILDREN'] })],
    ['A05 LIST (REMOTE SUBSCRIBED) "" "*"', list(['*'], { selection: ['REMOTE', 'SUBSCRIBED'] })],
    ['A06 LIST (REMOTE) "" "*" RETURN (SUBSCRIBED)', list(['*'], { selection: ['REMOTE'], returnOptions: ['SUBSCRIBED'] })],
    ['C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)', list(['%'], { selection: ['SUBSCRIBED', 'RECURSIVEMATCH'], returnOptions: ['CHILDREN'] })],
    ['BBB LIST "" ("INBOX" "Drafts" "Sent/%")', list(['INBOX', 'Drafts', 'Sent/%'])],
    ['A07 LIST "" (% Foo/*) RETURN ()', list(['%', 'Foo/*'])],
    ['A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))', list(['%'], { returnStatus: ['MESSAGES', 'UNSEEN'] })],
    ['A02 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (CHILDREN STATUS (MESSAGES))', list(['%'], {
      selection: ['SUBSCRIBED', 'RECURSIVEMATCH'], returnOptions: ['CHILDREN'], returnStatus: ['MESSAGES'],
    })],
    ['a list (subscribed) "" * return (status (uidnext size) special-use)', list(['*'], {
      selection: ['SUBSCRIBED'], returnOptions: ['SPECIAL-USE'], returnStatus: ['UIDNEXT', 'SIZE'],
    })],
  ])('%s', (line, expected) => {
    expect(cmd(line)).toEqual(expected);
  });

  it.each([
    ['a LIST (RECURSIVEMATCH) "" %', /RECURSIVEMATCH needs another/],
    ['a LIST (REMOTE RECURSIVEMATCH) "" %', /RECURSIVEMATCH needs another/],
    ['a LIST (SPECIAL-USE RECURSIVEMATCH) "" %', /RECURSIVEMATCH is supported with SUBSCRIBED only/],
    ['a LIST (FOO) "" %', /Unknown LIST selection option FOO/],
    ['a LIST "" % RETURN (FOO)', /Unknown LIST return option FOO/],
    ['a LIST "" % RETURN (STATUS ())', /Empty list/],
    ['a LIST "" % RETURN (STATUS (MESSAGES) STATUS (UNSEEN))', /STATUS given twice/],
    ['a LIST "" % RETURN (STATUS (BOGUS))', /Unknown status item BOGUS/],
    ['a LIST "" % CHILDREN', /Expected RETURN/],
    ['a LIST "" ()', /Empty list/],
    ['a LIST ""', /Expected SP/],
  ])('%j is BAD', (line, message) => {
    expect(error(line).message).toMatch(message);
  });
});

describe('CONDSTORE (RFC 7162)', () => {
  it.each<[string, Command]>([
    ['a103 SELECT INBOX (CONDSTORE)', { name: 'SELECT', mailbox: 'INBOX', condstore: true }],
    ['a104 EXAMINE Archive (condstore)', { name: 'EXAMINE', mailbox: 'Archive', condstore: true }],
    ['d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)', {
      name: 'STORE', uid: false, set: set(7, 5, 9), mode: 'add', silent: true, flags: ['\\Deleted'], unchangedSince: 320162338,
    }],
    ['c101 UID STORE 50:60 (UNCHANGEDSINCE 0) FLAGS ($NoJunk)', {
      name: 'STORE', uid: true, set: set([50, 60]), mode: 'replace', silent: false, flags: ['$NoJunk'], unchangedSince: 0,
    }],
    ['a STATUS blurdybloop (HIGHESTMODSEQ)', { name: 'STATUS', mailbox: 'blurdybloop', items: ['HIGHESTMODSEQ'] }],
    // RFC 7162 §3.2.5 examples: QRESYNC with and without known-uids and seq-match-data.
    ['A02 SELECT INBOX (QRESYNC (67890007 20050715194045 41,43:211,214:541))', {
      name: 'SELECT', mailbox: 'INBOX', condstore: false,
      qresync: { uidValidity: 67890007, modseq: 20050715194045, knownUids: set(41, [43, 211], [214, 541]), seqMatch: null },
    }],
    ['B04 EXAMINE INBOX (QRESYNC (67890007 90060115194045 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))', {
      name: 'EXAMINE', mailbox: 'INBOX', condstore: false,
      qresync: {
        uidValidity: 67890007, modseq: 90060115194045, knownUids: set([1, 29997]),
        seqMatch: {
          seqs: set(5000, 7500, 9000, [9990, 9999]),
          uids: set(15000, 22500, 27000, 29970, 29973, 29976, 29979, 29982, 29985, 29988, 29991, 29994, 29997),
        },
      },
    }],
    ['a SELECT INBOX (CONDSTORE QRESYNC (1 2 (1:2 5:6)))', {
      name: 'SELECT', mailbox: 'INBOX', condstore: true,
      qresync: { uidValidity: 1, modseq: 2, knownUids: null, seqMatch: { seqs: set([1, 2]), uids: set([5, 6]) } },
    }],
    ['s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)', {
      name: 'FETCH', uid: true, set: set([300, 500]), attributes: [{ kind: 'FLAGS' }], changedSince: 12345, vanished: true,
    }],
  ])('%s', (line, expected) => {
    expect(cmd(line)).toEqual(expected);
  });

  it.each([
    ['a SELECT INBOX (QRESYNC (1 0))', /above 0/],
    ['a SELECT INBOX (QRESYNC (0 5))', /uidvalidity/],
    ['a SELECT INBOX (QRESYNC (1))', /Expected SP/],
    ['a SELECT INBOX (QRESYNC (1 2 1:5 (1:2)))', /Expected SP/],
    ['a SELECT INBOX (FOO)', /Unknown SELECT parameter FOO/],
    ['a FETCH 1:* FLAGS (CHANGEDSINCE 5 VANISHED)', /VANISHED is a UID FETCH modifier/],
    ['a UID FETCH 1:* FLAGS (VANISHED)', /VANISHED needs CHANGEDSINCE/],
    ['a SELECT INBOX ()', /Empty list/],
    ['a STORE 1 (UNCHANGEDSINCE) FLAGS \\Seen', /Expected SP/],
    ['a STORE 1 (FOO 1) FLAGS \\Seen', /Unknown STORE modifier FOO/],
    ['a STORE 1 FLAGS.LOUD \\Seen', /Unknown store item FLAGS.LOUD/],
    ['a STORE 1 +FLAGS', /Expected SP/],
    ['a STORE 1 +FLAGS (\\Seen', /Expected "\)"/],
  ])('%j is BAD', (line, message) => {
    expect(error(line).message).toMatch(message);
  });
});
