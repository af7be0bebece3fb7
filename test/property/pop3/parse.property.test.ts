// R11.3: the POP3 command parser returns a command or a reply-ready error for any input, never throws;
// well-formed commands round-trip; the dot-stuffer is undone exactly by a client for any message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand, type Pop3Command } from '../../../src/pop3/protocol/parse.js';
import { DotStuffer, stuffAll } from '../../../src/pop3/protocol/multiline.js';
import { formatResponse, R } from '../../../src/pop3/responses.js';

const verbs = ['USER ', 'PASS ', 'AUTH ', 'STAT', 'LIST ', 'RETR ', 'DELE ', 'NOOP', 'RSET', 'TOP ', 'UIDL ', 'QUIT', 'CAPA', 'STLS', 'UTF8', ''];
const hostile = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.tuple(fc.constantFrom(...verbs), fc.string({ unit: 'grapheme-ascii', maxLength: 120 })).map(([v, s]) => v + s),
  fc.tuple(fc.constantFrom('RETR ', 'TOP ', 'LIST ', 'DELE '), fc.array(fc.oneof(fc.nat(), fc.integer(), fc.constant(1e20)).map(String), { maxLength: 3 }))
    .map(([v, ns]) => v + ns.join(' ')),
);

/** The canonical line for a command, as a client would send it. */
function encode(c: Pop3Command): string {
  switch (c.verb) {
    case 'USER':
      return `USER ${c.name}`;
    case 'PASS':
      return `PASS ${c.password}`;
    case 'AUTH':
      return ['AUTH', c.mechanism, c.initialResponse].filter((x) => x !== null).join(' ');
    case 'LIST':
    case 'UIDL':
      return c.msg === null ? c.verb : `${c.verb} ${c.msg}`;
    case 'RETR':
    case 'DELE':
      return `${c.verb} ${c.msg}`;
    case 'TOP':
      return `TOP ${c.msg} ${c.lines}`;
    default:
      return c.verb;
  }
}

describe('POP3 parseCommand is total', () => {
  it('returns a command or an error with a clean text for any line', () => {
    fc.assert(
      fc.property(hostile, (line) => {
        const r = parseCommand(line);
        if (!r.ok) {
          expect(['unknown', 'syntax']).toContain(r.error.kind);
          expect(formatResponse(R.syntax(r.error.text))).toMatch(/^-ERR [^\r\n]*\r\n$/);
        } else if ('msg' in r.command && r.command.msg !== null) {
          expect(Number.isSafeInteger(r.command.msg) && r.command.msg >= 1).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('parse(encode(command)) is the command', () => {
    fc.assert(
      fc.property(hostile, (line) => {
        const r = parseCommand(line);
        if (r.ok) expect(parseCommand(encode(r.command))).toEqual(r);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('byte-stuffing round-trips (RFC 1939 §3)', () => {
  const crlfMessage = fc
    .array(fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')), fc.constantFrom('.', '..', '.x', '')), { maxLength: 30 })
    .map((lines) => Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));

  it('a client that undoes the stuffing gets the exact octets back, however the message is chunked', () => {
    fc.assert(
      fc.property(crlfMessage, fc.array(fc.nat(), { maxLength: 5 }), (msg, cuts) => {
        const st = new DotStuffer();
        const points = [...new Set(cuts.map((c) => c % (msg.length + 1)))].sort((a, b) => a - b);
        const parts: Buffer[] = [];
        let from = 0;
        for (const p of [...points, msg.length]) {
          parts.push(st.push(msg.subarray(from, p)));
          from = p;
        }
        parts.push(st.end());
        const wire = Buffer.concat(parts);
        expect(wire.equals(stuffAll(msg))).toBe(true);
        const text = wire.toString('latin1');
        expect(text.endsWith('.\r\n')).toBe(true);
        const lines = text.slice(0, -3).split('\r\n').slice(0, -1);
        const back = lines.map((l) => `${l.startsWith('.') ? l.slice(1) : l}\r\n`).join('');
        expect(Buffer.from(back, 'latin1').equals(msg)).toBe(true);
        for (const l of lines) expect(l).not.toBe('.');
      }),
      { numRuns: 2000 },
    );
  });
});
