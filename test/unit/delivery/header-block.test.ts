// Unit tests for the header/body splitter (RFC 5322 §2.2, §3.6.8; R1.6): offsets, folding, bare LF,
// missing blank line, 8-bit bytes, limits, byte-exact rebuild.
import { describe, it, expect } from 'vitest';
import { fieldValue, normalizeLineEndings, parseHeaderBlock, rebuildMessage, splitLoneCrInHeader } from '../../../src/delivery/header-block.js';

const rebuild = (raw: Buffer): Buffer => {
  const b = parseHeaderBlock(raw);
  return rebuildMessage(b.fields, b.separator, b.body);
};

describe('parseHeaderBlock', () => {
  it('splits fields, folded lines and body with offsets', () => {
    const raw = Buffer.from('From: a@example.org\r\nSubject: hello\r\n world\r\n\r\nbody\r\n.\r\n');
    const b = parseHeaderBlock(raw);
    expect(b.fields.map((f) => f.name)).toEqual(['From', 'Subject']);
    const subject = b.fields[1]!;
    expect(subject.raw.toString()).toBe('Subject: hello\r\n world\r\n');
    expect(subject.start).toBe(21);
    expect(subject.end).toBe(21 + 24);
    expect(fieldValue(subject)).toBe(' hello world');
    expect(b.separator.toString()).toBe('\r\n');
    expect(b.body.toString()).toBe('body\r\n.\r\n');
    expect(b.bodyStart).toBe(raw.length - 9);
    expect(b.overflow).toBeNull();
    expect(rebuild(raw).equals(raw)).toBe(true);
  });

  it('tolerates bare LF and mixed endings', () => {
    const raw = Buffer.from('A: 1\nB: 2\r\n\tmore\n\nbody\n');
    const b = parseHeaderBlock(raw);
    expect(b.fields.map((f) => f.name)).toEqual(['A', 'B']);
    expect(fieldValue(b.fields[1]!)).toBe(' 2\tmore');
    expect(b.separator.toString()).toBe('\n');
    expect(rebuild(raw).equals(raw)).toBe(true);
  });

  it('treats a message without blank line as all header', () => {
    const raw = Buffer.from('A: 1\r\nB: 2');
    const b = parseHeaderBlock(raw);
    expect(b.fields).toHaveLength(2);
    expect(b.separator.length).toBe(0);
    expect(b.body.length).toBe(0);
    expect(rebuild(raw).equals(raw)).toBe(true);
  });

  it('keeps 8-bit bytes and malformed lines as they are', () => {
    const raw = Buffer.concat([
      Buffer.from(' leading continuation\r\nSubject: '),
      Buffer.from([0xe9, 0xff, 0x00]),
      Buffer.from('\r\nno colon here\r\nBad\u00e9Name: x\r\nObs-Name  : y\r\n\r\n'),
      Buffer.from([0x80, 0x81, 0x0d, 0x0a]),
    ]);
    const b = parseHeaderBlock(raw);
    expect(b.fields.map((f) => f.name)).toEqual([null, 'Subject', null, null, 'Obs-Name']);
    expect(b.fields[4]!.lowerName).toBe('obs-name');
    expect(fieldValue(b.fields[4]!)).toBe(' y');
    expect(b.body.equals(Buffer.from([0x80, 0x81, 0x0d, 0x0a]))).toBe(true);
    expect(rebuild(raw).equals(raw)).toBe(true);
  });

  it('stops at the header byte limit with a flag, still rebuilding exactly', () => {
    const raw = Buffer.from(`A: 1\r\nB: ${'x'.repeat(100)}\r\n\r\nbody`);
    const b = parseHeaderBlock(raw, { maxHeaderBytes: 50, maxFields: 100 });
    expect(b.overflow).toBe('header-bytes');
    expect(b.fields.map((f) => f.name)).toEqual(['A']);
    expect(rebuildMessage(b.fields, b.separator, b.body).equals(raw)).toBe(true);
  });

  it('stops at the field count limit', () => {
    const raw = Buffer.from('A: 1\r\nB: 2\r\nC: 3\r\n\r\n');
    const b = parseHeaderBlock(raw, { maxHeaderBytes: 1000, maxFields: 2 });
    expect(b.overflow).toBe('field-count');
    expect(b.fields).toHaveLength(2);
  });

  it('handles an empty message and a message starting with the blank line', () => {
    expect(parseHeaderBlock(Buffer.alloc(0)).fields).toEqual([]);
    const b = parseHeaderBlock(Buffer.from('\r\nbody'));
    expect(b.fields).toEqual([]);
    expect(b.body.toString()).toBe('body');
  });
});

describe('normalizeLineEndings', () => {
  it('turns bare LF into CRLF and leaves CRLF and lone CR alone', () => {
    expect(normalizeLineEndings(Buffer.from('a\nb\r\nc\rd\n\n')).toString()).toBe('a\r\nb\r\nc\rd\r\n\r\n');
    expect(normalizeLineEndings(Buffer.from('\nx')).toString()).toBe('\r\nx');
  });

  it('returns the same buffer when already CRLF', () => {
    const raw = Buffer.from('a\r\nb\r\n');
    expect(normalizeLineEndings(raw)).toBe(raw);
  });
});

describe('splitLoneCrInHeader', () => {
  it('turns a lone CR in the header into CRLF and leaves the body alone', () => {
    const raw = Buffer.from('X: a\rAuthentication-Results: x; none\r\n\r\nbody\rmore\r\n');
    expect(splitLoneCrInHeader(raw).toString()).toBe('X: a\r\nAuthentication-Results: x; none\r\n\r\nbody\rmore\r\n');
  });

  it('returns the same buffer when there is no lone CR in the header', () => {
    const raw = Buffer.from('X: a\r\n\r\nbody\r');
    expect(splitLoneCrInHeader(raw)).toBe(raw);
  });
});

describe('parseHeaderBlock limits at the edge', () => {
  it('accepts a header of exactly the limit followed by the blank line', () => {
    const raw = Buffer.from('A: 123\r\n\r\nbody');
    const b = parseHeaderBlock(raw, { maxHeaderBytes: 8, maxFields: 10 });
    expect(b.overflow).toBeNull();
    expect(b.body.toString()).toBe('body');
  });

  it('hands a field folded across the limit back whole', () => {
    const raw = Buffer.from('A: 1\r\nB: 2\r\n 3333333333\r\n\r\n');
    const b = parseHeaderBlock(raw, { maxHeaderBytes: 16, maxFields: 10 });
    expect(b.overflow).toBe('header-bytes');
    expect(b.fields.map((f) => f.name)).toEqual(['A']);
    expect(b.body.toString().startsWith('B: 2')).toBe(true);
  });
});
