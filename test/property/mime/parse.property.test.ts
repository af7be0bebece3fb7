// Hostile input for the MIME model (SPEC R11.3): parseMessage, extractText and the BODYSTRUCTURE / ENVELOPE
// renderers return a value for any bytes; every offset and every section range lies within the message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderBody } from '../../../src/imap/protocol/bodystructure.js';
import { renderEnvelope } from '../../../src/imap/protocol/envelope.js';
import { filterHeader, sectionRange } from '../../../src/imap/protocol/section.js';
import { parseMessage } from '../../../src/mime/parse.js';
import { extractText } from '../../../src/mime/text.js';
import type { MimePart } from '../../../src/mime/types.js';

/** Lines that look like MIME: headers, delimiters of a few boundaries, blank lines, junk. */
const line = fc.oneof(
  fc.constantFrom(
    'Content-Type: multipart/mixed; boundary=a',
    'Content-Type: multipart/alternative; boundary="b"',
    'Content-Type: multipart/digest; boundary=a',
    'Content-Type: message/rfc822',
    'Content-Type: message/global',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Type: text/html; charset=bogus-charset',
    'Content-Transfer-Encoding: base64',
    'Content-Transfer-Encoding: quoted-printable',
    'Content-Disposition: attachment; filename*0*=utf-8\'\'%E2; filename*1=x',
    'From: "a" <b@c>, G: d@e;, (x',
    'To: <@r:x@y>, ,@',
    ' folded',
    '--a',
    '--a--',
    '--b',
    '--b--',
    '',
    '=?utf-8?B?////?= =3D=',
    '<p>&#x110000;&#0;</p>',
  ),
  fc.string(),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
);
const mimeish = fc
  .tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom('\r\n', '\n', '\r'))
  .map(([lines, nl]) => Buffer.from(lines.join(nl), 'latin1'));
const anyBytes = fc.oneof(mimeish, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)));

function* parts(part: MimePart): Generator<MimePart> {
  yield part;
  for (const child of part.children) yield* parts(child);
  if (part.message) yield* parts(part.message.root);
}

/** Part paths up to three levels deep, numbers 0 to 3 (0 and too-high numbers name nothing). */
function paths(depth = 3): number[][] {
  const out: number[][] = [[]];
  const walk = (prefix: number[]): void => {
    if (prefix.length >= depth) return;
    for (let n = 0; n <= 3; n++) {
      out.push([...prefix, n]);
      walk([...prefix, n]);
    }
  };
  walk([]);
  return out;
}
const PATHS = paths();

describe('MIME model under hostile input', () => {
  it('parses, renders and extracts text from any bytes without throwing; offsets nest inside the message', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, fc.integer({ min: 1, max: 6 }), async (raw, maxDepth) => {
        const m = parseMessage(raw, { maxDepth, maxParts: 50, maxHeaderBytes: 200 });
        for (const p of parts(m.root)) {
          expect(0 <= p.headerStart && p.headerStart <= p.bodyStart && p.bodyStart <= p.bodyEnd && p.bodyEnd <= raw.length).toBe(true);
          expect(p.size).toBe(p.bodyEnd - p.bodyStart);
          for (const c of p.children) expect(c.headerStart >= p.bodyStart && c.bodyEnd <= p.bodyEnd).toBe(true);
        }
        expect(renderBody(m.root, { extended: true })).toBeInstanceOf(Buffer);
        expect(renderBody(m.root, { extended: false, utf8: true })).toBeInstanceOf(Buffer);
        expect(renderEnvelope(m.envelope)).toBeInstanceOf(Buffer);
        const text = await extractText(raw, m);
        expect(typeof text.header).toBe('string');
        expect(typeof text.body).toBe('string');
        // The stored model survives JSON (the store keeps it so).
        expect(JSON.parse(JSON.stringify(m))).toEqual(m);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps every section range within the served message', () => {
    const texts = [null, 'HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME'] as const;
    fc.assert(
      fc.property(anyBytes, fc.integer({ min: 0, max: 50 }), (raw, prefix) => {
        const m = parseMessage(raw, { maxDepth: 4 });
        const total = prefix + raw.length;
        for (const part of PATHS) {
          for (const text of texts) {
            const r = sectionRange(m, { part, text, fields: ['subject'] }, prefix);
            expect(0 <= r.start && r.start <= r.end && r.end <= total).toBe(true);
          }
        }
        const header = raw.subarray(0, m.root.bodyStart);
        expect(filterHeader(header, ['content-type'], true).length).toBeLessThanOrEqual(header.length + 4);
      }),
      { numRuns: 200 },
    );
  });
});
