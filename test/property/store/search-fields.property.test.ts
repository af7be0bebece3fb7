// searchFields (SPEC R7.4; migrations/0003) gives exactly what SEARCH read before it kept them per body: the
// searched fields of the served header (trace prefix and body header read as one, at most 256 KiB) decoded, and
// the day of the body's ENVELOPE date — for any prefix and any body, however malformed.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFields } from '../../../src/mime/header.js';
import { MAX_SEARCH_HEADER_BYTES, SEARCH_FIELD_NAMES, searchFieldValues, sentDay } from '../../../src/mime/header-search.js';
import type { MailboxInfo, SearchFieldName, User } from '../../../src/store/types.js';
import { CREDENTIALS, openFixture, type Fixture } from '../../unit/store/store-fixture.js';

const ALL: SearchFieldName[] = [...SEARCH_FIELD_NAMES];

/** Header-like lines: searched and other fields in any case, continuations, blank lines, odd octets. */
const line = fc.oneof(
  fc.constantFrom(
    'From: a@example.com',
    'from : =?utf-8?q?J=C3=B6rg?= <j@x>',
    'To: one@x',
    'TO: two@x',
    'Cc:',
    'bcc: hidden@x',
    'Subject: =?iso-8859-1?q?caf=E9?=',
    'SUBJECT: plain',
    'Date: Tue, 1 Jul 2003 10:52:37 +0200',
    'Date: 15 Mar 24',
    'Date: never',
    'Message-ID: <One@Example.org>',
    'message-id:<two@x> (comment)',
    'References: <a@x> <b@x>',
    'In-Reply-To: <b@x>',
    'Resent-To: r@x',
    'Received: from x by y',
    'Delivered-To: me',
    'X-Other: value',
    ' folded continuation',
    '\tTo: tabbed',
    '',
    '\u000bFrom: vertical-tab@x',
    '\u00e9From: latin1@x',
    'no colon at all',
    '\u0000To: nul@x',
  ),
  fc.string({ maxLength: 20 }),
);
/** Lines a trace prefix usually holds: mostly those, so that prefixes which leave the body's fields alone are common. */
const traceLine = fc.constantFrom('Return-Path: <s@x>', 'Message-Id: <trace@x>', 'Delivered-To: me', 'Received: from x', ' by y', '\tid z', 'X-Other: value');
const block = (lines: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(lines, { maxLength: 8 }), fc.constantFrom('\r\n', '\n', '\r'), fc.boolean())
    .map(([ls, nl, end]) => Buffer.from(ls.join(nl) + (end ? nl : ''), 'latin1'));
const prefixes = fc.oneof(
  block(line),
  block(fc.oneof({ arbitrary: traceLine, weight: 5 }, { arbitrary: line, weight: 1 })),
  // A first line with leading white space has no field to continue: it is a field of its own.
  fc.tuple(fc.constantFrom('\tTo: tabbed\r\n', ' From: spaced\n'), block(traceLine)).map(([first, rest]) => Buffer.concat([Buffer.from(first), rest])),
);
/** Body headers, often starting with a line that a prefix's last field would take as its continuation. */
const headers = fc
  .tuple(fc.constantFrom('', '\tTo: tabbed\r\n', ' From: spaced\n'), block(line))
  .map(([first, rest]) => Buffer.concat([Buffer.from(first, 'latin1'), rest]));

let fx: Fixture;
let alice: User;
let inbox: MailboxInfo;
beforeAll(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
  inbox = await fx.store.getMailbox(alice.id, 'INBOX');
});
afterAll(async () => {
  await fx.cleanup();
});

describe('searchFields', () => {
  it('equals the served header read and decoded, for any prefix and body', async () => {
    await fc.assert(
      fc.asyncProperty(prefixes, headers, async (prefix, header) => {
        const body = Buffer.concat([header, Buffer.from('\r\n\r\nbody\r\n')]);
        const [result] = await fx.store.deliver({
          body,
          recipients: [{ userId: alice.id, prefix }],
          internalDate: new Date(0),
          requireTls: false,
          tlsRequiredNo: false,
          forgedFields: 0,
        });
        const uid = result!.ok ? result!.uid : 0;
        const got = (await fx.store.searchFields(alice.id, inbox.id, [uid], ALL)).get(uid);
        // The reference: what src/imap/search/source.ts read before 0003.
        const s = (await fx.store.messageStructures(alice.id, inbox.id, [uid])).get(uid)!;
        const length = Math.min(s.prefixLength + s.mime.root.bodyStart, MAX_SEARCH_HEADER_BYTES);
        const served = await fx.store.readMessage(alice.id, inbox.id, uid, { offset: 0, length });
        expect(got?.values).toEqual(searchFieldValues(parseFields(served, 0, served.length, MAX_SEARCH_HEADER_BYTES)));
        expect(got?.sentDay).toEqual(sentDay(s.mime.envelope.date));
      }),
      { numRuns: 300 },
    );
  });
});
