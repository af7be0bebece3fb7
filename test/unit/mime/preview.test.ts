// RFC 8970 §3 previews (src/mime/preview.ts, issue 15 item 6): the first text part a reader would see, decoded
// (quoted-printable, charset, HTML without tags and with entities undone), blanks collapsed, at most 256
// characters cut at a character boundary; "" for a message with no such part; the indexer's preview (taken from
// the text extractText decodes) equals the one computed on the spot from the part's first octets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/mime/parse.js';
import { messagePreview, PREVIEW_CHARS, previewOf } from '../../../src/mime/preview.js';
import { extractText } from '../../../src/mime/text.js';
import { msg, SAMPLES } from '../../support/preview-samples.js';

async function both(raw: Buffer): Promise<string> {
  const mime = parseMessage(raw);
  const indexed = (await extractText(raw, mime)).preview;
  const onTheSpot = await messagePreview((s, e) => raw.subarray(s, e), mime);
  expect(onTheSpot).toBe(indexed);
  return indexed;
}


describe('RFC 8970 previews', () => {
  it('plain text: blanks collapsed and trimmed', async () => {
    expect(await both(SAMPLES.plain)).toBe('Hello there, how are you?');
  });

  it('HTML: no tags, no style, entities undone', async () => {
    const p = await both(SAMPLES.html);
    expect(p).toBe('Café & crème <not a tag> 😀');
  });

  it('multipart/alternative: the text/plain alternative', async () => {
    expect(await both(SAMPLES.alternative)).toBe('the plain version');
  });

  it('quoted-printable in its charset, soft line breaks joined', async () => {
    expect(await both(SAMPLES.qp)).toBe('Grüße aus Köln, ein sehr langer Satz mit weichem Zeilenumbruch.');
  });

  it('a message with attachments only has the empty preview', async () => {
    expect(await both(SAMPLES.attachmentOnly)).toBe('');
  });

  it('a long text is cut at 256 characters, never inside a surrogate pair', async () => {
    // 255 ASCII characters, then emoji: the 256th character is a whole pair (2 UTF-16 units).
    const text = `${'a'.repeat(255)}${'😀'.repeat(300)}`;
    const p = await both(msg(['Subject: long', 'Content-Type: text/plain; charset=utf-8', '', text, '']));
    expect([...p]).toHaveLength(PREVIEW_CHARS);
    expect(p.endsWith('a😀')).toBe(true);
    expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
  });

  it('previewOf: at most 256 code points, no lone surrogate, no blank run, no leading or trailing blank (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(' ', '\n', '\t', '\r', '\0', '\u00a0', '\uD83D', '\uDE00', '😀', 'é'), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 3000 }), (s) => {
        const p = previewOf(s);
        expect([...p].length).toBeLessThanOrEqual(PREVIEW_CHARS);
        expect(p).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        expect(p).not.toMatch(/[\s\p{Cc}]{2}|^[\s\p{Cc}]|[\s\p{Cc}]$|[^\S ]|\p{Cc}/u);
        // Everything kept is the start of the collapsed text.
        const flat = s.replace(/[\s\p{Cc}]+/gu, ' ').trim();
        if (!/[\uD800-\uDFFF]/.test(s)) expect(flat.startsWith(p)).toBe(true);
        if ([...flat].length <= PREVIEW_CHARS && !/[\uD800-\uDFFF]/.test(s)) expect(p).toBe(flat);
      }),
      { numRuns: 300 },
    );
  });
});
