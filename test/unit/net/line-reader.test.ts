// LineReader: tables of inputs and expected reads, each input split at every byte position and fed
// one byte at a time (ARCHITECTURE "Tests"), plus backpressure, retirement and bounded buffering (R11.2).
import { describe, it, expect } from 'vitest';
import { LineReader } from '../../../src/net/line-reader.js';
import { ConnectionClosedError, LineTooLongError } from '../../../src/net/errors.js';
import { runInterleaved, runQueued, splitAt, type Outcome, type ReadOp } from './reader-harness.js';

interface Case {
  name: string;
  input: string;
  ops: ReadOp[];
  expect: Outcome[];
}

const L = (n = 10): ReadOp => ({ line: n });
const CLOSED = 'ConnectionClosedError';

const cases: Case[] = [
  { name: 'CRLF lines', input: 'a1 NOOP\r\nb2 X\r\n', ops: [L(), L(), L()], expect: ['line:a1 NOOP', 'line:b2 X', CLOSED] },
  { name: 'bare LF ends a line', input: 'one\ntwo\r\n', ops: [L(), L()], expect: ['line:one', 'line:two'] },
  { name: 'bare CR kept inside a line', input: 'a\rb\r\n', ops: [L()], expect: ['line:a\rb'] },
  { name: 'empty lines', input: '\r\n\n', ops: [L(), L(), L()], expect: ['line:', 'line:', CLOSED] },
  { name: 'partial last line is not a line', input: 'abc', ops: [L()], expect: [CLOSED] },
  { name: 'exactly maxLength', input: '0123456789\r\nx\r\n', ops: [L(), L()], expect: ['line:0123456789', 'line:x'] },
  {
    name: 'too long, then in sync again',
    input: '0123456789A\r\nnext\r\n',
    ops: [L(), L()],
    expect: ['LineTooLongError(11)', 'line:next'],
  },
  {
    name: 'very long line discarded',
    input: 'x'.repeat(300) + '\nok\n',
    ops: [L(), L()],
    expect: ['LineTooLongError(300)', 'line:ok'],
  },
  { name: 'maxLength 0', input: '\r\na\r\n\r\n', ops: [L(0), L(0), L(0)], expect: ['line:', 'LineTooLongError(1)', 'line:'] },
  {
    name: 'literal between lines',
    input: 'a APPEND x {5}\r\nHe\r\nl)\r\n',
    ops: [L(20), { bytes: 5 }, L()],
    expect: ['line:a APPEND x {5}', 'bytes:He\r\nl', 'line:)'],
  },
  { name: 'zero-byte literal', input: 'x\r\n', ops: [{ bytes: 0 }, L()], expect: ['bytes:', 'line:x'] },
  { name: 'literal cut short', input: 'abc', ops: [{ bytes: 5 }], expect: [CLOSED] },
  {
    name: 'dot body with stuffing',
    input: 'Subject: x\r\n\r\n..hidden\r\n.\r\nQUIT\r\n',
    ops: [{ dot: 100 }, L()],
    expect: ['dot:Subject: x\r\n\r\n.hidden\r\n', 'line:QUIT'],
  },
  { name: 'empty dot body', input: '.\r\nNOOP\r\n', ops: [{ dot: 100 }, L()], expect: ['dot:', 'line:NOOP'] },
  { name: 'bare LF body made CRLF', input: 'a\nb\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:a\r\nb\r\n'] },
  // R1.6, RFC 5321 §4.1.1.4: only <CRLF>.<CRLF> ends the body; a bare LF never starts or ends the dot line.
  { name: 'CRLF dot LF is content', input: 'a\r\n.\nb\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:a\r\n\r\nb\r\n'] },
  { name: 'LF dot LF is content', input: 'a\n.\nb\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:a\r\n\r\nb\r\n'] },
  { name: 'LF dot CRLF is content', input: 'a\n.\r\nb\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:a\r\n\r\nb\r\n'] },
  { name: 'CR dot CRLF is content', input: 'a\r.\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:a\r.\r\n'] },
  { name: 'a line after a bare LF is unstuffed', input: 'a\n..b\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:a\r\n.b\r\n'] },
  { name: 'bare LF terminators never end the body', input: 'a\n.\n', ops: [{ dot: 100 }], expect: [CLOSED] },
  {
    name: 'bare CR kept, dot-CR-other unstuffed',
    input: 'a\rb\r\n.\rx\r\n.\r\r\n.\r\n',
    ops: [{ dot: 100 }],
    expect: ['dot:a\rb\r\n\rx\r\n\r\r\n'],
  },
  { name: 'dot line with text', input: '.x\r\n. \r\n..\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:x\r\n \r\n.\r\n'] },
  { name: 'dot not at line start', input: 'a.\r\n.\r\n', ops: [{ dot: 100 }], expect: ['dot:a.\r\n'] },
  {
    name: 'body too large stays in sync',
    input: '0123456789\r\nabc\r\n.\r\nRSET\r\n',
    ops: [{ dot: 8 }, L()],
    expect: ['BodyTooLargeError(17)', 'line:RSET'],
  },
  { name: 'body exactly maxBytes', input: 'abcd\r\n.\r\n', ops: [{ dot: 6 }], expect: ['dot:abcd\r\n'] },
  { name: 'unterminated body', input: 'abc\r\n', ops: [{ dot: 100 }], expect: [CLOSED] },
  { name: 'binary bytes', input: '\u0000\u00ff\u0080\r\n', ops: [L()], expect: ['line:\u0000\u00ff\u0080'] },
];

describe('LineReader tables', () => {
  for (const c of cases) {
    it(`${c.name}: queued, every split point, and one byte at a time`, async () => {
      const input = Buffer.from(c.input, 'latin1');
      expect(await runQueued([input], c.ops)).toEqual(c.expect);
      expect(await runInterleaved([input], c.ops)).toEqual(c.expect);
      for (let cut = 1; cut < input.length; cut++) {
        const chunks = splitAt(input, [cut]);
        expect(await runQueued(chunks, c.ops)).toEqual(c.expect);
        expect(await runInterleaved(chunks, c.ops)).toEqual(c.expect);
      }
      const bytes = splitAt(input, Array.from({ length: input.length }, (_, i) => i));
      expect(await runQueued(bytes, c.ops)).toEqual(c.expect);
      expect(await runInterleaved(bytes, c.ops)).toEqual(c.expect);
    });
  }
});

describe('LineReader behaviour', () => {
  it('readLine decodes UTF-8', async () => {
    const r = new LineReader();
    r.push(Buffer.from('héllo ✓\r\n', 'utf8'));
    await expect(r.readLine({ maxLength: 100 })).resolves.toBe('héllo ✓');
  });

  it('reports buffered bytes and discards them on request', async () => {
    const r = new LineReader();
    r.push(Buffer.from('STARTTLS\r\nINJECTED\r\n'));
    expect(r.bufferedLength).toBe(20);
    await expect(r.readLine({ maxLength: 100 })).resolves.toBe('STARTTLS');
    expect(r.bufferedLength).toBe(10);
    expect(r.discardBuffered()).toBe(10);
    expect(r.bufferedLength).toBe(0);
  });

  it('takeBuffered hands over the unread bytes in order and keeps reading what is pushed after (COMPRESS)', async () => {
    const r = new LineReader();
    r.push(Buffer.from('a1 COMPRESS DEFLATE\r\n\x01\x02'));
    r.push(Buffer.from('\x03'));
    expect(await r.readLine({ maxLength: 100 })).toBe('a1 COMPRESS DEFLATE');
    expect(Buffer.concat(r.takeBuffered())).toEqual(Buffer.from([1, 2, 3]));
    expect(r.bufferedLength).toBe(0);
    r.push(Buffer.from('b2 NOOP\r\n'));
    expect(await r.readLine({ maxLength: 100 })).toBe('b2 NOOP');
  });

  it('destroy rejects the pending and every later read', async () => {
    const r = new LineReader();
    const pending = r.readLine({ maxLength: 10 });
    r.destroy('replaced');
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    r.push(Buffer.from('late\r\n'));
    await expect(r.readLine({ maxLength: 10 })).rejects.toThrow('replaced');
    expect(r.destroyed).toBe(true);
    expect(r.bufferedLength).toBe(0);
  });

  it('refuses a second concurrent read', async () => {
    const r = new LineReader();
    const first = r.readLine({ maxLength: 10 });
    await expect(r.readBytes(2)).rejects.toThrow('already pending');
    r.push(Buffer.from('ok\n'));
    await expect(first).resolves.toBe('ok');
  });

  it('rejects invalid limits', async () => {
    const r = new LineReader();
    expect(() => r.readBytes(-1)).toThrow(RangeError);
    expect(() => r.readLineBuffer({ maxLength: 1.5 })).toThrow(RangeError);
  });

  it('holds at most maxLength+1 bytes of a line streamed without newlines', async () => {
    const r = new LineReader({ highWaterMark: 1024 });
    const pending = r.readLine({ maxLength: 100 });
    const chunk = Buffer.alloc(4096, 0x41);
    for (let i = 0; i < 1000; i++) expect(r.push(chunk)).toBe(true);
    expect(r.bufferedLength).toBe(0);
    r.push(Buffer.from('\r\n'));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LineTooLongError);
    expect((err as LineTooLongError).discarded).toBe(4096 * 1000);
  });

  it('signals backpressure when nothing reads, and drains when a read consumes', async () => {
    let drains = 0;
    const r = new LineReader({ highWaterMark: 8, onDrain: () => drains++ });
    expect(r.push(Buffer.from('abc\r\n'))).toBe(true);
    expect(r.push(Buffer.from('defgh\r\n'))).toBe(false);
    await expect(r.readLine({ maxLength: 10 })).resolves.toBe('abc');
    await Promise.resolve();
    expect(drains).toBe(1);
    await expect(r.readLine({ maxLength: 10 })).resolves.toBe('defgh');
  });

  it('buffered bytes remain readable after end()', async () => {
    const r = new LineReader();
    r.push(Buffer.from('QUIT\r\n'));
    r.end();
    await expect(r.readLine({ maxLength: 10 })).resolves.toBe('QUIT');
    await expect(r.readLine({ maxLength: 10 })).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('a large literal arriving in many chunks is assembled once', async () => {
    const r = new LineReader({ highWaterMark: 1 << 20 });
    const pending = r.readBytes(1_000_000);
    for (let i = 0; i < 1000; i++) r.push(Buffer.alloc(1000, i % 256));
    const got = await pending;
    expect(got.length).toBe(1_000_000);
    expect(got[999_999]).toBe(999 % 256);
  });
});
