// THREAD answers from the service's ThreadCache equal a fresh computation (RFC 5256 §3-§4; issue 15 item 4):
// a seeded random sequence of arrivals (replies to earlier messages, new threads, duplicate Message-IDs),
// expunges and flag changes by a second session, with THREAD by UID and by number, both algorithms, over all
// messages and over a subset, each asked twice (the second from the cache) and compared with the threads the
// pure algorithm makes from the store's keys at that moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatThreads, orderedSubject, referencesThreads } from '../../../src/imap/sort/threads.js';
import type { SortItem } from '../../../src/imap/sort/order.js';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let a: RawImap;
let b: RawImap;
let userId: number;

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  userId = await t.addUser('thread@example.org', 'pw-thread');
  a = await RawImap.open(t.port('imap'));
  b = await RawImap.open(t.port('imap'));
  for (const c of [a, b]) {
    expect((await c.cmd('LOGIN thread@example.org pw-thread')).tagged).toMatch(/OK/);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
  }
}, 60_000);
afterAll(async () => {
  a?.close();
  b?.close();
  await t.stop();
});

async function append(header: string): Promise<void> {
  const octets = Buffer.from(`${header}\r\nbody\r\n`);
  const tag = b.nextTag();
  b.write(Buffer.concat([Buffer.from(`${tag} APPEND INBOX {${octets.length}+}\r\n`), octets, Buffer.from('\r\n')]));
  expect((await b.reply(tag)).tagged).toMatch(/ OK /);
}

/** The `* THREAD` line's data of a command, as session a gets it. */
async function threadData(command: string): Promise<string> {
  const r = await a.cmd(command);
  expect(r.tagged).toMatch(/ OK /);
  const line = r.untagged.split('\r\n').find((l) => l.startsWith('* THREAD')) ?? '';
  return line.replace(/^\* THREAD ?/, '');
}

/** The threads of the given UIDs (all when null) as the pure algorithm makes them from the store's keys now. */
async function expected(algorithm: 'REFERENCES' | 'ORDEREDSUBJECT', byUid: boolean, only: ReadonlySet<number> | null): Promise<string> {
  const mailbox = await t.server.store.getMailbox(userId, 'INBOX');
  const all = await t.server.store.listUids(userId, mailbox.id);
  if (all.length === 0) return '';
  const rows = await t.server.store.sortKeys(userId, mailbox.id, { from: all[0]!, to: all[all.length - 1]! }, ['thread']);
  const items: SortItem[] = rows
    .filter((r) => only === null || only.has(r.uid))
    .map((r) => ({ uid: r.uid, seq: all.indexOf(r.uid) + 1, keys: r.keys, arrival: r.internalDate, size: r.size }));
  const threads = algorithm === 'REFERENCES' ? referencesThreads(items) : orderedSubject(items);
  return formatThreads(threads, (m) => (byUid ? m.uid : m.seq));
}

describe('THREAD through the cache (RFC 5256)', () => {
  it('answers as a fresh computation across arrivals, expunges and flag changes (seeded)', async () => {
    const random = rng(0x7ead);
    const subjects = ['Plans', 'Re: Plans', 'Lunch', 'Fwd: Lunch', 'Budget', '[team] Re: Budget', ''];
    const ids: string[] = [];
    let n = 0;
    const arrive = async (): Promise<void> => {
      n++;
      const reply = ids.length > 0 && random() < 0.6 ? ids[Math.floor(random() * ids.length)]! : null;
      // Now and then a Message-ID an earlier message has (RFC 5256 §3 step 1A) or none.
      const roll = random();
      const id = roll < 0.1 && ids.length > 0 ? ids[0]! : roll < 0.15 ? null : `<m${n}@thread.test>`;
      if (id !== null && !ids.includes(id)) ids.push(id);
      const day = 1 + Math.floor(random() * 28);
      await append(
        [
          `Subject: ${subjects[Math.floor(random() * subjects.length)]}`,
          `Date: ${String(day).padStart(2, '0')} Mar 2024 10:00:00 +0000`,
          ...(id === null ? [] : [`Message-ID: ${id}`]),
          ...(reply === null ? [] : [`In-Reply-To: ${reply}`, `References: ${reply}`]),
        ].join('\r\n') + '\r\n',
      );
    };
    for (let i = 0; i < 12; i++) await arrive();
    for (let round = 0; round < 14; round++) {
      const op = random();
      if (op < 0.45) for (let k = 1 + Math.floor(random() * 3); k > 0; k--) await arrive();
      else if (op < 0.75) {
        const uids = (await b.cmd('UID SEARCH ALL')).untagged.match(/\d+/g)?.map(Number) ?? [];
        const victim = uids[Math.floor(random() * uids.length)];
        if (victim !== undefined) {
          expect((await b.cmd(`UID STORE ${victim} +FLAGS.SILENT (\\Deleted)`)).tagged).toMatch(/OK/);
          expect((await b.cmd(`UID EXPUNGE ${victim}`)).tagged).toMatch(/OK/);
        }
      } else expect((await b.cmd('STORE 1:* FLAGS.SILENT (\\Seen)')).tagged).toMatch(/OK/);
      expect((await a.cmd('NOOP')).tagged).toMatch(/OK/); // a's view catches up: numbers as the store's
      const lunch = new Set((await a.cmd('UID SEARCH SUBJECT lunch')).untagged.match(/\d+/g)?.map(Number) ?? []);
      for (const algorithm of ['REFERENCES', 'ORDEREDSUBJECT'] as const) {
        for (const byUid of [true, false]) {
          const prefix = byUid ? 'UID THREAD' : 'THREAD';
          const want = await expected(algorithm, byUid, null);
          for (let again = 0; again < 2; again++) expect(await threadData(`${prefix} ${algorithm} UTF-8 ALL`)).toBe(want);
          const wantLunch = await expected(algorithm, byUid, lunch);
          for (let again = 0; again < 2; again++) expect(await threadData(`${prefix} ${algorithm} UTF-8 SUBJECT lunch`)).toBe(wantLunch);
        }
      }
    }
  }, 120_000);
});
