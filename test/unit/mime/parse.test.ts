// The MIME parser's byte offsets and limits (RFC 2045, RFC 2046 §5.1.1, SPEC R11.2): each part's header,
// body and end; the line break before a delimiter belongs to it; depth, part and header-size limits.
import { describe, expect, it } from 'vitest';
import { countLines, parseMessage, splitMultipart } from '../../../src/mime/parse.js';

const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');
const slice = (raw: Buffer, a: number, b: number): string => raw.subarray(a, b).toString('utf8');

describe('parseMessage offsets', () => {
  const raw = crlf(
    'Subject: t',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    'preamble',
    '--b',
    'Content-Type: text/plain',
    '',
    'one',
    '--b',
    '',
    'two',
    '--b--',
    'epilogue',
  );
  const m = parseMessage(raw);

  it('places the root header, body and end', () => {
    expect(m.root.headerStart).toBe(0);
    expect(slice(raw, 0, m.root.bodyStart)).toBe('Subject: t\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n');
    expect(m.root.bodyEnd).toBe(raw.length);
    expect(m.root.size).toBe(raw.length - m.root.bodyStart);
  });

  it('gives each body part its MIME header and body, without the CRLF that precedes the next delimiter', () => {
    const [a, b] = m.root.children;
    expect(m.root.children).toHaveLength(2);
    expect(slice(raw, a!.headerStart, a!.bodyStart)).toBe('Content-Type: text/plain\r\n\r\n');
    expect(slice(raw, a!.bodyStart, a!.bodyEnd)).toBe('one');
    expect(slice(raw, b!.headerStart, b!.bodyStart)).toBe('\r\n');
    expect(slice(raw, b!.bodyStart, b!.bodyEnd)).toBe('two');
    expect(b!.type).toBe('text');
  });

  it('parses message/global like message/rfc822 (RFC 6532 §3.5)', () => {
    const g = parseMessage(crlf('Content-Type: message/global', '', 'Subject: über', '', 'hi'));
    expect(g.root.message?.envelope.subject).toBe('über');
    expect(g.root.message?.root.size).toBe(2);
  });

  it('reads the first of repeated Content-* fields and upper-cases the transfer encoding', () => {
    const p = parseMessage(crlf('Content-Type: TEXT/HTML; CHARSET=x', 'Content-Type: image/png', 'Content-Transfer-Encoding: base64', '', ''));
    expect([p.root.type, p.root.subtype, p.root.params, p.root.encoding]).toEqual(['text', 'html', [['charset', 'x']], 'BASE64']);
  });
});

describe('limits', () => {
  const nest = (depth: number): Buffer => {
    let body = 'leaf';
    for (let i = depth; i > 0; i--) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    return Buffer.from(body);
  };

  it('turns parts nested deeper than maxDepth into opaque leaves', () => {
    let part = parseMessage(nest(10), { maxDepth: 4 }).root;
    let depth = 0;
    while (part.children[0]) {
      part = part.children[0];
      depth++;
    }
    expect(depth).toBe(4);
    expect([part.type, part.subtype]).toEqual(['application', 'octet-stream']);
  });

  it('survives nesting far past the default limit without exhausting the stack', () => {
    expect(() => parseMessage(nest(5000))).not.toThrow();
  });

  it('stops adding parts at maxParts', () => {
    const parts = Array.from({ length: 50 }, (_, i) => `--z\r\n\r\npart ${i}`).join('\r\n');
    const m = parseMessage(Buffer.from(`Content-Type: multipart/mixed; boundary=z\r\n\r\n${parts}\r\n--z--`), { maxParts: 10 });
    expect(m.root.children).toHaveLength(9);
  });

  it('reads at most maxHeaderBytes of a header but still finds its end', () => {
    const big = `X-Big: ${'a'.repeat(5000)}\r\nContent-Type: text/html\r\n\r\nbody`;
    const m = parseMessage(Buffer.from(big), { maxHeaderBytes: 1000 });
    expect(m.root.type).toBe('text');
    expect(m.root.subtype).toBe('plain'); // Content-Type lay beyond the limit
    expect(m.root.size).toBe(4);
  });
});

describe('helpers', () => {
  it('counts LF octets as lines', () => {
    expect(countLines(Buffer.from('a\r\nb\nc'), 0, 6)).toBe(2);
    expect(countLines(Buffer.from('a\nb\n'), 2, 4)).toBe(1);
  });

  it('matches delimiters only at line starts and only as whole boundaries', () => {
    const body = Buffer.from('x--b\r\n--bb\r\n--b\r\nin\r\n--b--');
    expect(splitMultipart(body, 0, body.length, 'b').map(([s, e]) => body.subarray(s, e).toString())).toEqual(['in']);
  });
});
