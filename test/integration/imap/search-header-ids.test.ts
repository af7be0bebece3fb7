// SEARCH HEADER over a real socket (RFC 9051 §6.4.4; SPEC R7.4; issue 13 item 7): `UID SEARCH HEADER Message-ID
// <id>` (Thunderbird, after each save to Sent or Drafts) is answered from the msg-id index without reading any
// message, keeps substring semantics for any other string, and reads right through trace prefixes and bodies
// indexed by an older version; a scan of a field the store does not keep yields to the event loop, so that
// another session's NOOP is answered while it runs.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { headerScanSlices, SCAN_SLICE } from '../../../src/imap/search/source.js';
import type { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { RawImap } from '../../support/imap-raw.js';
import { onPostgres, PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const N = 400;

let t: TestServer;
let store: SqliteStore;
let userId: number;
let c: RawImap;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  userId = await t.addUser('alice@example.org', 'pw-alice');
  store = t.server.store as SqliteStore;
  c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
}, 60_000);
afterAll(async () => {
  c.close();
  await t.stop();
});

/** The UIDs of a `* SEARCH` reply, ascending. */
async function search(criteria: string): Promise<number[]> {
  const r = await c.cmd(`UID SEARCH ${criteria}`);
  expect(r.tagged, criteria).toMatch(/^t\d+ OK/);
  const line = /^\* SEARCH(.*)$/m.exec(r.untagged);
  return (line?.[1] ?? '').trim().split(' ').filter((x) => x !== '').map(Number).sort((a, b) => a - b);
}

/** Message i's Message-ID field, written in the ways clients and MTAs write it. */
function messageIdField(i: number): string {
  switch (i % 4) {
    case 0:
      return `Message-ID: <msg-${i}@example.org>`;
    case 1:
      return `Message-Id:   <Msg-${i}@Example.ORG>   `; // spaces around, mixed case
    case 2:
      return `message-id:\r\n\t<msg-${i}@example.org>`; // folded
    default:
      return `MESSAGE-ID: <msg-${i}@example.org> (added by a gateway)`;
  }
}

describe('UID SEARCH HEADER Message-ID', () => {
  const box = 'Threads';
  let uidOf: (i: number) => number;

  beforeAll(async () => {
    const sent = await store.createMailbox(userId, box);
    const uids: number[] = [];
    for (let i = 1; i <= N; i++) {
      const refs = i > 1 ? `References: <msg-1@example.org>\r\n <msg-${i - 1}@example.org>\r\nIn-Reply-To: <msg-${i - 1}@example.org>\r\n` : '';
      const raw = `From: a@example.org\r\n${messageIdField(i)}\r\n${refs}Subject: n${i}\r\n\r\nbody ${i}\r\n`;
      uids.push((await store.append(userId, sent.id, { raw: Buffer.from(raw) })).uid);
    }
    uidOf = (i) => uids[i - 1]!;
    expect((await c.cmd(`SELECT ${box}`)).tagged).toMatch(/OK/);
  });

  it('finds the one message among many from the index, reading no message and listing only what may match', async () => {
    const reads = vi.spyOn(store, 'readMessage');
    const structures = vi.spyOn(store, 'messageStructures');
    const lists = vi.spyOn(store, 'searchListing');
    const metas = vi.spyOn(store, 'listMessages');
    try {
      for (const i of [1, 2, 3, 4, 137, N]) {
        expect(await search(`HEADER Message-ID <msg-${i}@example.org>`)).toEqual([uidOf(i)]);
        expect(await search(`HEADER MESSAGE-ID "<MSG-${i}@EXAMPLE.ORG>"`)).toEqual([uidOf(i)]);
      }
      expect(await search('HEADER Message-ID <nobody@example.org>')).toEqual([]);
      expect(await search(`HEADER In-Reply-To <msg-41@example.org>`)).toEqual([uidOf(42)]);
      expect(await search(`HEADER References <msg-41@example.org>`)).toEqual([uidOf(42)]);
      expect((await search(`HEADER References <msg-1@example.org>`)).length).toBe(N - 1);
      expect(await search(`NOT HEADER Message-ID <msg-7@example.org> UID ${uidOf(6)}:${uidOf(8)}`)).toEqual([uidOf(6), uidOf(8)]);
      expect(reads).not.toHaveBeenCalled();
      expect(structures).not.toHaveBeenCalled();
      expect(metas).not.toHaveBeenCalled(); // no key here needs a message's metadata
      // Every listing was confined to a few UIDs (References <msg-1> names all the others).
      const listed = lists.mock.calls.map(([, , ranges]) => (ranges ?? [{ from: 1, to: Infinity }]).reduce((n, r) => n + r.to - r.from + 1, 0));
      expect(listed.filter((n) => n > 3)).toEqual([N - 1]);
    } finally {
      reads.mockRestore();
      structures.mockRestore();
      lists.mockRestore();
      metas.mockRestore();
    }
  });

  it('keeps substring semantics for any other string (RFC 9051 §6.4.4)', async () => {
    const expected = (pred: (i: number) => boolean) => Array.from({ length: N }, (_, k) => k + 1).filter(pred).map(uidOf);
    expect(await search('HEADER Message-ID msg-13')).toEqual(expected((i) => String(i).startsWith('13')));
    expect(await search('HEADER Message-ID "msg-137@example.org>"')).toEqual([uidOf(137)]);
    expect(await search('HEADER Message-ID " <msg-5@example.org>"')).toEqual([]); // no value has the space
    expect(await search('HEADER Message-ID "<msg-3@example.org> (added"')).toEqual([uidOf(3)]);
    expect(await search('HEADER Message-ID ""')).toEqual(expected(() => true));
    expect(await search('HEADER Message-ID <msg-1')).toEqual(expected((i) => String(i).startsWith('1')));
  });
});

describe('HEADER Message-ID the index cannot answer alone', () => {
  it('reads a Message-ID in a trace prefix, and bodies indexed by an older version', async () => {
    const [delivered] = await store.deliver({
      body: Buffer.from('Message-ID: <body-id@example.org>\r\nSubject: p\r\n\r\nx\r\n'),
      recipients: [{ userId, prefix: Buffer.from('Return-Path: <s@example.net>\r\nMessage-ID: <trace-id@example.net>\r\n') }],
      internalDate: new Date(),
      requireTls: false,
      tlsRequiredNo: false,
      forgedFields: 0,
    });
    const [plain] = await store.deliver({
      body: Buffer.from('Message-ID: <plain-id@example.org>\r\n\r\nx\r\n'),
      recipients: [{ userId, prefix: Buffer.from('Return-Path: <s@example.net>\r\nReceived: from x\r\n\tby y\r\n') }],
      internalDate: new Date(),
      requireTls: false,
      tlsRequiredNo: false,
      forgedFields: 0,
    });
    const uid = (r: typeof delivered) => (r?.ok ? r.uid : 0);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
    expect(await search('HEADER Message-ID <trace-id@example.net>')).toEqual([uid(delivered)]);
    expect(await search('HEADER Message-ID <body-id@example.org>')).toEqual([uid(delivered)]);
    expect(await search('HEADER Message-ID <plain-id@example.org>')).toEqual([uid(plain)]);
    // As a body stored before the index: an older row and no index entries (SQLite's tables and versions).
    if (onPostgres) return;
    store.db.exec('DELETE FROM body_msg_ids; UPDATE body_search_fields SET version = 1');
    expect(await search('HEADER Message-ID <plain-id@example.org>')).toEqual([uid(plain)]);
    // That search stored the current rows again, index entries included.
    expect(store.db.prepare("SELECT COUNT(*) FROM body_msg_ids WHERE token = '<plain-id@example.org>'").pluck().get()).toBe(1);
    expect(await search('HEADER Message-ID <plain-id@example.org>')).toEqual([uid(plain)]);
  });
});

describe('a long HEADER scan of another field', () => {
  it("yields to the event loop: another session's NOOP is answered before the SEARCH completes", async () => {
    const big = await store.createMailbox(userId, 'Big');
    const count = SCAN_SLICE * 24;
    for (let i = 1; i <= count; i++) {
      await store.append(userId, big.id, { raw: Buffer.from(`Subject: b${i}\r\nX-Other: ${i === count ? 'needle' : 'hay'} ${i}\r\n\r\nx\r\n`) });
    }
    const b = await RawImap.open(t.port('imap'));
    try {
      expect((await b.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
      expect((await c.cmd('SELECT Big')).tagged).toMatch(/OK/);
      const before = headerScanSlices.count;
      c.write('s1 UID SEARCH HEADER X-Other needle\r\n');
      // Wait (bounded) until the scan has run its first slice, then ask B's NOOP.
      for (let k = 0; k < 100_000 && headerScanSlices.count === before; k++) await new Promise((r) => setImmediate(r));
      expect(headerScanSlices.count).toBeGreaterThan(before);
      expect((await b.cmd('NOOP')).tagged).toMatch(/OK/);
      const slicesAtNoop = headerScanSlices.count - before;
      expect(c.received).not.toContain('s1 OK');
      const reply = await c.reply('s1');
      expect(reply.tagged).toMatch(/^s1 OK/);
      expect(reply.untagged).toMatch(new RegExp(`^\\* SEARCH ${count}\\r?$`, 'm'));
      expect(headerScanSlices.count - before).toBe(24);
      expect(slicesAtNoop).toBeLessThan(24);
    } finally {
      b.close();
    }
  }, 60_000);
});
