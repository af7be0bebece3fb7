// Issue 13 item 10 as a class (RFC 5322 §3.2.2 CFWS, §3.4.1 addr-spec): comments and folding whitespace
// wherever an address allows them never change the mailbox and host that ENVELOPE gives, a bare addr-spec's
// last comment is its personal name, and SEARCH for the plain address always matches; any input parses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddressList } from '../../../src/mime/address.js';
import { fieldSearchValues, normalizedAddresses } from '../../../src/mime/header-search.js';

const atom = fc.stringMatching(/^[a-z0-9][a-z0-9_+-]{0,7}$/);
const dotAtom = fc.array(atom, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));

/** A comment as written and the text it stands for (outer parentheses removed, escapes resolved). */
const comment = fc
  .array(
    fc.constantFrom<[string, string]>(['a', 'a'], ['Z', 'Z'], [' ', ' '], ['@', '@'], ['<', '<'], ['>', '>'], [',', ','], [';', ';'], [':', ':'], ['.', '.'], ['"', '"'], ['\\)', ')'], ['\\(', '('], ['(x)', '(x)']),
    { maxLength: 6 },
  )
  .map((pieces) => ({ written: `(${pieces.map((p) => p[0]).join('')})`, text: pieces.map((p) => p[1]).join('') }));

/** Optional CFWS: whitespace and up to two comments. */
const cfws = fc.tuple(fc.constantFrom('', ' ', '\t', '  '), fc.array(comment, { maxLength: 2 }), fc.constantFrom('', ' '));

describe('addresses with comments and folding whitespace', () => {
  it('keep their mailbox and host; a bare addr-spec takes its last comment as the name; SEARCH finds the address', () => {
    fc.assert(
      fc.property(dotAtom, dotAtom, cfws, cfws, cfws, fc.boolean(), (local, domain, c1, c2, c3, angle) => {
        const gap = ([a, cs, b]: typeof c1) => a + cs.map((c) => c.written).join(' ') + b;
        const spec = `${local}${gap(c1)}@${gap(c2)}${domain}${gap(c3)}`;
        const raw = angle ? `<${spec}>` : spec;
        const list = parseAddressList(raw);
        expect(list).toHaveLength(1);
        expect(list?.[0]).toMatchObject({ adl: null, mailbox: local, host: domain });
        const comments = [...c1[1], ...c2[1], ...c3[1]];
        const last = comments[comments.length - 1]?.text ?? '';
        expect(list?.[0]?.name).toBe(angle || last === '' ? null : last);
        const shown = angle ? '' : last.trim();
        expect(normalizedAddresses(raw)).toBe(shown === '' ? `${local}@${domain}` : `${shown} <${local}@${domain}>`);
        expect(fieldSearchValues('from', raw).some((v) => v.includes(`${local}@${domain}`))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throw on arbitrary header values', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (value) => {
        parseAddressList(value);
        normalizedAddresses(value);
        expect(fieldSearchValues('to', value).length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
