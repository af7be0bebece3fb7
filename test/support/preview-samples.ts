// Messages for the RFC 8970 PREVIEW tests (issue 15 item 6): one of each kind a preview has to handle, shared by
// the unit tests of src/mime/preview.ts and the wire transcripts of test/integration/imap/preview.test.ts.

export const msg = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

export const SAMPLES = {
  plain: msg(['Subject: plain', '', 'Hello   there,', '', '  how are\tyou?', '']),
  html: msg([
    'Subject: html',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><head><style>p { color: red }</style></head><body><p>Caf&eacute; &amp; <b>cr&egrave;me</b></p><p>&lt;not a tag&gt; &#x1F600;</p></body></html>',
    '',
  ]),
  alternative: msg([
    'Subject: alt',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="A"',
    '',
    '--A',
    'Content-Type: text/html',
    '',
    '<p>the html version</p>',
    '--A',
    'Content-Type: text/plain',
    '',
    'the plain version',
    '--A--',
    '',
  ]),
  qp: msg([
    'Subject: qp',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=FC=DFe aus K=F6ln, ein sehr langer Satz mit weichem Zeilen=',
    'umbruch.',
    '',
  ]),
  attachmentOnly: msg([
    'Subject: files',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="M"',
    '',
    '--M',
    'Content-Type: application/pdf',
    'Content-Disposition: attachment; filename="a.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    '--M',
    'Content-Type: text/plain',
    'Content-Disposition: attachment; filename="notes.txt"',
    '',
    'text in an attached file',
    '--M--',
    '',
  ]),
};
