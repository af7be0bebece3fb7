// CATENATE's IMAP URLs (RFC 4469 §5, RFC 5092; src/imap/protocol/imap-url.ts) as a class: any string parses or
// is refused without throwing; a URL built from a mailbox name (any Unicode, "/" included, percent-encoded), a
// UIDVALIDITY, a UID, a section and a partial range gives them back; [BADURL] text never holds "]" or a
// control character.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { badUrlText, parseMessageUrl } from '../../../src/imap/protocol/imap-url.js';

describe('IMAP URLs for CATENATE (property)', () => {
  it('never throws, and the BADURL text is resp-text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseMessageUrl(s);
        parseMessageUrl(`/INBOX/;UID=1/;SECTION=${s}`);
        expect(badUrlText(s)).not.toMatch(/[\]\x00-\x1f\x7f]/);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips what it was built from', () => {
    const name = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\x00-\x1f]/.test(s) && !/[\uD800-\uDFFF]/.test(s));
    const section = fc.constantFrom<[string, { part: number[]; text: string | null; fields: string[] }]>(
      ['1', { part: [1], text: null, fields: [] }],
      ['2.1.MIME', { part: [2, 1], text: 'MIME', fields: [] }],
      ['HEADER', { part: [], text: 'HEADER', fields: [] }],
      ['HEADER.FIELDS%20(From%20To)', { part: [], text: 'HEADER.FIELDS', fields: ['From', 'To'] }],
      ['TEXT', { part: [], text: 'TEXT', fields: [] }],
    );
    fc.assert(
      fc.property(
        name,
        fc.option(fc.integer({ min: 1, max: 0xffffffff })),
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.option(section),
        fc.option(fc.tuple(fc.nat(1e6), fc.integer({ min: 1, max: 1e6 }))),
        (mailbox, validity, uid, sec, partial) => {
          const url =
            `/${encodeURIComponent(mailbox).replace(/%2F/g, '/')}${validity === null ? '' : `;UIDVALIDITY=${validity}`}/;UID=${uid}` +
            `${sec === null ? '' : `/;SECTION=${sec[0]}`}${partial === null ? '' : `/;PARTIAL=${partial[0]}.${partial[1]}`}`;
          expect(parseMessageUrl(url)).toEqual({
            mailbox,
            uidValidity: validity,
            uid,
            section: sec === null ? null : sec[1],
            partial: partial === null ? null : { offset: partial[0], length: partial[1] },
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
