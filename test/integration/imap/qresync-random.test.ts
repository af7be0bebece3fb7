// Randomised QRESYNC resync (issue 15 "Done means", RFC 7162 §3.2.5): session A syncs a mailbox into a cache
// and disconnects; session B expunges, flags and appends at random; A reconnects with SELECT (QRESYNC ...) —
// with or without known-uids — applies the VANISHED (EARLIER) and FETCH responses to its cache and fetches the
// UIDs above its old UIDNEXT. The cache must equal a full resync (UID FETCH 1:* FLAGS). Run against a server
// whose expunge log keeps the default and one that keeps 3 expunges per mailbox, so that most reconnects fall
// behind the horizon (a larger answer, never a wrong one). Seeded (POSTERN_RANDOM_SEED adds a seed), bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const ROUNDS = 8;
const SEEDS = [11, 12, ...(process.env.POSTERN_RANDOM_SEED ? [Number(process.env.POSTERN_RANDOM_SEED)] : [])];
const FLAGS = ['\\Seen', '\\Flagged', '\\Answered', '$Work', 'Junk'];

/** mulberry32: small and seedable. */
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

/** A uid-set ("1:3,7") as its UIDs. */
function uidsOf(set: string): number[] {
  return set.split(',').flatMap((part) => {
    const [x, y] = part.split(':').map(Number);
    const out: number[] = [];
    for (let u = Math.min(x!, y ?? x!); u <= Math.max(x!, y ?? x!); u++) out.push(u);
    return out;
  });
}

/** UID → sorted flags (without \Recent, which is session state) from `* n FETCH (... UID u ... FLAGS (...))`. */
function fetched(untagged: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of untagged.matchAll(/^\* \d+ FETCH \((.*)\)\r$/gm)) {
    const uid = /UID (\d+)/.exec(m[1]!);
    const flags = /FLAGS \(([^)]*)\)/.exec(m[1]!);
    if (!uid || !flags) continue;
    out.set(Number(uid[1]), flags[1]!.split(' ').filter((f) => f !== '' && f !== '\\Recent').sort().join(' '));
  }
  return out;
}

interface Cache {
  uidValidity: number;
  modseq: number;
  uidNext: number;
  flags: Map<number, string>;
}

for (const keep of [10_000, 3]) {
  describe(`QRESYNC against a full resync, expunge log keeping ${keep} per mailbox`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({
        listeners: 'listeners:\n  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }\n',
        auth: PLAINTEXT_AUTH,
        store: `store: { path: data/postern.sqlite, expungeLogKeep: ${keep} }`,
      });
      await t.addUser('q@example.org', 'pw-q');
    }, 60_000);
    afterAll(() => t.stop());

    async function login(): Promise<RawImap> {
      const c = await RawImap.open(t.port('imap'));
      expect((await c.cmd('LOGIN q@example.org pw-q')).tagged).toMatch(/ OK/);
      return c;
    }

    let appended = 0;
    /** Reconnects whose VANISHED (EARLIER) named UIDs the cache never held: answered past the horizon. */
    let larger = 0;
    async function append(c: RawImap, box: string, flags: string): Promise<void> {
      const msg = `Subject: q${++appended}\r\n\r\nbody ${appended}\r\n`;
      const tag = c.nextTag();
      c.write(`${tag} APPEND ${box} (${flags}) {${msg.length}+}\r\n${msg}\r\n`);
      expect((await c.reply(tag)).tagged).toMatch(/ OK/);
    }

    async function fullResync(c: RawImap): Promise<Map<number, string>> {
      const r = await c.cmd('UID FETCH 1:* (FLAGS)');
      expect(r.tagged).toMatch(/ OK/);
      return fetched(r.untagged);
    }

    for (const seed of SEEDS) {
      it(`seed ${seed}: every reconnect's cache equals a full resync`, async () => {
        const random = rng(seed);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
        const box = `Q${seed}`;
        const b = await login();
        expect((await b.cmd(`CREATE ${box}`)).tagged).toMatch(/ OK/);
        for (let k = 0; k < 12; k++) await append(b, box, pick(['', '\\Seen', '$Work']));
        expect((await b.cmd(`SELECT ${box}`)).tagged).toMatch(/ OK/);

        // A's first sync: a full one.
        let a = await login();
        expect((await a.cmd('ENABLE QRESYNC')).untagged).toBe('* ENABLED QRESYNC\r\n');
        const first = await a.cmd(`SELECT ${box}`);
        const cache: Cache = {
          uidValidity: Number(/UIDVALIDITY (\d+)/.exec(first.untagged)![1]),
          modseq: Number(/HIGHESTMODSEQ (\d+)/.exec(first.untagged)![1]),
          uidNext: Number(/UIDNEXT (\d+)/.exec(first.untagged)![1]),
          flags: await fullResync(a),
        };
        a.close();
        for (let round = 0; round < ROUNDS; round++) {
          // B changes the mailbox while A is away.
          const actions = 1 + Math.floor(random() * 6);
          for (let n = 0; n < actions; n++) {
            const count = Number(/STATUS \S+ \(MESSAGES (\d+)\)/.exec((await b.cmd(`STATUS ${box} (MESSAGES)`)).untagged)![1]);
            const what = random();
            if (count < 3 || what < 0.25) await append(b, box, pick(['', '\\Flagged', 'Junk']));
            else if (what < 0.6) {
              const seqs = [...new Set([1 + Math.floor(random() * count), 1 + Math.floor(random() * count)])].join(',');
              expect((await b.cmd(`STORE ${seqs} ${pick(['+', '-'])}FLAGS (${pick(FLAGS)})`)).tagged).toMatch(/ OK/);
            } else {
              const seqs = [...new Set([1 + Math.floor(random() * count), 1 + Math.floor(random() * count)])].join(',');
              expect((await b.cmd(`STORE ${seqs} +FLAGS.SILENT (\\Deleted)`)).tagged).toMatch(/ OK/);
              expect((await b.cmd('EXPUNGE')).tagged).toMatch(/ OK/);
            }
          }
          await b.cmd('NOOP');

          // A reconnects with QRESYNC and applies what it is told.
          a = await login();
          expect((await a.cmd('ENABLE QRESYNC')).tagged).toMatch(/ OK/);
          const known = random() < 0.5 ? ` ${[...cache.flags.keys()].join(',') || '1'}` : '';
          const sel = await a.cmd(`SELECT ${box} (QRESYNC (${cache.uidValidity} ${cache.modseq}${known}))`);
          expect(sel.tagged).toMatch(/ OK/);
          expect(sel.untagged).not.toMatch(/EXPUNGE/);
          const expected = await fullResync(a);
          for (const m of sel.untagged.matchAll(/^\* VANISHED \(EARLIER\) (\S+)\r$/gm)) {
            const gone = uidsOf(m[1]!);
            // Never wrong: nothing reported gone is still there.
            for (const uid of gone) expect(expected.has(uid), `UID ${uid} reported VANISHED but present`).toBe(false);
            if (gone.some((u) => !cache.flags.has(u))) larger += 1;
            for (const uid of gone) cache.flags.delete(uid);
          }
          for (const [uid, flags] of fetched(sel.untagged)) cache.flags.set(uid, flags);
          const fresh = await a.cmd(`UID FETCH ${cache.uidNext}:* (FLAGS)`);
          for (const [uid, flags] of fetched(fresh.untagged)) if (uid >= cache.uidNext) cache.flags.set(uid, flags);
          expect(new Map([...cache.flags].sort((x, y) => x[0] - y[0])), `seed ${seed} round ${round}`).toEqual(expected);
          cache.modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(sel.untagged)![1]);
          cache.uidNext = Number(/UIDNEXT (\d+)/.exec(sel.untagged)![1]);
          a.close();
        }
        b.close();
      }, 120_000);
    }

    if (keep === 3) {
      it('the small log was left behind by some reconnect (the horizon path ran)', () => {
        expect(larger).toBeGreaterThan(0);
      });
    }
  });
}
