// The compared form of SEARCH text (src/mime/fold.ts; RFC 9051 §6.4.4; issue 14 item 3): idempotent, the same
// for canonically equivalent strings (NFC and NFD), the same for upper and lower case of letters whose case
// maps round-trip, ß/ẞ folded to ss; textForm makes every run of white space one space.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, textForm } from '../../../src/mime/fold.js';

/** Letters and marks whose upper and lower cases map to each other, decomposable ones, Hangul, CJK, spaces. */
const UNITS = [...'aAzZéÉèÈçÇñÑöÖåÅøØæÆœŒßẞσΣαΑωΩжЖ가힣漢字あア', '\u0301', '\u0308', '\u0327', ' ', '\t', '\n', '\u00a0', '.', '-'];
const text = fc.array(fc.constantFrom(...UNITS), { maxLength: 24 }).map((a) => a.join(''));

describe('fold', () => {
  it('is idempotent and blind to the normal form', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(fold(fold(s))).toBe(fold(s));
        expect(fold(s.normalize('NFD'))).toBe(fold(s.normalize('NFC')));
        expect(fold(s)).toBe(fold(s).normalize('NFC'));
      }),
      { numRuns: 500 },
    );
  });

  it('is blind to case', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(fold(s.toUpperCase())).toBe(fold(s));
        expect(fold(s.toLowerCase())).toBe(fold(s));
      }),
      { numRuns: 500 },
    );
  });

  it('folds the letters lower-casing leaves apart', () => {
    expect(fold('STRASSE')).toBe(fold('Straße'));
    expect(fold('GROẞ')).toBe('gross');
    expect(fold('ΟΔΟΣ')).toBe(fold('οδοσ'));
    expect(fold('cafe\u0301')).toBe('café');
  });
});

describe('textForm', () => {
  it('is fold with each run of white space one space, and idempotent', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(textForm(s)).toBe(fold(s).replace(/\s+/g, ' '));
        expect(textForm(textForm(s))).toBe(textForm(s));
        expect(textForm(s)).not.toMatch(/\s\s|[\t\n\u00a0]/);
      }),
      { numRuns: 300 },
    );
  });
});
