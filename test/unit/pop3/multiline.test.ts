// RFC 1939 §3 byte-stuffing and termination, §7 TOP: fed whole and split at every point, one byte at a time.
import { describe, expect, it } from 'vitest';
import { DotStuffer, stuffAll, TopCutter } from '../../../src/pop3/protocol/multiline.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Reference: offset just past the blank line that ends the header (CRLF or bare LF), or null. */
function headerEnd(message: Buffer): number | null {
  const text = message.toString('latin1');
  const m = /^(?:\r?\n)|\n\r?\n/.exec(text);
  return m === null ? null : m.index + m[0].length;
}

/** Reference TOP on a whole message: the header, the blank line, n body lines; no blank line: all header. */
function topOf(message: Buffer, lines: number): Buffer {
  const end = headerEnd(message);
  if (end === null) return message;
  let pos = end;
  for (let i = 0; i < lines && pos < message.length; i++) {
    const lf = message.indexOf(0x0a, pos);
    pos = lf === -1 ? message.length : lf + 1;
  }
  return message.subarray(0, pos);
}

/** TOP through the streaming cutter in one piece. */
const cut = (message: Buffer, lines: number): Buffer => new TopCutter(lines).push(message);

/** Undoes stuffing as a client does (RFC 1939 §3), returning the body and checking the terminator. */
function unstuff(wire: string): string {
  expect(wire.endsWith('\r\n.\r\n') || wire === '.\r\n').toBe(true);
  const body = wire === '.\r\n' ? '' : wire.slice(0, -3);
  return body.split('\r\n').map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n');
}

const samples = ['', 'a\r\n', '.\r\n', '..\r\n', '.a\r\n.b\r\nc\r\n', 'x\r\n.\r\n.\r\n', 'no end', 'a\r\n.no end', 'a\n.bare lf\n'];

describe('DotStuffer', () => {
  it.each(samples)('stuffs %j so that unstuffing gives it back', (s) => {
    const wire = stuffAll(b(s)).toString('latin1');
    const expected = s === '' || s.endsWith('\n') ? s : `${s}\r\n`;
    if (!s.includes('\n') || s.includes('\r\n')) expect(unstuff(wire)).toBe(expected);
    expect(wire.split('\r\n').slice(0, -2).every((l) => !/^\.[^.]/.test(l) && l !== '.')).toBe(true);
  });

  it('gives the same bytes for every split of the input, including one byte at a time', () => {
    for (const s of samples) {
      const whole = stuffAll(b(s));
      for (let cut = 0; cut <= s.length; cut++) {
        const st = new DotStuffer();
        const parts = [st.push(b(s.slice(0, cut))), st.push(b(s.slice(cut))), st.end()];
        expect(Buffer.concat(parts).equals(whole)).toBe(true);
      }
      const st = new DotStuffer();
      const bytes = [...b(s)].map((x) => st.push(Buffer.from([x])));
      expect(Buffer.concat([...bytes, st.end()]).equals(whole)).toBe(true);
    }
  });

  it('adds exactly one dot per line that begins with a dot', () => {
    expect(stuffAll(b('.\r\n..x\r\ny.\r\n')).toString('latin1')).toBe('..\r\n...x\r\ny.\r\n.\r\n');
  });
});

describe('TOP (RFC 1939 §7)', () => {
  const msg = b('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n');
  it('header, blank line and n body lines', () => {
    expect(cut(msg, 0).toString('latin1')).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(cut(msg, 2).toString('latin1')).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
    expect(cut(msg, 99).equals(msg)).toBe(true);
  });
  it('a message without a body is all header; an empty header ends at once', () => {
    expect(cut(b('A: 1\r\n'), 5).toString('latin1')).toBe('A: 1\r\n');
    expect(headerEnd(b('\r\nbody\r\n'))).toBe(2);
    expect(cut(b('\r\nbody\r\n\r\nmore\r\n'), 0).toString('latin1')).toBe('\r\n');
    expect(headerEnd(b('A: 1\n\nbody'))).toBe(6);
  });
});

describe('TopCutter (RFC 1939 §7, streaming)', () => {
  const messages = [
    'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n',
    '\r\nbody\r\n\r\nmore\r\n',
    'A: 1\r\n',
    'A: 1\n\nb1\nb2\n',
    'A: 1\r\n\r\n',
    'A: 1\r\n\r\nno final line end',
    '',
  ];
  it('cuts where topOf cuts, for every line count and every split, one byte at a time too', () => {
    for (const m of messages) {
      for (const n of [0, 1, 2, 5]) {
        const expected = topOf(b(m), n);
        for (let cut = 0; cut <= m.length; cut++) {
          const tc = new TopCutter(n);
          const out = Buffer.concat([tc.push(b(m.slice(0, cut))), tc.push(b(m.slice(cut)))]);
          expect(out.toString('latin1'), `${JSON.stringify(m)} n=${n} cut=${cut}`).toBe(expected.toString('latin1'));
        }
        const tc = new TopCutter(n);
        const out = Buffer.concat([...b(m)].map((x) => tc.push(Buffer.from([x]))));
        expect(out.toString('latin1')).toBe(expected.toString('latin1'));
        if (expected.length < m.length) expect(tc.done).toBe(true);
      }
    }
  });
});
