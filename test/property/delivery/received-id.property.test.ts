// Issue 16 item 8: the MTA queue id read from a Received field (RFC 5321 §4.4 `id` clause) for the delivery log
// line: found whatever the other clauses, comments and folding around it; never taken from a comment, a quoted
// string or the date; never longer than MAX_QUEUE_ID_LENGTH; total on any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUEUE_ID_LENGTH, receivedQueueId } from '../../../src/delivery/received-id.js';

const ATOM_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.=+';
const atom = fc.string({ unit: fc.constantFrom(...ATOM_CHARS), minLength: 1, maxLength: 30 });
const domain = fc.array(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
const fws = fc.constantFrom(' ', '  ', '\r\n\t', '\r\n ', '\t');
/** A comment that may itself mention an id, a semicolon or nested parentheses. */
const comment = fc.oneof(
  fc.constant('(Postfix)'),
  fc.constant('(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))'),
  atom.map((a) => `(id ${a}X)`),
  atom.map((a) => `(envelope-from <${a}@x.example>; id FAKE)`),
  fc.constant('(a \\) id ESCAPED)'),
);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | ''> => fc.oneof(fc.constant('' as const), arb);

function stamp(parts: { from: string; by: string; via: string; with: string; id: string; for: string; date: string }, sep: string[], comments: string[]): string {
  const s = (i: number): string => sep[i % sep.length]!;
  const c = (i: number): string => (comments[i] === undefined || comments[i] === '' ? '' : `${s(i)}${comments[i]}`);
  return [
    parts.from === '' ? '' : `from${s(0)}${parts.from}${c(0)}`,
    `${s(1)}by${s(2)}${parts.by}${c(1)}`,
    parts.via === '' ? '' : `${s(3)}via${s(4)}${parts.via}`,
    parts.with === '' ? '' : `${s(5)}with${s(6)}${parts.with}${c(2)}`,
    parts.id === '' ? '' : `${s(7)}id${s(8)}${parts.id}${c(3)}`,
    parts.for === '' ? '' : `${s(9)}for${s(10)}${parts.for}`,
    `;${s(11)}${parts.date}`,
  ].join('');
}

const parts = fc.record({
  from: maybe(domain),
  by: domain,
  via: maybe(atom),
  with: maybe(fc.constantFrom('ESMTP', 'ESMTPS', 'LMTP', 'ESMTPSA', 'SMTP')),
  id: maybe(fc.oneof(atom, atom.map((a) => `<${a}@host.example>`))),
  for: maybe(fc.oneof(domain.map((d) => `<u@${d}>`), fc.constant('<"id x"@example.org>'))),
  date: fc.constantFrom('Mon, 7 Dec 2026 16:06:09 +0000', 'Tue, 1 Jan 2030 00:00:00 -0800 (PST) id NOTME'),
});

describe('receivedQueueId (issue 16 item 8)', () => {
  it('finds the id clause whatever surrounds it, and nothing when there is none', () => {
    fc.assert(
      fc.property(parts, fc.array(fws, { minLength: 1, maxLength: 12 }), fc.array(maybe(comment), { maxLength: 4 }), (p, sep, comments) => {
        expect(receivedQueueId(stamp(p, sep, comments))).toBe(p.id === '' ? null : p.id);
      }),
      { numRuns: 500 },
    );
  });

  it('reads the real fields of Postfix, Dovecot and Exim', () => {
    expect(
      receivedQueueId('from mail.sender.example (mail.sender.example [192.0.2.1])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\tby mx.example.org (Postfix) with ESMTPS id 4Xyz1234AbcDz\r\n\tfor <ada@example.org>; Mon,  7 Dec 2026 16:06:09 +0000 (UTC)'),
    ).toBe('4Xyz1234AbcDz');
    expect(receivedQueueId('from mx.example.org\r\n\tby imap.example.org with LMTP\r\n\tid kMZJFn3vVWfPdgAAYBR5ng\r\n\t(envelope-from <a@b.example>)\r\n\tfor <ada@example.org>; Mon, 07 Dec 2026 16:06:09 +0000')).toBe('kMZJFn3vVWfPdgAAYBR5ng');
    expect(receivedQueueId('from [192.0.2.1] (helo=x)\r\n\tby mx.example.org with esmtp (Exim 4.96)\r\n\tid 1tAbCd-000123-Xy\r\n\tfor ada@example.org; Mon, 07 Dec 2026 16:06:09 +0000')).toBe('1tAbCd-000123-Xy');
    expect(receivedQueueId('by mx.example.org (Postfix, from userid 1000)\r\n\tid 4Xyz; Mon, 7 Dec 2026 16:06:09 +0000')).toBe('4Xyz');
  });

  it('is total: any input gives null or one printable word no longer than the bound', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (v) => {
        const id = receivedQueueId(v);
        if (id !== null) {
          expect(id.length).toBeLessThanOrEqual(MAX_QUEUE_ID_LENGTH);
          expect(id).toMatch(/^[\x21-\x7e]+$/);
        }
      }),
      { numRuns: 1000 },
    );
    expect(receivedQueueId(`by x id ${'a'.repeat(MAX_QUEUE_ID_LENGTH + 1)}; date`)).toBeNull();
    expect(receivedQueueId('by x id bad\u0001id; date')).toBeNull();
    expect(receivedQueueId('by id.example.org; Mon, 7 Dec 2026 16:06:09 +0000')).toBeNull();
    expect(receivedQueueId('(unclosed id X')).toBeNull();
  });
});
