// Literal markers at the end of a line (RFC 9051 §4.3, RFC 7888 LITERAL+, RFC 3516 literal8) and tags (§9).
import { describe, expect, it } from 'vitest';
import { peekTag, trailingLiteral } from '../../../../src/imap/protocol/literal.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('trailingLiteral', () => {
  it.each([
    ['a LOGIN {5}', { size: 5, nonSync: false, binary: false }],
    ['a LOGIN {5+}', { size: 5, nonSync: true, binary: false }],
    ['a APPEND x ~{12}', { size: 12, nonSync: false, binary: true }],
    ['a APPEND x ~{12+}', { size: 12, nonSync: true, binary: true }],
    ['a APPEND x {0}', { size: 0, nonSync: false, binary: false }],
    ['a APPEND x {007}', { size: 7, nonSync: false, binary: false }],
    ['{3}', { size: 3, nonSync: false, binary: false }],
    ['a X {9007199254740991}', { size: Number.MAX_SAFE_INTEGER, nonSync: false, binary: false }],
    ['a X {0000000000000000000000042}', { size: 42, nonSync: false, binary: false }],
  ])('%j → %j', (line, expected) => {
    expect(trailingLiteral(b(line))).toEqual(expected);
  });

  it('reports a size beyond Number.MAX_SAFE_INTEGER as Infinity, so that every limit refuses it', () => {
    expect(trailingLiteral(b('a APPEND x {9007199254740992+}'))).toEqual({ size: Infinity, nonSync: true, binary: false });
    expect(trailingLiteral(b('a APPEND x {99999999999999999999999}'))?.size).toBe(Infinity);
  });

  it.each(['a NOOP', 'a LOGIN {}', 'a LOGIN {+}', 'a LOGIN {-1}', 'a LOGIN {1e3}', 'a LOGIN { 5}', 'a LOGIN {5 }', 'a LOGIN {5++}',
    'a LOGIN 5}', 'a LOGIN {5}x', 'a LOGIN {0x10}', 'a LOGIN {５}', '}', '', 'a LOGIN {5}\r'])('%j has no literal marker', (line) => {
    expect(trailingLiteral(Buffer.from(line, 'utf8'))).toBeNull();
  });
});

describe('peekTag', () => {
  it.each([
    ['a001 NOOP', 'a001'],
    ['A', 'A'],
    ['x] LOGIN', 'x]'],
    ['tag.with-punct!#$& NOOP', 'tag.with-punct!#$&'],
  ])('%j → %j', (line, tag) => {
    expect(peekTag(b(line))).toBe(tag);
  });

  it.each(['', ' a NOOP', '+ NOOP', 'a+b NOOP', 'a(b NOOP', 'a*', 'a% NOOP', 'a"b NOOP', 'a\\b', 'a{1}', '\x00a NOOP', 'é NOOP', 'a\tNOOP'])(
    '%j has no valid tag',
    (line) => {
      expect(peekTag(Buffer.from(line, 'utf8'))).toBeNull();
    },
  );
});
