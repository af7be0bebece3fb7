// R1.4, R1.5, R9.1, R9.3 crash test: `postern serve` runs as a child process while LMTP clients stream
// deliveries; it is killed with SIGKILL at seeded random moments. After each kill `postern check` is clean,
// every recipient that got a 250 has the message exactly once, and no stored message is partial.
// Reproduce a run with POSTERN_CRASH_SEED=<seed> (printed on failure); POSTERN_CRASH_VERBOSE=1 prints counts.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { tempHome } from '../../support/cli.js';
import { ConnectionGone, LmtpWire, sendMessage } from '../../support/lmtp-wire.js';
import { startServeProcess, type ServeProcess } from '../../support/serve-process.js';

const SEED = Number(process.env.POSTERN_CRASH_SEED ?? 0x5eed2033) >>> 0;
const KILLS = 4;
const CLIENTS = 3;
const USERS = ['u1', 'u2', 'u3', 'u4'] as const;
const DOMAIN = 'crash.test';
const SENDER = `sender@${DOMAIN}`;

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Sent {
  id: string;
  length: number;
  hash: string;
  /** user name → the address used for that user (may carry a +detail). */
  rcpts: Map<string, string>;
}

/** Everything handed to the server, by Message-ID (without brackets). */
const sent = new Map<string, Sent>();
/** Message-ID → users whose copy got a 250 after DATA. */
const acked = new Map<string, Set<string>>();
let ackCount = 0;

const home = tempHome(
  [
    'hostname: crash.test.example',
    'listeners:',
    '  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }',
    'lmtp: { verify: false }',
    'auth: { scramIterations: 4096 }',
    'log: { level: info }',
    '',
  ].join('\n'),
);
const dbPath = join(home.dir, 'data/postern.sqlite');
let server: ServeProcess | undefined;
afterAll(async () => {
  await server?.dispose();
  home.cleanup();
});

const ALPHABET = (() => {
  const r = prng(SEED ^ 0xa1fa);
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,;:!?-_=+/()<>[]"\'';
  let s = '';
  for (let i = 0; i < 8192; i++) s += chars[Math.floor(r() * chars.length)] ?? 'x';
  return s;
})();

/** A CRLF message of 1–200 KB with a unique Message-ID; some body lines start with a dot. */
function buildMessage(rng: () => number, id: string, to: readonly string[]): Buffer {
  const target = 1024 + Math.floor(rng() * rng() * 199 * 1024);
  const parts = [
    'From: Crash Sender <sender@crash.test>',
    `To: ${to.join(', ')}`,
    `Subject: crash test ${id}`,
    `Message-ID: <${id}>`,
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
  ];
  let size = parts.reduce((n, p) => n + p.length + 2, 0);
  for (let i = 0; size < target && i < 100_000; i++) {
    const len = Math.floor(rng() * 120);
    const at = Math.floor(rng() * (ALPHABET.length - 130));
    const line = (rng() < 0.05 ? '.' : '') + ALPHABET.slice(at, at + len).trimEnd();
    parts.push(line);
    size += line.length + 2;
  }
  return Buffer.from(`${parts.join('\r\n')}\r\n`, 'latin1');
}

/** 1–3 distinct users, sometimes with a +detail, sometimes plus an unknown recipient (550). */
function pickRecipients(rng: () => number): { addresses: string[]; byUser: Map<string, string> } {
  const pool = [...USERS];
  const count = 1 + Math.floor(rng() * 3);
  const byUser = new Map<string, string>();
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const [user] = pool.splice(Math.floor(rng() * pool.length), 1);
    if (user === undefined) break;
    const address = rng() < 0.25 ? `${user}+d${i}@${DOMAIN}` : `${user}@${DOMAIN}`;
    byUser.set(user, address);
    addresses.push(address);
  }
  if (rng() < 0.1) addresses.splice(Math.floor(rng() * (addresses.length + 1)), 0, `nobody@${DOMAIN}`);
  return { addresses, byUser };
}

const userOf = (address: string): string => address.replace(/[+@].*$/, '');

interface RoundControl {
  stop: boolean;
  /** Set just before the server is killed: errors after this are expected. */
  killed: boolean;
  deadline: number;
}

/** One client connection streaming deliveries until told to stop or the connection dies. */
async function clientLoop(port: number, tag: string, rng: () => number, ctl: RoundControl): Promise<{ messages: number; error: string | null }> {
  let messages = 0;
  let wire: LmtpWire | undefined;
  try {
    wire = await LmtpWire.connect(port);
    await wire.hello('mta.crash.test');
    for (let n = 0; !ctl.stop && Date.now() < ctl.deadline && n < 10_000; n++) {
      const id = `${tag}.${n}@${DOMAIN}`;
      const { addresses, byUser } = pickRecipients(rng);
      const message = buildMessage(rng, id, addresses);
      sent.set(id, { id, length: message.length, hash: sha256(message), rcpts: byUser });
      const result = await sendMessage(wire, SENDER, addresses, message, (rcpt, reply) => {
        if (reply.code !== 250) return;
        const user = userOf(rcpt);
        let set = acked.get(id);
        if (!set) acked.set(id, (set = new Set()));
        set.add(user);
        ackCount += 1;
      });
      messages += 1;
      // Without a crash every known recipient is acknowledged and the unknown one refused at RCPT.
      const wanted = [...byUser.values()];
      if (result.accepted.join() !== wanted.join()) throw new Error(`${id}: accepted ${result.accepted.join()} of ${wanted.join()}`);
      for (const rcpt of wanted) {
        const r = result.final.get(rcpt);
        if (r?.code !== 250) throw new Error(`${id} for ${rcpt}: ${r?.raw ?? 'no reply'}`);
      }
    }
    if (!ctl.killed) {
      const bye = await wire.command('QUIT');
      if (bye.code !== 221) throw new Error(`QUIT: ${bye.raw}`);
    }
    return { messages, error: null };
  } catch (err) {
    if (ctl.killed) return { messages, error: null }; // the connection died with the server
    return { messages, error: `${tag}: ${err instanceof ConnectionGone ? 'connection lost' : ''} ${(err as Error).message}` };
  } finally {
    wire?.destroy();
  }
}

interface VerifyReport {
  stored: number;
  problems: string[];
}

/** Reads every stored message and compares it with what was sent. */
async function verifyStore(): Promise<VerifyReport> {
  const problems: string[] = [];
  const copies = new Map<string, number>(); // `${user} ${id}` → copies stored
  let stored = 0;
  const store = await openSqliteStore({ path: dbPath });
  try {
    for (const name of USERS) {
      const user = await store.findUser(name);
      if (!user) {
        problems.push(`user ${name} missing`);
        continue;
      }
      const inbox = await store.getMailbox(user.id, 'INBOX');
      const all = await store.listMailboxes(user.id);
      const elsewhere = all.filter((m) => m.id !== inbox.id && m.messages !== 0);
      if (elsewhere.length > 0) problems.push(`${name}: messages outside INBOX: ${elsewhere.map((m) => m.name).join(', ')}`);
      const metas = await store.listMessages(user.id, inbox.id);
      if (metas.length !== inbox.messages) problems.push(`${name}: INBOX counter ${inbox.messages} but ${metas.length} rows`);
      for (const meta of metas) {
        stored += 1;
        const buf = await store.readMessage(user.id, inbox.id, meta.uid);
        const where = `${name} uid ${meta.uid}`;
        if (buf.length !== meta.size) problems.push(`${where}: ${buf.length} octets but size ${meta.size}`);
        const text = buf.toString('latin1');
        const m = /\r\nMessage-ID: <([^>\r\n]+)>\r\n/.exec(text);
        const id = m?.[1];
        const record = id === undefined ? undefined : sent.get(id);
        if (id === undefined || record === undefined) {
          problems.push(`${where}: no known Message-ID (${JSON.stringify(text.slice(0, 300))})`);
          continue;
        }
        const address = record.rcpts.get(name);
        if (address === undefined) {
          problems.push(`${where}: ${id} was not sent to ${name}`);
          continue;
        }
        const key = `${name} ${id}`;
        copies.set(key, (copies.get(key) ?? 0) + 1);
        // Trace prefix + the original, byte for byte: anything shorter or different is half-stored.
        if (buf.length <= record.length) {
          problems.push(`${where}: ${id} has ${buf.length} octets, the original alone has ${record.length}`);
          continue;
        }
        const original = buf.subarray(buf.length - record.length);
        if (sha256(original) !== record.hash) problems.push(`${where}: ${id} does not end with the original message`);
        const prefix = buf.subarray(0, buf.length - record.length).toString('latin1');
        if (!prefix.startsWith(`Return-Path: <${SENDER}>\r\nDelivered-To: ${address}\r\n`)) {
          problems.push(`${where}: ${id} trace prefix does not start with Return-Path and Delivered-To: ${JSON.stringify(prefix.slice(0, 200))}`);
        }
        if (!/\r\nReceived: [^]*with LMTP[^]*\r\n$/.test(prefix)) problems.push(`${where}: ${id} prefix lacks our Received field`);
      }
    }
  } finally {
    await store.close();
  }
  for (const [key, n] of copies) if (n !== 1) problems.push(`${key}: stored ${n} times`);
  for (const [id, users] of acked) {
    for (const user of users) if (copies.get(`${user} ${id}`) !== 1) problems.push(`${user} ${id}: acknowledged with 250 but stored ${copies.get(`${user} ${id}`) ?? 0} times`);
  }
  return { stored, problems };
}

/** Delivers from CLIENTS connections until `until` resolves, then sets ctl.stop; returns the loops' results. */
async function deliverDuring(port: number, round: number, ctl: RoundControl, until: Promise<void>): Promise<Array<{ messages: number; error: string | null }>> {
  const loops = Array.from({ length: CLIENTS }, (_, c) => clientLoop(port, `r${round}c${c}`, prng(SEED + round * 101 + c * 7919), ctl));
  await until;
  ctl.stop = true;
  return Promise.all(loops);
}

describe('LMTP crash safety (child process killed with SIGKILL)', () => {
  it(
    `loses no acknowledged message and half-stores none across ${KILLS} kills (seed ${SEED})`,
    async () => {
      const seedNote = `(POSTERN_CRASH_SEED=${SEED})`;
      for (const name of USERS) {
        const r = await home.run(['user', 'add', name], 'crash-test-pw\n');
        expect(r.code, r.stderr).toBe(0);
      }
      const rng = prng(SEED);

      for (let round = 0; round < KILLS; round++) {
        server = await startServeProcess(home.env);
        const port = await server.port('lmtp');
        const ctl: RoundControl = { stop: false, killed: false, deadline: Date.now() + 15_000 };
        const killAfter = Math.floor(250 + rng() * 2750);
        const victim = server;
        const kill = (async () => {
          await sleep(killAfter);
          ctl.killed = true;
          victim.kill('SIGKILL');
          const exit = await Promise.race([victim.exited, sleep(5000).then(() => null)]);
          expect(exit?.signal, `round ${round}: the server did not die of SIGKILL ${seedNote}`).toBe('SIGKILL');
        })();
        const results = await deliverDuring(port, round, ctl, kill);
        server = undefined;
        const errors = results.map((r) => r.error).filter((e) => e !== null);
        expect(errors, `round ${round}: delivery errors before the kill ${seedNote}`).toEqual([]);

        const check = await home.run(['check', '--integrity']);
        expect(check.code, `round ${round}: postern check after SIGKILL at ${killAfter} ms ${seedNote}\n${check.stdout}${check.stderr}`).toBe(0);
        const report = await verifyStore();
        expect(report.problems, `round ${round}: killed after ${killAfter} ms ${seedNote}`).toEqual([]);
        if (process.env.POSTERN_CRASH_VERBOSE) {
          console.info(`round ${round}: killed after ${killAfter} ms; sent ${sent.size}, acknowledged copies ${ackCount}, stored copies ${report.stored}`);
        }
      }

      // Restart once more, keep delivering, then stop cleanly with SIGTERM.
      server = await startServeProcess(home.env);
      const port = await server.port('lmtp');
      const ctl: RoundControl = { stop: false, killed: false, deadline: Date.now() + 15_000 };
      const before = sent.size;
      const results = await deliverDuring(port, KILLS, ctl, sleep(1000));
      expect(results.map((r) => r.error).filter((e) => e !== null), seedNote).toEqual([]);
      expect(sent.size).toBeGreaterThan(before);
      server.kill('SIGTERM');
      const exit = await Promise.race([server.exited, sleep(15_000).then(() => null)]);
      expect(exit, 'exit after SIGTERM').toEqual({ code: 0, signal: null });
      expect(server.stderr()).toBe('');
      server = undefined;

      const check = await home.run(['check', '--integrity']);
      expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
      const report = await verifyStore();
      expect(report.problems, seedNote).toEqual([]);
      // The test means something only if many messages were acknowledged and stored.
      expect(ackCount).toBeGreaterThan(20);
      expect(report.stored).toBeGreaterThanOrEqual(ackCount);
    },
    120_000,
  );
});
