// Unit tests for the disguises of issue 12 holes 4–6 (SPEC R2.2, RFC 8601 §5): over-long values, fields whose
// authserv-id cannot be determined, RFC 2047 encoded words, Unicode spaces, format characters and look-alikes,
// for our id and for an internal id from untrusted and trusted clients.
import { describe, it, expect } from 'vitest';
import { parseHeaderBlock, rebuildMessage } from '../../../src/delivery/header-block.js';
import { MAX_ENCODED_WORDS } from '../../../src/delivery/field-readings.js';
import { stripAuthenticationResults, type StripOptions } from '../../../src/delivery/strip.js';

const OURS: StripOptions = { ourId: 'mail.example.net', internalIds: ['mx.example.net'], trustedClient: false, removeForeign: false };
const FOREIGN = 'Authentication-Results: other.example; dkim=pass\r\n';

function strip(field: string | Buffer, opts: Partial<StripOptions> = {}) {
  const raw = Buffer.concat([Buffer.from('Received: from x\r\n'), Buffer.from(field), Buffer.from(`${FOREIGN}Subject: hi\r\n\r\nbody\r\n`)]);
  const block = parseHeaderBlock(raw);
  expect(block.overflow).toBeNull();
  const res = stripAuthenticationResults(block.fields, { ...OURS, ...opts });
  return { ...res, out: rebuildMessage(res.fields, block.separator, block.body).toString('latin1'), raw };
}

const STRIPPED = `Received: from x\r\n${FOREIGN}Subject: hi\r\n\r\nbody\r\n`;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** `Authentication-Results:` + a comment of about `size` bytes folded into 1,000-byte lines + the rest. */
function longComment(size: number, rest: string): string {
  const lines: string[] = [];
  for (let n = 0; n < size; n += 998) lines.push('x'.repeat(998));
  return `Authentication-Results: (${lines.join('\r\n ')}) ${rest}\r\n`;
}

/** `Authentication-Results:` + about `size` bytes of folding whitespace in 1,000-byte lines + the rest. */
function longFws(size: number, rest: string): string {
  const lines: string[] = [];
  for (let n = 0; n < size; n += 998) lines.push(' '.repeat(998));
  return `Authentication-Results:${lines.join('\r\n')}\r\n ${rest}\r\n`;
}

/** Disguised forms of `id`; every one must read as `id` (template `ID`, or a function of the id). */
function disguisesOf(id: string): Record<string, string | Buffer> {
  const upper = id.toUpperCase();
  const fullwidth = [...id].map((ch) => String.fromCodePoint(ch.codePointAt(0)! + 0xfee0)).join('');
  return {
    // Hole 4: over-long values.
    '72 KB comment folded into 1,000-byte lines': longComment(72 * 1024, `${id}; dkim=pass`),
    '72 KB of folding whitespace': longFws(72 * 1024, `${id}; dkim=pass`),
    '200 KB comment then version': longComment(200 * 1024, `${id} 1; dkim=pass`),
    'comment nested 40 deep': `Authentication-Results: ${'('.repeat(40)}x${')'.repeat(40)} ${id}; dkim=pass\r\n`,
    'a twelve-digit version': `Authentication-Results: ${id} 123456789012; dkim=pass\r\n`,
    // Hole 5: RFC 2047 encoded words.
    'q-encoded id': `Authentication-Results: =?us-ascii?q?${id}?=; dkim=pass\r\n`,
    'Q-encoded id, upper-case charset': `Authentication-Results: =?US-ASCII?Q?${id}?=; dkim=pass\r\n`,
    'b-encoded whole value': `Authentication-Results: =?utf-8?b?${b64(`${id}; dkim=pass header.d=bank.example`)}?=\r\n`,
    'B-encoded whole value, UTF-8 label': `Authentication-Results: =?UTF-8?B?${b64(`${id}; spf=pass`)}?=\r\n`,
    'encoded words split over two words': `Authentication-Results: =?utf-8?q?${id.slice(0, 3)}?= =?utf-8?q?${id.slice(3)}?=; dkim=pass\r\n`,
    'encoded id inside a quoted-string': `Authentication-Results: "=?utf-8?q?${id}?="; dkim=pass\r\n`,
    'encoded parens hide the id in a comment': `Authentication-Results: (=?utf-8?q?=29?= ${id} =?utf-8?q?=28?=) other.example; dkim=pass\r\n`,
    'encoded word with a NBSP inside': `Authentication-Results: =?utf-8?q?=C2=A0${id}=C2=A0?=; dkim=pass\r\n`,
    'encoded word with U+200B inside': `Authentication-Results: =?utf-8?b?${b64(`\u200b${id}\u200b`)}?=; dkim=pass\r\n`,
    'encoded twice': `Authentication-Results: =?utf-8?b?${b64(`=?utf-8?q?${id}?=`)}?=; dkim=pass\r\n`,
    // Hole 6: Unicode spaces and format characters (UTF-8), full-width look-alikes.
    'NBSP before': `Authentication-Results: \u00a0${id}; dkim=pass\r\n`,
    'NBSP after': `Authentication-Results: ${id}\u00a0; dkim=pass\r\n`,
    'BOM before': `Authentication-Results: \ufeff${id}; dkim=pass\r\n`,
    'em space around': `Authentication-Results: \u2003${id}\u2003; dkim=pass\r\n`,
    'ideographic space around': `Authentication-Results:\u3000${id}\u3000; dkim=pass\r\n`,
    'zero-width space inside': `Authentication-Results: ${id.slice(0, 2)}\u200b${id.slice(2)}; dkim=pass\r\n`,
    'zero-width joiners around': `Authentication-Results: \u200c\u200d${id}\u2060; dkim=pass\r\n`,
    'soft hyphen inside': `Authentication-Results: ${id.slice(0, 4)}\u00ad${id.slice(4)}; dkim=pass\r\n`,
    'Hangul filler before': `Authentication-Results: \u3164${id}; dkim=pass\r\n`,
    'Unicode spaces in a quoted id': `Authentication-Results: "\u3000${upper}\u00a0"; dkim=pass\r\n`,
    'full-width id': `Authentication-Results: ${fullwidth}; dkim=pass\r\n`,
    'ideographic full stops': `Authentication-Results: ${id.replace(/\./g, '\u3002')}; dkim=pass\r\n`,
    'NBSP as a latin-1 byte': Buffer.concat([Buffer.from('Authentication-Results: '), Buffer.from([0xa0]), Buffer.from(`${id}; dkim=pass\r\n`)]),
    'NEL as a latin-1 byte after': Buffer.concat([Buffer.from(`Authentication-Results: ${id}`), Buffer.from([0x85]), Buffer.from('; dkim=pass\r\n')]),
    'NBSP separating a second word': `Authentication-Results: ${id}\u00a0junk; dkim=pass\r\n`,
  };
}

describe('fields whose authserv-id cannot be determined are removed as forged (hole 4)', () => {
  const undetermined: Record<string, string> = {
    'unterminated comment': 'Authentication-Results: (unterminated mail.example.net; dkim=pass\r\n',
    'unterminated comment, foreign word': 'Authentication-Results: broken (\r\n',
    'unterminated quoted-string': 'Authentication-Results: "other.example; dkim=pass\r\n',
    'empty value': 'Authentication-Results:\r\n',
    'only whitespace': 'Authentication-Results: \r\n \t\r\n',
    'only a comment': 'Authentication-Results: (mail.example.net)\r\n',
    'no id before the semicolon': 'Authentication-Results: ; dkim=pass\r\n',
    'garbage': 'Authentication-Results: ;;;==@@\r\n',
    'two words': 'Authentication-Results: other.example junk; dkim=pass\r\n',
    'an encoded foreign id': 'Authentication-Results: =?utf-8?q?other.example?=; dkim=pass\r\n',
    'no authserv-id (Exchange style)': 'Authentication-Results: spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=bank.example\r\n',
    '72 KB unterminated comment': longComment(72 * 1024, 'mail.example.net; dkim=pass').replace(/\) mail/, ' mail'),
  };
  for (const [name, field] of Object.entries(undetermined)) {
    it(name, () => {
      for (const trustedClient of [false, true]) {
        const r = strip(field, { trustedClient });
        expect(r.removed).toHaveLength(1);
        expect(r.forgedRemoved).toBe(1);
        expect(r.removed[0]!.unparseable).toBe(true);
        expect(r.out).toBe(STRIPPED);
      }
    });
  }
});

describe('disguises of our id are removed (holes 4–6)', () => {
  for (const [name, field] of Object.entries(disguisesOf('mail.example.net'))) {
    it(name, () => {
      for (const trustedClient of [false, true]) {
        const r = strip(field, { trustedClient });
        expect(r.forgedRemoved).toBe(1);
        expect(r.removed.map((x) => x.reason)).toEqual(['ours']);
        expect(r.out).toBe(STRIPPED);
      }
    });
  }
});

describe('disguises of an internal id (admdInternalIds)', () => {
  for (const [name, field] of Object.entries(disguisesOf('mx.example.net'))) {
    it(`removed from an untrusted client: ${name}`, () => {
      const r = strip(field);
      expect(r.forgedRemoved).toBe(1);
      expect(r.removed.map((x) => x.reason)).toEqual(['internal-untrusted']);
      expect(r.out).toBe(STRIPPED);
    });
  }

  // A trusted client's field is kept when some reading of it names the internal id exactly (RFC 8601 grammar);
  // those whose only reading naming it is broken (a second word after the id) are removed as undetermined.
  const brokenEverywhere = new Set(['NBSP separating a second word', 'encoded parens hide the id in a comment']);
  for (const [name, field] of Object.entries(disguisesOf('mx.example.net'))) {
    it(`from a trusted client: ${name}`, () => {
      const r = strip(field, { trustedClient: true });
      if (brokenEverywhere.has(name)) {
        expect(r.removed.map((x) => x.reason)).toEqual(['undetermined']);
      } else {
        expect(r.removed).toHaveLength(0);
        expect(r.out).toBe(r.raw.toString('latin1'));
      }
    });
  }
});

describe('foreign ids and look-alikes are kept', () => {
  const foreign: Record<string, string> = {
    'a longer name ending in ours': 'Authentication-Results: evil-mail.example.net; dkim=pass\r\n',
    'ours as a prefix': 'Authentication-Results: mail.example.net.evil.test; dkim=pass\r\n',
    'ours as a prefix, full-width': 'Authentication-Results: ｍａｉｌ.ｅｘａｍｐｌｅ.ｎｅｔ.evil.test; dkim=pass\r\n',
    'ours in a comment only': 'Authentication-Results: (mail.example.net) other.example; dkim=pass\r\n',
    'ours in the results only': 'Authentication-Results: other.example; dkim=pass header.d=mail.example.net\r\n',
    'an encoded comment': 'Authentication-Results: other.example (=?utf-8?q?caf=C3=A9?=); dkim=pass\r\n',
    'a U-label foreign id': 'Authentication-Results: mx.exämple.org; dkim=pass\r\n',
    'one letter different': 'Authentication-Results: mail.example.ne; dkim=pass\r\n',
    'a quoted id with a space': 'Authentication-Results: "mail example net"; dkim=pass\r\n',
  };
  for (const [name, field] of Object.entries(foreign)) {
    it(name, () => {
      const r = strip(field);
      expect(r.removed).toHaveLength(0);
      expect(r.out).toBe(r.raw.toString('latin1'));
      const removed = strip(field, { removeForeign: true });
      expect(removed.removed.map((x) => x.reason)).toEqual(['foreign', 'foreign']);
      expect(removed.forgedRemoved).toBe(0);
    });
  }
});

describe('the RFC 2047 decoding budget fails safe (R11)', () => {
  it('a field past the per-message budget is removed as undetermined, never kept', () => {
    const filler = 'Authentication-Results: other.example (=?x-unknown?q?a?=); dkim=pass\r\n'.repeat(MAX_ENCODED_WORDS + 10);
    const hidden = 'Authentication-Results: "=?us-ascii?q?mail.example.net?="; dkim=pass\r\n';
    const raw = Buffer.from(`${filler}${hidden}Subject: s\r\n\r\nbody\r\n`);
    const block = parseHeaderBlock(raw);
    const res = stripAuthenticationResults(block.fields, OURS);
    const last = res.removed[res.removed.length - 1]!;
    expect(last.field.raw.toString()).toBe(hidden);
    expect(last.reason).toBe('undetermined');
    // Within the budget, the same field is read for what it is.
    expect(strip(hidden).removed.map((x) => x.reason)).toEqual(['ours']);
    // One encoded word per filler field: exactly the budget's worth of fillers was read and kept.
    expect(res.fields.filter((f) => f.lowerName === 'authentication-results')).toHaveLength(MAX_ENCODED_WORDS);
  });
});
