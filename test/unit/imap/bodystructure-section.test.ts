// BODY[section] ranges (RFC 9051 §6.4.5), HEADER.FIELDS filtering, BODY (non-extended) and UTF8=ACCEPT
// rendering (RFC 6855 §3) of the MIME model.
import { describe, expect, it } from 'vitest';
import { renderBody, renderBodyBasic, renderBodyStructure } from '../../../src/imap/protocol/bodystructure.js';
import { filterHeader, findPart, sectionRange } from '../../../src/imap/protocol/section.js';
import type { Section } from '../../../src/imap/protocol/types.js';
import { parseMessage } from '../../../src/mime/parse.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'), 'utf8');
const PREFIX = crlf('Delivered-To: u@x\n');
const BODY = crlf(
  'Subject: top\nContent-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\nfirst\n' +
    '--o\nContent-Type: message/rfc822\n\nSubject: inner\nContent-Type: multipart/alternative; boundary=i\n\n' +
    '--i\n\nalt one\n--i\nContent-Type: text/html\n\n<p>two</p>\n--i--\n' +
    '--o\nContent-Type: message/rfc822\n\nSubject: single\n\nsingle body\n--o--\n',
);
const served = Buffer.concat([PREFIX, BODY]);
const message = parseMessage(BODY);
const sec = (part: number[], text: Section['text'] = null, fields: string[] = []): string => {
  const r = sectionRange(message, { part, text, fields }, PREFIX.length);
  return served.subarray(r.start, r.end).toString('utf8');
};

describe('sectionRange', () => {
  it('serves the whole message and its header with the trace prefix', () => {
    expect(sec([])).toBe(served.toString('utf8'));
    expect(sec([], 'HEADER')).toBe('Delivered-To: u@x\r\nSubject: top\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n');
    expect(sec([], 'TEXT').startsWith('--o\r\n')).toBe(true);
  });

  it('resolves numbered parts, MIME headers and parts inside an encapsulated message', () => {
    expect(sec([1])).toBe('first');
    expect(sec([1], 'MIME')).toBe('Content-Type: text/plain\r\n\r\n');
    expect(sec([2], 'HEADER')).toBe('Subject: inner\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n');
    expect(sec([2, 1])).toBe('alt one');
    expect(sec([2, 2])).toBe('<p>two</p>');
    expect(sec([2, 2], 'MIME')).toBe('Content-Type: text/html\r\n\r\n');
    expect(sec([2], 'TEXT').startsWith('--i\r\n')).toBe(true);
  });

  it('treats part 1 of a single-part message as its body', () => {
    expect(sec([3, 1])).toBe('single body');
    expect(sec([3], 'TEXT')).toBe('single body');
    expect(sec([1, 1])).toBe(''); // a leaf has no part 1 below it (issue 13 item 17, as Dovecot)
    const single = parseMessage(crlf('Subject: s\n\nonly\n'));
    const r = sectionRange(single, { part: [1], text: null, fields: [] });
    expect(r).toEqual({ start: 14, end: 20 });
    expect(findPart(single, [2])).toBeNull();
    expect(sectionRange(single, { part: [1, 1], text: null, fields: [] })).toEqual({ start: 0, end: 0 });
  });

  it('gives an empty range for sections that do not exist', () => {
    for (const [part, text] of [[[4], null], [[1], 'HEADER'], [[1], 'TEXT'], [[], 'MIME'], [[2, 3], null], [[1, 2], null], [[0], null]] as const) {
      const r = sectionRange(message, { part: [...part], text, fields: [] }, PREFIX.length);
      expect(r.end - r.start, `${part.join('.')} ${text}`).toBe(0);
    }
  });
});

describe('filterHeader', () => {
  const header = crlf('Subject: a\n b\nTo: x@y\nX-Other: 1\nsubject: again\nno colon\n\n');

  it('keeps the named fields with their continuation lines, then the blank line', () => {
    expect(filterHeader(header, ['SUBJECT'], false).toString()).toBe('Subject: a\r\n b\r\nsubject: again\r\n\r\n');
    expect(filterHeader(header, ['subject', 'x-other'], true).toString()).toBe('To: x@y\r\n\r\n');
    expect(filterHeader(header, ['absent'], false).toString()).toBe('\r\n');
  });

  it('terminates a last field that had no line break', () => {
    expect(filterHeader(Buffer.from('A: 1'), ['a'], false).toString()).toBe('A: 1\r\n\r\n');
  });
});

describe('BODY and UTF8=ACCEPT rendering', () => {
  it('omits extension data in BODY and keeps the encapsulated structure', () => {
    expect(renderBodyBasic(message.root).toString()).toBe(
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 5 0)' +
        '("message" "rfc822" NIL NIL NIL "7BIT" 132 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ' +
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 0)("text" "html" ("charset" "us-ascii") NIL NIL "7BIT" 10 0) "alternative") 10)' +
        '("message" "rfc822" NIL NIL NIL "7BIT" 30 (NIL "single" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 11 0) 2) "mixed")',
    );
  });

  it('sends decoded non-ASCII parameters as quoted UTF-8 when UTF8=ACCEPT is enabled', () => {
    const m = parseMessage(crlf("Content-Type: text/plain; name*=utf-8''%C3%A9.txt\nContent-Description: Grüße\n\nx"));
    expect(renderBody(m.root, { extended: false, utf8: true }).toString()).toBe('("text" "plain" ("name" "é.txt" "charset" "us-ascii") NIL "Grüße" "7BIT" 1 0)');
    expect(renderBody(m.root, { extended: false }).toString()).toBe(
      `("text" "plain" ("name*" "utf-8''%C3%A9.txt" "charset" "us-ascii") NIL {7}\r\nGrüße "7BIT" 1 0)`,
    );
  });

  it('keeps the name of a raw 8-bit parameter and sends its value as a literal (issue 13 item 12, as Dovecot)', () => {
    const m = parseMessage(crlf('Content-Type: application/pdf; name="été.pdf"\nContent-Disposition: attachment; filename="été.pdf"\n\nx'));
    expect(renderBodyStructure(m.root).toString('utf8')).toBe(
      '("application" "pdf" ("name" {9}\r\nété.pdf) NIL NIL "7BIT" 1 NIL ("attachment" ("filename" {9}\r\nété.pdf)) NIL NIL)',
    );
    expect(renderBodyStructure(m.root, true).toString('utf8')).toBe(
      '("application" "pdf" ("name" "été.pdf") NIL NIL "7BIT" 1 NIL ("attachment" ("filename" "été.pdf")) NIL NIL)',
    );
  });
});
