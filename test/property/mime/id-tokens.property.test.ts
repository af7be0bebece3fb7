// The msg-id index answers HEADER <id field> <value> exactly (issue 13 item 7; RFC 9051 §6.4.4 substring match):
// for any field value and any needle that idNeedle accepts, the value contains the needle exactly when one of the
// value's idTokens equals it; a needle that is not one whole `<…>` is never taken for the index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, idNeedle, idTokens } from '../../../src/mime/header-search.js';

const text = fc.array(fc.constantFrom('<', '>', 'a', 'B', '@', '.', ' ', 'é', '(', ')'), { maxLength: 24 }).map((cs) => cs.join(''));

describe('idTokens and idNeedle', () => {
  it('agree with substring matching for every needle the index takes', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 3 }), text, fc.nat(), fc.nat(), (raw, free, i, j) => {
        const values = raw.map(fold);
        const joined = values.join('\n');
        // Needles: a substring of a value (often a whole token), and a free string.
        const a = Math.min(i, j) % (joined.length + 1);
        const b = Math.max(i, j) % (joined.length + 1);
        for (const candidate of [joined.slice(Math.min(a, b), Math.max(a, b) + 1), free, `<${free}>`]) {
          const needle = idNeedle('Message-ID', candidate);
          if (!needle) {
            expect(/^<[^<>]*>$/.test(fold(candidate))).toBe(false);
            continue;
          }
          expect(idTokens(values).includes(needle.token)).toBe(values.some((v) => v.includes(needle.token)));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('takes only the msg-id fields, in any case', () => {
    expect(idNeedle('message-ID', '<A@B>')).toEqual({ field: 'message-id', token: '<a@b>' });
    expect(idNeedle('In-Reply-To', '<x>')).toEqual({ field: 'in-reply-to', token: '<x>' });
    expect(idNeedle('REFERENCES', '<x>')).toEqual({ field: 'references', token: '<x>' });
    expect(idNeedle('Subject', '<x>')).toBeNull();
    expect(idNeedle('X-Message-ID', '<x>')).toBeNull();
    expect(idNeedle('Message-ID', ' <x>')).toBeNull();
    expect(idNeedle('Message-ID', '<x> <y>')).toBeNull();
    expect(idNeedle('Message-ID', 'x@y')).toBeNull();
  });
});
