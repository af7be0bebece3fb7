// Decoded text for SEARCH BODY / TEXT (RFC 9051 §6.4.4, SPEC R7.4): transfer encodings, charsets, HTML,
// RFC 2047 header values, encapsulated messages, the size bound.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/mime/parse.js';
import { extractText, MAX_TEXT_CHARS } from '../../../src/mime/text.js';
import { decodeQuotedPrintable } from '../../../src/mime/transfer.js';

const text = async (raw: string | Buffer) => {
  const buf = typeof raw === 'string' ? Buffer.from(raw.replace(/\n/g, '\r\n'), 'latin1') : raw;
  return extractText(buf, parseMessage(buf));
};

describe('extractText', () => {
  it('decodes RFC 2047 header values and keeps field names', async () => {
    const t = await text('Subject: =?UTF-8?Q?Caf=C3=A9?= =?ISO-8859-1?B?6Q==?=\nFrom: =?utf-8?b?SsO8cmdlbg==?= <j@x>\n\nbody\n');
    expect(t.header).toBe('subject: Caféé\nfrom: Jürgen <j@x>');
    expect(t.body).toBe('body\n');
  });

  it('undoes base64 and quoted-printable and converts charsets to UTF-8', async () => {
    const t = await text(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe, so=\nft\n' +
        '--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' +
        Buffer.from('Köln ist schön').toString('base64') +
        '\n--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\naGlkZGVu\n--b--\n',
    );
    expect(t.body).toBe('Grüße, soft\nKöln ist schön');
  });

  it('reduces HTML to its text', async () => {
    const t = await text('Content-Type: text/html\n\n<html><style>p{}</style><p>Tom &amp; <b>Jerry</b>&#33;</p><!-- hidden --></html>\n');
    expect(t.body.trim()).toBe('Tom & Jerry!');
  });

  it('includes the header and text of an encapsulated message in the body', async () => {
    const t = await text('Subject: outer\nContent-Type: message/rfc822\n\nSubject: =?utf-8?q?inn=C3=A9r?=\n\ninner text\n');
    expect(t.header).toBe('subject: outer\ncontent-type: message/rfc822');
    expect(t.body).toBe('subject: innér\ninner text\n');
  });

  it('reads 8-bit text without a charset as UTF-8, or Latin-1 when it is not UTF-8', async () => {
    expect((await text(Buffer.from('\r\nstraße\r\n'))).body).toBe('straße\n');
    expect((await text(Buffer.from([0x0d, 0x0a, 0x66, 0xfc, 0x72]))).body).toBe('für');
  });

  it('bounds the text per message', async () => {
    const big = Buffer.from(`\r\n${'x'.repeat(MAX_TEXT_CHARS + 1000)}`);
    expect((await text(big)).body.length).toBe(MAX_TEXT_CHARS);
  });
});

describe('decodeQuotedPrintable', () => {
  it('decodes escapes, removes soft breaks, keeps malformed escapes', async () => {
    expect(decodeQuotedPrintable(Buffer.from('a=3Db=\r\nc=\nd=ZZ=4')).toString('latin1')).toBe('a=bcd=ZZ=4');
  });
});

describe('extractText through mailparser (issue 14 items 1 and 2)', () => {
  it('removes a quoted-printable soft line break followed by white space', async () => {
    const t = await text('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nDonaudampfschiff= \nfahrtsgesellschaft =C3=A9t=C3=A9\n');
    expect(t.body).toContain('Donaudampfschifffahrtsgesellschaft été');
  });

  it('decodes every named and numeric HTML entity', async () => {
    const t = await text('Content-Type: text/html; charset=us-ascii\n\n<p>caf&eacute; in K&ouml;ln: 5&#8364; &#x263A; &hellip;</p>\n');
    expect(t.body).toContain('café in Köln: 5€ ☺ …');
  });

  it('rejoins format=flowed lines, deleting the stuffed space with delsp=yes', async () => {
    const t = await text('Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\nA phrase wrap \nped by the sen \nder.\n');
    expect(t.body).toContain('A phrase wrapped by the sender.');
    const plain = await text('Content-Type: text/plain; charset=utf-8; format=flowed\n\nA phrase \nwrapped.\n');
    expect(plain.body).toContain('A phrase wrapped.');
  });

  it('reads the text of a text part marked as an attachment, and of other text subtypes', async () => {
    const t = await text(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\nattached words\n' +
        '--b\nContent-Type: text/calendar; charset=utf-8\n\nSUMMARY:Caf=C3=A9\n--b--\n',
    );
    expect(t.body).toContain('attached words');
    expect(t.body).toContain('SUMMARY:Caf=C3=A9');
  });

  it('puts the headers of MIME parts and their decoded file names in the header text, not the body', async () => {
    const t = await text(
      'Subject: files\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhello\n' +
        '--b\nContent-Type: application/pdf; name="report.pdf"\nContent-Disposition: attachment;\n filename*0*=utf-8\'\'r%C3%A9sum;\n filename*1*=%C3%A9.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n' +
        '--b\nContent-Type: image/png; name="=?UTF-8?B?w5xiZXJzaWNodC5wbmc=?="\nContent-Transfer-Encoding: base64\n\naGlkZGVu\n--b--\n',
    );
    expect(t.header).toContain('report.pdf');
    expect(t.header).toContain('filename: résumé.pdf');
    expect(t.header).toContain('name: Übersicht.png');
    expect(t.header).toContain('content-type: image/png');
    expect(t.body).toBe('hello');
  });

  it('keeps what can be read of a part mailparser cannot read', async () => {
    const t = await text('Content-Type: text/plain; charset="x-unknown-charset"\nContent-Transfer-Encoding: x-bogus\n\nplain words\n');
    expect(t.body).toContain('plain words');
  });
});

describe('extractText of a large HTML part', () => {
  it('reads at most 2 M octets of it (html-to-text memory), and still finds its text', async () => {
    const para = '<p>words &amp; more words</p>\r\n';
    const raw = Buffer.from(`Content-Type: text/html\r\n\r\n${para.repeat(Math.ceil((5 * MAX_TEXT_CHARS) / para.length))}`);
    const read: number[] = [];
    const t = await extractText((s, e) => {
      read.push(e - s);
      return raw.subarray(s, e);
    }, parseMessage(raw));
    expect(Math.max(...read)).toBeLessThanOrEqual(2 * MAX_TEXT_CHARS);
    expect(t.body.slice(0, 40)).toContain('words & more words');
  });
});
