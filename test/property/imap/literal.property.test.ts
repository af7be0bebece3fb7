// trailingLiteral and peekTag agree with reference regular expressions on random lines (RFC 9051 §4.3, §9;
// RFC 7888; RFC 3516), and framing a command with them reproduces its literals.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peekTag, trailingLiteral } from '../../../src/imap/protocol/literal.js';

const MARKER = /(~?)\{(\d+)(\+?)\}$/;
const TAG = /^([^\x00-\x20\x7f-\xff(){%*"\\+]+)(?: |$)/;

function reference(line: string): { size: number; nonSync: boolean; binary: boolean } | null {
  const m = MARKER.exec(line);
  if (!m) return null;
  const n = BigInt(m[2]!);
  return { size: n > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(n), nonSync: m[3] === '+', binary: m[1] === '~' };
}

const pieces = fc.constantFrom('{', '}', '+', '~', ' ', '0', '7', '9', 'a', '-', 'x', '\r', '(', '9007199254740991', '9007199254740992', '0000');
const line = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.array(pieces, { maxLength: 12 }).map((a) => a.join('')),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('', '~'), fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.constantFrom('', '+'))
    .map(([head, tilde, n, plus]) => `${head}${tilde}{${n}${plus}}`),
);

describe('literal markers and tags', () => {
  it('trailingLiteral matches the reference regex', () => {
    fc.assert(
      fc.property(line, (text) => {
        expect(trailingLiteral(Buffer.from(text, 'latin1'))).toEqual(reference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('peekTag matches the reference regex', () => {
    fc.assert(
      fc.property(line, (text) => {
        expect(peekTag(Buffer.from(text, 'latin1'))).toBe(TAG.exec(text)?.[1] ?? null);
      }),
      { numRuns: 5000 },
    );
  });

  it('framing lines by their trailing literal yields each literal exactly (as the session reads them)', () => {
    const lit = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.array(lit, { minLength: 1, maxLength: 4 }), fc.boolean(), (literals, nonSync) => {
        const parts = literals.map((l, i) => Buffer.concat([Buffer.from(`${i === 0 ? 'a APPEND x' : ''} {${l.length}${nonSync ? '+' : ''}}\r\n`), l]));
        const wire = Buffer.concat([...parts, Buffer.from('\r\n')]);
        const seen: Buffer[] = [];
        let pos = 0;
        for (;;) {
          let end = pos;
          while (!(wire[end] === 13 && wire[end + 1] === 10)) end += 1;
          const found = trailingLiteral(wire.subarray(pos, end));
          if (found === null) break;
          expect(found.nonSync).toBe(nonSync);
          seen.push(wire.subarray(end + 2, end + 2 + found.size));
          pos = end + 2 + found.size;
        }
        expect(seen).toEqual(literals);
      }),
      { numRuns: 1000 },
    );
  });
});
