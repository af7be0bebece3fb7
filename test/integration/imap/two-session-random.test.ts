// Randomised two-session IMAP test (issue 13, "Done means"): over real sockets, session A changes one mailbox
// (STORE ± flags and new keywords, .SILENT or not, EXPUNGE, UID EXPUNGE, APPEND, MOVE away; a third session
// appends from outside) while session B watches it (NOOP, IDLE, FETCH, SEARCH). After every step each
// session's view — rebuilt only from the untagged responses, as a client does — is compared with the store:
// sequence map, flags and keywords, keywords declared by `* FLAGS` before use, and \Recent owned by exactly one
// session (RFC 3501 §2.3.2). Seeded (POSTERN_RANDOM_SEED adds a seed) and bounded in steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { ClientViewModel, searchResult } from '../../support/imap-view-model.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const STEPS = 60;
const SEEDS = [1, 2, 3, ...(process.env.POSTERN_RANDOM_SEED ? [Number(process.env.POSTERN_RANDOM_SEED)] : [])];

/** mulberry32: small, seedable, good enough to pick test actions. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let t: TestServer;
let userId = 0;

beforeAll(async () => {
  t = await startTestServer({
    listeners: 'listeners:\n  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }\n',
    auth: PLAINTEXT_AUTH,
  });
  userId = await t.addUser('rand@example.org', 'pw-rand');
}, 60_000);
afterAll(() => t.stop());

async function login(): Promise<RawImap> {
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN rand@example.org pw-rand')).tagged).toMatch(/^\S+ OK/);
  return c;
}

function message(n: number): string {
  return `From: r${n}@example.org\r\nSubject: random ${n}\r\nMessage-ID: <r${n}@example.org>\r\n\r\nbody ${n}\r\n`;
}

async function append(c: RawImap, box: string, n: number, flags: string[]): Promise<void> {
  const msg = message(n);
  const tag = c.nextTag();
  c.write(`${tag} APPEND ${box} (${flags.join(' ')}) {${msg.length}+}\r\n${msg}\r\n`);
  const r = await c.reply(tag);
  expect(r.tagged).toMatch(/ OK/);
}

describe('two sessions, randomised (issue 13)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: each client's view matches the store after every step`, async () => {
      const random = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const box = `Rand${seed}`;
      const outside = await login();
      expect((await outside.cmd(`CREATE ${box}`)).tagged).toMatch(/OK/);
      expect((await outside.cmd(`CREATE ${box}-away`)).tagged).toMatch(/OK/);
      let made = 0;
      for (let k = 0; k < 6; k++) await append(outside, box, ++made, k % 2 === 0 ? ['\\Seen'] : []);
      const mailbox = await t.server.store.getMailbox(userId, box);

      const a = await login();
      const b = await login();
      const ma = new ClientViewModel('A');
      const mb = new ClientViewModel('B');
      // A selects first: the mail that arrived while nobody had the mailbox open is recent to A alone.
      for (const [c, m] of [[a, ma], [b, mb]] as const) {
        const r = await c.cmd(`SELECT ${box}`);
        expect(r.tagged).toMatch(/OK/);
        m.apply(r.untagged);
      }
      const keywords = ['$Label1', '$Work', 'Junk', 'NonJunk'];
      const systemFlags = ['\\Seen', '\\Flagged', '\\Answered', '\\Deleted', '\\Draft'];
      const log: string[] = [];

      /** NOOP, then FETCH 1:* (UID FLAGS); compares the view with the store before and after the FETCH. */
      const sync = async (c: RawImap, m: ClientViewModel): Promise<void> => {
        m.apply((await c.cmd('NOOP')).untagged);
        const stored = await t.server.store.listMessages(userId, mailbox.id);
        const storedUids = stored.map((s) => s.uid);
        expect(m.length, `${log.join('\n')}\nmessage count`).toBe(storedUids.length);
        // What the client already knew must be right before it asks again (unsolicited updates were complete).
        m.uids().forEach((uid, i) => {
          if (uid !== null) expect(uid, `${log.join('\n')}\nseq ${i + 1}`).toBe(storedUids[i]);
        });
        const known = m.storedFlags();
        for (const s of stored) {
          if (known.has(s.uid) && m.entries.find((e) => e.uid === s.uid)?.flags !== null) {
            expect(known.get(s.uid), `${log.join('\n')}\nflags of UID ${s.uid}`).toEqual([...s.flags].sort());
          }
        }
        if (m.length > 0) {
          const r = await c.cmd('FETCH 1:* (UID FLAGS)');
          expect(r.tagged).toMatch(/OK/);
          m.apply(r.untagged);
        }
        expect(m.uids()).toEqual(storedUids);
        const now = m.storedFlags();
        for (const s of stored) expect(now.get(s.uid), `flags of UID ${s.uid}`).toEqual([...s.flags].sort());
        // SEARCH RECENT names exactly the messages the session shows as \Recent.
        const recent = searchResult((await c.cmd('SEARCH RECENT')).untagged);
        const expected = m.entries.flatMap((e, i) => (e.flags?.has('\\Recent') ? [i + 1] : []));
        expect(recent.sort((x, y) => x - y)).toEqual(expected);
      };

      for (const [c, m] of [[a, ma], [b, mb]] as const) await sync(c, m); // both clients learn the UIDs first
      for (let step = 0; step < STEPS; step++) {
        // Session A changes the mailbox.
        const action = random();
        const seq = ma.length === 0 ? 0 : 1 + Math.floor(random() * ma.length);
        if (action < 0.4 && seq > 0) {
          const sign = random() < 0.7 ? '+' : '-';
          const silent = random() < 0.4 ? '.SILENT' : '';
          const flag = random() < 0.5 ? pick(systemFlags) : random() < 0.3 ? `kw${seed}x${step}` : pick(keywords);
          const uid = random() < 0.5;
          const target = uid ? ma.entries[seq - 1]!.uid! : seq;
          const command = `${uid ? 'UID ' : ''}STORE ${target} ${sign}FLAGS${silent} (${flag})`;
          log.push(`A: ${command}`);
          const r = await a.cmd(command);
          expect(r.tagged).toMatch(/OK/);
          ma.apply(r.untagged);
          const entry = ma.entries[seq - 1]!;
          // A client applies its own silent change itself (RFC 3501 §6.4.6).
          if (silent && entry.flags) sign === '+' ? entry.flags.add(flag) : entry.flags.delete(flag);
        } else if (action < 0.5) {
          log.push('A: EXPUNGE');
          const r = await a.cmd(random() < 0.5 ? 'EXPUNGE' : 'UID EXPUNGE 1:*');
          expect(r.tagged).toMatch(/OK/);
          ma.apply(r.untagged);
        } else if (action < 0.65) {
          const flags = [random() < 0.5 ? '\\Seen' : '', random() < 0.3 ? pick(keywords) : '', random() < 0.2 ? `kw${seed}y${step}` : ''].filter((f) => f);
          log.push(`A: APPEND (${flags.join(' ')})`);
          const msg = message(++made);
          const r = await a.cmd(`APPEND ${box} (${flags.join(' ')}) {${msg.length}+}\r\n${msg}`);
          expect(r.tagged).toMatch(/OK/);
          ma.apply(r.untagged);
        } else if (action < 0.8) {
          log.push('outside: APPEND');
          await append(outside, box, ++made, random() < 0.5 ? [pick(keywords)] : []);
        } else if (seq > 0) {
          log.push(`A: MOVE ${seq}`);
          const r = await a.cmd(`MOVE ${seq} ${box}-away`);
          expect(r.tagged).toMatch(/OK/);
          ma.apply(r.untagged);
        }

        // Session B watches.
        const watch = random();
        if (watch < 0.25) {
          log.push('B: NOOP');
          mb.apply((await b.cmd('NOOP')).untagged);
        } else if (watch < 0.5) {
          log.push('B: IDLE');
          const tag = b.nextTag();
          b.write(`${tag} IDLE\r\n`);
          const { before, line } = await b.untilLine((l) => l.startsWith('+'));
          expect(line).not.toBeNull();
          mb.apply(before);
          b.write('DONE\r\n');
          const r = await b.reply(tag);
          expect(r.tagged).toMatch(/OK/);
          mb.apply(r.untagged);
        } else if (watch < 0.75) {
          const range = mb.length === 0 ? '1:*' : `${1 + Math.floor(random() * mb.length)}:*`;
          log.push(`B: FETCH ${range}`);
          const r = await b.cmd(`FETCH ${range} (UID FLAGS)`);
          if (mb.length > 0) expect(r.tagged).toMatch(/OK/);
          mb.apply(r.untagged);
        } else {
          const key = pick(['ALL', 'FLAGGED', 'UNSEEN', 'RECENT', 'NEW', `KEYWORD ${pick(keywords)}`]);
          log.push(`B: SEARCH ${key}`);
          const r = await b.cmd(`SEARCH ${key}`);
          expect(r.tagged).toMatch(/OK/);
          // A SEARCH may only name messages announced before its result line.
          const at = r.untagged.search(/^\* SEARCH/m);
          mb.apply(r.untagged.slice(0, Math.max(at, 0)));
          mb.checkSeqs(searchResult(r.untagged), `SEARCH ${key}`);
          if (key === 'ALL') {
            // Every message that still exists is named; one expunged by A but not yet announced may be left out.
            const live = new Set((await t.server.store.listUids(userId, mailbox.id)) as number[]);
            const named = new Set(searchResult(r.untagged));
            mb.entries.forEach((e, i) => {
              if (e.uid === null || live.has(e.uid)) expect(named.has(i + 1), `${log.join('\n')}\nSEARCH ALL misses ${i + 1}`).toBe(true);
            });
          }
          mb.apply(at < 0 ? '' : r.untagged.slice(at));
        }

        for (const [c, m] of [[a, ma], [b, mb]] as const) await sync(c, m);
        expect([...ma.faults, ...mb.faults], log.join('\n')).toEqual([]);
        // \Recent: every message is recent to exactly one of the two sessions.
        const ra = new Set(ma.recentUids());
        const rb = new Set(mb.recentUids());
        for (const uid of ma.uids()) {
          expect(ra.has(uid!) !== rb.has(uid!), `${log.join('\n')}\n\\Recent of UID ${uid}: A ${ra.has(uid!)}, B ${rb.has(uid!)}`).toBe(true);
        }
      }
      for (const c of [a, b, outside]) c.close();
    }, 120_000);
  }
});
