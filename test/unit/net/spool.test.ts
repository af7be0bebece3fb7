// Issue 12 item 13: the spool keeps small bodies in memory and moves large ones to a 0600 file through a bounded
// buffer; its CRLF sink equals normalizeLineEndings however the input is split; leftovers go at start.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeLineEndings } from '../../../src/delivery/header-block.js';
import { crlfSink, Spool } from '../../../src/net/spool.js';

const root = mkdtempSync(join(tmpdir(), 'postern-spool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Spool', () => {
  it('keeps a small body in memory and spools a large one to a 0600 file, removed on release', () => {
    const spool = new Spool(join(root, 's1'), 16 * 1024);
    spool.prepare();
    expect(statSync(spool.dir).mode & 0o777).toBe(0o700);
    const small = spool.writer();
    small.write(Buffer.from('hello\r\n'));
    expect(small.finish()).toEqual({ kind: 'memory', bytes: Buffer.from('hello\r\n') });

    const big = spool.writer();
    const piece = Buffer.alloc(4096, 0x61);
    for (let i = 0; i < 100; i++) big.write(piece);
    const body = big.finish();
    if (body.kind !== 'file') throw new Error('expected a file');
    expect(body.size).toBe(409_600);
    expect(statSync(body.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(body.path).equals(Buffer.alloc(409_600, 0x61))).toBe(true);
    body.release();
    expect(existsSync(body.path)).toBe(false);
  });

  it('holds any body split anywhere octet for octet, in memory up to the small size, else in its file (issue 17 item 4)', () => {
    const spool = new Spool(join(root, 's3'), 16 * 1024);
    spool.prepare();
    // Pieces around the small size and the 256 KiB write buffer, reused between writes: each is copied or written.
    const piece = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 16_000, max: 17_000 }), fc.integer({ min: 200_000, max: 300_000 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.integer({ min: 0, max: 255 }), (lengths, seed) => {
        const writer = spool.writer();
        const scratch = Buffer.alloc(Math.max(0, ...lengths));
        const sent: Buffer[] = [];
        lengths.forEach((n, i) => {
          const bytes = Buffer.alloc(n, `${seed}:${i}|`);
          sent.push(bytes);
          bytes.copy(scratch);
          writer.write(scratch.subarray(0, n));
          scratch.fill(0); // the caller reuses its buffer: the spool must not keep a view of it
        });
        const all = Buffer.concat(sent);
        const body = writer.finish();
        if (body.kind === 'memory') {
          expect(all.length).toBeLessThanOrEqual(16 * 1024);
          expect(body.bytes.equals(all)).toBe(true);
        } else {
          expect(all.length).toBeGreaterThan(16 * 1024);
          expect(body.size).toBe(all.length);
          expect(readFileSync(body.path).equals(all)).toBe(true);
          body.release();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('discard removes a partly written file; prepare removes leftovers of an earlier run', () => {
    const spool = new Spool(join(root, 's2'), 16 * 1024);
    spool.prepare();
    const w = spool.writer();
    w.write(Buffer.alloc(300 * 1024, 0x62));
    expect(readdirSync(spool.dir).length).toBe(1);
    w.discard();
    expect(readdirSync(spool.dir)).toEqual([]);
    writeFileSync(join(spool.dir, 'old.msg'), 'x');
    spool.prepare();
    expect(readdirSync(spool.dir)).toEqual([]);
  });

  it('crlfSink equals normalizeLineEndings for any input split anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a.map((b) => [0x0a, 0x0d, 0x41][b % 3]!))), { maxLength: 8 }), (pieces) => {
        const out: Buffer[] = [];
        const sink = crlfSink((b) => out.push(Buffer.from(b)));
        for (const p of pieces) sink(p);
        expect(Buffer.concat(out).equals(normalizeLineEndings(Buffer.concat(pieces)))).toBe(true);
      }),
    );
  });
});
