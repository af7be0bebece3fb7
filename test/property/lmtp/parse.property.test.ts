// R11.3: the LMTP command parser returns a command or a reply-ready error for any input, never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMailbox, parsePath } from '../../../src/lmtp/protocol/address.js';
import { parseCommand } from '../../../src/lmtp/protocol/parse.js';
import { decodeXtext, encodeXtext } from '../../../src/lmtp/protocol/xtext.js';

const verbs = ['LHLO ', 'MAIL FROM:', 'RCPT TO:', 'BDAT ', 'AUTH ', 'XFORWARD ', 'DATA', 'VRFY ', ''];
const hostile = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.tuple(fc.constantFrom(...verbs), fc.string({ unit: 'grapheme-ascii', maxLength: 200 })).map(([v, s]) => v + s),
  fc.tuple(fc.constantFrom('MAIL FROM:<', 'RCPT TO:<'), fc.string({ maxLength: 100 }), fc.constantFrom('>', '> SIZE=1', '', '>>'))
    .map(([a, b, c]) => a + b + c),
);

describe('parseCommand is total', () => {
  it('returns ok or a 5xx error for any line', () => {
    fc.assert(
      fc.property(hostile, (line) => {
        const r = parseCommand(line);
        if (!r.ok) {
          expect([500, 501, 502, 555]).toContain(r.error.code);
          expect(r.error.enhanced).toMatch(/^5\.\d\.\d+$/);
          expect(r.error.text).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a parsed RCPT address re-parses to itself', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const r = parseCommand(`RCPT TO:<${email}>`);
        if (r.ok && r.command.verb === 'RCPT') {
          const again = parseMailbox(`${r.command.to.localPart}@${r.command.to.domain}`);
          expect(again).toEqual(r.command.to);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('xtext round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (s) => {
        expect(decodeXtext(encodeXtext(s))).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('parsePath never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (s, allowNull) => {
      parsePath(s, { allowNull });
    }), { numRuns: 2000 });
  });
});
