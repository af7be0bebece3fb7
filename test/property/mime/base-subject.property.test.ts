// RFC 5256 §2.1 base subject extraction over random subjects built from its productions: it is idempotent (a
// base subject is its own base), never longer than its input, has no leading or trailing space, adding a
// leader (Re:, Fwd:, [blob] Re:), a "(fwd)" trailer or a "[fwd: …]" wrapper keeps the base and marks the
// message a reply or forward, and any string is accepted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseSubject } from '../../../src/mime/base-subject.js';

const word = fc.constantFrom('Re', 're:', 'fwd', 'Fw:', '[list]', '[', ']', '(fwd)', 'hello', 'x', ' ', '\t', ':', 'é', '[fwd:', 'RE[2]:');
const subject = fc.array(word, { maxLength: 12 }).map((ws) => ws.join(''));
const plainBase = fc.stringMatching(/^[A-Za-z0-9]+( [A-Za-z0-9]+){0,3}$/).filter((s) => !/^(re|fwd?)\b/i.test(s));
const leader = fc.constantFrom('Re: ', 'RE:', 'Fwd: ', 'fw:', 'Re[3]: ', '[list] Re: ', '[a][b] fwd:');

describe('baseSubject properties', () => {
  it('accepts any string; the key is no longer than the input and has no edge spaces', () => {
    fc.assert(
      fc.property(fc.oneof(subject, fc.string(), fc.string({ unit: 'binary' })), (s) => {
        const b = baseSubject(s);
        expect(b.key.length).toBeLessThanOrEqual(s.length);
        expect(b.key).not.toMatch(/^ | $/);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent on its own (upper-cased) output', () => {
    fc.assert(
      fc.property(subject, (s) => {
        const once = baseSubject(s).key;
        expect(baseSubject(once).key).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('leaders, trailers and [fwd: …] wrappers keep the base and mark a reply or forward', () => {
    fc.assert(
      fc.property(plainBase, leader, fc.integer({ min: 0, max: 3 }), (b, lead, how) => {
        const wrapped = how === 0 ? `${lead}${b}` : how === 1 ? `${b} (fwd)` : how === 2 ? `[fwd: ${lead}${b}]` : `${lead}[fwd: ${b}] (Fwd)`;
        expect(baseSubject(b)).toEqual({ key: b.toUpperCase(), isReplyOrForward: false });
        expect(baseSubject(wrapped)).toEqual({ key: b.toUpperCase(), isReplyOrForward: true });
      }),
      { numRuns: 500 },
    );
  });
});
