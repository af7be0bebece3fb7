// COMPRESS=DEFLATE input (RFC 4978, R11.2): whatever the client's flush points and however the compressed bytes are
// split into packets, the line reader under the DeflateLayer reads exactly the lines that were sent; and output
// written in any pieces inflates back to the same bytes once the burst is flushed.
import fc from 'fast-check';
import { constants, createDeflateRaw, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeflateLayer } from '../../../src/net/deflate-layer.js';
import { LineReader } from '../../../src/net/line-reader.js';

/** Raw deflate of `pieces`, sync-flushed after each (a client flushing after every command). */
async function deflatePieces(pieces: Buffer[]): Promise<Buffer> {
  const d = createDeflateRaw();
  const out: Buffer[] = [];
  d.on('data', (b: Buffer) => out.push(b));
  for (const p of pieces) {
    d.write(p);
    await new Promise<void>((r) => d.flush(constants.Z_SYNC_FLUSH, () => r()));
  }
  return Buffer.concat(out);
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(buf.subarray(at, p));
    at = p;
  }
  out.push(buf.subarray(at));
  return out.filter((b) => b.length > 0);
}

const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '(', '"', 'é'), maxLength: 300 });

describe('DeflateLayer', () => {
  it('the reader reads the lines sent, for any flush points and packet splits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 10 }), async (lines, cuts) => {
        const wire = await deflatePieces(lines.map((l) => Buffer.from(`${l}\r\n`)));
        const reader = new LineReader({ highWaterMark: 64, onDrain: () => layer.resumeInput() });
        const layer: DeflateLayer = new DeflateLayer({
          deliver: (chunk) => reader.push(chunk),
          emit: () => true,
          ended: () => reader.end(),
          failed: (err) => {
            throw err;
          },
          pauseSocket: () => undefined,
          resumeSocket: () => undefined,
        });
        for (const packet of splitAt(wire, cuts)) layer.input(packet);
        for (const l of lines) expect((await reader.readLineBuffer({ maxLength: 4096 })).toString()).toBe(l);
        layer.destroy();
      }),
      { numRuns: 60 },
    );
  });

  it('output written in any pieces inflates to the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 5000 }), { minLength: 1, maxLength: 8 }), async (pieces) => {
        const out: Buffer[] = [];
        const layer = new DeflateLayer({
          deliver: () => true,
          emit: (chunk) => {
            out.push(chunk);
            return true;
          },
          ended: () => undefined,
          failed: (err) => {
            throw err;
          },
          pauseSocket: () => undefined,
          resumeSocket: () => undefined,
        });
        for (const p of pieces) await layer.write(Buffer.from(p));
        // The burst's sync flush comes without any further write: its empty stored block ends the output.
        const marker = Buffer.from([0, 0, 0xff, 0xff]);
        for (let i = 0; i < 200 && !Buffer.concat(out).subarray(-4).equals(marker); i++) await new Promise((r) => setTimeout(r, 5));
        const all = Buffer.concat(pieces.map((p) => Buffer.from(p)));
        // A sync-flushed stream inflates whole without its end: nothing the client needs is held back.
        expect(inflateRawSync(Buffer.concat(out), { finishFlush: constants.Z_SYNC_FLUSH }).equals(all)).toBe(true);
        await layer.finish();
        expect(inflateRawSync(Buffer.concat(out)).equals(all)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
