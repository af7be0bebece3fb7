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
