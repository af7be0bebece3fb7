// RFC 1939 §5–§7, RFC 2449 §5, RFC 2595 §4, RFC 5034 §4, RFC 6856 §2: the POP3 command parser on a table of
// RFC example lines and of malformed ones.
import { describe, expect, it } from 'vitest';
import { parseCommand, type Pop3Command } from '../../../src/pop3/protocol/parse.js';

const good: Array<[string, Pop3Command]> = [
  ['USER mrose', { verb: 'USER', name: 'mrose' }],
  ['user Mrose@Example.org', { verb: 'USER', name: 'Mrose@Example.org' }],
  ['PASS secret', { verb: 'PASS', password: 'secret' }],
  ['PASS two words ', { verb: 'PASS', password: 'two words ' }], // RFC 1939 §7: spaces are part of it
  ['STAT', { verb: 'STAT' }],
  ['LIST', { verb: 'LIST', msg: null }],
  ['LIST 2', { verb: 'LIST', msg: 2 }],
  ['RETR 1', { verb: 'RETR', msg: 1 }],
  ['DELE 1', { verb: 'DELE', msg: 1 }],
  ['NOOP', { verb: 'NOOP' }],
  ['RSET', { verb: 'RSET' }],
  ['QUIT', { verb: 'QUIT' }],
  ['TOP 1 10', { verb: 'TOP', msg: 1, lines: 10 }],
  ['TOP 100 3', { verb: 'TOP', msg: 100, lines: 3 }],
  ['TOP 1 0', { verb: 'TOP', msg: 1, lines: 0 }],
  ['UIDL', { verb: 'UIDL', msg: null }],
  ['UIDL 2', { verb: 'UIDL', msg: 2 }],
  ['CAPA', { verb: 'CAPA' }],
  ['STLS', { verb: 'STLS' }],
  ['stls', { verb: 'STLS' }],
  ['UTF8', { verb: 'UTF8' }],
  ['AUTH', { verb: 'AUTH', mechanism: null, initialResponse: null }],
  ['AUTH plain', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: null }],
  ['AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'dGVzdAB0ZXN0AHRlc3Q=' }],
  ['AUTH EXTERNAL =', { verb: 'AUTH', mechanism: 'EXTERNAL', initialResponse: '=' }],
  ['AUTH SCRAM-SHA-256 *', { verb: 'AUTH', mechanism: 'SCRAM-SHA-256', initialResponse: '*' }],
  ['STAT ', { verb: 'STAT' }],
];

const bad: Array<[string, 'unknown' | 'syntax']> = [
  ['', 'unknown'],
  ['XTND XMIT', 'unknown'],
  ['APOP mrose c4c9334bac560ecc979e58001b3e22fb', 'unknown'],
  ['RETR', 'syntax'],
  ['RETR 0', 'syntax'],
  ['RETR -1', 'syntax'],
  ['RETR +1', 'syntax'],
  ['RETR 01', 'syntax'],
  ['RETR 1 2', 'syntax'],
  ['RETR 99999999999', 'syntax'],
  ['DELE x', 'syntax'],
  ['LIST 1 2', 'syntax'],
  ['TOP 1', 'syntax'],
  ['TOP 1 -1', 'syntax'],
  ['STAT 1', 'syntax'],
  ['USER', 'syntax'],
  ['USER  ', 'syntax'],
  ['USER a\u0001b', 'syntax'],
  ['PASS', 'syntax'],
  ['AUTH PL@IN', 'syntax'],
  ['AUTH PLAIN a b', 'syntax'],
  ['AUTH AAAAAAAAAAAAAAAAAAAAAAAAAAA', 'syntax'],
];

describe('parseCommand', () => {
  it.each(good)('%j', (line, expected) => {
    expect(parseCommand(line)).toEqual({ ok: true, command: expected });
  });

  it.each(bad)('%j is refused (%s)', (line, kind) => {
    const r = parseCommand(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe(kind);
  });

  it('TOP clamps an enormous line count', () => {
    const r = parseCommand('TOP 1 999999999999');
    expect(r).toEqual({ ok: true, command: { verb: 'TOP', msg: 1, lines: 999999999999 } });
  });
});
