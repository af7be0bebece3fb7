// Property tests (fast-check) for the ADMD boundary (SPEC R2.2, R11): the A-R parser and the stripper return
// a value for any input; stripping never changes the body; our id under any CFWS, case and quoting is removed.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { looseFirstWord, parseAuthenticationResults, parseAuthservId } from '../../../src/delivery/authentication-results.js';
import { parseHeaderBlock, rebuildMessage } from '../../../src/delivery/header-block.js';
import { stripAuthenticationResults, type StripOptions } from '../../../src/delivery/strip.js';

const OURS: StripOptions = { ourId: 'mail.example.net', internalIds: ['mx.example.net'], trustedClient: false, removeForeign: false };

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(fc.constantFrom('(', ')', '\\', '"', ';', ' ', '\t', '\r\n', '\n', 'a', 'é', '1', '.', '=', '/', '@', 'mail.example.net', 'none'), {
      maxLength: 80,
    })
    .map((parts) => parts.join('')),
);

const hostileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc
    .array(
      fc.constantFrom('Authentication-Results:', 'authentication-results :', ' ', '\t', '\r\n', '\n', '\r', ':', '(', ')', '"', 'mail.example.net', ';', 'X: y', '\xff'),
      { maxLength: 60 },
    )
    .map((parts) => Buffer.from(parts.join(''), 'latin1')),
);

describe('Authentication-Results parser properties', () => {
  it('returns a value for any input and never throws', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const id = parseAuthservId(text);
        expect('error' in id || typeof id.authservId === 'string').toBe(true);
        const full = parseAuthenticationResults(text);
        expect('error' in full || Array.isArray(full.results)).toBe(true);
        expect(typeof looseFirstWord(text)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('stripper properties', () => {
  it('never throws, never changes the body, and rebuilds exactly when nothing is removed', () => {
    fc.assert(
      fc.property(hostileBytes, fc.boolean(), fc.boolean(), (raw, trustedClient, removeForeign) => {
        const block = parseHeaderBlock(raw);
        expect(rebuildMessage(block.fields, block.separator, block.body).equals(raw)).toBe(true);
        const res = stripAuthenticationResults(block.fields, { ...OURS, trustedClient, removeForeign });
        const out = rebuildMessage(res.fields, block.separator, block.body);
        expect(out.subarray(out.length - block.body.length).equals(raw.subarray(block.bodyStart))).toBe(true);
        expect(res.fields.length + res.removed.length).toBe(block.fields.length);
        if (res.removed.length === 0) expect(out.equals(raw)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  const wsp = fc.constantFrom(' ', '\t', '\r\n ', '\r\n\t', '  ');
  const commentText = fc.array(fc.constantFrom('a', ' ', '\\(', '\\)', '\\\\', ';', '"', 'mail.example.net', 'é'), { maxLength: 6 }).map((p) => p.join(''));
  const comment: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      commentText.map((t) => `(${t})`),
      fc.tuple(commentText, tie('c'), commentText).map(([a, inner, b]) => `(${a}${inner}${b})`),
    ),
  })).c;
  const cfws = fc.array(fc.oneof(wsp, comment), { maxLength: 4 }).map((p) => p.join(''));
  const randomCase = (s: string): fc.Arbitrary<string> =>
    fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) => [...s].map((ch, i) => (flags[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));
  const quoted = (s: string): fc.Arbitrary<string> =>
    fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) => `"${[...s].map((ch, i) => (flags[i] ? `\\${ch}` : ch)).join('')}"`);
  const id = randomCase('mail.example.net').chain((s) => fc.oneof(fc.constant(s), quoted(s)));
  const version = fc.option(fc.tuple(fc.integer({ min: 0, max: 999 }), cfws).map(([v, c]) => ` ${v}${c}`), { nil: '' });
  const rest = fc.constantFrom('; none', '; dkim=pass header.d=bank.example', ';spf=pass', '; (c) dkim=pass');
  const name = fc.tuple(randomCase('Authentication-Results'), fc.constantFrom('', ' ', '\t', '  ')).map(([n, w]) => `${n}${w}:`);

  it('always removes a field claiming our id, however disguised', () => {
    fc.assert(
      fc.property(name, cfws, id, cfws, version, rest, (n, before, ourId, after, v, r) => {
        // A space after a quoted id keeps a version from gluing to it; a token id needs no help.
        const field = `${n}${before}${ourId}${after}${v === '' ? '' : ` ${v}`}${r}\r\n`;
        const raw = Buffer.from(`Received: from a\r\n${field}Subject: s\r\n\r\nbody\r\n`);
        const block = parseHeaderBlock(raw);
        const res = stripAuthenticationResults(block.fields, OURS);
        expect(res.forgedRemoved).toBe(1);
        expect(rebuildMessage(res.fields, block.separator, block.body).toString()).toBe('Received: from a\r\nSubject: s\r\n\r\nbody\r\n');
      }),
      { numRuns: 3000 },
    );
  });
});
