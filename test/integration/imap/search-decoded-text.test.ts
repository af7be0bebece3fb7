// SEARCH BODY / TEXT finds what the reader sees (RFC 9051 §6.4.4; SPEC R7.4; issue 14 items 1–3), with imapflow
// over a real socket, on real-world messages (test/fixtures/search-text/): quoted-printable soft line breaks
// followed by white space, HTML with named and numeric entities (and lines html-to-text wraps), format=flowed
// with delsp=yes, attachment names in RFC 2231 and RFC 2047, decomposed (NFD) text and needles, CJK text,
// decomposed Hangul.
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;
const USER = 'seeker@example.org';
const PASS = 'pw-seeker';
const FIXTURES = ['decoy', 'qp-soft-break', 'html-entities', 'flowed-delsp', 'attachment-2231', 'attachment-2047', 'nfd-text', 'nfc-text', 'cjk', 'hangul-nfd'] as const;
type Fixture = (typeof FIXTURES)[number];

const nfd = (s: string) => s.normalize('NFD');

let t: TestServer;
let c: ImapFlow;
const uidOf = new Map<Fixture, number>();

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS });
  await t.addUser(USER, PASS);
  c = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: true, auth: { user: USER, pass: PASS }, tls: { rejectUnauthorized: false }, logger: false });
  await c.connect();
  for (const name of FIXTURES) {
    const appended = await c.append('INBOX', readFileSync(new URL(`../../fixtures/search-text/${name}.eml`, import.meta.url)));
    if (!appended || typeof appended.uid !== 'number') throw new Error(`APPEND of ${name} gave no UID`);
    uidOf.set(name, appended.uid);
  }
  await c.mailboxOpen('INBOX');
}, 60_000);
afterAll(async () => {
  await c?.logout();
  await t.stop();
});

async function found(query: Record<string, unknown>): Promise<Fixture[]> {
  const uids = (await c.search(query, { uid: true })) || [];
  return FIXTURES.filter((f) => uids.includes(uidOf.get(f) ?? -1));
}

describe('SEARCH BODY / TEXT on decoded text (imapflow)', () => {
  it('joins a quoted-printable soft line break followed by white space', async () => {
    expect(await found({ body: 'Donaudampfschifffahrtsgesellschaft' })).toEqual(['qp-soft-break']);
    expect(await found({ body: 'soft break is allowed' })).toEqual(['qp-soft-break']);
  });

  it('decodes named and numeric HTML entities and finds a phrase html-to-text wrapped', async () => {
    expect(await found({ body: 'café' })).toEqual(['html-entities', 'nfd-text']);
    expect(await found({ text: 'KÖLN' })).toEqual(['html-entities']);
    expect(await found({ body: 'Eintritt 5€' })).toEqual(['html-entities']);
    expect(await found({ body: 'Der Satz ueber die Zeilengrenze hinweg endet hier' })).toEqual(['html-entities']);
    expect(await found({ body: 'color: red' })).toEqual([]);
  });

  it('rejoins format=flowed; delsp=yes text', async () => {
    expect(await found({ body: 'were re-conciled by the treasury department last week' })).toEqual(['flowed-delsp']);
  });

  it('finds attachment names with TEXT, RFC 2231 and RFC 2047 encoded ones included, but not with BODY', async () => {
    expect(await found({ text: 'report.pdf' })).toEqual(['attachment-2231']);
    expect(await found({ text: 'Lebenslauf résumé.pdf' })).toEqual(['attachment-2231']);
    expect(await found({ text: 'Übersicht Quartal.xlsx' })).toEqual(['attachment-2047']);
    expect(await found({ text: 'jahresübersicht.xlsx' })).toEqual(['attachment-2047']);
    expect(await found({ body: 'report.pdf' })).toEqual([]);
    expect(await found({ body: 'résumé.pdf' })).toEqual([]);
  });

  it('compares composed and decomposed text alike, in bodies and header fields', async () => {
    expect(await found({ body: 'café crème' })).toEqual(['nfd-text']);
    expect(await found({ body: nfd('ÉTAIT DÉLICIEUX, ZOË') })).toEqual(['nfd-text']);
    expect(await found({ body: nfd('naïve à Noël') })).toEqual(['nfc-text']);
    expect(await found({ text: nfd('réponse') })).toEqual(['nfc-text']);
    expect(await found({ body: 'ñ' })).toEqual([]); // below a trigram: still a substring check
    expect(await found({ body: nfd('ë.') })).toEqual(['nfd-text']);
    expect(await found({ body: 'ï' })).toEqual(['nfc-text']);
  });

  it('finds CJK text, below and above a trigram', async () => {
    expect(await found({ body: '天気' })).toEqual(['cjk']);
    expect(await found({ body: '天気予報' })).toEqual(['cjk']);
    expect(await found({ body: 'メールを検索' })).toEqual(['cjk']);
    expect(await found({ subject: '天気' })).toEqual(['cjk']);
    expect(await found({ text: '天気' })).toEqual(['cjk']);
    expect(await found({ body: '大阪' })).toEqual([]);
  });

  it('finds decomposed Hangul (as macOS writes file names) with a composed needle', async () => {
    expect(await found({ body: '보고서' })).toEqual(['hangul-nfd']);
    expect(await found({ body: '회의' })).toEqual(['hangul-nfd']);
    expect(await found({ text: '분기보고서.pdf' })).toEqual(['hangul-nfd']);
  });
});
