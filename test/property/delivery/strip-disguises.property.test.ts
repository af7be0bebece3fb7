// Property tests (fast-check) for issue 12 hole 7 (SPEC R2.2, R11): disguised forms of our id — case, nested
// comments, folding, quoting with quoted-pairs, versions, RFC 2047 encoded words (q and b, any charset label
// case, split, twice), Unicode spaces and format characters, full-width forms, lengths past every former limit
// — are always removed; the same for an internal id from an untrusted client, kept from a trusted one;
// foreign ids and look-alikes are kept; and no reader of a value ever throws.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseHeaderBlock, rebuildMessage } from '../../../src/delivery/header-block.js';
import { canonicalAuthservId, plainReading, valueReadings } from '../../../src/delivery/field-readings.js';
import { classifyAuthenticationResults, stripAuthenticationResults, type StripOptions } from '../../../src/delivery/strip.js';

const OUR_ID = 'mail.example.net';
const INTERNAL_ID = 'mx.example.net';
const OPTS: StripOptions = { ourId: OUR_ID, internalIds: [INTERNAL_ID], trustedClient: false, removeForeign: false };

const SPACES = ['\u00a0', '\ufeff', '\u2003', '\u3000', '\u2009', '\u202f', '\u205f', '\u1680', '\u0085'];
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e', '\u3164', '\u2061', '\u034f'];

const randomCase = (s: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) => [...s].map((ch, i) => (flags[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));

/** Some characters replaced by their full-width forms (U+FF01–U+FF5E), "." sometimes by an ideographic full stop. */
const fullWidth = (s: string): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: s.length, maxLength: s.length }).map((kinds) =>
    [...s]
      .map((ch, i) => {
        if (kinds[i] === 0) return ch;
        if (ch === '.' && kinds[i] === 2) return '\u3002';
        return String.fromCodePoint(ch.codePointAt(0)! + 0xfee0);
      })
      .join(''),
  );

/** Invisible characters anywhere; when `spacesInside`, Unicode spaces anywhere too, else only around. */
const decorated = (s: string, spacesInside: boolean): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.array(fc.option(fc.constantFrom(...INVISIBLE, ...(spacesInside ? SPACES : [])), { freq: 4 }), { minLength: s.length + 1, maxLength: s.length + 1 }),
      fc.array(fc.constantFrom(...SPACES, ...INVISIBLE), { maxLength: 3 }),
      fc.array(fc.constantFrom(...SPACES, ...INVISIBLE), { maxLength: 3 }),
    )
    .map(([inside, before, after]) => `${before.join('')}${[...s].map((ch, i) => `${inside[i] ?? ''}${ch}`).join('')}${inside[s.length] ?? ''}${after.join('')}`);

/** A token, or a quoted-string with random quoted-pairs (surrogate pairs kept whole). */
const quotedOrNot = (s: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(s),
    fc.array(fc.boolean(), { minLength: [...s].length, maxLength: [...s].length }).map((flags) => `"${[...s].map((ch, i) => (flags[i] ? `\\${ch}` : ch)).join('')}"`),
  );

const wsp = fc.constantFrom(' ', '\t', '\r\n ', '\r\n\t', '  ');
const commentText = fc.array(fc.constantFrom('a', ' ', '\\(', '\\)', '\\\\', ';', '"', 'mail.example.net', 'é', '\r\n '), { maxLength: 6 }).map((p) => p.join(''));
const comment: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    commentText.map((t) => `(${t})`),
    fc.tuple(commentText, tie('c'), commentText).map(([a, inner, b]) => `(${a}${inner}${b})`),
  ),
})).c;

/** Past every former limit: 64 KiB values, 16-deep comments; folded into 1,000-byte lines. */
const huge = fc.constantFrom(
  () => `(${Array.from({ length: 70 }, () => 'x'.repeat(998)).join('\r\n ')})`,
  () => Array.from({ length: 70 }, () => ' '.repeat(998)).join('\r\n'),
  () => `${'('.repeat(40)}deep${')'.repeat(40)}`,
  () => `(${'\\)'.repeat(40_000)})`,
);
const cfws = fc.array(fc.oneof(wsp, comment), { maxLength: 4 }).map((p) => p.join(''));
/** CFWS that is, once in about ten, longer than any former limit. */
const longCfws = fc
  .tuple(cfws, fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: huge }))
  .map(([c, big]) => `${big === null ? '' : big()}${c}`);
const version = fc.option(
  fc.tuple(fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.stringMatching(/^[0-9]{10,30}$/)), cfws).map(([v, c]) => ` ${v}${c}`),
  { nil: '' },
);
const rest = fc.constantFrom('; none', '; dkim=pass header.d=bank.example', ';spf=pass', '; (c) dkim=pass', '');

const CHARSETS_ASCII = ['us-ascii', 'US-ASCII', 'Us-Ascii', 'utf-8', 'UTF-8', 'Utf-8', 'utf8', 'iso-8859-1', 'ISO-8859-1'];
const CHARSETS_UTF8 = ['utf-8', 'UTF-8', 'Utf-8', 'uTF-8', 'utf8', 'UTF8'];

function qWords(bytes: Buffer): string[] {
  return [...bytes].map((b) => (/[A-Za-z0-9.!*+\-/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`));
}

/** `text` as one or more RFC 2047 encoded words (chunks of at most ~900 bytes, folded between them). */
const encoded = (text: string): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom('q', 'Q', 'b', 'B'), fc.constantFrom(.../[^\x20-\x7e]/.test(text) ? CHARSETS_UTF8 : CHARSETS_ASCII), fc.integer({ min: 1, max: 3 }), fc.constantFrom(' ', '\r\n ', ''))
    .map(([enc, charset, pieces, sep]) => {
      const bytes = Buffer.from(text.replace(/\r\n/g, ''), 'utf8');
      const words: string[] = [];
      if (enc === 'q' || enc === 'Q') {
        const units = qWords(bytes);
        const per = Math.max(Math.ceil(units.length / pieces), 1);
        for (let i = 0; i < units.length; i += Math.min(per, 300)) words.push(`=?${charset}?${enc}?${units.slice(i, i + Math.min(per, 300)).join('')}?=`);
      } else {
        const per = Math.max(3 * Math.ceil(bytes.length / pieces / 3), 3);
        for (let i = 0; i < bytes.length; i += Math.min(per, 600)) words.push(`=?${charset}?${enc}?${bytes.subarray(i, i + Math.min(per, 600)).toString('base64')}?=`);
      }
      return words.join(sep === '' ? '' : sep);
    });

/** Disguised forms of `id` as a whole field; every one reads as `id` to some common reader. */
function disguisedField(id: string): fc.Arbitrary<string> {
  const idForm = randomCase(id)
    .chain((s) => fc.oneof(fc.constant(s), fullWidth(s)))
    .chain((s) => fc.oneof({ weight: 2, arbitrary: fc.constant(s) }, decorated(s, true)))
    .chain(quotedOrNot)
    .chain((s) => fc.oneof({ weight: 3, arbitrary: fc.constant(s) }, encoded(s), encoded(s).chain(encoded)));
  const name = fc.tuple(randomCase('Authentication-Results'), fc.constantFrom('', ' ', '\t')).map(([n, w]) => `${n}${w}:`);
  return fc
    .tuple(name, longCfws, idForm, longCfws, version, rest, fc.constantFrom('raw', 'raw', 'raw', 'whole-encoded'))
    .chain(([n, before, idPart, after, v, r, how]) => {
      // A space after a quoted id keeps a version from gluing to it; a token id needs no help.
      const value = `${before}${idPart}${after}${v === '' ? '' : ` ${v}`}${r}`;
      if (how === 'raw') return fc.constant(`${n}${value}\r\n`);
      return encoded(value).map((e) => `${n} ${e}\r\n`);
    });
}

function stripOne(field: string, opts: StripOptions) {
  const raw = Buffer.from(`Received: from a\r\n${field}Subject: s\r\n\r\nbody\r\n`, 'utf8');
  const block = parseHeaderBlock(raw);
  const res = stripAuthenticationResults(block.fields, opts);
  return { res, out: rebuildMessage(res.fields, block.separator, block.body), raw };
}

const STRIPPED = 'Received: from a\r\nSubject: s\r\n\r\nbody\r\n';

describe('disguised ids (issue 12 hole 7)', () => {
  it('our id, however disguised, is always removed', () => {
    fc.assert(
      fc.property(disguisedField(OUR_ID), fc.boolean(), (field, trustedClient) => {
        const { res, out } = stripOne(field, { ...OPTS, trustedClient });
        expect(res.removed.map((r) => r.reason)).toEqual(['ours']);
        expect(res.forgedRemoved).toBe(1);
        expect(out.toString('utf8')).toBe(STRIPPED);
      }),
      { numRuns: 600 },
    );
  });

  it('an internal id, however disguised, is removed from an untrusted client and kept from a trusted one', () => {
    fc.assert(
      fc.property(disguisedField(INTERNAL_ID), (field) => {
        const untrusted = stripOne(field, OPTS);
        expect(untrusted.res.removed.map((r) => r.reason)).toEqual(['internal-untrusted']);
        expect(untrusted.res.forgedRemoved).toBe(1);
        expect(untrusted.out.toString('utf8')).toBe(STRIPPED);
        const trusted = stripOne(field, { ...OPTS, trustedClient: true });
        expect(trusted.res.removed).toEqual([]);
        expect(trusted.out.equals(trusted.raw)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const lookAlike = fc.oneof(
    fc.constantFrom('evil.test', 'example.net', 'mail.example.org', 'mail-example.net', 'mailexample.net', 'mail.example.ne', 'xmail.example.net'),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).map((l) => `${OUR_ID}.${l}`),
    fc.stringMatching(/^[a-z0-9-]{0,20}[a-z0-9]$/).chain((l) => fc.constantFrom(`${l}-${OUR_ID}`, `${l}.${OUR_ID}`, `${l}${OUR_ID}`)),
  );

  it('foreign ids and look-alikes (our id plus a label) are kept, in any case, quoting, comments or invisible padding', () => {
    const field = fc
      .tuple(
        lookAlike.chain((id) => randomCase(id)).chain((s) => fc.oneof(fc.constant(s), fullWidth(s), decorated(s, false))).chain(quotedOrNot),
        longCfws,
        longCfws,
        version,
        rest,
      )
      .map(([id, before, after, v, r]) => `Authentication-Results:${before === '' ? ' ' : before}${id}${after}${v === '' ? '' : ` ${v}`}${r}\r\n`);
    fc.assert(
      fc.property(field, (f) => {
        const { res, out, raw } = stripOne(f, OPTS);
        expect(res.removed).toEqual([]);
        expect(out.equals(raw)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

const hostileUnicode = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(
      fc.constantFrom('=?', '?=', '?q?', '?B?', 'utf-8', 'x', '=C2=A0', '=', '?', '(', ')', '\\', '"', ';', ' ', '\r\n ', '\u00a0', '\u200b', '\ufeff', 'ｍ', '\u3002', 'mail.example.net', 'wqA=', '\ud800', '\udc00'),
      { maxLength: 80 },
    )
    .map((parts) => parts.join('')),
);

describe('readers of a value never throw (R11)', () => {
  it('readings, canonical ids and the classifier return values for any text', () => {
    fc.assert(
      fc.property(hostileUnicode, fc.boolean(), fc.boolean(), (text, trustedClient, removeForeign) => {
        const readings = valueReadings(text);
        expect(readings[0]).toBe(text);
        expect(typeof plainReading(text)).toBe('string');
        expect(typeof canonicalAuthservId(text)).toBe('string');
        const verdict = classifyAuthenticationResults(text, { ...OPTS, trustedClient, removeForeign });
        expect(typeof verdict.keep).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('the stripper never throws on arbitrary bytes in an Authentication-Results field', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, trustedClient) => {
        const raw = Buffer.concat([Buffer.from('Authentication-Results:'), Buffer.from(bytes), Buffer.from('\r\nSubject: s\r\n\r\nbody\r\n')]);
        const block = parseHeaderBlock(raw);
        const res = stripAuthenticationResults(block.fields, { ...OPTS, trustedClient });
        expect(res.fields.length + res.removed.length).toBe(block.fields.length);
      }),
      { numRuns: 2000 },
    );
  });
});
