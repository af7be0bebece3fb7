// Property test of the trace prefix (SPEC R1.7, R2.4; RFC 5322 §2.2, §2.2.3): whatever bytes a message starts
// with (WSP, bare CR or LF, NUL, no header at all, 8-bit, colons), the stored copy's first fields are exactly the
// fields we prepended, for a strict reader and for a lenient one that drops NUL and ends lines at a lone CR.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHeaderBlock } from '../../../src/delivery/header-block.js';
import { prepareIngest, type IngestOptions } from '../../../src/delivery/ingest.js';
import { emptyResolver } from '../../support/server.js';

const OPTIONS: IngestOptions = {
  authservId: 'mail.example.net',
  internalIds: [],
  removeForeign: false,
  trustedClient: false,
  hostname: 'mail.example.net',
  client: { helo: 'client.example', ip: '192.0.2.9', hostname: null },
  tls: null,
  authenticated: false,
  mailFrom: 'a@example.org',
  smtpAuth: null,
  queueId: 'Q1',
  date: new Date('2024-03-05T14:03:09Z'),
  verify: { enabled: false, resolver: emptyResolver, timeoutMs: 100, clientIp: null, helo: null },
};

const byte = fc.oneof(
  fc.constantFrom(0x20, 0x09, 0x0d, 0x0a, 0x00, 0x3a, 0x2e, 0x41, 0x61, 0x2d, 0xa0, 0xfe, 0xff),
  fc.integer({ min: 0, max: 255 }),
);
const piece = fc.oneof(
  fc.array(byte, { maxLength: 12 }).map((a) => Buffer.from(a)),
  fc.constantFrom(' X-Injected: evil', '\tfor <ceo@example.org>;', 'Subject: s', '\r\n', '\n', '\r', '\r\n\r\n', ':', '\u0000 ').map((s) => Buffer.from(s, 'latin1')),
);
const message = fc.array(piece, { maxLength: 10 }).map((parts) => Buffer.concat(parts));

/** Unfolded fields of a lenient reader: NUL dropped, CRLF, CR and LF all end a line, WSP lines fold. */
function lenientFields(text: string): string[] {
  const fields: string[] = [];
  for (const line of text.replace(/\u0000/g, '').split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  return fields;
}

describe('our prepended fields stay whole (R1.7)', () => {
  it('for any message start, strict and lenient readers see exactly our fields first', async () => {
    await fc.assert(
      fc.asyncProperty(message, async (raw) => {
        const prepared = await prepareIngest(raw, OPTIONS);
        if (!prepared.ok) return;
        const prefix = prepared.prefixFor('bob@example.net');
        const stored = Buffer.concat([prefix, prepared.body]);
        const ours = parseHeaderBlock(prefix).fields.map((f) => f.raw.toString('latin1'));
        expect(ours.map((f) => f.split(':')[0])).toEqual(['Return-Path', 'Delivered-To', 'Authentication-Results', 'Received']);

        const strict = parseHeaderBlock(stored).fields.slice(0, ours.length).map((f) => f.raw.toString('latin1'));
        expect(strict).toEqual(ours);

        const unfold = (f: string) => f.replace(/\r\n/g, '');
        const lenient = lenientFields(stored.toString('latin1')).slice(0, ours.length);
        expect(lenient).toEqual(ours.map(unfold));

        // The byte after our fields never continues a field: it starts a field name or the blank line.
        const next = prepared.body[0];
        if (next !== undefined) expect(next === 0x0d || (next > 0x20 && next < 0x7f && next !== 0x3a)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
