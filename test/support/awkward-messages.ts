// A corpus of awkward messages for the ENVELOPE / BODY / BODYSTRUCTURE forms rendered at ingest (issue 17 item 2):
// the golden MIME fixtures plus messages on the encoders' edges (8-bit and encoded-word headers, RFC 2231 and raw
// 8-bit parameters, quoted-string limits, CR/LF/NUL in values, message/rfc822 and message/global, groups,
// empty and malformed MIME), and what FETCH rendered for each from the stored structure before issue 17.
import { readdirSync, readFileSync } from 'node:fs';
import { bodyText } from '../../src/imap/protocol/bodystructure.js';
import { envelopeText } from '../../src/imap/protocol/envelope.js';
import type { MessageForms } from '../../src/mime/render/forms.js';
import type { MimeMessage } from '../../src/mime/types.js';

const DIR = new URL('../fixtures/mime/', import.meta.url);

const crlf = (lines: string[]): string => lines.join('\r\n');

const AWKWARD: Record<string, string> = {
  'utf8-subject': crlf(['Subject: =?utf-8?B?w6l0w6kg5Lit5paH?=', 'From: =?utf-8?Q?J=C3=B6rg?= <j@example.org>', '', 'x', '']),
  'raw-8bit-headers': crlf(['Subject: été raw', 'From: Jörg <jörg@exämple.org>', 'To: "Zoë \\"Z\\"" <z@example.org>', '', 'x', '']),
  'long-subject': crlf([`Subject: ${'a'.repeat(1030)}`, '', 'x', '']),
  'long-utf8-subject': crlf([`Subject: =?utf-8?B?${Buffer.from('é'.repeat(520)).toString('base64')}?=`, '', 'x', '']),
  'quotes-backslash': crlf(['Subject: "quoted" \\ back\\slash', 'Message-ID: <a"b@x>', 'In-Reply-To: <c\\d@x>', '', 'x', '']),
  'encoded-newline': crlf(['Subject: =?utf-8?Q?line=0Dbreak=0Aand=00nul?=', '', 'x', '']),
  'params-2231': crlf([
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    "Content-Type: application/pdf; name*=utf-8''%C3%A9t%C3%A9.pdf",
    "Content-Disposition: attachment; filename*0*=utf-8''%E4%B8%AD; filename*1=.txt",
    'Content-Language: fr, en',
    'Content-Location: http://example.org/x',
    'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
    '',
    'x',
    '--b',
    'Content-Type: application/pdf; name="été.pdf"',
    'Content-Disposition: attachment; filename="été.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'AAAA',
    '--b--',
    '',
  ]),
  'message-global': crlf([
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: message/global',
    '',
    'Subject: 中文',
    'From: 用户@例子.广告',
    '',
    'inner',
    '--b',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner =?iso-8859-1?Q?caf=E9?=',
    'Content-Type: multipart/alternative; boundary=c',
    '',
    '--c',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'plain',
    '--c',
    'Content-Type: text/html',
    '',
    '<p>html</p>',
    '--c--',
    '--b--',
    '',
  ]),
  'groups-empty': crlf(['To: undisclosed-recipients:;', 'Cc: A Group: a@x, "B" <b@y>;, c@z', 'Bcc: <>', 'Reply-To: @route,@r2:user@host', '', 'x', '']),
  'empty': '',
  'headers-only': 'Subject: no body',
  'bare-lf': 'Subject: lf\nContent-Type: text/plain; charset="iso-8859-1"\n\nline\n',
  'bad-multipart': crlf(['Content-Type: multipart/mixed; boundary=', '', '--', '--', '']),
  'no-boundary-found': crlf(['Content-Type: multipart/mixed; boundary=zz', '', 'no parts here', '']),
  'binary-junk': '\x00\x01\xff\xfe: v\r\n\r\n\x80\x81',
  'latin1-body-8bit': crlf(['Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: 8bit', '', 'caf\xe9', '']),
};

/** The corpus: name and raw octets. */
export function awkwardCorpus(): Array<{ name: string; raw: Buffer }> {
  const fixtures = readdirSync(DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => ({ name: f.slice(0, -4), raw: readFileSync(new URL(f, DIR)) }));
  const awkward = Object.entries(AWKWARD).map(([name, text]) => ({ name: `awkward-${name}`, raw: Buffer.from(text, /[^\x00-\xff]/.test(text) ? 'utf8' : 'latin1') }));
  return [...fixtures, ...awkward];
}

/** What FETCH rendered from the stored structure before issue 17 item 2 (items.ts with the render cache). */
export function fetchTimeForms(mime: MimeMessage, utf8: boolean): MessageForms {
  return {
    envelope: envelopeText(mime.envelope, utf8),
    body: bodyText(mime.root, { extended: false, utf8 }),
    bodystructure: bodyText(mime.root, { extended: true, utf8 }),
  };
}
