// The direct decoding of text parts (src/mime/part-text.ts; issue 14 item 4): a part that mailparser passes
// through as it is (no base64 or quoted-printable, an ASCII or UTF-8 charset, text/plain not flowed) decodes
// to exactly the text mailparser gives it, for plain and HTML parts, any line endings, entities, markup,
// non-ASCII text and octets that are not UTF-8; a part it does convert still goes through mailparser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/mime/parse.js';
import { decodedPartText, mailparserPartText } from '../../../src/mime/part-text.js';

const PIECES = [
  'word', ' ', '  ', '\t', '\r\n', '\n', '\r', 'café', 'Köln', '東京', '😀', '&eacute;', '&#8364;', '&amp;', '&lt;p&gt;',
  '<p>', '</p>', '<br>', '<b>', '</b>', '<a href="http://x.example/">link</a>', '<script>var x = 1;</script>',
  '<style>p { color: red }</style>', '<!-- note -->', '<div>', '</div>', '<table><tr><td>cell</td></tr></table>',
  '=', '=41', '> quoted', '-- ', 'A\u0301',
];
const body = fc.tuple(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }),
  fc.nat(),
);
const TYPES = ['text/plain', 'text/html', 'text/enriched', 'TEXT/HTML'];
const CHARSETS = [null, 'us-ascii', 'utf-8', 'UTF8', 'ascii', 'US-ASCII', 'iso-8859-1', 'windows-1252'];
const ENCODINGS = [null, '7bit', '8bit', 'binary', 'x-token', 'quoted-printable', 'base64'];
const FORMATS = [null, 'fixed', 'flowed', 'flowed; delsp=yes'];

describe('text parts decoded directly', () => {
  it('equal what mailparser makes of them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TYPES),
        fc.constantFrom(...CHARSETS),
        fc.constantFrom(...ENCODINGS),
        fc.constantFrom(...FORMATS),
        body,
        async (type, charset, encoding, format, [pieces, stray, at]) => {
          const text = Buffer.from(pieces.join(''), 'utf8');
          const cut = stray.length === 0 ? text.length : at % (text.length + 1);
          const octets = Buffer.concat([text.subarray(0, cut), Buffer.from(stray), text.subarray(cut)]);
          const head = [
            `Content-Type: ${type}${charset === null ? '' : `; charset=${charset}`}${format === null ? '' : `; format=${format}`}`,
            ...(encoding === null ? [] : [`Content-Transfer-Encoding: ${encoding}`]),
            '',
            '',
          ].join('\r\n');
          const message = parseMessage(Buffer.concat([Buffer.from(head, 'latin1'), octets]));
          const part = message.root;
          const raw = Buffer.concat([Buffer.from(head, 'latin1'), octets]).subarray(part.bodyStart, part.bodyEnd);
          expect(await decodedPartText(part, raw)).toBe(await mailparserPartText(part, raw));
        },
      ),
      { numRuns: 300 },
    );
  });
});
