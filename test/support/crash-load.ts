// Crash-test load (R1.4, R1.5, R9.1, R9.3; issue 18): LMTP clients stream seeded random deliveries (1–200 KB, 1–3
// users, +details, an unknown recipient now and then) to one or more `postern serve` processes, recording every
// copy acknowledged with 250; `verify` then reads a store and checks that every acknowledged copy is stored exactly
// once, whole, with its trace prefix, and nothing unknown or partial is stored. Used by the SQLite crash test and
// the two-front-end PostgreSQL one.
import { createHash } from 'node:crypto';
import type { Store } from '../../src/store/store.js';
import { ConnectionGone, LmtpWire, sendMessage } from './lmtp-wire.js';

export const CRASH_USERS = ['u1', 'u2', 'u3', 'u4'] as const;
export const CRASH_DOMAIN = 'crash.test';
const SENDER = `sender@${CRASH_DOMAIN}`;

/** mulberry32: small, seeded, reproducible. */
export function prng(seed: number): () => number {
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
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Sent {
  id: string;
  length: number;
  hash: string;
  /** user name → the address used for that user (may carry a +detail). */
  rcpts: Map<string, string>;
}

export interface RoundControl {
  stop: boolean;
  /** Set just before a server is killed: errors on its connections after this are expected. */
  killed: boolean;
  deadline: number;
}

export interface LoopResult {
  messages: number;
  error: string | null;
}

export interface VerifyReport {
  stored: number;
  problems: string[];
}

const userOf = (address: string): string => address.replace(/[+@].*$/, '');

export class CrashLoad {
  /** Everything handed to a server, by Message-ID (without brackets). */
  readonly sent = new Map<string, Sent>();
  /** Message-ID → users whose copy got a 250 after DATA. */
  readonly acked = new Map<string, Set<string>>();
  ackCount = 0;
  private readonly alphabet: string;

  constructor(readonly seed: number) {
    const r = prng(seed ^ 0xa1fa);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,;:!?-_=+/()<>[]"\'';
    let s = '';
    for (let i = 0; i < 8192; i++) s += chars[Math.floor(r() * chars.length)] ?? 'x';
    this.alphabet = s;
  }

  /** A CRLF message of 1–200 KB with a unique Message-ID; some body lines start with a dot. */
  private buildMessage(rng: () => number, id: string, to: readonly string[]): Buffer {
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
      const at = Math.floor(rng() * (this.alphabet.length - 130));
      const line = (rng() < 0.05 ? '.' : '') + this.alphabet.slice(at, at + len).trimEnd();
      parts.push(line);
      size += line.length + 2;
    }
    return Buffer.from(`${parts.join('\r\n')}\r\n`, 'latin1');
  }

  /** 1–3 distinct users, sometimes with a +detail, sometimes plus an unknown recipient (550). */
  private pickRecipients(rng: () => number): { addresses: string[]; byUser: Map<string, string> } {
    const pool = [...CRASH_USERS];
    const count = 1 + Math.floor(rng() * 3);
    const byUser = new Map<string, string>();
    const addresses: string[] = [];
    for (let i = 0; i < count; i++) {
      const [user] = pool.splice(Math.floor(rng() * pool.length), 1);
      if (user === undefined) break;
      const address = rng() < 0.25 ? `${user}+d${i}@${CRASH_DOMAIN}` : `${user}@${CRASH_DOMAIN}`;
      byUser.set(user, address);
      addresses.push(address);
    }
    if (rng() < 0.1) addresses.splice(Math.floor(rng() * (addresses.length + 1)), 0, `nobody@${CRASH_DOMAIN}`);
    return { addresses, byUser };
  }

  /**
   * One client connection streaming deliveries until told to stop or the connection dies. `killable`: the server
   * it talks to may be killed (errors after ctl.killed are then expected).
   */
  async clientLoop(port: number, tag: string, rng: () => number, ctl: RoundControl, killable = true): Promise<LoopResult> {
    let messages = 0;
    let wire: LmtpWire | undefined;
    try {
      wire = await LmtpWire.connect(port);
      await wire.hello('mta.crash.test');
      for (let n = 0; !ctl.stop && Date.now() < ctl.deadline && n < 10_000; n++) {
        const id = `${tag}.${n}@${CRASH_DOMAIN}`;
        const { addresses, byUser } = this.pickRecipients(rng);
        const message = this.buildMessage(rng, id, addresses);
        this.sent.set(id, { id, length: message.length, hash: sha256(message), rcpts: byUser });
        const result = await sendMessage(wire, SENDER, addresses, message, (rcpt, reply) => {
          if (reply.code !== 250) return;
          const user = userOf(rcpt);
          let set = this.acked.get(id);
          if (!set) this.acked.set(id, (set = new Set()));
          set.add(user);
          this.ackCount += 1;
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
      if (!(killable && ctl.killed)) {
        const bye = await wire.command('QUIT');
        if (bye.code !== 221) throw new Error(`QUIT: ${bye.raw}`);
      }
      return { messages, error: null };
    } catch (err) {
      if (killable && ctl.killed) return { messages, error: null }; // the connection died with the server
      return { messages, error: `${tag}: ${err instanceof ConnectionGone ? 'connection lost' : ''} ${(err as Error).message}` };
    } finally {
      wire?.destroy();
    }
  }

  /** Reads every stored message of the crash users and compares it with what was sent and acknowledged. */
  async verify(store: Store): Promise<VerifyReport> {
    const problems: string[] = [];
    const copies = new Map<string, number>(); // `${user} ${id}` → copies stored
    let stored = 0;
    for (const name of CRASH_USERS) {
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
      for (let i = 1; i < metas.length; i++) {
        if (metas[i]!.uid <= metas[i - 1]!.uid) problems.push(`${name}: UIDs not strictly ascending at ${metas[i]!.uid}`);
      }
      if (metas.length > 0 && inbox.uidNext <= metas[metas.length - 1]!.uid) problems.push(`${name}: UIDNEXT ${inbox.uidNext} not above the last UID`);
      for (const meta of metas) {
        stored += 1;
        const buf = await store.readMessage(user.id, inbox.id, meta.uid);
        const where = `${name} uid ${meta.uid}`;
        if (buf.length !== meta.size) problems.push(`${where}: ${buf.length} octets but size ${meta.size}`);
        const text = buf.toString('latin1');
        const m = /\r\nMessage-ID: <([^>\r\n]+)>\r\n/.exec(text);
        const id = m?.[1];
        const record = id === undefined ? undefined : this.sent.get(id);
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
    for (const [key, n] of copies) if (n !== 1) problems.push(`${key}: stored ${n} times`);
    for (const [id, users] of this.acked) {
      for (const user of users) {
        if (copies.get(`${user} ${id}`) !== 1) problems.push(`${user} ${id}: acknowledged with 250 but stored ${copies.get(`${user} ${id}`) ?? 0} times`);
      }
    }
    return { stored, problems };
  }
}
