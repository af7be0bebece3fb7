// Property tests for LineReader (R11.3): any chunking of any input gives the same reads; hostile bytes
// only ever produce values or the typed errors; dot-stuffing round-trips through readDotBody.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { runInterleaved, runQueued, splitAt, type ReadOp } from './reader-harness.js';
import { LineReader } from '../../../src/net/line-reader.js';

const hostileByte = fc.oneof(
  fc.constantFrom(0x0d, 0x0a, 0x2e, 0x41, 0x20),
  fc.integer({ min: 0, max: 255 }),
);
const hostileInput = fc.array(hostileByte, { maxLength: 200 }).map((a) => Buffer.from(a));
const op: fc.Arbitrary<ReadOp> = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map((n) => ({ line: n })),
  fc.integer({ min: 0, max: 30 }).map((n) => ({ bytes: n })),
  fc.integer({ min: 0, max: 40 }).map((n) => ({ dot: n })),
);
const script = fc.array(op, { minLength: 1, maxLength: 12 });
const cuts = fc.array(fc.integer({ min: 1, max: 199 }), { maxLength: 20 });

describe('LineReader properties', () => {
  it('random chunkings give identical results, and only typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(hostileInput, script, cuts, async (input, ops, cs) => {
        const whole = await runQueued([input], ops);
        for (const r of whole) expect(r.startsWith('UNEXPECTED')).toBe(false);
        const chunks = splitAt(input, cs);
        expect(await runQueued(chunks, ops)).toEqual(whole);
        expect(await runInterleaved(chunks, ops)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('a dot-stuffed body reads back exactly, with CRLF line ends', async () => {
    const line = fc
      .array(fc.oneof(fc.constantFrom(0x2e, 0x0d, 0x41), fc.integer({ min: 0, max: 255 })), { maxLength: 30 })
      .map((a) => Buffer.from(a.filter((b) => b !== 0x0a && b !== 0x0d)));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 15 }), fc.boolean(), cuts, async (lines, bareLf, cs) => {
        // Lines may end in bare LF (stuffed all the same), but the terminator needs a real CRLF before it (R1.6).
        const eol = (i: number): Buffer => Buffer.from(bareLf && i < lines.length - 1 ? '\n' : '\r\n');
        const wire = Buffer.concat([
          ...lines.flatMap((l, i) => [l[0] === 0x2e ? Buffer.concat([Buffer.from('.'), l]) : l, eol(i)]),
          Buffer.from('.\r\nNEXT\r\n'),
        ]);
        const expected = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])).toString('latin1');
        const out = await runInterleaved(splitAt(wire, cs), [{ dot: 10_000 }, { line: 10 }]);
        expect(out).toEqual([`dot:${expected}`, 'line:NEXT']);
      }),
      { numRuns: 300 },
    );
  });

  it('memory held for a pending line never exceeds maxLength + 1 + one chunk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 40 }), async (sizes) => {
        const r = new LineReader();
        const pending = r.readLine({ maxLength: 64 }).catch((e: unknown) => e);
        for (const s of sizes) {
          r.push(Buffer.alloc(s, 0x78));
          expect(r.bufferedLength).toBe(0);
          expect(r.heldLength).toBeLessThanOrEqual(65);
        }
        r.destroy();
        await pending;
      }),
    );
  });
});
