// Property tests for the DATA dot scanner (SPEC R1.6, R11.3; RFC 5321 §4.1.1.4, §4.5.2): any body, encoded as a
// client must (CRLF line ends, dot-stuffed, <CRLF>.<CRLF>), decodes back in any chunking, and the scanner
// consumes nothing after the first real <CRLF>.<CRLF>; without that sequence it never reports the end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newDotScan, scanDotChunk } from '../../../src/net/dot-body.js';
import { normalizeLineEndings } from '../../../src/delivery/header-block.js';

/** Bytes that matter to the scanner, often; any byte sometimes. */
const byte = fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x2e, 0x41, 0x20, 0x00), fc.integer({ min: 0, max: 255 }));
const bytes = (maxLength: number): fc.Arbitrary<Buffer> => fc.array(byte, { maxLength }).map((a) => Buffer.from(a));
const cuts = fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 30 });

const CRLF = Buffer.from('\r\n');

/** What the stored body is: bare LF made CRLF, and a last line ending added when missing. */
function canonical(body: Buffer): Buffer {
  const n = normalizeLineEndings(body);
  if (n.length === 0 || n.subarray(-2).equals(CRLF)) return n;
  return Buffer.concat([n, CRLF]);
}

/** What a conforming client sends: the canonical body, each line starting with "." doubled, then ".\r\n". */
function encode(body: Buffer): Buffer {
  const text = canonical(body).toString('latin1');
  return Buffer.from(`${text.replace(/(^|\r\n)\./g, '$1..')}.\r\n`, 'latin1');
}

function splitAt(input: Buffer, positions: number[]): Buffer[] {
  const sorted = [...new Set(positions)].filter((c) => c > 0 && c < input.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of sorted) {
    out.push(input.subarray(prev, c));
    prev = c;
  }
  out.push(input.subarray(prev));
  return out;
}

/** Feeds chunks until done; returns the body, the bytes consumed, and whether the end was found. */
function scan(chunks: Buffer[], maxBytes = 1 << 20): { body: Buffer; used: number; done: boolean } {
  const s = newDotScan(maxBytes);
  let used = 0;
  for (const chunk of chunks) {
    const r = scanDotChunk(s, chunk);
    used += r.used;
    if (r.done) return { body: Buffer.concat(s.parts, s.size), used, done: true };
    expect(r.used).toBe(chunk.length);
  }
  return { body: Buffer.concat(s.parts, s.size), used, done: false };
}

describe('dot scanner (R1.6)', () => {
  it('decode(encode(B)) is B with CRLF line ends, in any chunking; nothing after the end is consumed', () => {
    fc.assert(
      fc.property(bytes(300), bytes(60), cuts, (body, after, cs) => {
        const wire = encode(body);
        const r = scan(splitAt(Buffer.concat([wire, after]), cs));
        expect(r.done).toBe(true);
        expect(r.body.toString('latin1')).toBe(canonical(body).toString('latin1'));
        expect(r.used).toBe(wire.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('never reports the end of input that holds no <CRLF>.<CRLF> (the body start counts as after CRLF)', () => {
    fc.assert(
      fc.property(bytes(300), cuts, (input, cs) => {
        fc.pre(!Buffer.concat([CRLF, input]).includes('\r\n.\r\n'));
        expect(scan(splitAt(input, cs)).done).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('ends exactly after the first <CRLF>.<CRLF>, whatever bare-LF look-alikes come before it', () => {
    const lookAlike = fc.constantFrom('\n.\n', '\r\n.\n', '\n.\r\n', '\r.\r\n', '\n.\r', '\r\n.\r', '.\n');
    const part = fc.oneof(lookAlike, fc.constantFrom('MAIL FROM:<ceo@example.org>', 'x', '..', ' '));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 20 }), cuts, (parts, cs) => {
        const head = `x${parts.join('')}`;
        const text = `${head}\r\n.\r\nRSET\r\n`;
        fc.pre(`\r\n${text}`.indexOf('\r\n.\r\n') === head.length + 2); // our terminator is the first real one
        const wire = Buffer.from(text, 'latin1');
        const r = scan(splitAt(wire, cs));
        expect(r.done).toBe(true);
        expect(r.used).toBe(wire.length - 'RSET\r\n'.length);
      }),
      { numRuns: 500 },
    );
  });
});
