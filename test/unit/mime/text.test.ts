// Decoded text for SEARCH BODY / TEXT (RFC 9051 §6.4.4, SPEC R7.4): transfer encodings, charsets, HTML,
// RFC 2047 header values, encapsulated messages, the size bound.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/mime/parse.js';
import { decodeQuotedPrintable, extractText, htmlToText, MAX_TEXT_CHARS } from '../../../src/mime/text.js';

const text = (raw: string | Buffer) => {
  const buf = typeof raw === 'string' ? Buffer.from(raw.replace(/\n/g, '\r\n'), 'latin1') : raw;
  return extractText(buf, parseMessage(buf));
};

describe('extractText', () => {
  it('decodes RFC 2047 header values and keeps field names', () => {
    const t = text('Subject: =?UTF-8?Q?Caf=C3=A9?= =?ISO-8859-1?B?6Q==?=\nFrom: =?utf-8?b?SsO8cmdlbg==?= <j@x>\n\nbody\n');
    expect(t.header).toBe('subject: Caféé\nfrom: Jürgen <j@x>');
    expect(t.body).toBe('body\n');
  });

  it('undoes base64 and quoted-printable and converts charsets to UTF-8', () => {
    const t = text(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe, so=\nft\n' +
        '--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' +
        Buffer.from('Köln ist schön').toString('base64') +
        '\n--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\naGlkZGVu\n--b--\n',
    );
    expect(t.body).toBe('Grüße, soft\nKöln ist schön');
  });

  it('reduces HTML to its text', () => {
    const t = text('Content-Type: text/html\n\n<html><style>p{}</style><p>Tom &amp; <b>Jerry</b>&#33;</p><!-- hidden --></html>\n');
    expect(t.body.trim()).toBe('Tom & Jerry!');
    expect(htmlToText('a<br>b&nbsp;&unknown; <b>J</b>erry')).toBe('a b &unknown; Jerry');
  });

  it('includes the header and text of an encapsulated message in the body', () => {
    const t = text('Subject: outer\nContent-Type: message/rfc822\n\nSubject: =?utf-8?q?inn=C3=A9r?=\n\ninner text\n');
    expect(t.header).toBe('subject: outer\ncontent-type: message/rfc822');
    expect(t.body).toBe('subject: innér\ninner text\n');
  });

  it('reads 8-bit text without a charset as UTF-8, or Latin-1 when it is not UTF-8', () => {
    expect(text(Buffer.from('\r\nstraße\r\n')).body).toBe('straße\n');
    expect(text(Buffer.from([0x0d, 0x0a, 0x66, 0xfc, 0x72])).body).toBe('für');
  });

  it('bounds the text per message', () => {
    const big = Buffer.from(`\r\n${'x'.repeat(MAX_TEXT_CHARS + 1000)}`);
    expect(text(big).body.length).toBe(MAX_TEXT_CHARS);
  });
});

describe('decodeQuotedPrintable', () => {
  it('decodes escapes, removes soft breaks, keeps malformed escapes', () => {
    expect(decodeQuotedPrintable(Buffer.from('a=3Db=\r\nc=\nd=ZZ=4')).toString('latin1')).toBe('a=bcd=ZZ=4');
  });
});
