// The response encoders' fast paths (RFC 9051 §4.3 strings, §9 parenthesised lists): string() of ASCII text
// and list() give the same octets as the general byte-wise construction they replace, for any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { list, literal, string } from '../../../../src/imap/protocol/encode.js';

const QUOTABLE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

/** The general construction: via the UTF-8 octets, with the UTF8=ACCEPT rule (RFC 6855). */
function referenceString(value: string | Buffer, utf8: boolean): Buffer {
  const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const text = buf.toString('latin1');
  const utf8Quotable = utf8 && !buf.includes(0) && !buf.includes(10) && !buf.includes(13) && Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
  if (buf.length <= 1024 && (QUOTABLE.test(text) || utf8Quotable)) return Buffer.from(`"${text.replace(/[\\"]/g, '\\$&')}"`, 'latin1');
  return literal(buf);
}

function referenceList(items: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from('(')];
  items.forEach((item, i) => {
    if (i > 0) parts.push(Buffer.from(' '));
    parts.push(item);
  });
  parts.push(Buffer.from(')'));
  return Buffer.concat(parts);
}

describe('encode fast paths', () => {
  it('string() equals the byte-wise construction for text and buffers of any content and length', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('', 'a"b\\c', 'x'.repeat(1024), 'x'.repeat(1025), 'line\r\nbreak', 'nul\0'),
    );
    fc.assert(
      fc.property(fc.oneof(text, text.map((s) => Buffer.from(s, 'utf8'))), fc.boolean(), (value, utf8) => {
        expect(string(value, utf8)).toEqual(referenceString(value, utf8));
      }),
      { numRuns: 500 },
    );
  });

  it('list() equals the concatenation with single spaces, empty lists and empty items included', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)), { maxLength: 8 }), (items) => {
        expect(list(items)).toEqual(referenceList(items));
      }),
    );
    expect(list([]).toString()).toBe('()');
  });
});
