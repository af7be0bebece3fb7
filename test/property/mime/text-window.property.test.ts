// extractText of large text parts (issue 12 item 13; SPEC R7.4): the ASCII shortcut, which reads only the first
// MAX_TEXT_CHARS octets of a plain part, and the ranged reader used for chunked bodies, give the same text as
// decoding the whole window of MAX_TEXT_CHARS x 12 octets from the whole message in memory (the reference).
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/mime/header.js';
import { parseMessage } from '../../../src/mime/parse.js';
import { extractText, MAX_TEXT_CHARS } from '../../../src/mime/text.js';

const HEADER_CHARSETS = [null, 'us-ascii', 'utf-8', 'UTF8', 'iso-8859-1', 'utf-16le'];
const ENCODINGS = [null, '7bit', '8bit', 'binary'];

/** The text with each lone surrogate (a UTF-16 code unit without its pair) as U+FFFD. */
const wellFormed = (text: string): string => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/**
 * The text of a one-part text/plain message decoded whole, without the shortcut: without a charset (or with
 * US-ASCII) UTF-8 when the octets are UTF-8 and ISO-8859-1 as libmime reads it (0x80 is €) otherwise. A UTF-16
 * code unit left without its pair (a lone surrogate, as an odd octet of UTF-16 at the end can make) is U+FFFD, as
 * mailparser decodes it: the indexed text is always well-formed.
 */
function reference(raw: Buffer, bodyStart: number, charset: string | null): string {
  const window = raw.subarray(bodyStart, bodyStart + MAX_TEXT_CHARS * 12);
  const guessed = charset === null || charset === 'us-ascii';
  const text = guessed ? (isUtf8(window) ? window.toString('utf8') : decodeText(window, 'iso-8859-1')) : decodeText(window, charset);
  return wellFormed(text).slice(0, MAX_TEXT_CHARS).replace(/\r\n?/g, '\n');
}

describe('extractText of a large plain text part', () => {
  it('equals the whole-window decoding, in memory and read by range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...HEADER_CHARSETS),
        fc.constantFrom(...ENCODINGS),
        fc.integer({ min: MAX_TEXT_CHARS - 3, max: MAX_TEXT_CHARS + 3 }),
        fc.uint8Array({ minLength: 0, maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        async (charset, encoding, asciiLength, tail, highAt) => {
          const head = [
            'Subject: t',
            `Content-Type: text/plain${charset === null ? '' : `; charset=${charset}`}`,
            ...(encoding === null ? [] : [`Content-Transfer-Encoding: ${encoding}`]),
            '',
            '',
          ].join('\r\n');
          const body = Buffer.alloc(asciiLength, 0x61);
          for (let i = 77; i < asciiLength; i += 78) body[i] = 0x0a;
          if (highAt > 0 && asciiLength > highAt * 1000) body[asciiLength - highAt * 1000] = 0xc3; // a non-ASCII octet inside
          const raw = Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from(tail)]);
          const mime = parseMessage(raw);
          const expected = reference(raw, mime.root.bodyStart, charset);
          expect((await extractText(raw, mime)).body).toBe(expected);
          expect((await extractText((s, e) => Buffer.from(raw.subarray(s, e)), mime)).body).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
