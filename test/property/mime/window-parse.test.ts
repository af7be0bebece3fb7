// Issue 17 item 4 as a class: the MIME parser read a window at a time (WindowScan, as ingest reads a large
// spooled message) gives exactly the model it gives over the message held whole, for every window size, on the
// golden fixtures and on generated multipart messages whose delimiters, line ends and headers fall across seams.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WindowScan } from '../../../src/mime/byte-scan.js';
import { parseMessage, parseMessageScan } from '../../../src/mime/parse.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/mime');

/** A scan whose reader also records the largest read, to show nothing close to the message is read at once. */
function scanOf(buf: Buffer, window: number): { scan: WindowScan; largest: () => number } {
  let largest = 0;
  const scan = new WindowScan(
    buf.length,
    (start, end) => {
      largest = Math.max(largest, end - start);
      return Buffer.from(buf.subarray(start, end));
    },
    window,
  );
  return { scan, largest: () => largest };
}

const line = fc.constantFrom('text', '', ' folded', '--', '--b', '--b--', '--b  ', '--bx', '.', 'Content-Type: text/plain', 'a: b');
const eol = fc.constantFrom('\r\n', '\n', '\r');
const body = fc.array(fc.tuple(line, eol), { maxLength: 12 }).map((ls) => ls.map(([l, e]) => l + e).join(''));
const header = fc.constantFrom(
  'Content-Type: multipart/mixed; boundary=b\r\n',
  'Content-Type: multipart/alternative;\r\n boundary="b"\r\n',
  'Content-Type: message/rfc822\r\n',
  'Content-Type: text/plain; charset=utf-8\r\n',
  'Subject: x\r\n',
  'X: y\n',
  '',
);
const entity = fc.tuple(fc.array(header, { maxLength: 3 }), fc.constantFrom('\r\n', '\n', ''), body).map(([h, blank, b]) => h.join('') + blank + b);
const message = fc.array(entity, { minLength: 1, maxLength: 5 }).map((es) => Buffer.from(es.join('--b\r\n'), 'latin1'));

describe('the MIME parser a window at a time', () => {
  it('gives the golden fixtures the same model as the whole message, for small and odd window sizes', () => {
    const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.eml'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const buf = readFileSync(join(FIXTURES, name));
      const whole = parseMessage(buf);
      for (const window of [1, 2, 3, 7, 64, 4096]) {
        expect(parseMessageScan(scanOf(buf, window).scan), `${name}, window ${window}`).toEqual(whole);
      }
    }
  });

  it('gives any generated message the same model as the whole message', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: 40 }), (buf, window) => {
        expect(parseMessageScan(scanOf(buf, window).scan)).toEqual(parseMessage(buf));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a 4 MiB multipart message in windows, never the message at once', () => {
    const part = `--b\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(76)}\r\n`.repeat(1);
    const big = 'y'.repeat(76).concat('\r\n').repeat(28_000);
    const buf = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${part}--b\r\n\r\n${big}--b--\r\n`);
    expect(buf.length).toBeGreaterThan(2 * 1024 * 1024);
    const { scan, largest } = scanOf(buf, 64 * 1024);
    expect(parseMessageScan(scan)).toEqual(parseMessage(buf));
    expect(largest()).toBeLessThanOrEqual(256 * 1024);
  });
});
